import { WindowLimiter } from '../../../sandbox/server';
import { createEmulator, type Emulator } from '../../../sandbox/index';
import {
	REEVOO_TEST_KEY,
	REEVOO_TEST_SECRET,
	type ReevooEmulator,
} from '../../../sandbox/providers/reevoo/emulator';
import { jsonOf, listSearch, runNode, testCredentialOf, visibleText } from '../../support/runNode';

let emulator: Emulator;
let reevoo: ReevooEmulator;

beforeAll(async () => {
	emulator = await createEmulator().start();
	reevoo = emulator.provider<ReevooEmulator>('reevoo');
});
afterAll(async () => await emulator.stop());
beforeEach(() => emulator.reset());

const credentials = (overrides: Record<string, string> = {}) => ({
	reevooConversationApi: {
		apiKey: REEVOO_TEST_KEY,
		apiSecret: REEVOO_TEST_SECRET,
		baseUrl: emulator.baseUrl('reevoo'),
		...overrides,
	},
});

const retailer = (value: string, mode: 'list' | 'id' = 'list') => ({ __rl: true, mode, value });

const bySku = (extra: Record<string, unknown> = {}) => ({
	provider: 'reevoo',
	reevooTrkref: retailer('D10'),
	reevooProductMode: 'sku',
	reevooSku: '={{ $json.sku }}',
	reevooEmail: '={{ $json.email }}',
	reevooQuestion: '={{ $json.question }}',
	...extra,
});

const item = (extra: Record<string, unknown> = {}) => ({
	sku: 'AIPTPDV5700',
	email: 'joe@example.com',
	question: 'How is this product?',
	...extra,
});

const creates = () => emulator.requestsFor('reevoo', { method: 'POST' });

