import { createEmulator, type Emulator } from '../../../sandbox/index';
import {
	INTERCOM_TEST_TOKEN,
	type IntercomEmulator,
} from '../../../sandbox/providers/intercom/emulator';
import { intercomSchemas } from '../../../sandbox/providers/intercom/openapi';
import { CredentialStore } from '../../harness';
import { jsonOf, runNode, testCredentialOf, visibleText } from '../../support/runNode';

let emulator: Emulator;
let intercom: IntercomEmulator;

beforeAll(async () => {
	emulator = await createEmulator().start();
	intercom = emulator.provider<IntercomEmulator>('intercom');
});
afterAll(async () => await emulator.stop());
beforeEach(() => emulator.reset());

const credentials = (overrides: Record<string, string> = {}) => ({
	intercomConversationApi: {
		accessToken: INTERCOM_TEST_TOKEN,
		region: 'us',
		apiVersion: '2.16',
		baseUrl: emulator.baseUrl('intercom'),
		...overrides,
	},
});

const byEmail = (extra: Record<string, unknown> = {}) => ({
	provider: 'intercom',
	intercomContactMode: 'email',
	intercomEmail: '={{ $json.email }}',
	intercomBody: '={{ $json.message }}',
	...extra,
});

const creates = () =>
	emulator.requestsFor('intercom', { method: 'POST', path: '/intercom/conversations' });

test('the official schema is available, so every request below is checked against it', () => {
	expect(intercomSchemas()).toBeDefined();
});

describe('contact given by ID', () => {
	test('creates one conversation with exactly the documented request', async () => {
		const lead = intercom.addContact({ role: 'lead', email: 'lead@example.com' });
		const result = await runNode({
			credentials: credentials(),
			items: [{ id: lead.id }],
			parameters: {
				provider: 'intercom',
				intercomContactMode: 'id',
				intercomContactId: '={{ $json.id }}',
				intercomContactType: 'lead',
				intercomBody: 'Hello from n8n',
				intercomOptions: {
					subject: 'Order 42',
					attachmentUrls: 'https://example.com/a.png, https://example.com/b.png',
					createdAt: '2026-01-31T09:30:00Z',
					brandId: '123',
				},
			},
		});

		expect(result.error).toBeUndefined();
		const [sent] = creates();
		expect(sent.body).toEqual({
			from: { type: 'lead', id: lead.id },
			body: 'Hello from n8n',
			subject: 'Order 42',
			attachment_urls: ['https://example.com/a.png', 'https://example.com/b.png'],
			created_at: Date.parse('2026-01-31T09:30:00Z') / 1000,
			brand_id: '123',
		});
		expect(sent.headers.authorization).toBe(`Bearer ${INTERCOM_TEST_TOKEN}`);
		expect(sent.headers['intercom-version']).toBe('2.16');
		expect(sent.headers.accept).toBe('application/json');
		expect(intercom.schemaViolations).toEqual([]);

		const [item] = result.output!;
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toMatchObject({
			provider: 'intercom',
			status: 'created',
			conversationId: intercom.created[0].id,
			contactId: lead.id,
			contactType: 'lead',
			contactSource: 'given',
		});
		expect(item.json.response).toMatchObject({
			type: 'user_message',
			conversation_id: intercom.created[0].id,
		});
	});

	test('leaves out what the user did not set', async () => {
		const user = intercom.addContact({ role: 'user', email: 'u@example.com' });
		await runNode({
			credentials: credentials(),
			parameters: {
				provider: 'intercom',
				intercomContactMode: 'id',
				intercomContactId: user.id,
				intercomBody: 'Hi',
			},
		});
		expect(creates()[0].body).toEqual({ from: { type: 'user', id: user.id }, body: 'Hi' });
	});
});

