/**
 * Error wording, for every provider: worded by what the failed call was (one that creates, or one
 * that only reads) and by the provider (what its credential and host consist of), and pointing at
 * options that exist.
 */
import { requestOptionsProperty } from '../../nodes/CreateConversation/shared/requestOptions';
import { providers } from '../../nodes/CreateConversation/providers/registry';
import { createEmulator, type Emulator } from '../../sandbox';
import { jsonOf, runNode } from '../support/runNode';
import { itemsOf, PROVIDERS, SETUPS } from '../reliability/support';

let emulator: Emulator;

beforeAll(async () => {
	emulator = await createEmulator().start();
});
afterAll(async () => await emulator.stop());
beforeEach(() => {
	emulator.reset();
	jest.resetModules();
});

const errorOf = async (
	setup: (typeof SETUPS)[keyof typeof SETUPS],
	parameters = setup.parameters,
) => {
	const result = await runNode({
		credentials: setup.credentials(emulator),
		continueOnFail: true,
		items: itemsOf(1),
		parameters,
	});
	return jsonOf(result.output)[0] as { error: string; errorDescription: string };
};

/** Providers whose flow reads something before it creates, with that read's path. */
const READERS = PROVIDERS.filter(({ fixtures }) => fixtures.reliability.readFirst).map(
	({ id }) => id,
);

test('some provider reads before it creates, so the read wording below is exercised', () => {
	expect(READERS.length).toBeGreaterThan(0);
});

test.each(READERS)(
	'%s: a 5xx on a call that only reads says running again is safe, not that it could duplicate',
	async (id) => {
		const setup = SETUPS[id];
		const { path, parameters } = setup.readFirst!;
		setup.seed(emulator);
		emulator.inject({ provider: id, path, fault: { kind: 'reply', reply: { status: 503 } } });
		const output = await errorOf(setup, parameters);
		expect(output.errorDescription).toMatch(/answered HTTP 503 to "(search|read|list) /);
		expect(output.errorDescription).toContain(
			'Nothing was created by this call; running the item again is safe.',
		);
		expect(output.errorDescription).not.toMatch(/duplicate/);
		expect(setup.created(emulator)).toBe(0);
	},
);

test.each(READERS)(
	"%s: a network failure on a read names this provider's own host fields",
	async (id) => {
		const setup = SETUPS[id];
		const { definition } = PROVIDERS.find((provider) => provider.id === id)!;
		const { path, parameters } = setup.readFirst!;
		setup.seed(emulator);
		emulator.inject({ provider: id, path, fault: { kind: 'reset-before-body' } });
		const output = await errorOf(setup, parameters);
		expect(output.error).toMatch(/^Could not .+: the connection was reset/);
		expect(output.errorDescription).toBe(
			`Nothing was created by this call. Check the credential's ${definition.errorHints.host} and the network between n8n and ${definition.displayName}.`,
		);
	},
);

test.each(providers.map((provider) => provider.id))(
	'%s: a 5xx on the create call warns that repeating it could create a duplicate',
	async (id) => {
		const setup = SETUPS[id];
		setup.seed(emulator);
		emulator.inject({
			provider: id,
			pathPrefix: setup.createPath,
			fault: { kind: 'reply', reply: { status: 502 } },
		});
		const output = await errorOf(setup);
		expect(output.errorDescription).toContain(
			'it may have been processed, and repeating it could create a duplicate',
		);
	},
);

test.each(providers.map((provider) => provider.id))(
	"%s: a rejected credential gets a hint about this provider's credential only",
	async (id) => {
		const setup = SETUPS[id];
		const provider = providers.find((candidate) => candidate.id === id)!;
		setup.seed(emulator);
		// twice: login and OAuth2 credentials are renewed after a first 401 and the request sent again
		emulator.inject({
			provider: id,
			pathPrefix: setup.createPath,
			fault: { kind: 'reply', reply: { status: 401, body: {} } },
			times: 2,
		});
		const output = await errorOf(setup);
		expect(output.errorDescription).toContain(
			`Check the ${provider.displayName} credential: ${provider.errorHints.credential}.`,
		);
		// no other provider's hint: a region or a tenant only where this provider has one
		for (const other of providers.filter((candidate) => candidate.id !== id)) {
			expect(output.errorDescription).not.toContain(other.errorHints.credential);
		}
		for (const word of ['region', 'tenant']) {
			if (!new RegExp(word, 'i').test(provider.errorHints.credential))
				expect(output.errorDescription).not.toMatch(new RegExp(word, 'i'));
		}
	},
);

test('messages name options that exist, in the collection they are in', async () => {
	const setup = SETUPS[PROVIDERS[0].id];
	setup.seed(emulator);
	emulator.inject({
		provider: setup.id,
		pathPrefix: setup.createPath,
		fault: { kind: 'reply', reply: { status: 429, headers: { 'retry-after': '90' }, body: {} } },
	});
	const output = await errorOf(setup, {
		...setup.parameters,
		requestOptions: { rateLimitPatienceSeconds: 10 },
	});
	const named = /Request Options › ([A-Za-z -]+?) \(/.exec(output.error)?.[1];
	expect(named).toBe('Rate-Limit Patience');
	const optionNames = (requestOptionsProperty.options ?? []).map(
		(option) => (option as { displayName: string }).displayName,
	);
	expect(optionNames.some((name) => name.startsWith(named!))).toBe(true);
});
