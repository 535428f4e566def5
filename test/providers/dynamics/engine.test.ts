import { CredentialStore, HarnessCredentialTypes, HarnessCredentialsHelper } from '../../harness';
import { createEmulator, type Emulator } from '../../../sandbox/index';
import {
	DYNAMICS_ERRORS,
	DYNAMICS_TEST,
	DYNAMICS_TEST_SCOPE,
	dynamicsProblem,
	type DynamicsEmulator,
} from '../../../sandbox/providers/dynamics/emulator';
import { DYNAMICS_ERROR_HINTS } from '../../../nodes/CreateConversation/providers/dynamics/response';
import {
	jsonOf,
	packageCredentialTypes,
	runNode,
	testCredentialOf,
	visibleText,
} from '../../support/runNode';
import type { ICredentialDataDecryptedObject, IWorkflowExecuteAdditionalData } from 'n8n-workflow';

const TYPE = 'dynamicsConversationOAuth2Api';
const API = '/dynamics/api/v1.0/consumer';
const CREATE = `${API}/conversation/create`;

let emulator: Emulator;
let dynamics: DynamicsEmulator;

beforeAll(async () => {
	emulator = await createEmulator().start();
	dynamics = emulator.provider<DynamicsEmulator>('dynamics');
});
afterAll(async () => await emulator.stop());
beforeEach(() => emulator.reset());

const credentialData = (
	overrides: Record<string, string> = {},
): ICredentialDataDecryptedObject => ({
	tenantId: DYNAMICS_TEST.tenantId,
	clientId: DYNAMICS_TEST.clientId,
	clientSecret: DYNAMICS_TEST.clientSecret,
	organizationId: DYNAMICS_TEST.organizationId,
	messagingGeo: DYNAMICS_TEST.messagingGeo,
	scopeZone: DYNAMICS_TEST.scopeZone,
	channelId: DYNAMICS_TEST.channelId,
	authorityHost: `${emulator.url}/dynamics-login`,
	baseUrl: emulator.baseUrl('dynamics'),
	...overrides,
});

const credentials = (overrides: Record<string, string> = {}) => ({
	[TYPE]: credentialData(overrides),
});

const parameters = (extra: Record<string, unknown> = {}) => ({
	provider: 'dynamics',
	dynamicsCustomerId: '={{ $json.customer }}',
	dynamicsStartMessage: '={{ $json.message }}',
	...extra,
});

const creates = () => emulator.requestsFor('dynamics', { method: 'POST', path: CREATE });
const tokenCalls = () =>
	emulator.requestsFor('dynamics').filter((request) => request.path.startsWith('/dynamics-login/'));
const apiCalls = () =>
	emulator.requestsFor('dynamics').filter((request) => request.path.startsWith('/dynamics/'));

/** Resolves the credential's hidden expressions as n8n does, without sending anything. */
async function resolvedCredential(data: ICredentialDataDecryptedObject) {
	const helper = new HarnessCredentialsHelper(
		new HarnessCredentialTypes(packageCredentialTypes()),
		new CredentialStore(),
	);
	return await helper.applyDefaultsAndOverwrites(
		{} as IWorkflowExecuteAdditionalData,
		data,
		TYPE,
		'manual',
	);
}

