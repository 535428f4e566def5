/**
 * Secrets go only where they belong: whoever may edit a shared credential, without being able to
 * read its secret, cannot point it at their own server. For every provider, a Base URL Override
 * on another host is refused before any request, by a run and by the credential's Test button.
 */
import { providers } from '../../nodes/CreateConversation/providers/registry';
import { createEmulator, type Emulator } from '../../sandbox';
import { runNode, testCredentialOf } from '../support/runNode';
import { sandboxProvider } from '../../sandbox';
import { itemsOf, SETUPS } from '../reliability/support';

let emulator: Emulator;

beforeAll(async () => {
	emulator = await createEmulator().start();
});
afterAll(async () => await emulator.stop());
beforeEach(() => {
	emulator.reset();
	jest.resetModules();
});

/** A provider's own domain, as the error must name it: its real host's last two labels. */
const domainOf = (id: string) =>
	new URL(sandboxProvider(id).fixtures.realHost).hostname.split('.').slice(-2).join('.');

describe.each(providers.map((provider) => [provider.id, provider.credentialType] as const))(
	'%s',
	(id, type) => {
		const setup = SETUPS[id];

		test.each([
			['an https:// host of somebody else', 'https://collector.example.com/api'],
			["a look-alike of the provider's domain", `https://api.${domainOf(id)}.example.com`],
			['plain http to a host that is not loopback', 'http://collector.example.com'],
		])(
			'a Base URL Override on %s is refused before anything is sent, naming the field and what is allowed',
			async (_name, baseUrl) => {
				setup.seed(emulator);
				const credentials = { [type]: { ...setup.credentials(emulator)[type], baseUrl } };
				const result = await runNode({
					credentials,
					items: itemsOf(1),
					parameters: setup.parameters,
				});
				expect(result.error?.message).toMatch(/Base URL Override must be an https:\/\/ address on/);
				expect(result.error?.message).toContain(`*.${domainOf(id)}`);
				expect(emulator.requests).toHaveLength(0);

				const tested = await testCredentialOf(type, {
					...setup.credentials(emulator)[type],
					baseUrl,
				});
				expect(tested.status).toBe('Error');
				// the Test button sends nothing to a host outside the provider's (loopback: the emulator)
				expect(
					emulator.requests.filter((request) => request.path.startsWith(`/${id}/`)),
				).toHaveLength(0);
			},
		);

		test('a loopback override (the sandbox) is accepted', async () => {
			setup.seed(emulator);
			const result = await runNode({
				credentials: setup.credentials(emulator),
				items: itemsOf(1),
				parameters: setup.parameters,
			});
			expect(result.error).toBeUndefined();
		});
	},
);