describe('SKU mode', () => {
	test('queues one question with exactly the documented request and reports it as accepted', async () => {
		const result = await runNode({
			credentials: credentials(),
			items: [item()],
			parameters: bySku({ reevooFirstName: 'Joe' }),
		});

		expect(result.error).toBeUndefined();
		const [sent] = creates();
		expect(sent.path).toBe('/reevoo/v4/organisations/D10/conversations');
		expect(sent.body).toEqual({
			sku: 'AIPTPDV5700',
			first_name: 'Joe',
			email: 'joe@example.com',
			question: 'How is this product?',
		});
		const expectedAuth = `Basic ${Buffer.from(`${REEVOO_TEST_KEY}:${REEVOO_TEST_SECRET}`).toString('base64')}`;
		expect(sent.headers.authorization).toBe(expectedAuth);
		expect(sent.headers['content-type']).toMatch(/^application\/json/);
		expect(sent.status).toBe(202);
		expect(reevoo.created).toHaveLength(1);

		const [output] = result.output!;
		expect(output.pairedItem).toEqual({ item: 0 });
		expect(output.json).toEqual({
			provider: 'reevoo',
			status: 'accepted',
			conversationId: null,
			conversationUrl: null,
			accepted: true,
			httpStatus: 202,
			trkref: 'D10',
			sku: 'AIPTPDV5700',
			response: null,
		});
	});

	test('a workflow saved with the removed Locale field still runs; the locale is not sent', async () => {
		// `locale` was removed from Reevoo's conversations#create docs in 2016.
		for (const reevooLocale of ['en-GB', 'English please', '={{ $json.nothing }}']) {
			emulator.reset();
			const result = await runNode({
				credentials: credentials(),
				items: [item()],
				parameters: bySku({ reevooLocale }),
			});
			expect(result.error).toBeUndefined();
			expect(creates()[0].body).toEqual({
				sku: 'AIPTPDV5700',
				email: 'joe@example.com',
				question: 'How is this product?',
			});
		}
	});

	test('an empty first name is left out, so Reevoo applies "A shopper"', async () => {
		const result = await runNode({
			credentials: credentials(),
			items: [item()],
			parameters: bySku({ reevooFirstName: '  ' }),
		});
		expect(result.error).toBeUndefined();
		expect(creates()[0].body).toEqual({
			sku: 'AIPTPDV5700',
			email: 'joe@example.com',
			question: 'How is this product?',
		});
		expect(reevoo.created[0].summary).toContain('A shopper');
	});

	test('the trkref is URL-encoded in the path (typed by ID)', async () => {
		const result = await runNode({
			credentials: credentials(),
			items: [item({ sku: 'FR-SKU-1' })],
			parameters: bySku({ reevooTrkref: retailer('FR 1', 'id') }),
		});
		expect(result.error).toBeUndefined();
		expect(creates()[0].path).toBe('/reevoo/v4/organisations/FR%201/conversations');
		expect(reevoo.created[0].trkref).toBe('FR 1');
	});

	test('several items: one question each, output in input order', async () => {
		const result = await runNode({
			credentials: credentials(),
			items: [
				item({ question: 'one' }),
				item({ sku: 'TV-55-OLED', question: 'two' }),
				item({ question: 'three' }),
			],
			parameters: bySku(),
		});
		expect(result.error).toBeUndefined();
		expect(jsonOf(result.output).map((json) => [json.sku, json.status])).toEqual([
			['AIPTPDV5700', 'accepted'],
			['TV-55-OLED', 'accepted'],
			['AIPTPDV5700', 'accepted'],
		]);
		expect(result.output!.map((entry) => entry.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
		expect(reevoo.created).toHaveLength(3);
	});
});

describe('automotive mode', () => {
	test('sends manufacturer, model and every attribute the user set, including 0 and false', async () => {
		const result = await runNode({
			credentials: credentials(),
			items: [{ email: 'driver@example.com', question: 'Is it good on motorways?' }],
			parameters: {
				provider: 'reevoo',
				reevooTrkref: retailer('CAR'),
				reevooProductMode: 'automotive',
				reevooManufacturer: 'Ford',
				reevooModel: 'Focus',
				reevooVehicleAttributes: {
					axle: 'FWD',
					body_type: 'Hatchback',
					doors: 0,
					engine_size: '1598',
					engine_size_in_liters: 1.6,
					fuel_type: 'Petrol',
					model_display: 'Focus Titanium',
					model_variant: 'Titanium',
					model_from_month: 3,
					model_from_year: '2018',
					model_to_month: 12,
					model_to_year: 2022,
					model_year: 2020,
					transmission: 'Manual',
					used: false,
					vehicle_type: 'Car',
				},
				reevooEmail: '={{ $json.email }}',
				reevooQuestion: '={{ $json.question }}',
			},
		});
		expect(result.error).toBeUndefined();
		const [sent] = creates();
		expect(sent.path).toBe('/reevoo/v4/organisations/CAR/conversations');
		expect(sent.body).toEqual({
			manufacturer: 'Ford',
			model: 'Focus',
			axle: 'FWD',
			body_type: 'Hatchback',
			doors: 0,
			engine_size: '1598',
			engine_size_in_liters: 1.6,
			fuel_type: 'Petrol',
			model_display: 'Focus Titanium',
			model_variant: 'Titanium',
			model_from_month: 3,
			model_from_year: 2018,
			model_to_month: 12,
			model_to_year: 2022,
			model_year: 2020,
			transmission: 'Manual',
			used: false,
			vehicle_type: 'Car',
			email: 'driver@example.com',
			question: 'Is it good on motorways?',
		});
		expect(sent.body).not.toHaveProperty('sku');
		expect(jsonOf(result.output)[0]).toMatchObject({
			status: 'accepted',
			conversationId: null,
			accepted: true,
			manufacturer: 'Ford',
			model: 'Focus',
		});
	});

	test('with no optional attributes only manufacturer and model describe the product', async () => {
		await runNode({
			credentials: credentials(),
			parameters: {
				provider: 'reevoo',
				reevooTrkref: retailer('CAR'),
				reevooProductMode: 'automotive',
				reevooManufacturer: 'Volkswagen',
				reevooModel: 'Golf',
				reevooEmail: 'a@example.com',
				reevooQuestion: 'Q?',
			},
		});
		expect(creates()[0].body).toEqual({
			manufacturer: 'Volkswagen',
			model: 'Golf',
			email: 'a@example.com',
			question: 'Q?',
		});
	});
});

describe('validation happens before any request', () => {
	const automotive = {
		reevooProductMode: 'automotive',
		reevooManufacturer: 'Ford',
		reevooModel: 'Focus',
	};
	const invalid: Array<[string, Record<string, unknown>, RegExp]> = [
		[
			'an empty trkref',
			{ reevooTrkref: retailer('  ', 'id') },
			/"Retailer" in item 0: must not be empty/,
		],
		[
			'a trkref with a slash',
			{ reevooTrkref: retailer('D10/../admin', 'id') },
			/"Retailer" in item 0: must be a retailer trkref like D10, without \/ \? # % \\ or \.\./,
		],
		[
			'a trkref with a question mark',
			{ reevooTrkref: retailer('D10?x=1', 'id') },
			/"Retailer" in item 0: must be a retailer trkref/,
		],
		[
			'a trkref with a hash',
			{ reevooTrkref: retailer('D10#x', 'id') },
			/"Retailer" in item 0: must be a retailer trkref/,
		],
		[
			'a trkref with a percent sign',
			{ reevooTrkref: retailer('D10%2F', 'id') },
			/"Retailer" in item 0: must be a retailer trkref/,
		],
		[
			'a trkref with a backslash',
			{ reevooTrkref: retailer('D10\\x', 'id') },
			/"Retailer" in item 0: must be a retailer trkref/,
		],
		[
			'a trkref that is ..',
			{ reevooTrkref: retailer('..', 'id') },
			/"Retailer" in item 0: must be a retailer trkref/,
		],
		['an empty SKU', { reevooSku: ' ' }, /"SKU" in item 0: must not be empty/],
		[
			'a malformed email',
			{ reevooEmail: 'not-an-email' },
			/"Email" in item 0: must be an email address/,
		],
		['an empty question', { reevooQuestion: '   ' }, /"Question" in item 0: must not be empty/],
		[
			'automotive without manufacturer',
			{ ...automotive, reevooManufacturer: '={{ "" }}' },
			/"Manufacturer" in item 0: must not be empty/,
		],
		[
			'automotive without model',
			{ ...automotive, reevooModel: ' ' },
			/"Model" in item 0: must not be empty/,
		],
		[
			'a month above 12',
			{ ...automotive, reevooVehicleAttributes: { model_from_month: 13 } },
			/"Vehicle Attributes › Model From Month" in item 0: must be at most 12/,
		],
		[
			'a year that is not a number',
			{ ...automotive, reevooVehicleAttributes: { model_year: 'last year' } },
			/"Vehicle Attributes › Model Year" in item 0: must be a number, not text/,
		],
	];

	test.each(invalid)('%s', async (_name, overrides, expected) => {
		const result = await runNode({
			credentials: credentials(),
			items: [item(), item()],
			parameters: bySku({
				reevooSku: 'AIPTPDV5700',
				reevooEmail: 'ok@example.com',
				reevooQuestion: 'fine',
				...overrides,
			}),
		});
		expect(result.error?.message).toMatch(expected);
		expect(emulator.requests).toHaveLength(0);
	});

	test('a trkref with path characters from an expression never reaches Reevoo, even with Continue On Fail', async () => {
		const result = await runNode({
			credentials: credentials(),
			continueOnFail: true,
			items: [{ trkref: '../../v4/organisations' }, { trkref: 'D10' }],
			parameters: bySku({
				reevooTrkref: retailer('={{ $json.trkref }}', 'id'),
				reevooSku: 'AIPTPDV5700',
				reevooEmail: 'ok@example.com',
				reevooQuestion: 'fine',
			}),
		});
		const output = jsonOf(result.output);
		expect(output[0].error).toMatch(/Invalid "Retailer" in item 0: must be a retailer trkref/);
		expect(output[1]).toMatchObject({ status: 'accepted', trkref: 'D10' });
		expect(emulator.requests.map((request) => request.path)).toEqual([
			'/reevoo/v4/organisations/D10/conversations',
		]);
	});
});

describe('provider errors', () => {
	test('404 for an unknown trkref names the retailer', async () => {
		const result = await runNode({
			credentials: credentials(),
			items: [item()],
			parameters: bySku({ reevooTrkref: retailer('NOPE', 'id') }),
		});
		expect(result.error?.message).toBe(
			'Reevoo: retailer (trkref) "NOPE" was not found, or this API key may not access it',
		);
		expect((result.error as unknown as { httpCode: string }).httpCode).toBe('404');
		expect((result.error as unknown as { description: string }).description).toContain(
			'Provider message: Organisation with trkref NOPE not found or not authorised',
		);
		expect(creates()).toHaveLength(1);
	});

	test('404 for a retailer the key may not use is reported the same way', async () => {
		const result = await runNode({
			credentials: credentials(),
			items: [item({ sku: 'X1' })],
			parameters: bySku({ reevooTrkref: retailer('HIDDEN', 'id') }),
		});
		expect(result.error?.message).toMatch(
			/retailer \(trkref\) "HIDDEN" was not found, or this API key may not access it/,
		);
	});

	test('404 for an unknown SKU names the SKU and the retailer', async () => {
		const result = await runNode({
			credentials: credentials(),
			items: [item({ sku: 'NO-SUCH-SKU' })],
			parameters: bySku(),
		});
		expect(result.error?.message).toBe(
			'Reevoo: no product with SKU "NO-SUCH-SKU" for retailer "D10"',
		);
		expect((result.error as unknown as { description: string }).description).toMatch(
			/Check the SKU/,
		);
		expect(reevoo.created).toHaveLength(0);
	});

	test('404 without a body names both possibilities', async () => {
		emulator.inject({
			provider: 'reevoo',
			method: 'POST',
			fault: { kind: 'reply', reply: { status: 404 } },
		});
		const result = await runNode({
			credentials: credentials(),
			items: [item()],
			parameters: bySku(),
		});
		expect(result.error?.message).toBe(
			'Reevoo: retailer (trkref) "D10" or SKU "AIPTPDV5700" was not found, or this API key may not access the retailer',
		);
	});

	test('422 lists the missing attributes from the body', async () => {
		emulator.inject({
			provider: 'reevoo',
			method: 'POST',
			fault: {
				kind: 'reply',
				reply: {
					status: 422,
					body: {
						status: 422,
						message: 'Missing mandatory attributes',
						errors: ['model_year is missing', { field: 'fuel_type', message: "can't be blank" }],
					},
				},
			},
		});
		const result = await runNode({
			credentials: credentials(),
			items: [item()],
			parameters: bySku(),
		});
		expect(result.error?.message).toBe(
			"Reevoo: missing or invalid attributes: model_year is missing; fuel_type: can't be blank",
		);
		expect((result.error as unknown as { httpCode: string }).httpCode).toBe('422');
		expect((result.error as unknown as { description: string }).description).toContain(
			'Provider message: Missing mandatory attributes',
		);
		expect(creates()).toHaveLength(1);
	});

	test('422 from the emulator itself (body Reevoo would reject) is readable too', async () => {
		emulator.inject({
			provider: 'reevoo',
			method: 'POST',
			fault: {
				kind: 'reply',
				reply: {
					status: 422,
					body: { errors: { manufacturer: ["can't be blank"], model: ["can't be blank"] } },
				},
			},
		});
		const result = await runNode({
			credentials: credentials(),
			items: [item()],
			parameters: bySku(),
		});
		expect(result.error?.message).toBe(
			"Reevoo: missing or invalid attributes: manufacturer: can't be blank; model: can't be blank",
		);
	});

	test('429 with Retry-After is waited out, then every question is queued exactly once', async () => {
		reevoo.limiter = new WindowLimiter(1, 1000);
		const result = await runNode({
			credentials: credentials(),
			items: [item({ question: 'a' }), item({ question: 'b' }), item({ question: 'c' })],
			parameters: bySku(),
		});
		expect(result.error).toBeUndefined();
		expect(jsonOf(result.output).map((json) => json.status)).toEqual([
			'accepted',
			'accepted',
			'accepted',
		]);
		const statuses = creates().map((request) => request.status);
		expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);
		expect(statuses.filter((status) => status === 202)).toHaveLength(3);
		expect([...reevoo.createsByKey.values()]).toEqual([1, 1, 1]);
		const rejected = creates().find((request) => request.status === 429)!;
		expect(rejected.response).toMatchObject({ status: 429 });
	});

	test('5xx is never retried, because the question may have been queued', async () => {
		emulator.inject({
			provider: 'reevoo',
			method: 'POST',
			fault: {
				kind: 'reply',
				reply: { status: 503, raw: '<html><body><h1>503 Service Unavailable</h1></body></html>' },
			},
		});
		const result = await runNode({
			credentials: credentials(),
			items: [item()],
			parameters: bySku(),
		});
		expect(result.error?.message).toBe('Reevoo: 503 Service Unavailable');
		expect(creates()).toHaveLength(1);
	});

	test('401: the secret appears nowhere, and the request is sent once', async () => {
		const result = await runNode({
			credentials: credentials({ apiSecret: 'wrong-secret-value-987' }),
			items: [item()],
			parameters: bySku(),
		});
		expect(result.error?.message).toBe('Reevoo: Unauthorized');
		expect((result.error as unknown as { httpCode: string }).httpCode).toBe('401');
		expect(creates()).toHaveLength(1);
		expect(visibleText(result)).not.toContain('wrong-secret-value-987');
		expect(visibleText(result)).not.toContain(
			Buffer.from(`${REEVOO_TEST_KEY}:wrong-secret-value-987`).toString('base64'),
		);
	});

	test('Continue On Fail: failed and invalid items become error items, the others are queued', async () => {
		emulator.inject({
			provider: 'reevoo',
			method: 'POST',
			fault: { kind: 'reply', reply: { status: 500, body: { status: 500, message: 'Boom' } } },
		});
		const result = await runNode({
			credentials: credentials(),
			continueOnFail: true,
			items: [
				item({ question: 'server fails' }),
				item({ email: 'broken' }),
				item({ question: 'good' }),
				item({ sku: 'NO-SUCH-SKU' }),
			],
			parameters: { ...bySku(), requestOptions: { concurrency: 1 } },
		});
		expect(result.error).toBeUndefined();
		const output = jsonOf(result.output);
		expect(result.output!.map((entry) => entry.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
			{ item: 3 },
		]);
		expect(output[0]).toMatchObject({ provider: 'reevoo', error: 'Reevoo: Boom', httpCode: '500' });
		expect(output[1].error).toBe(
			'Invalid "Email" in item 1: must be an email address like name@example.com',
		);
		expect(output[2]).toMatchObject({ status: 'accepted', conversationId: null, accepted: true });
		expect(output[3]).toMatchObject({
			error: 'Reevoo: no product with SKU "NO-SUCH-SKU" for retailer "D10"',
			httpCode: '404',
		});
		expect(reevoo.created).toHaveLength(1);
		expect(visibleText(result)).not.toContain(REEVOO_TEST_SECRET);
	});
});

describe('retailer list', () => {
	/** Runs the node's listSearch method on n8n-core's real LoadOptionsContext. */
	async function searchRetailers(filter?: string, data = credentials().reevooConversationApi) {
		return await listSearch({
			method: 'reevooSearchRetailers',
			credentials: { reevooConversationApi: data },
			parameters: { provider: 'reevoo' },
			filter,
		});
	}

	test('lists the retailers the key may use, from GET /v4/organisations', async () => {
		const result = await searchRetailers();
		expect(result.results).toEqual([
			{ name: 'Demo Electricals (D10)', value: 'D10' },
			{ name: 'Démo Français (FR 1)', value: 'FR 1' },
			{ name: 'Demo Motors (CAR)', value: 'CAR' },
		]);
		const [sent] = emulator.requestsFor('reevoo', {
			method: 'GET',
			path: '/reevoo/v4/organisations',
		});
		expect(sent.headers.authorization).toBe(
			`Basic ${Buffer.from(`${REEVOO_TEST_KEY}:${REEVOO_TEST_SECRET}`).toString('base64')}`,
		);
	});

	test('filters by trkref or name', async () => {
		expect((await searchRetailers('motors')).results).toEqual([
			{ name: 'Demo Motors (CAR)', value: 'CAR' },
		]);
		expect((await searchRetailers('d10')).results).toEqual([
			{ name: 'Demo Electricals (D10)', value: 'D10' },
		]);
	});

	test('a wrong secret fails the list with a clear error instead of showing an empty one', async () => {
		const attempt = searchRetailers(undefined, {
			...credentials().reevooConversationApi,
			apiSecret: 'nope',
		});
		await expect(attempt).rejects.toThrow('Reevoo: Unauthorized');
		await expect(
			searchRetailers(undefined, { ...credentials().reevooConversationApi, apiSecret: 'nope' }),
		).rejects.toMatchObject({
			description: expect.stringContaining(
				'Check the Reevoo credential: the API key or the API secret is wrong.',
			),
		});
	});

	test('a 429 on the list is waited out, not shown as an error', async () => {
		emulator.inject({
			provider: 'reevoo',
			fault: { kind: 'reply', reply: { status: 429, headers: { 'retry-after': '1' }, body: {} } },
		});
		expect((await searchRetailers('d10')).results).toEqual([
			{ name: 'Demo Electricals (D10)', value: 'D10' },
		]);
		expect(
			emulator
				.requestsFor('reevoo', { path: '/reevoo/v4/organisations' })
				.map((request) => request.status),
		).toEqual([429, 200]);
	});
});

describe('credential', () => {
	test('the Test button passes with a valid key and secret', async () => {
		const result = await testCredentialOf(
			'reevooConversationApi',
			credentials().reevooConversationApi,
		);
		expect(result.status).toBe('OK');
		const [sent] = emulator.requestsFor('reevoo', { path: '/reevoo/v4/organisations' });
		expect(sent.method).toBe('GET');
		expect(sent.status).toBe(200);
	});

	test('the Test button fails clearly with a wrong secret', async () => {
		const result = await testCredentialOf('reevooConversationApi', {
			...credentials().reevooConversationApi,
			apiSecret: 'wrong-secret',
		});
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/Unauthorized/i);
		expect(emulator.requestsFor('reevoo', { path: '/reevoo/v4/organisations' })[0].status).toBe(
			401,
		);
	});

	test('a base URL override that is not HTTPS or loopback is refused before anything is sent', async () => {
		const result = await runNode({
			credentials: credentials({ baseUrl: 'http://evil.example.com' }),
			items: [item()],
			parameters: bySku(),
		});
		expect(result.error?.message).toMatch(
			/Base URL Override must be an https:\/\/ address on \*\.reevoocloud\.com/,
		);
		expect(emulator.requests).toHaveLength(0);
	});
});