describe('contact found by email or external ID', () => {
	test('one item per conversation, contacts looked up once per execution', async () => {
		const ann = intercom.addContact({ role: 'user', email: 'ann@example.com' });
		const bob = intercom.addContact({ role: 'user', email: 'bob@example.com' });
		const result = await runNode({
			credentials: credentials(),
			items: [
				{ email: 'ann@example.com', message: 'first' },
				{ email: 'BOB@example.com', message: 'second' },
				{ email: 'ann@example.com', message: 'third' },
			],
			parameters: byEmail(),
		});

		expect(result.error).toBeUndefined();
		expect(jsonOf(result.output).map((item) => [item.contactId, item.contactSource])).toEqual([
			[ann.id, 'found'],
			[bob.id, 'found'],
			[ann.id, 'found'],
		]);
		expect(result.output!.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
		expect(emulator.requestsFor('intercom', { path: '/intercom/contacts/search' })).toHaveLength(2);
		expect(creates().map((request) => (request.body as { body: string }).body)).toEqual(
			expect.arrayContaining(['first', 'second', 'third']),
		);
		expect(intercom.schemaViolations).toEqual([]);
	});

	test('picks the contact with the chosen role and says how many matched', async () => {
		intercom.addContact({ role: 'user', email: 'both@example.com' });
		const oldLead = intercom.addContact({
			role: 'lead',
			email: 'both@example.com',
			updated_at: 1000,
		});
		const newLead = intercom.addContact({
			role: 'lead',
			email: 'both@example.com',
			updated_at: 2000,
		});
		const result = await runNode({
			credentials: credentials(),
			items: [{ email: 'both@example.com', message: 'hi' }],
			parameters: byEmail({ intercomContactRole: 'lead' }),
		});
		expect(jsonOf(result.output)[0]).toMatchObject({
			contactId: newLead.id,
			contactType: 'lead',
			contactMatches: 2,
		});
		expect(creates()[0].body).toMatchObject({ from: { type: 'lead', id: newLead.id } });
		expect(oldLead.id).not.toBe(newLead.id);
	});

	test("creates a missing contact, waiting out Intercom's brief 404 for new contacts", async () => {
		intercom.newContactLagMs = 1500;
		const result = await runNode({
			credentials: credentials(),
			items: [{ email: 'new@example.com', message: 'hello' }],
			parameters: byEmail({
				intercomContactRole: 'lead',
				intercomOptions: { contactName: 'New Person' },
			}),
		});
		expect(result.error).toBeUndefined();
		const [created] = emulator.requestsFor('intercom', { path: '/intercom/contacts' });
		expect(created.body).toEqual({ role: 'lead', email: 'new@example.com', name: 'New Person' });
		expect(jsonOf(result.output)[0]).toMatchObject({
			contactSource: 'created',
			contactType: 'lead',
		});
		expect(creates().filter((request) => request.status === 404).length).toBeGreaterThan(0);
		expect(intercom.created).toHaveLength(1);
	});

	test('a contact another execution created a moment ago (not searchable yet, 409 on create) is used, not an error', async () => {
		// Intercom indexes new contacts late: search misses, POST /contacts answers 409 "already exists with id=…".
		const fresh = intercom.addContact({
			role: 'user',
			email: 'racing@example.com',
			searchableAt: Date.now() + 60_000,
		});
		const result = await runNode({
			credentials: credentials(),
			items: [{ email: 'racing@example.com', message: 'hi' }],
			parameters: byEmail(),
		});
		expect(result.error).toBeUndefined();
		const [attempt] = emulator.requestsFor('intercom', { path: '/intercom/contacts' });
		expect(attempt.status).toBe(409);
		expect(jsonOf(result.output)[0]).toMatchObject({
			status: 'created',
			contactId: fresh.id,
			contactSource: 'found',
		});
		expect(creates()[0].body).toMatchObject({ from: { type: 'user', id: fresh.id } });
		expect(
			intercom.contacts.filter((contact) => contact.email === 'racing@example.com'),
		).toHaveLength(1);
	});

	test('a 409 without the id in its message: the contact is searched again after short waits', async () => {
		const fresh = intercom.addContact({
			role: 'user',
			email: 'late@example.com',
			searchableAt: Date.now() + 800,
		});
		emulator.inject({
			provider: 'intercom',
			method: 'POST',
			path: '/intercom/contacts',
			fault: {
				kind: 'reply',
				reply: {
					status: 409,
					body: {
						type: 'error.list',
						errors: [
							{ code: 'conflict', message: 'A contact matching those details already exists' },
						],
					},
				},
			},
		});
		const result = await runNode({
			credentials: credentials(),
			items: [{ email: 'late@example.com', message: 'hi' }],
			parameters: byEmail(),
		});
		expect(result.error).toBeUndefined();
		expect(jsonOf(result.output)[0]).toMatchObject({ contactId: fresh.id });
		expect(
			emulator.requestsFor('intercom', { path: '/intercom/contacts/search' }).length,
		).toBeGreaterThanOrEqual(2);
	});

	test('executions that start together for a new email create one contact and a conversation each', async () => {
		intercom.searchLagMs = 5000;
		const store = new CredentialStore();
		store.add('intercomConversationApi', credentials().intercomConversationApi);
		const runs = await Promise.all(
			['one', 'two', 'three', 'four'].map((message) =>
				runNode({
					credentialStore: store,
					items: [{ email: 'together@example.com', message }],
					parameters: byEmail(),
				}),
			),
		);
		expect(runs.map((run) => run.error?.message)).toEqual([
			undefined,
			undefined,
			undefined,
			undefined,
		]);
		expect(
			intercom.contacts.filter((contact) => contact.email === 'together@example.com'),
		).toHaveLength(1);
		expect(intercom.created).toHaveLength(4);
		const contactIds = new Set(runs.map((run) => jsonOf(run.output)[0].contactId));
		expect(contactIds.size).toBe(1);
	});

	test('with "Create Contact If Missing" off, a missing contact is a clear error and nothing is created', async () => {
		const result = await runNode({
			credentials: credentials(),
			items: [{ email: 'nobody@example.com', message: 'hello' }],
			parameters: byEmail({ intercomCreateIfMissing: false }),
		});
		expect(result.error?.message).toContain(
			'No Intercom user found with email "nobody@example.com"',
		);
		expect(emulator.requestsFor('intercom', { path: '/intercom/contacts' })).toHaveLength(0);
		expect(creates()).toHaveLength(0);
	});

	test('finds by external user ID', async () => {
		const user = intercom.addContact({ role: 'user', external_id: 'crm-77' });
		const result = await runNode({
			credentials: credentials(),
			parameters: {
				provider: 'intercom',
				intercomContactMode: 'externalId',
				intercomExternalId: 'crm-77',
				intercomBody: 'Hi',
			},
		});
		expect(jsonOf(result.output)[0]).toMatchObject({ contactId: user.id, contactSource: 'found' });
		expect(emulator.requestsFor('intercom', { path: '/intercom/contacts/search' })[0].body).toEqual(
			{
				query: { field: 'external_id', operator: '=', value: 'crm-77' },
				pagination: { per_page: 50 },
			},
		);
	});
});

describe('Created At', () => {
	const createdAt = async (value: string, timezone?: string) => {
		const user = intercom.addContact({ role: 'user' });
		const result = await runNode({
			credentials: credentials(),
			timezone,
			parameters: {
				provider: 'intercom',
				intercomContactMode: 'id',
				intercomContactId: user.id,
				intercomBody: 'x',
				intercomOptions: { createdAt: value },
			},
		});
		expect(result.error).toBeUndefined();
		return (creates().at(-1)!.body as { created_at: number }).created_at;
	};

	test.each([
		['Asia/Tokyo', '2026-01-31T09:30:00', '2026-01-31T00:30:00Z'],
		['America/New_York', '2026-01-31T09:30:00', '2026-01-31T14:30:00Z'],
		['Europe/Berlin', '2026-07-01T12:00', '2026-07-01T10:00:00Z'],
	])(
		"a date without a zone is read in the workflow's time zone (%s)",
		async (timezone, value, utc) => {
			expect(await createdAt(value, timezone)).toBe(Date.parse(utc) / 1000);
		},
	);

	test("a date with a zone keeps it, whatever the workflow's time zone", async () => {
		expect(await createdAt('2026-01-31T09:30:00+02:00', 'Asia/Tokyo')).toBe(
			Date.parse('2026-01-31T07:30:00Z') / 1000,
		);
		expect(await createdAt('2026-01-31T09:30:00Z', 'Asia/Tokyo')).toBe(
			Date.parse('2026-01-31T09:30:00Z') / 1000,
		);
	});
});

describe('validation happens before any request', () => {
	const invalid: Array<[string, Record<string, unknown>, RegExp]> = [
		['empty message', { intercomBody: '  ' }, /"Message" in item 0: must not be empty/],
		[
			'malformed email',
			{ intercomEmail: 'not-an-email' },
			/"Email" in item 0: must be an email address/,
		],
		[
			'contact ID of the wrong length',
			{ intercomContactMode: 'id', intercomContactId: 'abc' },
			/"Contact ID" in item 0: must be the 24-character/,
		],
		[
			'more than 10 attachments',
			{ intercomOptions: { attachmentUrls: Array(11).fill('https://e.com/x.png') } },
			/"Additional Fields › Attachment URLs" in item 0: must have at most 10/,
		],
		[
			'an attachment that is not a URL',
			{ intercomOptions: { attachmentUrls: 'ftp://x' } },
			/"Additional Fields › Attachment URLs › #1" in item 0: must be a full URL/,
		],
		[
			'an unreadable date',
			{ intercomOptions: { createdAt: 'next tuesday' } },
			/"Additional Fields › Created At" in item 0: must be a date/,
		],
		[
			'an unknown contact type',
			{
				intercomContactMode: 'id',
				intercomContactId: 'a'.repeat(24),
				intercomContactType: 'admin',
			},
			/"Contact Type" in item 0: must be one of: user, lead, contact/,
		],
		[
			'a message that is not text',
			{ intercomBody: '={{ 42 }}' },
			/"Message" in item 0: must be text, not a number/,
		],
	];

	test.each(invalid)('%s', async (_name, overrides, expected) => {
		const result = await runNode({
			credentials: credentials(),
			items: [
				{ email: 'ok@example.com', message: 'fine' },
				{ email: 'ok@example.com', message: 'fine' },
			],
			parameters: byEmail({ intercomBody: 'fine', intercomEmail: 'ok@example.com', ...overrides }),
		});
		expect(result.error?.message).toMatch(expected);
		expect(emulator.requests).toHaveLength(0);
	});

	test('a bad item among good ones fails the run before the good ones are created', async () => {
		intercom.addContact({ role: 'user', email: 'ok@example.com' });
		const result = await runNode({
			credentials: credentials(),
			items: [
				{ email: 'ok@example.com', message: 'one' },
				{ email: 'ok@example.com', message: 'two' },
				{ email: 'broken', message: 'three' },
			],
			parameters: byEmail(),
		});
		expect(result.error?.message).toBe(
			'Invalid "Email" in item 2: must be an email address like name@example.com',
		);
		expect(emulator.requests).toHaveLength(0);
	});
});

describe('provider errors', () => {
	test("401: the provider's message, and the token appears nowhere", async () => {
		const result = await runNode({
			credentials: credentials({ accessToken: 'wrong-token-value-123' }),
			items: [{ email: 'a@example.com', message: 'x' }],
			parameters: byEmail(),
		});
		expect(result.error?.message).toBe('Intercom: Access Token Invalid');
		expect((result.error as unknown as { httpCode: string }).httpCode).toBe('401');
		expect(visibleText(result)).not.toContain('wrong-token-value-123');
	});

	test.each([
		[403, 'api_plan_restricted', 'Active subscription needed.'],
		[404, 'not_found', 'User Not Found'],
		[422, 'parameter_invalid', 'Body is too long'],
	])('%i is reported with the code and request ID, not retried', async (status, code, message) => {
		const user = intercom.addContact({ role: 'user' });
		emulator.inject({
			provider: 'intercom',
			pathPrefix: '/intercom/conversations',
			fault: {
				kind: 'reply',
				reply: {
					status,
					body: { type: 'error.list', request_id: 'req-123', errors: [{ code, message }] },
				},
			},
		});
		const result = await runNode({
			credentials: credentials(),
			parameters: {
				provider: 'intercom',
				intercomContactMode: 'id',
				intercomContactId: user.id,
				intercomBody: 'x',
			},
		});
		expect(result.error?.message).toBe(`Intercom: ${message}`);
		const description = (result.error as unknown as { description: string }).description;
		expect(description).toContain(`Error code: ${code}`);
		expect(description).toContain('Request ID: req-123');
		expect(creates()).toHaveLength(1);
	});

	test('5xx is never retried, because the conversation may exist', async () => {
		const user = intercom.addContact({ role: 'user' });
		emulator.inject({
			provider: 'intercom',
			pathPrefix: '/intercom/conversations',
			fault: {
				kind: 'reply',
				reply: { status: 503, raw: '<html><body><h1>503 Service Unavailable</h1></body></html>' },
			},
		});
		const result = await runNode({
			credentials: credentials(),
			parameters: {
				provider: 'intercom',
				intercomContactMode: 'id',
				intercomContactId: user.id,
				intercomBody: 'x',
			},
		});
		expect(result.error?.message).toBe('Intercom: 503 Service Unavailable');
		expect((result.error as unknown as { description: string }).description).toMatch(
			/not sent again/,
		);
		expect(creates()).toHaveLength(1);
	});

	test('429 waits until X-RateLimit-Reset and then succeeds, without duplicates', async () => {
		const user = intercom.addContact({ role: 'user' });
		const { WindowLimiter } = await import('../../../sandbox/server');
		intercom.limiter = new WindowLimiter(2, 1000);
		const result = await runNode({
			credentials: credentials(),
			items: [{ m: 'a' }, { m: 'b' }, { m: 'c' }, { m: 'd' }, { m: 'e' }],
			parameters: {
				provider: 'intercom',
				intercomContactMode: 'id',
				intercomContactId: user.id,
				intercomBody: '={{ $json.m }}',
			},
		});
		expect(result.error).toBeUndefined();
		expect(intercom.limiter.rejected).toBeGreaterThan(0);
		expect(intercom.created).toHaveLength(5);
		expect([...intercom.createsByKey.values()].every((count) => count === 1)).toBe(true);
		expect(jsonOf(result.output).map((item) => (item.response as { body: string }).body)).toEqual([
			'a',
			'b',
			'c',
			'd',
			'e',
		]);
	});

	test('429 asking for a longer wait than allowed fails clearly', async () => {
		const user = intercom.addContact({ role: 'user' });
		emulator.inject({
			provider: 'intercom',
			fault: {
				kind: 'reply',
				reply: {
					status: 429,
					headers: { 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 120) },
					body: {
						type: 'error.list',
						errors: [{ code: 'rate_limit_exceeded', message: 'Exceeded rate limit' }],
					},
				},
			},
		});
		const result = await runNode({
			credentials: credentials(),
			parameters: {
				provider: 'intercom',
				intercomContactMode: 'id',
				intercomContactId: user.id,
				intercomBody: 'x',
				requestOptions: { rateLimitPatienceSeconds: 5 },
			},
		});
		expect(result.error?.message).toMatch(
			/Intercom asks to wait 1[12]\d s, longer than Request Options › Rate-Limit Patience \(5 s\)/,
		);
		expect(creates()).toHaveLength(1);
	});

	test('a reset time already in the past (clock skew) does not turn into a burst of retries', async () => {
		const user = intercom.addContact({ role: 'user' });
		emulator.inject({
			provider: 'intercom',
			pathPrefix: '/intercom/conversations',
			times: 3,
			fault: {
				kind: 'reply',
				reply: {
					status: 429,
					headers: { 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) - 60) },
					body: {
						type: 'error.list',
						errors: [{ code: 'rate_limit_exceeded', message: 'Exceeded rate limit' }],
					},
				},
			},
		});
		const result = await runNode({
			credentials: credentials(),
			parameters: {
				provider: 'intercom',
				intercomContactMode: 'id',
				intercomContactId: user.id,
				intercomBody: 'x',
			},
		});
		expect(result.error).toBeUndefined();
		const sentAt = creates().map((request) => request.receivedAt);
		expect(sentAt).toHaveLength(4);
		const gaps = sentAt.slice(1).map((time, index) => time - sentAt[index]);
		expect(Math.min(...gaps)).toBeGreaterThanOrEqual(200);
		expect(intercom.created).toHaveLength(1);
	});

	test('cancelling the execution during a 429 wait ends it promptly', async () => {
		const user = intercom.addContact({ role: 'user' });
		emulator.inject({
			provider: 'intercom',
			fault: {
				kind: 'reply',
				reply: {
					status: 429,
					headers: { 'retry-after': '30' },
					body: { type: 'error.list', errors: [{ code: 'rate_limit_exceeded' }] },
				},
			},
		});
		const controller = new AbortController();
		const started = Date.now();
		const running = runNode({
			credentials: credentials(),
			signal: controller.signal,
			parameters: {
				provider: 'intercom',
				intercomContactMode: 'id',
				intercomContactId: user.id,
				intercomBody: 'x',
			},
		});
		setTimeout(() => controller.abort(), 300);
		const result = await running;
		expect(Date.now() - started).toBeLessThan(5000);
		expect(result.status).not.toBe('success');
		expect(intercom.created).toHaveLength(0);
	});
});

