import { WindowLimiter } from '../../../sandbox/server';
import { createEmulator, type Emulator } from '../../../sandbox/index';
import {
	ZAP_TEST_ACCESS_TOKEN,
	ZAP_TEST_IDENTITY,
	ZAP_TEST_PASSWORD,
	ZAP_TEST_USERNAME,
	zapObjectId,
	type ZapEmulator,
} from '../../../sandbox/providers/zap/emulator';
import { CredentialStore } from '../../harness';
import { jsonOf, runNode, testCredentialOf, visibleText } from '../../support/runNode';

let emulator: Emulator;
let zap: ZapEmulator;

beforeAll(async () => {
	emulator = await createEmulator().start();
	zap = emulator.provider<ZapEmulator>('zap');
});
afterAll(async () => await emulator.stop());
beforeEach(() => {
	emulator.reset();
	// The credential keeps the logins of its process (one login serves every execution that
	// starts together); the emulator's reset forgets every session, so each test is a new process.
	jest.resetModules();
});

const tokenCredential = (overrides: Record<string, string> = {}) => ({
	environment: 'production',
	authMode: 'accessToken',
	accessToken: ZAP_TEST_ACCESS_TOKEN,
	baseUrl: emulator.baseUrl('zap'),
	...overrides,
});

const loginCredential = (overrides: Record<string, string> = {}) => ({
	environment: 'production',
	authMode: 'login',
	identity: ZAP_TEST_IDENTITY,
	password: ZAP_TEST_PASSWORD,
	baseUrl: emulator.baseUrl('zap'),
	...overrides,
});

const withToken = (overrides: Record<string, string> = {}) => ({
	zapConversationApi: tokenCredential(overrides),
});
const withLogin = (overrides: Record<string, string> = {}) => ({
	zapConversationApi: loginCredential(overrides),
});

const CREATE_PATH = '/zap/v1/support/conversations';
const creates = () => emulator.requestsFor('zap', { method: 'POST', path: CREATE_PATH });
const logins = () => emulator.requestsFor('zap', { method: 'POST', path: '/zap/v1/login' });
const whoAmI = () => emulator.requestsFor('zap', { method: 'GET', path: '/zap/v1/users/token' });

const forUser = (userId: string, extra: Record<string, unknown> = {}) => ({
	provider: 'zap',
	zapUserId: userId,
	...extra,
});

