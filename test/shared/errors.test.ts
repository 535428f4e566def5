/**
 * Error wording, for every provider: worded by what the failed call was (one that creates, or one
 * that only reads) and by the provider (what its credential and host consist of), and pointing at
 * options that exist.
 */
import { requestOptionsProperty } from '../../nodes/CreateConversation/shared/requestOptions';
import { providers } from '../../nodes/CreateConversation/providers/registry';
import { createEmulator, type Emulator } from '../emulator/index.ts';
import type { IntercomEmulator } from '../emulator/intercom.ts';
import { jsonOf, runNode } from '../support/engine';
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

const errorOf = async (setup: (typeof SETUPS)[keyof typeof SETUPS], parameters = setup.parameters) => {
	const result = await runNode({ credentials: setup.credentials(emulator), continueOnFail: true, items: itemsOf(1), parameters });
	return jsonOf(result.output)[0] as { error: string; errorDescription: string };
};

test('a 5xx on a call that only reads says running again is safe, not that it could duplicate', async () => {
	const setup = SETUPS.intercom;
	emulator.inject({ provider: 'intercom', path: '/intercom/contacts/search', fault: { kind: 'reply', reply: { status: 503 } } });
	const output = await errorOf(setup, {
		provider: 'intercom',
		intercomContactMode: 'email',
		intercomEmail: 'someone@example.com',
		intercomBody: 'x',
	});
	expect(output.errorDescription).toContain('answered HTTP 503 to "search Intercom contacts by email"');
	expect(output.errorDescription).toContain('Nothing was created by this call; running the item again is safe.');
	expect(output.errorDescription).not.toMatch(/duplicate/);
	expect(emulator.provider<IntercomEmulator>('intercom').created).toHaveLength(0);
});

test.each(providers.map((provider) => provider.id))('%s: a 5xx on the create call warns that repeating it could create a duplicate', async (id) => {
	const setup = SETUPS[id as keyof typeof SETUPS];
	setup.seed(emulator);
	emulator.inject({ provider: id, pathPrefix: setup.createPath, fault: { kind: 'reply', reply: { status: 502 } } });
	const output = await errorOf(setup);
	expect(output.errorDescription).toContain('it may have been processed, and repeating it could create a duplicate');
});

test('a network failure on a read names the provider\'s own host fields (ZAP: Environment)', async () => {
	const setup = SETUPS.zap;
	emulator.inject({ provider: 'zap', path: '/zap/v1/users/token', fault: { kind: 'reset-before-body' } });
	const output = await errorOf(setup, { provider: 'zap', zapUserId: '' });
	expect(output.error).toMatch(/Could not read the ZAP account of the credential: the connection was reset/);
	expect(output.errorDescription).toBe(
		"Nothing was created by this call. Check the credential's Environment or Base URL Override and the network between n8n and ZAP.",
	);
});

test.each(providers.map((provider) => provider.id))('%s: a rejected credential gets a hint about this provider\'s credential only', async (id) => {
	const setup = SETUPS[id as keyof typeof SETUPS];
	const provider = providers.find((candidate) => candidate.id === id)!;
	setup.seed(emulator);
	// twice: login and OAuth2 credentials are renewed after a first 401 and the request sent again
	emulator.inject({ provider: id, pathPrefix: setup.createPath, fault: { kind: 'reply', reply: { status: 401, body: {} } }, times: 2 });
	const output = await errorOf(setup);
	expect(output.errorDescription).toContain(`Check the ${provider.displayName} credential: ${provider.errorHints.credential}.`);
	// only Intercom has regions; only Dynamics has a tenant
	if (id !== 'intercom') expect(output.errorDescription).not.toMatch(/region/i);
	if (id !== 'dynamics') expect(output.errorDescription).not.toMatch(/tenant/i);
});

test('messages name options that exist, in the collection they are in', async () => {
	const setup = SETUPS.reamaze;
	setup.seed(emulator);
	emulator.inject({ provider: 'reamaze', pathPrefix: setup.createPath, fault: { kind: 'reply', reply: { status: 429, headers: { 'retry-after': '90' }, body: {} } } });
	const output = await errorOf(setup, { ...setup.parameters, requestOptions: { rateLimitPatienceSeconds: 10 } });
	const named = /Request Options › ([A-Za-z -]+?) \(/.exec(output.error)?.[1];
	expect(named).toBe('Rate-Limit Patience');
	const optionNames = (requestOptionsProperty.options ?? []).map((option) => (option as { displayName: string }).displayName);
	expect(optionNames.some((name) => name.startsWith(named!))).toBe(true);
});