describe('Continue On Fail', () => {
	test('failed items become error items; every other item still goes through', async () => {
		const ann = intercom.addContact({ role: 'user', email: 'ann@example.com' });
		emulator.inject({
			provider: 'intercom',
			pathPrefix: '/intercom/contacts/search',
			fault: {
				kind: 'reply',
				reply: {
					status: 500,
					body: { type: 'error.list', errors: [{ code: 'server_error', message: 'Boom' }] },
				},
			},
		});
		const result = await runNode({
			credentials: credentials(),
			continueOnFail: true,
			items: [
				{ email: 'missing@example.com', message: 'search fails' },
				{ email: 'not an email', message: 'invalid' },
				{ email: 'ann@example.com', message: 'good' },
				{ email: 'ann@example.com', message: '' },
			],
			parameters: byEmail(),
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
			provider: 'intercom',
			error: 'Intercom: Boom',
			httpCode: '500',
		});
		expect(output[1].error).toBe(
			'Invalid "Email" in item 1: must be an email address like name@example.com',
		);
		expect(output[2]).toMatchObject({ status: 'created', contactId: ann.id });
		expect(output[3].error).toBe('Invalid "Message" in item 3: must not be empty');
		expect(intercom.created).toHaveLength(1);
		expect(visibleText(result)).not.toContain(INTERCOM_TEST_TOKEN);
	});
});

describe('credential', () => {
	test('the Test button passes with a valid token', async () => {
		const result = await testCredentialOf(
			'intercomConversationApi',
			credentials().intercomConversationApi,
		);
		expect(result.status).toBe('OK');
		expect(emulator.requestsFor('intercom', { path: '/intercom/me' })).toHaveLength(1);
	});

	test('the Test button fails clearly with a wrong token', async () => {
		const result = await testCredentialOf('intercomConversationApi', {
			...credentials().intercomConversationApi,
			accessToken: 'nope',
		});
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/Unauthorized|Access Token Invalid/i);
	});

	test('a base URL override that is not HTTPS or loopback is refused before anything is sent', async () => {
		const result = await runNode({
			credentials: credentials({ baseUrl: 'http://evil.example.com' }),
			parameters: {
				provider: 'intercom',
				intercomContactMode: 'id',
				intercomContactId: 'a'.repeat(24),
				intercomBody: 'x',
			},
		});
		expect(result.error?.message).toMatch(
			/Base URL Override must be an https:\/\/ address on \*\.intercom\.io, or http:\/\/ to 127\.0\.0\.1 or localhost/,
		);
		expect(emulator.requests).toHaveLength(0);
	});
});