describe('access token', () => {
	test('creates one conversation with exactly the documented request', async () => {
		const customer = zap.addUser();
		const result = await runNode({
			credentials: withToken(),
			items: [{ user: customer.id }],
			parameters: forUser('={{ $json.user }}'),
		});

		expect(result.error).toBeUndefined();
		const [sent] = creates();
		expect(sent.body).toEqual({ userId: customer.id });
		expect(sent.query).toEqual({});
		expect(sent.headers.authorization).toBe(`Bearer ${ZAP_TEST_ACCESS_TOKEN}`);
		expect(sent.headers['guest-id']).toBeUndefined();
		expect(sent.headers.accept).toBe('application/json');
		expect(logins()).toHaveLength(0);
		expect(whoAmI()).toHaveLength(0);

		const [item] = result.output!;
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toMatchObject({
			provider: 'zap',
			status: 'created',
			conversationId: zap.created[0].id,
			userId: customer.id,
			userIdSource: 'given',
			conversation: { id: zap.created[0].id, userId: customer.id, isClosed: false, messages: [] },
		});
		expect(item.json).not.toHaveProperty('isGuest');
		expect(item.json.response).toMatchObject({ success: true, data: { id: zap.created[0].id } });
	});

	test("an empty User ID means the credential's own user, read once per execution", async () => {
		const result = await runNode({
			credentials: withToken(),
			items: [{}, {}, {}],
			parameters: { provider: 'zap', zapUserId: '' },
		});
		expect(result.error).toBeUndefined();
		expect(whoAmI()).toHaveLength(1);
		expect(creates().map((request) => request.body)).toEqual(
			Array(3).fill({ userId: zap.agent.id }),
		);
		expect(jsonOf(result.output).map((item) => [item.userId, item.userIdSource])).toEqual(
			Array(3).fill([zap.agent.id, 'credential']),
		);
		// the lookup happens before the create that depends on it
		expect(whoAmI()[0].seq).toBeLessThan(Math.min(...creates().map((request) => request.seq)));
	});

	test('Guest Conversation and Guest ID go on the wire only when set, false included', async () => {
		const customer = zap.addUser();
		const result = await runNode({
			credentials: withToken(),
			items: [
				{ guest: true, gid: 'guest-7f3a' },
				{ guest: false, gid: 'b2c1e9d0-0000-4000-8000-000000000001' },
			],
			parameters: forUser(customer.id, {
				zapOptions: { isGuest: '={{ $json.guest }}', guestId: '={{ $json.gid }}' },
			}),
		});
		expect(result.error).toBeUndefined();
		const sent = [...creates()].sort((a, b) =>
			String(a.query.isGuest).localeCompare(String(b.query.isGuest)),
		);
		expect(sent.map((request) => [request.query, request.headers['guest-id']])).toEqual([
			[{ isGuest: 'false' }, 'b2c1e9d0-0000-4000-8000-000000000001'],
			[{ isGuest: 'true' }, 'guest-7f3a'],
		]);
		expect(jsonOf(result.output).map((item) => item.isGuest)).toEqual([true, false]);
	});

	test('a wrong token is a clear 401 and appears nowhere', async () => {
		const result = await runNode({
			credentials: withToken({ accessToken: 'wrong-zap-token-991' }),
			parameters: forUser(zap.agent.id),
		});
		expect(result.error?.message).toBe('ZAP: Unauthorized: invalid or expired token');
		expect((result.error as unknown as { httpCode: string }).httpCode).toBe('401');
		expect(visibleText(result)).not.toContain('wrong-zap-token-991');
		expect(zap.created).toHaveLength(0);
		// A pasted token cannot be renewed: the 401 is final and the request is not sent twice.
		expect(creates()).toHaveLength(1);
	});
});

