import type { ICredentialDataDecryptedObject, INodeListSearchResult } from 'n8n-workflow';

import { ReamazeConversationApi } from '../../../credentials/ReamazeConversationApi.credentials';
import { reamazeBrand } from '../../../nodes/CreateConversation/providers/reamaze/host';
import { WindowLimiter } from '../../../sandbox/server';
import { createEmulator, type Emulator } from '../../../sandbox/index';
import {
	REAMAZE_TEST_EMAIL,
	REAMAZE_TEST_TOKEN,
	type ReamazeEmulator,
} from '../../../sandbox/providers/reamaze/emulator';
import { jsonOf, listSearch, runNode, testCredentialOf, visibleText } from '../../support/runNode';

let emulator: Emulator;
let reamaze: ReamazeEmulator;

beforeAll(async () => {
	emulator = await createEmulator().start();
	reamaze = emulator.provider<ReamazeEmulator>('reamaze');
});
afterAll(async () => await emulator.stop());
beforeEach(() => emulator.reset());

const credentialData = (overrides: Record<string, string> = {}) => ({
	brand: 'acme',
	email: REAMAZE_TEST_EMAIL,
	apiToken: REAMAZE_TEST_TOKEN,
	baseUrl: emulator.baseUrl('reamaze'),
	...overrides,
});
const credentials = (overrides: Record<string, string> = {}) => ({
	reamazeConversationApi: credentialData(overrides),
});

const channel = (value: string, mode: 'list' | 'id' = 'list') => ({ __rl: true, mode, value });

const minimal = (extra: Record<string, unknown> = {}) => ({
	provider: 'reamaze',
	reamazeSubject: 'Order 42',
	reamazeChannel: channel('support'),
	reamazeBody: 'Where is my parcel?',
	reamazeCustomerName: 'Ann Smith',
	reamazeCustomerEmail: 'ann@example.com',
	...extra,
});

const creates = () =>
	emulator.requestsFor('reamaze', { method: 'POST', path: '/reamaze/conversations' });

describe('creating a conversation', () => {
	test('sends every option in the documented body and returns the slug and link', async () => {
		const result = await runNode({
			credentials: credentials(),
			parameters: minimal({
				reamazeOptions: {
					tags: 'vip, billing\nurgent',
					status: 5,
					conversationData: {
						pair: [
							{ key: 'order', value: '42' },
							{ key: 'source', value: 'n8n' },
						],
					},
					userData: { pair: [{ key: 'plan', value: 'gold' }] },
					recipients: 'boss@example.com, team@example.com',
					suppressNotification: true,
					suppressAutoresolve: true,
					attachmentUrl: 'https://example.com/invoice.pdf',
				},
			}),
		});

		expect(result.error).toBeUndefined();
		const [sent] = creates();
		expect(sent.body).toEqual({
			conversation: {
				subject: 'Order 42',
				category: 'support',
				tag_list: ['vip', 'billing', 'urgent'],
				status: 5,
				data: { order: '42', source: 'n8n' },
				message: {
					body: 'Where is my parcel?',
					recipients: ['boss@example.com', 'team@example.com'],
					suppress_notification: true,
					suppress_notifications: true,
					suppress_autoresolve: true,
					attachment: 'https://example.com/invoice.pdf',
				},
				user: { name: 'Ann Smith', email: 'ann@example.com', data: { plan: 'gold' } },
			},
		});
		expect(sent.status).toBe(200);
		expect(sent.headers.authorization).toBe(
			`Basic ${Buffer.from(`${REAMAZE_TEST_EMAIL}:${REAMAZE_TEST_TOKEN}`).toString('base64')}`,
		);
		expect(sent.headers.accept).toBe('application/json');
		expect(sent.headers['content-type']).toMatch(/application\/json/);

		const [item] = result.output!;
		const [created] = reamaze.created;
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toMatchObject({
			provider: 'reamaze',
			status: 'created',
			conversationId: created.id,
			conversationUrl: `https://acme.reamaze.io/admin/conversations/${created.id}`,
		});
		expect(item.json.response).toMatchObject({ slug: created.id, category: { slug: 'support' } });
	});

	test('leaves out every option the user did not set', async () => {
		await runNode({
			credentials: credentials(),
			parameters: minimal({ reamazeOptions: { tags: '', recipients: '', attachmentUrl: ' ' } }),
		});
		expect(creates()[0].body).toEqual({
			conversation: {
				subject: 'Order 42',
				category: 'support',
				message: { body: 'Where is my parcel?' },
				user: { name: 'Ann Smith', email: 'ann@example.com' },
			},
		});
	});

	test('status 0 (Open) and switched-off flags are sent, not dropped', async () => {
		const result = await runNode({
			credentials: credentials(),
			parameters: minimal({
				reamazeOptions: { status: 0, suppressNotification: false, suppressAutoresolve: false },
			}),
		});
		expect(result.error).toBeUndefined();
		const body = creates()[0].body as {
			conversation: { status: unknown; message: Record<string, unknown> };
		};
		expect(body.conversation.status).toBe(0);
		expect(body.conversation.message).toEqual({
			body: 'Where is my parcel?',
			suppress_notification: false,
			suppress_notifications: false,
			suppress_autoresolve: false,
		});
	});

	test('status as text from an expression, channel by slug, values from items', async () => {
		const result = await runNode({
			credentials: credentials(),
			items: [
				{ subject: 'First', email: 'a@example.com', status: '0' },
				{ subject: 'Second', email: 'b@example.com', status: '2' },
			],
			parameters: minimal({
				reamazeSubject: '={{ $json.subject }}',
				reamazeCustomerEmail: '={{ $json.email }}',
				reamazeChannel: channel('billing', 'id'),
				reamazeOptions: { status: '={{ $json.status }}' },
			}),
		});
		expect(result.error).toBeUndefined();
		const sent = creates().map(
			(request) => (request.body as { conversation: Record<string, unknown> }).conversation,
		);
		expect(
			sent
				.map((conversation) => [
					conversation.subject,
					conversation.category,
					conversation.status,
					(conversation.user as { email: string }).email,
				])
				.sort(),
		).toEqual([
			['First', 'billing', 0, 'a@example.com'],
			['Second', 'billing', 2, 'b@example.com'],
		]);
		const output = jsonOf(result.output);
		expect(output.map((item) => (item.response as { subject: string }).subject)).toEqual([
			'First',
			'Second',
		]);
		for (const item of output)
			expect(item.conversationId).toBe((item.response as { slug: string }).slug);
		expect(output.map((item) => item.conversationId).sort()).toEqual(
			reamaze.created.map((record) => record.id).sort(),
		);
	});
});