describe('credential expressions', () => {
	test('token URL and scope are computed from the fields', async () => {
		const resolved = await resolvedCredential(credentialData({ authorityHost: '' }));
		expect(resolved.grantType).toBe('clientCredentials');
		expect(resolved.authentication).toBe('body');
		expect(resolved.accessTokenUrl).toBe(
			`https://login.microsoftonline.com/${DYNAMICS_TEST.tenantId}/oauth2/v2.0/token`,
		);
		expect(resolved.scope).toBe(DYNAMICS_TEST_SCOPE);
		expect(resolved.scope).toBe(
			'https://4b1e5f0a7c2d4e8f9a3b6d5c4e3f2a10-c.crm4.dynamics.com/.default',
		);
	});

	test.each(['https://login.microsoftonline.us', 'https://login.partner.microsoftonline.cn/'])(
		'a national-cloud authority host %s is used for the token URL',
		async (authorityHost) => {
			const resolved = await resolvedCredential(credentialData({ authorityHost }));
			expect(resolved.accessTokenUrl).toBe(
				`${authorityHost.replace(/\/$/, '')}/${DYNAMICS_TEST.tenantId}/oauth2/v2.0/token`,
			);
		},
	);

	test('the scope override wins', async () => {
		const resolved = await resolvedCredential(
			credentialData({ scopeOverride: ' https://custom.example/.default ' }),
		);
		expect(resolved.scope).toBe('https://custom.example/.default');
	});

	test.each([
		['a tenant ID that is not a GUID', { tenantId: 'evil.example.com/x' }, 'accessTokenUrl'],
		[
			'an authority host over plain http',
			{ authorityHost: 'http://evil.example.com' },
			'accessTokenUrl',
		],
		[
			'an authority host with a query',
			{ authorityHost: 'https://evil.example.com/?x=' },
			'accessTokenUrl',
		],
		[
			"an authority host that is not Microsoft's",
			{ authorityHost: 'https://evil.example.com' },
			'accessTokenUrl',
		],
		[
			'a look-alike authority host',
			{ authorityHost: 'https://login.microsoftonline.com.evil.example' },
			'accessTokenUrl',
		],
		['an organization ID that is not a GUID', { organizationId: 'x.evil.com/' }, 'scope'],
		['a zone that is not a DNS label', { scopeZone: 'evil.com/x' }, 'scope'],
	])(
		'%s gives an unresolvable URL, never a host typed as free text',
		async (_name, overrides, field) => {
			const resolved = await resolvedCredential(credentialData(overrides));
			expect(String(resolved[field])).toMatch(/^https:\/\/invalid\.invalid\//);
		},
	);
});

describe('creating conversations', () => {
	test('sends exactly the documented request, with the token from Entra and the routing headers', async () => {
		const result = await runNode({
			credentials: credentials(),
			items: [{ customer: 'crm-42', message: 'Hello from n8n' }],
			parameters: parameters({
				dynamicsCustomerDetails: {
					firstName: 'Ann',
					lastName: 'Lee',
					preferredName: 'Annie',
					email: 'ann@example.com',
					phone: '+44 20 7946 0000',
				},
				dynamicsSenderDisplayName: 'Ann (web form)',
				dynamicsContextMode: 'pairs',
				dynamicsContext: {
					pair: [
						{ key: 'orderId', value: 'A-42', isDisplayable: true },
						{ key: 'tier', value: 'gold', isDisplayable: false },
					],
				},
				dynamicsOptions: { conversationRequestId: 'req-1', skipDeflectionBot: false },
			}),
		});

		expect(result.error).toBeUndefined();
		const [token] = dynamics.tokenRequests;
		expect(token).toEqual({
			tenant: DYNAMICS_TEST.tenantId,
			grant_type: 'client_credentials',
			client_id: DYNAMICS_TEST.clientId,
			scope: DYNAMICS_TEST_SCOPE,
			clientSecretMatched: true,
			status: 200,
		});
		// client id and secret travel in the form body, not in a Basic header
		expect(tokenCalls()[0].headers.authorization).toBeUndefined();

		const [sent] = creates();
		expect(sent.body).toEqual({
			customercontext: {
				customerid: 'crm-42',
				firstname: 'Ann',
				lastname: 'Lee',
				preferredname: 'Annie',
				email: 'ann@example.com',
				phonenumber: '+44 20 7946 0000',
			},
			conversationcontext: {
				orderId: { isDisplayable: true, value: 'A-42' },
				tier: { isDisplayable: false, value: 'gold' },
			},
			conversationrequestid: 'req-1',
			startmessage: { message: 'Hello from n8n', displayname: 'Ann (web form)' },
			skipdeflectionbot: false,
		});
		expect(sent.headers.authorization).toMatch(/^Bearer dyn-at-1-/);
		expect(sent.headers['channel-id']).toBe(DYNAMICS_TEST.channelId);
		expect(sent.headers['organization-id']).toBe(DYNAMICS_TEST.organizationId);

		const [item] = result.output!;
		expect(item.pairedItem).toEqual({ item: 0 });
		const conversation = dynamics.created[0];
		expect(item.json).toMatchObject({
			provider: 'dynamics',
			status: 'created',
			conversationId: conversation.id,
			isNew: true,
			messageId: conversation.messages[0].id,
			startMessageDelivered: true,
		});
		expect(conversation.messages.map((message) => message.text)).toEqual(['Hello from n8n']);
	});

	test('leaves out what the user did not set', async () => {
		const result = await runNode({
			credentials: credentials(),
			parameters: { provider: 'dynamics' },
		});
		expect(result.error).toBeUndefined();
		// every member is optional, but the POST still carries a JSON body (n8n-core drops an
		// empty object unless it is sent as text; the emulator answers 30012 to a bodyless POST)
		expect(creates()[0].rawBody).toBe('{}');
		expect(creates()[0].headers['content-type']).toMatch(/^application\/json/);
		expect(jsonOf(result.output)[0]).toMatchObject({
			status: 'created',
			isNew: true,
			startMessageDelivered: false,
		});
	});

	test('JSON mode maps a whole object, plain values and {value, isDisplayable} entries', async () => {
		await runNode({
			credentials: credentials(),
			items: [
				{
					ctx: {
						orderId: 'A-42',
						total: 99.5,
						vip: true,
						note: { value: 'internal', isDisplayable: false },
					},
				},
			],
			parameters: {
				provider: 'dynamics',
				dynamicsContextMode: 'json',
				dynamicsContextJson: '={{ $json.ctx }}',
				dynamicsContextJsonDisplayable: true,
			},
		});
		expect(creates()[0].body).toEqual({
			conversationcontext: {
				orderId: { isDisplayable: true, value: 'A-42' },
				total: { isDisplayable: true, value: 99.5 },
				vip: { isDisplayable: true, value: true },
				note: { isDisplayable: false, value: 'internal' },
			},
		});
	});

	test('JSON mode accepts JSON text, and "Show to Representative" off hides plain values', async () => {
		await runNode({
			credentials: credentials(),
			parameters: {
				provider: 'dynamics',
				dynamicsContextMode: 'json',
				dynamicsContextJson: '{"a": "1"}',
				dynamicsContextJsonDisplayable: false,
				dynamicsOptions: { skipDeflectionBot: true },
			},
		});
		expect(creates()[0].body).toEqual({
			conversationcontext: { a: { isDisplayable: false, value: '1' } },
			skipdeflectionbot: true,
		});
	});

	test('many items: one token for all of them', async () => {
		const result = await runNode({
			credentials: credentials(),
			items: Array.from({ length: 6 }, (_, index) => ({
				customer: `c-${index}`,
				message: `m-${index}`,
			})),
			parameters: parameters(),
		});
		expect(result.error).toBeUndefined();
		expect(dynamics.tokensIssued).toBe(1);
		expect(tokenCalls()).toHaveLength(1);
		expect(dynamics.created).toHaveLength(6);
		expect(new Set(creates().map((request) => request.headers.authorization)).size).toBe(1);
		expect(jsonOf(result.output).map((item) => item.status)).toEqual(Array(6).fill('created'));
		expect(result.output!.map((item) => item.pairedItem)).toEqual(
			[0, 1, 2, 3, 4, 5].map((item) => ({ item })),
		);
	});

	test('an expired token is renewed: 401, a new token from Entra, then success; later runs use it', async () => {
		const store = new CredentialStore();
		store.add(TYPE, credentialData());
		const first = await runNode({
			credentialStore: store,
			items: [{ customer: 'a', message: 'one' }],
			parameters: parameters(),
		});
		expect(first.error).toBeUndefined();
		expect(dynamics.tokensIssued).toBe(1);

		dynamics.expireTokens();
		const second = await runNode({
			credentialStore: store,
			items: [
				{ customer: 'b', message: 'two' },
				{ customer: 'c', message: 'three' },
			],
			parameters: parameters(),
		});
		expect(second.error).toBeUndefined();
		expect(dynamics.tokensIssued).toBe(2);
		const statuses = creates().map((request) => request.status);
		expect(statuses.filter((status) => status === 401).length).toBeGreaterThanOrEqual(1);
		expect(dynamics.created.map((conversation) => conversation.customerId).sort()).toEqual([
			'a',
			'b',
			'c',
		]);
		const stored = store.dataOf(TYPE)?.oauthTokenData as { access_token: string };
		expect(stored.access_token).toMatch(/^dyn-at-2-/);
		expect(jsonOf(second.output).map((item) => item.status)).toEqual(['created', 'created']);
	});
});

describe('token failures', () => {
	test('when renewing after a 401 fails, the item fails clearly and the create is not repeated', async () => {
		const store = new CredentialStore();
		store.add(TYPE, credentialData());
		await runNode({
			credentialStore: store,
			items: [{ customer: 'a', message: 'one' }],
			parameters: parameters(),
		});
		dynamics.expireTokens();
		emulator.inject({
			provider: 'dynamics',
			pathPrefix: '/dynamics-login/',
			fault: {
				kind: 'reply',
				reply: {
					status: 400,
					body: {
						error: 'invalid_client',
						error_description: 'AADSTS7000222: The provided client secret keys are expired.',
					},
				},
			},
		});
		const result = await runNode({
			credentialStore: store,
			items: [{ customer: 'b', message: 'two' }],
			parameters: parameters(),
		});
		expect(result.error?.message).toBe(
			'Microsoft Dynamics 365 Contact Center: could not get an access token (invalid_client: AADSTS7000222: The provided client secret keys are expired.)',
		);
		expect(creates().filter((request) => request.status === 401)).toHaveLength(1);
		expect(dynamics.created.map((conversation) => conversation.customerId)).toEqual(['a']);
	});

	test('a 401 that persists after a fresh token is reported, after one renewal', async () => {
		emulator.inject({
			provider: 'dynamics',
			pathPrefix: CREATE,
			times: 2,
			fault: {
				kind: 'reply',
				reply: {
					status: 401,
					body: {
						title: 'Unauthorized',
						status: 401,
						detail: "The channel ID isn't authorized for the organization.",
					},
				},
			},
		});
		const result = await runNode({
			credentials: credentials(),
			parameters: parameters({ dynamicsCustomerId: 'c' }),
		});
		expect(result.error?.message).toBe(
			"Microsoft Dynamics 365 Contact Center: The channel ID isn't authorized for the organization.",
		);
		expect((result.error as unknown as { httpCode: string }).httpCode).toBe('401');
		expect(creates()).toHaveLength(2);
		expect(dynamics.tokensIssued).toBe(2);
		expect(dynamics.created).toHaveLength(0);
	});

	test('one token is fetched even when the first items run concurrently', async () => {
		const result = await runNode({
			credentials: credentials(),
			items: Array.from({ length: 8 }, (_, index) => ({ customer: `c-${index}`, message: 'x' })),
			parameters: { ...parameters(), requestOptions: { concurrency: 8 } },
		});
		expect(result.error).toBeUndefined();
		expect(dynamics.tokensIssued).toBe(1);
		expect(dynamics.created).toHaveLength(8);
	});
});

describe('one token per process', () => {
	test('executions that start together with the same credential share one Entra token', async () => {
		const store = new CredentialStore();
		store.add(TYPE, credentialData());
		const runs = await Promise.all(
			Array.from({ length: 6 }, (_, index) =>
				runNode({
					credentialStore: store,
					items: [{ customer: `together-${index}`, message: 'x' }],
					parameters: parameters(),
				}),
			),
		);
		expect(runs.map((run) => run.error)).toEqual(runs.map(() => undefined));
		expect(dynamics.created).toHaveLength(6);
		expect(dynamics.tokensIssued).toBe(1);
	});
});

describe('an active conversation is reused (isNew: false)', () => {
	test('the start message is delivered with the message endpoint', async () => {
		const active = dynamics.addActiveConversation('crm-7');
		const result = await runNode({
			credentials: credentials(),
			items: [{ customer: 'crm-7', message: 'Where is my order?' }],
			parameters: parameters(),
		});
		expect(result.error).toBeUndefined();
		const [message] = emulator.requestsFor('dynamics', {
			method: 'POST',
			path: `${API}/conversation/${active.id}`,
		});
		expect(message.body).toEqual({
			type: 'message',
			channelId: DYNAMICS_TEST.channelId,
			conversation: { id: active.id },
			text: 'Where is my order?',
		});
		expect(message.headers['channel-id']).toBe(DYNAMICS_TEST.channelId);
		expect(active.messages.map((entry) => [entry.text, entry.via])).toEqual([
			['Where is my order?', 'message'],
		]);
		expect(dynamics.created).toHaveLength(1);
		expect(jsonOf(result.output)[0]).toMatchObject({
			status: 'reused',
			conversationId: active.id,
			isNew: false,
			startMessageDelivered: true,
			startMessageId: active.messages[0].id,
		});
	});

	test('with the option off the message is not sent, and the output says so', async () => {
		const active = dynamics.addActiveConversation('crm-7');
		const result = await runNode({
			credentials: credentials(),
			items: [{ customer: 'crm-7', message: 'hi' }],
			parameters: parameters({ dynamicsDeliverToExisting: false }),
		});
		expect(jsonOf(result.output)[0]).toMatchObject({
			status: 'reused',
			isNew: false,
			startMessageDelivered: false,
		});
		expect(active.messages).toEqual([]);
		expect(apiCalls()).toHaveLength(1);
	});

	test('a failed delivery fails the item and names the conversation', async () => {
		const active = dynamics.addActiveConversation('crm-7');
		emulator.inject({
			provider: 'dynamics',
			pathPrefix: `${API}/conversation/${active.id}`,
			fault: {
				kind: 'reply',
				reply: { status: 503, body: { title: 'Service Unavailable', status: 503 } },
			},
		});
		const result = await runNode({
			credentials: credentials(),
			items: [{ customer: 'crm-7', message: 'hi' }],
			parameters: parameters(),
		});
		expect(result.error?.message).toContain(
			`active conversation ${active.id}, but the start message could not be delivered`,
		);
		expect(active.messages).toEqual([]);
	});
});

describe('validation happens before any request', () => {
	const long = (length: number) => 'x'.repeat(length);
	const invalid: Array<[string, Record<string, unknown>, RegExp]> = [
		[
			'customer ID over 200 characters',
			{ dynamicsCustomerId: long(201) },
			/"Customer ID" in item 0: must be at most 200 characters/,
		],
		[
			'first name over 200',
			{ dynamicsCustomerDetails: { firstName: long(201) } },
			/"Customer Details › First Name" in item 0: must be at most 200/,
		],
		[
			'last name over 200',
			{ dynamicsCustomerDetails: { lastName: long(201) } },
			/"Customer Details › Last Name" in item 0: must be at most 200/,
		],
		[
			'preferred name over 200',
			{ dynamicsCustomerDetails: { preferredName: long(201) } },
			/"Customer Details › Preferred Name" in item 0: must be at most 200/,
		],
		[
			'email over 200',
			{ dynamicsCustomerDetails: { email: long(201) } },
			/"Customer Details › Email" in item 0: must be at most 200/,
		],
		[
			'phone over 200',
			{ dynamicsCustomerDetails: { phone: long(201) } },
			/"Customer Details › Phone" in item 0: must be at most 200/,
		],
		[
			'more than 100 context pairs',
			{
				dynamicsContext: {
					pair: Array.from({ length: 101 }, (_, index) => ({ key: `k${index}`, value: 'v' })),
				},
			},
			/"Context Variables › Variable" in item 0: must have at most 100 entries/,
		],
		[
			'a context pair without a key',
			{ dynamicsContext: { pair: [{ key: ' ', value: 'v' }] } },
			/"Context Variables › Variable › #1 › Key" in item 0: must not be empty/,
		],
		[
			'a duplicate context key',
			{
				dynamicsContext: {
					pair: [
						{ key: 'a', value: '1' },
						{ key: 'a', value: '2' },
					],
				},
			},
			/"a" is used twice/,
		],
		[
			'more than 100 JSON context entries',
			{
				dynamicsContextMode: 'json',
				dynamicsContextJson: JSON.stringify(
					Object.fromEntries(Array.from({ length: 101 }, (_, index) => [`k${index}`, 1])),
				),
			},
			/"Conversation Context \(JSON\)" in item 0: must have at most 100 entries/,
		],
		[
			'JSON context that is not an object',
			{ dynamicsContextMode: 'json', dynamicsContextJson: '[1,2]' },
			/"Conversation Context \(JSON\)" in item 0: must be a JSON object/,
		],
		[
			'JSON context that is not JSON',
			{ dynamicsContextMode: 'json', dynamicsContextJson: '{oops' },
			/must be a JSON object/,
		],
		[
			'a nested JSON context value',
			{ dynamicsContextMode: 'json', dynamicsContextJson: '{"a": {"b": 1}}' },
			/"Conversation Context \(JSON\) › a" in item 0: must be text, a number or true\/false/,
		],
		[
			'start message over 6000 characters with delivery on',
			{ dynamicsStartMessage: long(6001) },
			/"Start Message" in item 0: must be at most 6000 characters while "Send to Active Conversation" is on/,
		],
		[
			'start message over 27 KB',
			{ dynamicsStartMessage: long(27_001), dynamicsDeliverToExisting: false },
			/"Start Message" in item 0: must be at most 27000 bytes/,
		],
		[
			'sender name without a start message',
			{ dynamicsStartMessage: '', dynamicsSenderDisplayName: 'Ann' },
			/"Sender Display Name" in item 0: needs a Start Message/,
		],
		[
			'a multi-line conversation request ID',
			{ dynamicsOptions: { conversationRequestId: 'a\nb' } },
			/"Additional Fields › Conversation Request ID" in item 0: must be one line/,
		],
	];

	test.each(invalid)('%s', async (_name, overrides, expected) => {
		const result = await runNode({
			credentials: credentials(),
			items: [
				{ customer: 'c', message: 'fine' },
				{ customer: 'd', message: 'fine' },
			],
			parameters: parameters({
				dynamicsCustomerId: 'c',
				dynamicsStartMessage: 'fine',
				...overrides,
			}),
		});
		expect(result.error?.message).toMatch(expected);
		expect(emulator.requests).toHaveLength(0);
	});

	test('exactly 200 characters, 100 entries and 6000 characters are accepted', async () => {
		const result = await runNode({
			credentials: credentials(),
			parameters: parameters({
				dynamicsCustomerId: 'c'.repeat(200),
				dynamicsStartMessage: 'm'.repeat(6000),
				dynamicsContext: {
					pair: Array.from({ length: 100 }, (_, index) => ({ key: `k${index}`, value: 'v' })),
				},
			}),
		});
		expect(result.error).toBeUndefined();
		expect(
			Object.keys((creates()[0].body as { conversationcontext: object }).conversationcontext),
		).toHaveLength(100);
	});

	test.each([
		[
			'a tenant ID that is not a GUID',
			{ tenantId: 'contoso.onmicrosoft.com' },
			/Tenant ID must be a GUID/,
		],
		[
			'an organization ID that is not a GUID',
			{ organizationId: 'org' },
			/Organization ID must be a GUID/,
		],
		[
			'a channel ID that is not a GUID',
			{ channelId: 'web' },
			/Custom Messaging Channel ID must be a GUID/,
		],
		[
			'a geo that is not a DNS label',
			{ messagingGeo: 'eu.evil.com' },
			/Messaging Geo must be one DNS label/,
		],
		['a zone that is not a DNS label', { scopeZone: 'crm4/' }, /Scope Zone must be one DNS label/],
		[
			'an authority host over plain http',
			{ authorityHost: 'http://login.example.com' },
			/Authority Host must be an https:\/\/ address on login\.microsoftonline\.com, login\.microsoftonline\.us/,
		],
		[
			"an authority host that is not Microsoft's",
			{ authorityHost: 'https://login.example.com' },
			/Authority Host must be an https:\/\/ address on login\.microsoftonline\.com.*"https:\/\/login\.example\.com" is not allowed/,
		],
		[
			'a base URL override over plain http',
			{ baseUrl: 'http://evil.example.com' },
			/Base URL Override must be an https:\/\/ address on \*\.omnichannelengagementhub\.com/,
		],
		[
			'a base URL override on another host',
			{ baseUrl: 'https://messaging-gateway.example.com' },
			/Base URL Override must be an https:\/\/ address on \*\.omnichannelengagementhub\.com/,
		],
	])(
		'a credential with %s is refused before anything is sent',
		async (_name, overrides, expected) => {
			const result = await runNode({
				credentials: credentials(overrides),
				parameters: parameters({ dynamicsCustomerId: 'c' }),
			});
			expect(result.error?.message).toMatch(expected);
			expect((result.error as unknown as { description: string }).description).toMatch(
				/nothing was sent/,
			);
			expect(emulator.requests).toHaveLength(0);
		},
	);
});

describe('provider errors', () => {
	test.each(Object.keys(DYNAMICS_ERRORS).map(Number))(
		"error code %i (Microsoft's error-handling page) is reported with its status, code and hint",
		async (code) => {
			emulator.inject({
				provider: 'dynamics',
				pathPrefix: CREATE,
				fault: { kind: 'reply', reply: dynamicsProblem(code) },
			});
			const result = await runNode({
				credentials: credentials(),
				parameters: parameters({ dynamicsCustomerId: 'c' }),
			});
			const error = result.error as unknown as { httpCode: string; description: string };
			expect(error.httpCode).toBe(String(DYNAMICS_ERRORS[code].status));
			expect(error.description).toContain(`Error code: ${code}`);
			expect(error.description).toContain(DYNAMICS_ERROR_HINTS[String(code)]);
		},
	);

	test.each([
		[
			30001,
			{ organizationId: '11111111-1111-1111-1111-111111111111' },
			"The provided organization ID isn't valid.",
			/Organization ID/,
		],
		[
			30002,
			{ channelId: '22222222-2222-2222-2222-222222222222' },
			"The provided channel ID isn't valid.",
			/Custom Messaging Channel ID/,
		],
	])(
		'%i from a wrong credential field is reported with its code, hint and correlation ID',
		async (code, overrides, message, hint) => {
			const result = await runNode({
				// the scope must still match for Entra, so keep the org for the token: override only the header source
				credentials: credentials({
					...overrides,
					...(code === 30001 ? { scopeOverride: DYNAMICS_TEST_SCOPE } : {}),
				}),
				parameters: parameters({ dynamicsCustomerId: 'c' }),
			});
			expect(result.error?.message).toBe(`Microsoft Dynamics 365 Contact Center: ${message}`);
			const description = (result.error as unknown as { description: string }).description;
			expect(description).toContain(`Error code: ${code}`);
			expect(description).toMatch(hint);
			expect(description).toMatch(/Request ID: [0-9a-f-]{36}/);
			expect((result.error as unknown as { httpCode: string }).httpCode).toBe('400');
		},
	);

	test.each([
		[30004, 'channelConfigured', '404', /custom messaging channel is set up/],
		[
			30014,
			'channelLinkedToWorkstream',
			'400',
			/link the custom messaging channel to a workstream/,
		],
	] as const)('%i from the channel set-up', async (code, flagName, httpCode, hint) => {
		dynamics[flagName] = false;
		const result = await runNode({
			credentials: credentials(),
			parameters: parameters({ dynamicsCustomerId: 'c' }),
		});
		const description = (result.error as unknown as { description: string }).description;
		expect(description).toContain(`Error code: ${code}`);
		expect(description).toMatch(hint);
		expect((result.error as unknown as { httpCode: string }).httpCode).toBe(httpCode);
		expect(creates()).toHaveLength(1);
	});

	test.each([30010, 30012])('%i is reported with its code and not retried', async (code) => {
		emulator.inject({
			provider: 'dynamics',
			pathPrefix: CREATE,
			fault: { kind: 'reply', reply: dynamicsProblem(code) },
		});
		const result = await runNode({
			credentials: credentials(),
			parameters: parameters({ dynamicsCustomerId: 'c' }),
		});
		const description = (result.error as unknown as { description: string }).description;
		expect(description).toContain(`Error code: ${code}`);
		expect(creates()).toHaveLength(1);
		expect(dynamics.created).toHaveLength(0);
	});

	test('a code only mentioned in the text is still found', async () => {
		emulator.inject({
			provider: 'dynamics',
			pathPrefix: CREATE,
			fault: {
				kind: 'reply',
				reply: {
					status: 400,
					headers: { 'x-ms-correlation-id': 'corr-1' },
					body: { title: 'Bad Request', status: 400, detail: 'Error 30012: body malformed' },
				},
			},
		});
		const result = await runNode({
			credentials: credentials(),
			parameters: parameters({ dynamicsCustomerId: 'c' }),
		});
		const description = (result.error as unknown as { description: string }).description;
		expect(description).toContain('Error code: 30012');
		expect(description).toContain('Request ID: corr-1');
	});

	test('429 waits for Retry-After and then succeeds, without duplicates', async () => {
		const { WindowLimiter } = await import('../../../sandbox/server');
		dynamics.limiter = new WindowLimiter(2, 1000);
		const result = await runNode({
			credentials: credentials(),
			items: ['a', 'b', 'c', 'd'].map((customer) => ({ customer, message: customer })),
			parameters: parameters(),
		});
		expect(result.error).toBeUndefined();
		expect(dynamics.limiter.rejected).toBeGreaterThan(0);
		expect(creates().some((request) => request.status === 429)).toBe(true);
		expect(dynamics.created.map((conversation) => conversation.customerId).sort()).toEqual([
			'a',
			'b',
			'c',
			'd',
		]);
		expect(jsonOf(result.output).map((item) => item.status)).toEqual(Array(4).fill('created'));
	});

	test('5xx is not retried', async () => {
		emulator.inject({
			provider: 'dynamics',
			pathPrefix: CREATE,
			fault: {
				kind: 'reply',
				reply: {
					status: 500,
					body: {
						title: 'Internal Server Error',
						status: 500,
						detail: 'The omnichannel service failed to process the request.',
					},
				},
			},
		});
		const result = await runNode({
			credentials: credentials(),
			parameters: parameters({ dynamicsCustomerId: 'c' }),
		});
		expect(result.error?.message).toBe(
			'Microsoft Dynamics 365 Contact Center: The omnichannel service failed to process the request.',
		);
		expect(creates()).toHaveLength(1);
	});
});

describe('Continue On Fail', () => {
	test('failed items become error items; the others go through', async () => {
		emulator.inject({
			provider: 'dynamics',
			pathPrefix: CREATE,
			fault: { kind: 'reply', reply: dynamicsProblem(30012) },
		});
		const active = dynamics.addActiveConversation('reuse-me');
		const result = await runNode({
			credentials: credentials(),
			continueOnFail: true,
			parameters: { ...parameters(), requestOptions: { concurrency: 1 } },
			items: [
				{ customer: 'first', message: 'rejected by Dynamics' },
				{ customer: 'x'.repeat(201), message: 'invalid' },
				{ customer: 'good', message: 'fine' },
				{ customer: 'reuse-me', message: 'to the active one' },
			],
		});
		expect(result.error).toBeUndefined();
		const output = jsonOf(result.output);
		expect(result.output!.map((item) => item.pairedItem)).toEqual(
			[0, 1, 2, 3].map((item) => ({ item })),
		);
		expect(output[0]).toMatchObject({ provider: 'dynamics', httpCode: '400' });
		expect(output[0].errorDescription).toContain('Error code: 30012');
		expect(output[1].error).toBe('Invalid "Customer ID" in item 1: must be at most 200 characters');
		expect(output[2]).toMatchObject({
			status: 'created',
			isNew: true,
			startMessageDelivered: true,
		});
		expect(output[3]).toMatchObject({
			status: 'reused',
			conversationId: active.id,
			startMessageDelivered: true,
		});
		expect(visibleText(result)).not.toContain(DYNAMICS_TEST.clientSecret);
	});
});

describe('credential', () => {
	test('the Test button gets a token and lists conversations', async () => {
		const result = await testCredentialOf(TYPE, credentialData());
		expect(result.status).toBe('OK');
		expect(dynamics.tokensIssued).toBe(1);
		const [list] = emulator.requestsFor('dynamics', {
			method: 'GET',
			path: `${API}/conversations`,
		});
		expect(list.query).toEqual({ PageSize: '1' });
		expect(list.headers['channel-id']).toBe(DYNAMICS_TEST.channelId);
		expect(list.headers['organization-id']).toBe(DYNAMICS_TEST.organizationId);
		expect(list.headers.authorization).toMatch(/^Bearer dyn-at-1-/);
	});

	test('the Test button fails clearly with a wrong client secret, without showing it', async () => {
		const result = await testCredentialOf(
			TYPE,
			credentialData({ clientSecret: 'wrong-secret-value-123' }),
		);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/Failed to acquire OAuth2 access token/);
		expect(result.message).not.toContain('wrong-secret-value-123');
		expect(dynamics.tokenRequests[0]).toMatchObject({ clientSecretMatched: false, status: 401 });
		expect(emulator.requestsFor('dynamics', { path: `${API}/conversations` })).toHaveLength(0);
	});

	test('a wrong client secret in a run fails clearly and the secret is visible nowhere', async () => {
		const result = await runNode({
			credentials: credentials({ clientSecret: 'wrong-secret-value-123' }),
			parameters: parameters({ dynamicsCustomerId: 'c' }),
		});
		expect(result.error?.message).toBe(
			'Microsoft Dynamics 365 Contact Center: could not get an access token (invalid_client: AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.)',
		);
		expect((result.error as unknown as { description: string }).description).toMatch(
			/nothing was sent/,
		);
		expect(dynamics.tokenRequests).toHaveLength(1);
		expect(visibleText(result)).not.toContain('wrong-secret-value-123');
		expect(apiCalls()).toHaveLength(0);
	});

	test("the client secret never appears in output, errors or the emulator's request log", async () => {
		const result = await runNode({
			credentials: credentials(),
			continueOnFail: true,
			items: [
				{ customer: 'a', message: 'ok' },
				{ customer: 'b'.repeat(300), message: 'bad' },
			],
			parameters: parameters(),
		});
		expect(visibleText(result)).not.toContain(DYNAMICS_TEST.clientSecret);
		expect(JSON.stringify(emulator.requests)).not.toContain(DYNAMICS_TEST.clientSecret);
		expect(JSON.stringify(emulator.requests)).not.toContain(
			encodeURIComponent(DYNAMICS_TEST.clientSecret),
		);
	});
});