describe('email/username and password', () => {
	test('logs in once for many items and sends the session token', async () => {
		const customer = zap.addUser();
		const result = await runNode({
			credentials: withLogin(),
			items: [{}, {}, {}, {}, {}],
			parameters: forUser(customer.id),
		});
		expect(result.error).toBeUndefined();
		expect(logins()).toHaveLength(1);
		// the emulator checked the password (the login succeeded) and redacted it from its log
		expect(logins()[0].body).toEqual({ identity: ZAP_TEST_IDENTITY, password: '[redacted]' });
		const [session] = zap.sessionTokens();
		expect(creates()).toHaveLength(5);
		expect(new Set(creates().map((request) => request.headers.authorization))).toEqual(
			new Set([`Bearer ${session}`]),
		);
		expect(zap.created).toHaveLength(5);
		expect(result.credentialStore.dataOf('zapConversationApi')?.sessionToken).toMatch(
			new RegExp(`:${session}$`),
		);
		const visible = visibleText(result);
		expect(visible).not.toContain(ZAP_TEST_PASSWORD);
		expect(visible).not.toContain(session);
	});

	test('the stored token is reused by the next execution', async () => {
		const credentialStore = new CredentialStore();
		await runNode({ credentials: withLogin(), credentialStore, parameters: forUser(zap.agent.id) });
		await runNode({ credentials: withLogin(), credentialStore, parameters: forUser(zap.agent.id) });
		expect(logins()).toHaveLength(1);
		expect(zap.created).toHaveLength(2);
	});

	test('a revoked token is renewed: 401 → login again → success, no duplicate conversation', async () => {
		const credentialStore = new CredentialStore();
		const first = await runNode({
			credentials: withLogin(),
			credentialStore,
			parameters: forUser(zap.agent.id),
		});
		expect(first.error).toBeUndefined();
		const [oldSession] = zap.sessionTokens();
		zap.revokeSessions();
		emulator.requests.length = 0;

		const second = await runNode({
			credentials: withLogin(),
			credentialStore,
			parameters: forUser(zap.agent.id),
		});
		expect(second.error).toBeUndefined();
		expect(creates().map((request) => request.status)).toEqual([401, 201]);
		expect(creates()[0].headers.authorization).toBe(`Bearer ${oldSession}`);
		const [newSession] = zap.sessionTokens();
		expect(newSession).not.toBe(oldSession);
		expect(creates()[1].headers.authorization).toBe(`Bearer ${newSession}`);
		expect(logins()).toHaveLength(1);
		expect(zap.created).toHaveLength(2); // one per execution
		expect(jsonOf(second.output)[0].conversationId).toBe(zap.created[1].id);
		expect(credentialStore.dataOf('zapConversationApi')?.sessionToken).toMatch(
			new RegExp(`:${newSession}$`),
		);
	});

	test('when renewing fails (password changed meanwhile), the login error is reported and nothing is created', async () => {
		const credentialStore = new CredentialStore();
		await runNode({ credentials: withLogin(), credentialStore, parameters: forUser(zap.agent.id) });
		zap.revokeSessions();
		zap.agent.password = 'changed-in-zap';
		emulator.requests.length = 0;

		const result = await runNode({
			credentials: withLogin(),
			credentialStore,
			parameters: forUser(zap.agent.id),
		});
		expect(result.error?.message).toBe(
			'ZAP login failed (HTTP 401): Invalid credentials. Check the email/username and password.',
		);
		expect(creates().map((request) => request.status)).toEqual([401]);
		expect(logins()).toHaveLength(1);
		expect(zap.created).toHaveLength(1);
		expect(visibleText(result)).not.toContain(ZAP_TEST_PASSWORD);
	});

	test('a stored token from another login is not sent: n8n logs in with the new one', async () => {
		const credentialStore = new CredentialStore();
		await runNode({ credentials: withLogin(), credentialStore, parameters: forUser(zap.agent.id) });
		const customer = zap.addUser({ username: 'other', password: 'other-password' });
		const stored = credentialStore.getByType('zapConversationApi')!;
		stored.data = { ...stored.data, identity: 'other', password: 'other-password' };
		emulator.requests.length = 0;

		const result = await runNode({
			credentials: withLogin(),
			credentialStore,
			parameters: { provider: 'zap' },
		});
		expect(result.error).toBeUndefined();
		expect(whoAmI()[0].headers.authorization).toBeUndefined();
		expect(logins()[0].body).toEqual({ identity: 'other', password: '[redacted]' });
		expect(logins()[0].status).toBe(200);
		expect(creates()[0].body).toEqual({ userId: customer.id });
	});

	test('a username works as the identity; the token nested as data.data.token is read', async () => {
		zap.nestedLoginData = true;
		const result = await runNode({
			credentials: withLogin({ identity: ZAP_TEST_USERNAME }),
			parameters: { provider: 'zap' },
		});
		expect(result.error).toBeUndefined();
		expect(jsonOf(result.output)[0]).toMatchObject({ userId: zap.agent.id, status: 'created' });
	});

	test('a deployment with the older login (email instead of identity) still works', async () => {
		zap.legacyLogin = true;
		const result = await runNode({ credentials: withLogin(), parameters: forUser(zap.agent.id) });
		expect(result.error).toBeUndefined();
		expect(
			logins().map((request) => [request.status, Object.keys(request.body as object)]),
		).toEqual([
			[422, ['identity', 'password']],
			[200, ['email', 'password']],
		]);
		expect(zap.created).toHaveLength(1);
	});

	test('a wrong password fails clearly, nothing is created, the password appears nowhere', async () => {
		const result = await runNode({
			credentials: withLogin({ password: 'wrong-password-0042' }),
			parameters: forUser(zap.agent.id),
		});
		expect(result.error?.message).toBe(
			'ZAP login failed (HTTP 401): Invalid credentials. Check the email/username and password.',
		);
		expect(logins()).toHaveLength(1);
		expect(creates()).toHaveLength(0);
		expect(visibleText(result)).not.toContain('wrong-password-0042');
	});
});