describe('validation happens before any request', () => {
	const invalid: Array<[string, Record<string, unknown>, RegExp]> = [
		['blank subject', { reamazeSubject: '  ' }, /"Subject" in item 0: must not be empty/],
		['blank message', { reamazeBody: ' ' }, /"Message" in item 0: must not be empty/],
		[
			'blank customer name',
			{ reamazeCustomerName: ' ' },
			/"Customer Name" in item 0: must not be empty/,
		],
		[
			'malformed customer email',
			{ reamazeCustomerEmail: 'not-an-email' },
			/"Customer Email" in item 0: must be an email address/,
		],
		[
			'a channel slug with path characters',
			{ reamazeChannel: channel('={{ "support/../x" }}', 'id') },
			/"Channel" in item 0: must be a channel slug/,
		],
		[
			'an unknown status',
			{ reamazeOptions: { status: '={{ 12 }}' } },
			/"Additional Fields › Status" in item 0: must be one of 0 \(Open \(Unresolved\)\)/,
		],
		[
			'a status that is not a number',
			{ reamazeOptions: { status: '={{ "open" }}' } },
			/"Additional Fields › Status" in item 0: must be one of/,
		],
		[
			'a malformed extra recipient',
			{ reamazeOptions: { recipients: 'ok@example.com, nope' } },
			/"Additional Fields › Extra Recipients › #2" in item 0: must be an email address/,
		],
		[
			'an attachment that is not a URL',
			{ reamazeOptions: { attachmentUrl: 'ftp://x/y' } },
			/"Additional Fields › Attachment URL" in item 0: must be a full URL/,
		],
		[
			'conversation data without a key',
			{ reamazeOptions: { conversationData: { pair: [{ key: ' ', value: 'x' }] } } },
			/"Additional Fields › Conversation Custom Data" in item 0: has an entry without a key/,
		],
		[
			'customer data without a key',
			{ reamazeOptions: { userData: { pair: [{ key: '', value: 'x' }] } } },
			/"Additional Fields › Customer Custom Data" in item 0: has an entry without a key/,
		],
		[
			'a flag that is not true or false',
			{ reamazeOptions: { suppressNotification: '={{ "maybe" }}' } },
			/"Additional Fields › Suppress Notifications" in item 0: must be true or false/,
		],
		[
			'a tag that is not text',
			{ reamazeOptions: { tags: '={{ [1] }}' } },
			/"Additional Fields › Tags › #1" in item 0: must be text/,
		],
	];

	test.each(invalid)('%s', async (_name, overrides, expected) => {
		const result = await runNode({
			credentials: credentials(),
			items: [{}, {}],
			parameters: minimal(overrides),
		});
		expect(result.error?.message).toMatch(expected);
		expect(emulator.requests).toHaveLength(0);
	});

	test('a typed slug with path characters is already refused by the field itself', async () => {
		await expect(
			runNode({
				credentials: credentials(),
				parameters: minimal({ reamazeChannel: channel('support/x', 'id') }),
			}),
		).rejects.toThrow(/A channel slug has only letters, digits, - _ and \./);
		expect(emulator.requests).toHaveLength(0);
	});
});