describe('validation happens before any request', () => {
	const invalid: Array<[string, Record<string, unknown>, RegExp]> = [
		[
			'a user ID that is not 24 hex characters',
			{ zapUserId: '64b7f0c2a1d3e4f5a6b7c8dz' },
			/"User ID" in item 0: must be the 24-character hexadecimal ZAP user ID/,
		],
		[
			'a user ID with a path in it',
			{ zapUserId: '../64b7f0c2a1d3e4f5a6b7c8' },
			/"User ID" in item 0: must be the 24-character/,
		],
		[
			'a user ID that is not text',
			{ zapUserId: '={{ 42 }}' },
			/"User ID" in item 0: must be text, not a number/,
		],
		[
			'a guest ID over two lines',
			{ zapOptions: { guestId: 'guest\nInjected: 1' } },
			/"Additional Fields › Guest ID" in item 0: must be one line/,
		],
		[
			'a guest ID with a space',
			{ zapOptions: { guestId: 'guest one' } },
			/"Additional Fields › Guest ID" in item 0: must be one line of at most 256 visible characters/,
		],
		[
			'a guest ID that is too long',
			{ zapOptions: { guestId: 'g'.repeat(257) } },
			/"Additional Fields › Guest ID" in item 0: must be one line of at most 256/,
		],
		[
			'a guest flag that is not true or false',
			{ zapOptions: { isGuest: '={{ "maybe" }}' } },
			/"Additional Fields › Guest Conversation" in item 0: must be true or false/,
		],
	];

	test.each(invalid)('%s', async (_name, overrides, expected) => {
		const result = await runNode({
			credentials: withToken(),
			items: [{}, {}],
			parameters: forUser(zap.agent.id, overrides),
		});
		expect(result.error?.message).toMatch(expected);
		expect(emulator.requests).toHaveLength(0);
	});

	test('surrounding spaces in the user ID are ignored', async () => {
		await runNode({ credentials: withToken(), parameters: forUser(`  ${zap.agent.id} `) });
		expect(creates()[0].body).toEqual({ userId: zap.agent.id });
	});
});

describe('provider errors', () => {
	test.each([
		[400, 'Malformed request body'],
		[403, 'You are not allowed to open a conversation for this user'],
		[404, 'User not found'],
		[422, '"userId" must be a valid id'],
		[500, 'Internal server error'],
	])("%i is reported with ZAP's message and not retried", async (status, message) => {
		emulator.inject({
			provider: 'zap',
			pathPrefix: CREATE_PATH,
			fault: { kind: 'reply', reply: { status, body: { success: false, message } } },
		});
		const result = await runNode({ credentials: withToken(), parameters: forUser(zap.agent.id) });
		expect(result.error?.message).toBe(`ZAP: ${message}`);
		expect((result.error as unknown as { httpCode: string }).httpCode).toBe(String(status));
		expect(creates()).toHaveLength(1);
	});

	test('unknown body shapes still give a message: errors list, plain text, nothing', async () => {
		emulator.inject({
			provider: 'zap',
			pathPrefix: CREATE_PATH,
			fault: {
				kind: 'reply',
				reply: {
					status: 422,
					body: { errors: [{ msg: 'Invalid value', path: 'userId' }, { msg: 'Required' }] },
				},
			},
		});
		emulator.inject({
			provider: 'zap',
			pathPrefix: CREATE_PATH,
			fault: { kind: 'reply', reply: { status: 502, raw: '<h1>Bad Gateway</h1>' } },
		});
		emulator.inject({
			provider: 'zap',
			pathPrefix: CREATE_PATH,
			fault: { kind: 'reply', reply: { status: 403 } },
		});
		const result = await runNode({
			credentials: withToken(),
			continueOnFail: true,
			items: [{}, {}, {}],
			parameters: { ...forUser(zap.agent.id), requestOptions: { concurrency: 1 } },
		});
		const output = jsonOf(result.output);
		expect(output[0]).toMatchObject({
			error: 'ZAP: Invalid value (field: userId)',
			httpCode: '422',
		});
		expect(output[0].errorDescription).toContain('Also: Required');
		expect(output[1]).toMatchObject({ error: 'ZAP: Bad Gateway', httpCode: '502' });
		expect(output[2]).toMatchObject({ error: 'ZAP: access denied', httpCode: '403' });
	});

	test("the emulator's own 404 and 403 (unknown user, not allowed) come through", async () => {
		const customer = zap.addUser({ username: 'cust', password: 'cust-pass' });
		const other = zap.addUser();
		const result = await runNode({
			credentials: withLogin({ identity: 'cust', password: 'cust-pass' }),
			continueOnFail: true,
			items: [{ user: zapObjectId() }, { user: other.id }, { user: customer.id }],
			parameters: { ...forUser('={{ $json.user }}'), requestOptions: { concurrency: 1 } },
		});
		expect(jsonOf(result.output).map((item) => item.httpCode ?? item.status)).toEqual([
			'404',
			'403',
			'created',
		]);
	});

	test('429 waits for Retry-After and then succeeds, without duplicates', async () => {
		zap.limiter = new WindowLimiter(2, 1000);
		const result = await runNode({
			credentials: withToken(),
			items: [{}, {}, {}, {}, {}],
			parameters: forUser(zap.agent.id),
		});
		expect(result.error).toBeUndefined();
		expect(zap.limiter.rejected).toBeGreaterThan(0);
		expect(creates().filter((request) => request.status === 429).length).toBe(zap.limiter.rejected);
		expect(zap.created).toHaveLength(5);
		expect(new Set(jsonOf(result.output).map((item) => item.conversationId)).size).toBe(5);
	});

	test('a 201 without data.id fails clearly', async () => {
		emulator.inject({
			provider: 'zap',
			pathPrefix: CREATE_PATH,
			fault: { kind: 'reply', reply: { status: 201, body: { success: true } } },
		});
		const result = await runNode({ credentials: withToken(), parameters: forUser(zap.agent.id) });
		expect(result.error?.message).toBe('ZAP answered without a conversation ID');
	});
});