describe('provider errors', () => {
	test('401: a clear message, sent once, and the token appears nowhere', async () => {
		const result = await runNode({
			credentials: credentials({ apiToken: 'wrong-token-value-123' }),
			parameters: minimal(),
		});
		expect(result.error?.message).toBe('Re:amaze: Unauthorized: invalid login email or API token');
		expect((result.error as unknown as { httpCode: string }).httpCode).toBe('401');
		expect(creates()).toHaveLength(1);
		expect(visibleText(result)).not.toContain('wrong-token-value-123');
		expect(visibleText(result)).not.toContain(
			Buffer.from(`${REAMAZE_TEST_EMAIL}:wrong-token-value-123`).toString('base64'),
		);
	});

	test('404 is reported, not retried', async () => {
		emulator.inject({
			provider: 'reamaze',
			pathPrefix: '/reamaze/conversations',
			fault: { kind: 'reply', reply: { status: 404, body: { error: 'Brand not found' } } },
		});
		const result = await runNode({ credentials: credentials(), parameters: minimal() });
		expect(result.error?.message).toBe('Re:amaze: Brand not found');
		expect((result.error as unknown as { httpCode: string }).httpCode).toBe('404');
		expect(creates()).toHaveLength(1);
	});

	test('422 from the API lists every problem the body names', async () => {
		const result = await runNode({
			credentials: credentials(),
			parameters: minimal({ reamazeChannel: channel('no-such-channel', 'id') }),
		});
		expect(result.error?.message).toBe('Re:amaze: category is not a channel of this brand');
		expect((result.error as unknown as { httpCode: string }).httpCode).toBe('422');
		expect(creates()[0].status).toBe(422);
		expect(reamaze.created).toHaveLength(0);
	});

	test.each([
		[{ error: 'Subject is too long' }, 'Subject is too long', undefined],
		[{ message: 'User email is invalid' }, 'User email is invalid', undefined],
		[
			{ errors: ['Body is blank', 'Category is missing'] },
			'Body is blank',
			'Also: Category is missing',
		],
		[{ errors: { 'message.body': ["can't be blank"] } }, "message.body can't be blank", undefined],
	])('422 bodies of other shapes are read leniently: %j', async (body, message, detail) => {
		emulator.inject({
			provider: 'reamaze',
			pathPrefix: '/reamaze/conversations',
			fault: { kind: 'reply', reply: { status: 422, body } },
		});
		const result = await runNode({ credentials: credentials(), parameters: minimal() });
		expect(result.error?.message).toBe(`Re:amaze: ${message}`);
		if (detail)
			expect((result.error as unknown as { description: string }).description).toContain(detail);
	});

	test('5xx is never retried, because the conversation may exist', async () => {
		emulator.inject({
			provider: 'reamaze',
			pathPrefix: '/reamaze/conversations',
			fault: {
				kind: 'reply',
				reply: { status: 502, raw: '<html><body><h1>502 Bad Gateway</h1></body></html>' },
			},
		});
		const result = await runNode({ credentials: credentials(), parameters: minimal() });
		expect(result.error?.message).toBe('Re:amaze: 502 Bad Gateway');
		expect((result.error as unknown as { description: string }).description).toMatch(
			/not sent again/,
		);
		expect(creates()).toHaveLength(1);
	});

	test('429 waits as Retry-After asks, then every item is created exactly once', async () => {
		reamaze.limiter = new WindowLimiter(2, 1000);
		const result = await runNode({
			credentials: credentials(),
			items: [{ s: 'a' }, { s: 'b' }, { s: 'c' }, { s: 'd' }, { s: 'e' }],
			parameters: minimal({ reamazeSubject: '={{ $json.s }}' }),
		});
		expect(result.error).toBeUndefined();
		expect(reamaze.limiter.rejected).toBeGreaterThan(0);
		expect(creates().filter((request) => request.status === 429).length).toBe(
			reamaze.limiter.rejected,
		);
		expect(
			reamaze.created
				.map(
					(record) =>
						(record.request as { conversation: { subject: string } }).conversation.subject,
				)
				.sort(),
		).toEqual(['a', 'b', 'c', 'd', 'e']);
		expect(
			jsonOf(result.output).map((item) => (item.response as { subject: string }).subject),
		).toEqual(['a', 'b', 'c', 'd', 'e']);
	});

	test('429 asking for a longer wait than allowed fails clearly', async () => {
		emulator.inject({
			provider: 'reamaze',
			fault: {
				kind: 'reply',
				reply: {
					status: 429,
					headers: { 'retry-after': '120' },
					body: { error: 'Rate limit exceeded' },
				},
			},
		});
		const result = await runNode({
			credentials: credentials(),
			parameters: minimal({ requestOptions: { rateLimitPatienceSeconds: 5 } }),
		});
		expect(result.error?.message).toBe(
			'Re:amaze: Re:amaze asks to wait 120 s, longer than Request Options › Rate-Limit Patience (5 s)',
		);
		expect(creates()).toHaveLength(1);
	});
});

describe('Continue On Fail', () => {
	test('failed items become error items; every other item still goes through', async () => {
		emulator.inject({
			provider: 'reamaze',
			pathPrefix: '/reamaze/conversations',
			fault: { kind: 'reply', reply: { status: 500, body: { error: 'Boom' } } },
		});
		const result = await runNode({
			credentials: credentials(),
			continueOnFail: true,
			items: [
				{ email: 'a@example.com', channel: 'support' },
				{ email: 'broken', channel: 'support' },
				{ email: 'c@example.com', channel: 'nope' },
				{ email: 'd@example.com', channel: 'acme-chat' },
			],
			parameters: {
				...minimal({
					reamazeCustomerEmail: '={{ $json.email }}',
					reamazeChannel: channel('={{ $json.channel }}', 'id'),
				}),
				requestOptions: { concurrency: 1 },
			},
		});
		expect(result.error).toBeUndefined();
		const output = jsonOf(result.output);
		expect(result.output!.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
			{ item: 3 },
		]);
		expect(output[0]).toMatchObject({
			provider: 'reamaze',
			error: 'Re:amaze: Boom',
			httpCode: '500',
		});
		expect(output[1].error).toBe(
			'Invalid "Customer Email" in item 1: must be an email address like name@example.com',
		);
		expect(output[2]).toMatchObject({
			error: 'Re:amaze: category is not a channel of this brand',
			httpCode: '422',
		});
		expect(output[3]).toMatchObject({ status: 'created', conversationId: reamaze.created[0].id });
		expect(reamaze.created).toHaveLength(1);
		expect(creates()).toHaveLength(3);
		expect(visibleText(result)).not.toContain(REAMAZE_TEST_TOKEN);
	});
});