describe('Continue On Fail', () => {
	test('failed items become error items; the others still go through', async () => {
		emulator.inject({
			provider: 'zap',
			pathPrefix: CREATE_PATH,
			fault: { kind: 'reply', reply: { status: 500, body: { success: false, message: 'Boom' } } },
		});
		const result = await runNode({
			credentials: withLogin(),
			continueOnFail: true,
			items: [{ user: zap.agent.id }, { user: 'not-an-id' }, { user: zap.agent.id }],
			parameters: { ...forUser('={{ $json.user }}'), requestOptions: { concurrency: 1 } },
		});
		expect(result.error).toBeUndefined();
		const output = jsonOf(result.output);
		expect(result.output!.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
		expect(output[0]).toMatchObject({ provider: 'zap', error: 'ZAP: Boom', httpCode: '500' });
		expect(output[1].error).toMatch(/^Invalid "User ID" in item 1: must be the 24-character/);
		expect(output[2]).toMatchObject({ status: 'created', conversationId: zap.created[0].id });
		expect(zap.created).toHaveLength(1);
		const visible = visibleText(result);
		expect(visible).not.toContain(ZAP_TEST_PASSWORD);
		for (const token of zap.sessionTokens()) expect(visible).not.toContain(token);
	});
});

describe('one login per process', () => {
	test('executions that start together with the same email and password share one login', async () => {
		const store = new CredentialStore();
		store.add('zapConversationApi', loginCredential());
		const customers = Array.from({ length: 8 }, () => zap.addUser());
		const runs = await Promise.all(
			customers.map((customer) =>
				runNode({
					credentialStore: store,
					items: [{ user: customer.id }],
					parameters: forUser('={{ $json.user }}'),
				}),
			),
		);
		expect(runs.map((run) => run.error)).toEqual(customers.map(() => undefined));
		expect(zap.created).toHaveLength(8);
		expect(logins()).toHaveLength(1);
		// and one that starts later, reading the credential as stored, logs in no more
		const later = await runNode({
			credentials: withLogin(),
			items: [{ user: customers[0].id }],
			parameters: forUser('={{ $json.user }}'),
		});
		expect(later.error).toBeUndefined();
		expect(logins()).toHaveLength(1);
	});

	test('after the session expires, one execution logs in again and the others use its token', async () => {
		const store = new CredentialStore();
		store.add('zapConversationApi', loginCredential());
		const customer = zap.addUser();
		const first = await runNode({
			credentialStore: store,
			items: [{ user: customer.id }],
			parameters: forUser('={{ $json.user }}'),
		});
		expect(first.error).toBeUndefined();
		zap.revokeSessions();
		const runs = await Promise.all(
			Array.from({ length: 5 }, () =>
				runNode({
					credentialStore: store,
					items: [{ user: customer.id }],
					parameters: forUser('={{ $json.user }}'),
				}),
			),
		);
		expect(runs.map((run) => run.error)).toEqual([
			undefined,
			undefined,
			undefined,
			undefined,
			undefined,
		]);
		expect(logins()).toHaveLength(2);
		expect(zap.created).toHaveLength(6);
	});
});

describe('credential', () => {
	test('Test passes with an access token', async () => {
		const result = await testCredentialOf('zapConversationApi', tokenCredential());
		expect(result.status).toBe('OK');
		expect(whoAmI()[0].headers.authorization).toBe(`Bearer ${ZAP_TEST_ACCESS_TOKEN}`);
		expect(logins()).toHaveLength(0);
	});

	test('Test passes with email and password: it logs in, then reads the user', async () => {
		const result = await testCredentialOf('zapConversationApi', loginCredential());
		expect(result.status).toBe('OK');
		expect(logins()).toHaveLength(1);
		expect(whoAmI()[0].headers.authorization).toBe(`Bearer ${zap.sessionTokens()[0]}`);
	});

	test('Test fails clearly with a wrong password, without showing it', async () => {
		const result = await testCredentialOf(
			'zapConversationApi',
			loginCredential({ password: 'nope-pass-123' }),
		);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/ZAP login failed \(HTTP 401\): Invalid credentials/);
		expect(result.message).not.toContain('nope-pass-123');
		expect(whoAmI()).toHaveLength(0);
	});

	test('Test fails with a wrong access token', async () => {
		const result = await testCredentialOf(
			'zapConversationApi',
			tokenCredential({ accessToken: 'nope-token' }),
		);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/Unauthorized/i);
		expect(result.message).not.toContain('nope-token');
	});

	test('Custom Deployment needs a Base URL; nothing is sent without one', async () => {
		const result = await runNode({
			credentials: withToken({ environment: 'custom', baseUrl: '' }),
			parameters: forUser(zap.agent.id),
		});
		expect(result.error?.message).toMatch(/Custom Deployment.*Base URL/);
		expect(emulator.requests).toHaveLength(0);
	});

	test.each([
		['another host over https', 'https://zap-gateway.example.com'],
		["a look-alike of ZAP's domain", 'https://api.zap.africa.example.com'],
	])(
		'Production or Test with %s as Base URL Override is refused before the password is sent',
		async (_name, baseUrl) => {
			const result = await runNode({
				credentials: withLogin({ environment: 'production', baseUrl }),
				parameters: forUser(zap.agent.id),
			});
			expect(result.error?.message).toMatch(
				/Base URL Override must be an https:\/\/ address on \*\.zap\.africa, or http:\/\/ to 127\.0\.0\.1 or localhost/,
			);
			const tested = await testCredentialOf(
				'zapConversationApi',
				loginCredential({ environment: 'test', baseUrl }),
			);
			expect(tested.status).toBe('Error');
			expect(emulator.requests).toHaveLength(0);
		},
	);

	test('Custom Deployment uses the Base URL, for the login too', async () => {
		const result = await runNode({
			credentials: withLogin({ environment: 'custom' }),
			parameters: forUser(zap.agent.id),
		});
		expect(result.error).toBeUndefined();
		expect(logins()).toHaveLength(1);
	});

	test('a base URL that is not HTTPS or loopback is refused before the password is sent', async () => {
		const result = await runNode({
			credentials: withLogin({ environment: 'custom', baseUrl: 'http://zap.example.com' }),
			parameters: forUser(zap.agent.id),
		});
		expect(result.error?.message).toMatch(
			/Base URL Override must be an https:\/\/ address, or http:\/\/ to 127\.0\.0\.1 or localhost/,
		);
		expect(emulator.requests).toHaveLength(0);
	});
});