describe('credential', () => {
	test.each([
		['acme', 'acme'],
		['  ACME ', 'acme'],
		['acme.reamaze.io', 'acme'],
		['https://acme.reamaze.io', 'acme'],
		['https://acme.reamaze.io/admin/conversations', 'acme'],
		['my-brand-2', 'my-brand-2'],
	])('brand %j is read as %j', (input, brand) => {
		expect(reamazeBrand(input)).toBe(brand);
	});

	test('without an override, requests go to https://{brand}.reamaze.io/api/v1 with Basic auth', async () => {
		const options = await new ReamazeConversationApi().authenticate(
			{ brand: 'https://acme.reamaze.io', email: 'a@example.com', apiToken: 't', baseUrl: '' },
			{ method: 'GET', url: '/conversations' },
		);
		expect(options).toMatchObject({
			baseURL: 'https://acme.reamaze.io/api/v1',
			url: '/conversations',
			auth: { username: 'a@example.com', password: 't' },
			headers: { Accept: 'application/json' },
		});
	});

	const hostile = [
		'evil.com/x?',
		'a@evil.com',
		'acme.reamaze.io.evil.com',
		'acme.reamaze.io@evil.com',
		'https://evil.com/acme.reamaze.io',
		'acme:8443',
		'',
		'-acme',
	];

	test.each(hostile)('a hostile brand %j never produces a request', async (brand) => {
		const result = await runNode({ credentials: credentials({ brand }), parameters: minimal() });
		expect(result.error?.message).toMatch(
			brand ? /Brand ".*" is not a Re:amaze brand name/ : /has no Brand/,
		);
		expect((result.error as unknown as { description: string }).description).toMatch(
			/Fix the Re:amaze credential; nothing was sent/,
		);
		expect(emulator.requests).toHaveLength(0);
	});

	test('a hostile brand fails the Test button without any request', async () => {
		const result = await testCredentialOf(
			'reamazeConversationApi',
			credentialData({ brand: 'a@evil.com' }),
		);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/not a Re:amaze brand name/);
		expect(emulator.requests).toHaveLength(0);
	});

	test('a hostile brand is refused even without an override', async () => {
		await expect(
			new ReamazeConversationApi().authenticate(
				{ brand: 'evil.com/x?', email: 'a@b.c', apiToken: 't', baseUrl: '' },
				{ url: '/conversations' },
			),
		).rejects.toThrow(/not a Re:amaze brand name/);
	});

	test('the Test button passes with a valid token', async () => {
		const result = await testCredentialOf('reamazeConversationApi', credentialData());
		expect(result.status).toBe('OK');
		const [sent] = emulator.requestsFor('reamaze', { path: '/reamaze/conversations' });
		expect(sent).toMatchObject({ method: 'GET', query: { page: '1' }, status: 200 });
	});

	test('the Test button fails clearly with a wrong token', async () => {
		const result = await testCredentialOf(
			'reamazeConversationApi',
			credentialData({ apiToken: 'nope' }),
		);
		expect(result.status).toBe('Error');
		expect(result.message).toBe(
			'Re:amaze rejected the login (HTTP 401): check the Login Email and the API Token, which must belong to that staff user.',
		);
	});

	test('Re:amaze answers a bad login with 403: the Test button and a run say so, like for 401', async () => {
		reamaze.badLoginStatus = 403;
		const tested = await testCredentialOf(
			'reamazeConversationApi',
			credentialData({ apiToken: 'nope' }),
		);
		expect(tested).toMatchObject({
			status: 'Error',
			message: expect.stringContaining('Re:amaze rejected the login (HTTP 403)'),
		});
		const result = await runNode({
			credentials: credentials({ apiToken: 'nope' }),
			parameters: minimal(),
		});
		expect(result.error).toMatchObject({
			message: 'Re:amaze: Unauthorized: invalid login email or API token',
			description: expect.stringContaining(
				'Check the Re:amaze credential: the login email or the API token is wrong (Re:amaze answers 403',
			),
		});
		expect(creates()).toHaveLength(1);
	});
});

describe('channel list', () => {
	const search = async (
		data: ICredentialDataDecryptedObject,
		filter?: string,
		token?: string,
	): Promise<INodeListSearchResult> =>
		await listSearch({
			method: 'reamazeSearchChannels',
			credentials: { reamazeConversationApi: data },
			parameters: { provider: 'reamaze' },
			filter,
			paginationToken: token,
		});

	test('the node offers the channels of GET /channels, page by page', async () => {
		reamaze.channelPageSize = 2;
		const first = await search(credentialData());
		expect(first).toEqual({
			results: [
				{ name: 'Support Email (support)', value: 'support' },
				{ name: 'Acme Chat (acme-chat)', value: 'acme-chat' },
			],
			paginationToken: '2',
		});
		const second = await search(credentialData(), undefined, first.paginationToken);
		expect(second).toEqual({
			results: [{ name: 'Billing (billing)', value: 'billing' }],
			paginationToken: undefined,
		});
		expect(
			emulator
				.requestsFor('reamaze', { path: '/reamaze/channels' })
				.map((request) => request.query.page),
		).toEqual(['1', '2']);
	});

	test('filters by name or slug', async () => {
		expect((await search(credentialData(), 'CHAT')).results).toEqual([
			{ name: 'Acme Chat (acme-chat)', value: 'acme-chat' },
		]);
		expect((await search(credentialData(), 'bill')).results.map((result) => result.value)).toEqual([
			'billing',
		]);
	});

	test('a rejected credential or hostile brand gives a clear error', async () => {
		await expect(search(credentialData({ apiToken: 'nope' }))).rejects.toMatchObject({
			message: 'Re:amaze: Unauthorized: invalid login email or API token',
			description: expect.stringContaining(
				'Check the Re:amaze credential: the login email or the API token is wrong',
			),
		});
		emulator.reset();
		await expect(search(credentialData({ brand: 'acme.reamaze.io.evil.com' }))).rejects.toThrow(
			/not a Re:amaze brand name/,
		);
		expect(emulator.requests).toHaveLength(0);
	});
});
