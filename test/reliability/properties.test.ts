/**
 * Generated hostile parameters, per provider.
 *
 * 1. At the boundary that decides it (10,000 parameter sets per provider): the provider's zod
 *    schema (`validateParameters`) and, when it accepts, the provider's pure request builders.
 *    Either every request is one the provider's own validator accepts (Intercom: the official
 *    OpenAPI document; the others: the emulator's route and validator), at a path that stays
 *    where it belongs after URL parsing, or the item fails with a NodeOperationError naming a
 *    field of that provider. Never a TypeError or any other exception.
 * 2. Through the real engine (a smaller run): hostile values mapped with expressions never make
 *    a request reach another host, never cause an unhandled rejection, and every item ends with
 *    a result or an error item.
 */
import { validateHeaderName, validateHeaderValue } from 'node:http';

import fc from 'fast-check';
import { NodeOperationError, type INode, type INodeProperties } from 'n8n-workflow';

import type { HttpCall, ProviderDefinition } from '../../nodes/CreateConversation/shared/provider';
import { validateParameters } from '../../nodes/CreateConversation/shared/validation';
import * as dynamicsRequests from '../../nodes/CreateConversation/providers/dynamics/request';
import { dynamicsProvider } from '../../nodes/CreateConversation/providers/dynamics';
import * as intercomRequests from '../../nodes/CreateConversation/providers/intercom/request';
import { intercomProvider } from '../../nodes/CreateConversation/providers/intercom';
import * as reamazeRequests from '../../nodes/CreateConversation/providers/reamaze/request';
import { reamazeProvider } from '../../nodes/CreateConversation/providers/reamaze';
import * as reevooRequests from '../../nodes/CreateConversation/providers/reevoo/request';
import { reevooProvider } from '../../nodes/CreateConversation/providers/reevoo';
import * as zapRequests from '../../nodes/CreateConversation/providers/zap/request';
import { zapProvider } from '../../nodes/CreateConversation/providers/zap';
import type { ReevooParams } from '../../nodes/CreateConversation/providers/reevoo/schema';
import type { Reply, RouteRequest } from '../emulator/core.ts';
import { DYNAMICS_TEST, DynamicsEmulator } from '../emulator/dynamics.ts';
import { createEmulator, type Emulator } from '../emulator/index.ts';
import { intercomSchemas } from '../emulator/openapi.ts';
import { REAMAZE_TEST_EMAIL, REAMAZE_TEST_TOKEN, ReamazeEmulator } from '../emulator/reamaze.ts';
import { REEVOO_TEST_KEY, REEVOO_TEST_SECRET, ReevooEmulator } from '../emulator/reevoo.ts';
import { ZAP_TEST_ACCESS_TOKEN, ZapEmulator } from '../emulator/zap.ts';
import { jsonOf, runNode } from '../support/engine';
import { everythingVisible, leakedSecrets, PROVIDER_IDS, recordOutgoingHosts, SETUPS, type ProviderId } from './support';

/** Parameter sets per provider at the boundary; FC_RUNS raises it, FC_SEED picks another sequence. */
const RUNS = Math.max(10_000, Number(process.env.FC_RUNS ?? 0));
const ENGINE_RUNS = 60;

jest.setTimeout(120_000);
const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : 20_260_131;

const NODE: INode = {
	id: 'n',
	name: 'Create Conversation',
	type: 'CUSTOM.createConversation',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

// --- generated values ----------------------------------------------------------------------

const CONTROL = [...Array(32).keys(), 127, 0x85, 0x2028, 0x2029, 0x202e, 0xfeff].map((code) => String.fromCharCode(code));

/** Values people and attackers type into IDs and URLs. */
const nasty = fc.constantFrom(
	'', ' ', '.', '..', ' . ', '../', '..%2f', '%2e%2e', '%2e', '/', '//evil.example', 'a/b', '?x=1', '#frag', '@evil.example',
	'user:pass@evil.example', 'http://evil.example/', 'https://evil.example/x?y#z', 'D10/../../admin', '..\\..', '%', '%%', '%00',
	'a?b#c@d/e', '\u0000', '\r\nX-Injected: 1', ' D10 ', '\u202e', '😀', 'null', 'undefined', '{{ $json }}', '__proto__',
	'constructor', 'toString', 'true', 'false', '0', '-1', '1e400', 'NaN', '<script>alert(1)</script>', "'; DROP TABLE x; --",
);

const longText = fc
	.tuple(fc.string({ minLength: 1, maxLength: 3, unit: 'grapheme' }), fc.integer({ min: 250, max: 30_000 }))
	.map(([seed, length]) => seed.repeat(Math.ceil(length / seed.length)).slice(0, length));

const text = fc.oneof(
	{ weight: 4, arbitrary: fc.string({ maxLength: 30 }) },
	{ weight: 3, arbitrary: fc.string({ maxLength: 30, unit: 'grapheme' }) },
	{ weight: 2, arbitrary: fc.string({ maxLength: 30, unit: 'binary' }) },
	{ weight: 2, arbitrary: fc.string({ maxLength: 10, unit: fc.constantFrom(...CONTROL, 'a', ' ', '/') }) },
	{ weight: 3, arbitrary: nasty },
	{ weight: 1, arbitrary: longText },
);

const scalar = fc.oneof(
	{ weight: 5, arbitrary: text },
	{ weight: 1, arbitrary: fc.integer() },
	{ weight: 1, arbitrary: fc.double() },
	{ weight: 1, arbitrary: fc.boolean() },
	{ weight: 1, arbitrary: fc.constant(null) },
	{ weight: 1, arbitrary: fc.constant(undefined) },
	{ weight: 1, arbitrary: fc.date() },
);

const anything: fc.Arbitrary<unknown> = fc.oneof(
	{ weight: 6, arbitrary: scalar },
	{ weight: 1, arbitrary: fc.array(scalar, { maxLength: 5 }) },
	{ weight: 1, arbitrary: fc.dictionary(text, scalar, { maxKeys: 4 }) },
	{ weight: 1, arbitrary: fc.object({ maxDepth: 2, maxKeys: 3 }) },
);

/** Mostly a plausible value, often anything at all. */
const field = <T>(plausible: fc.Arbitrary<T>) =>
	fc.oneof({ weight: 12, arbitrary: plausible as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: anything });

/** Text that is usually fine for a required field, and often not. */
const words = fc.oneof(
	{ weight: 3, arbitrary: fc.string({ minLength: 1, maxLength: 30, unit: 'grapheme' }).filter((value) => value.trim() !== '') },
	{ weight: 2, arbitrary: text },
);

const email = fc.oneof(
	{ weight: 4, arbitrary: fc.stringMatching(/^[a-z0-9._+-]{1,10}@[a-z0-9-]{1,10}\.(com|org|co\.uk)$/) },
	{ weight: 1, arbitrary: fc.emailAddress() },
	{ weight: 1, arbitrary: fc.constantFrom('ann@example.com', ' Ann@Example.com ', 'a@b', 'a@@b.c', 'x@evil.example/..') },
);
const url = fc.oneof(fc.webUrl(), fc.constantFrom('javascript:alert(1)', 'ftp://x', 'https://', 'file:///etc/passwd', 'http://127.0.0.1/x'));
const bool = fc.oneof(fc.boolean(), fc.constantFrom('true', 'false', ' TRUE ', 'yes'));
const hex24 = fc.stringMatching(/^[0-9a-fA-F]{24}$/);
const id24 = fc.stringMatching(/^[0-9a-zA-Z]{24}$/);
const slug = fc.oneof(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,20}$/), nasty);
const pairs = fc.record({ pair: fc.array(fc.record({ key: field(words), value: field(words) }, { requiredKeys: [] }), { maxLength: 4 }) });

/** A raw parameter object: any subset of the keys, with extra unknown keys now and then. */
const rawOf = (model: Record<string, fc.Arbitrary<unknown>>) =>
	fc
		.tuple(
			fc.oneof(fc.record(model), fc.record(model, { requiredKeys: [] })),
			fc.option(fc.dictionary(text, anything, { maxKeys: 2 }), { freq: 8 }),
		)
		.map(([raw, extra]) => ({ ...(extra ?? {}), ...raw }) as Record<string, unknown>);

const options = (model: Record<string, fc.Arbitrary<unknown>>) =>
	fc.oneof(
		{ weight: 10, arbitrary: fc.record(model, { requiredKeys: [] }) },
		{ weight: 2, arbitrary: rawOf(model) },
		{ weight: 1, arbitrary: anything },
	);

// --- what a request looks like on the wire ---------------------------------------------------

interface Wire {
	url: URL;
	route: RouteRequest;
}

/** What a server receives for `call` under `base`: URL-parsed path, query, headers, JSON body. */
function onTheWire(base: string, call: HttpCall, headers: Record<string, string>): Wire {
	const url = new URL(`http://127.0.0.1${base}${call.path}`);
	for (const [key, value] of Object.entries(call.qs ?? {})) url.searchParams.set(key, String(value));
	const all: Record<string, string> = { ...headers, ...call.headers };
	for (const [name, value] of Object.entries(all)) {
		validateHeaderName(name);
		validateHeaderValue(name, value);
	}
	const rawBody = call.body === undefined ? '' : JSON.stringify(call.body);
	const lowered = Object.fromEntries(Object.entries(all).map(([name, value]) => [name.toLowerCase(), value]));
	if (rawBody) lowered['content-type'] = 'application/json';
	const route: RouteRequest = {
		method: call.method,
		path: url.pathname,
		query: Object.fromEntries(url.searchParams.entries()),
		headers: lowered,
		body: rawBody ? (JSON.parse(rawBody) as unknown) : undefined,
		rawBody,
		record: { seq: 0, provider: '', method: call.method, path: url.pathname, query: {}, headers: lowered, body: undefined, rawBody, receivedAt: 0 },
	};
	return { url, route };
}

/** The path reaches the server exactly as built: no dot segment, slash or query got in. */
function expectPathKept(wire: Wire, base: string, call: HttpCall, pattern: RegExp): void {
	expect(wire.url.pathname).toBe(`${base}${call.path}`);
	expect(wire.url.search === '' || call.qs !== undefined).toBe(true);
	expect(wire.url.hash).toBe('');
	expect(wire.url.host).toBe('127.0.0.1');
	expect(call.path).toMatch(pattern);
}

function expectAccepted(reply: Reply, what: string): void {
	if (reply.status >= 300) throw new Error(`${what}: the provider would refuse it: HTTP ${reply.status} ${JSON.stringify(reply.body)}`);
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

// --- per provider: the builders, and who checks their requests ------------------------------

interface Boundary {
	provider: ProviderDefinition<never>;
	raw: fc.Arbitrary<Record<string, unknown>>;
	/** Builds every request the params can lead to and checks each; throws when one is refused. */
	check(params: unknown): void;
}

const openapi = intercomSchemas();
const reamazeEmulator = new ReamazeEmulator();
const reevooEmulator = new ReevooEmulator();
const zapEmulator = new ZapEmulator();
const dynamicsEmulator = new DynamicsEmulator();
const DYNAMICS_TOKEN = 'dyn-property-token';

const BOUNDARIES: Record<ProviderId, Boundary> = {
	intercom: {
		provider: intercomProvider as ProviderDefinition<never>,
		raw: rawOf({
			intercomContactMode: field(fc.constantFrom('id', 'email', 'externalId')),
			intercomContactId: field(fc.oneof(id24, nasty)),
			intercomContactType: field(fc.constantFrom('user', 'lead', 'contact')),
			intercomEmail: field(email),
			intercomExternalId: field(words),
			intercomContactRole: field(fc.constantFrom('user', 'lead')),
			intercomCreateIfMissing: field(bool),
			intercomBody: field(words),
			intercomOptions: options({
				attachmentUrls: field(fc.oneof(fc.array(url, { maxLength: 12 }), url.map((value) => `${value}, ${value}`))),
				brandId: field(words),
				contactName: field(words),
				createdAt: field(fc.oneof(fc.integer({ min: 0, max: 2 ** 41 }), fc.date({ noInvalidDate: true }).map((date) => date.toISOString()), nasty)),
				subject: field(words),
			}),
		}),
		check(raw) {
			const params = raw as Parameters<typeof intercomRequests.createConversation>[0];
			const calls: Array<[HttpCall, string]> = [];
			if (params.contact.mode === 'id') {
				calls.push([intercomRequests.createConversation(params, { type: params.contact.type, id: params.contact.id }), 'create_conversation_request']);
			} else {
				calls.push([intercomRequests.searchContacts(params.contact.field, params.contact.value), 'search_request']);
				calls.push([intercomRequests.createContact(params.contact), 'create_contact_request']);
				calls.push([intercomRequests.createConversation(params, { type: params.contact.role, id: 'a'.repeat(24) }), 'create_conversation_request']);
			}
			for (const [call, schema] of calls) {
				const wire = onTheWire('/intercom', call, { Authorization: 'Bearer t', 'Intercom-Version': '2.16' });
				expectPathKept(wire, '/intercom', call, /^\/(contacts\/search|contacts|conversations)$/);
				const problems = openapi!.check(schema, wire.route.body);
				if (problems.length) throw new Error(`${call.path}: the official schema refuses it: ${problems.join('; ')}`);
			}
		},
	},
	reamaze: {
		provider: reamazeProvider as ProviderDefinition<never>,
		raw: rawOf({
			reamazeSubject: field(words),
			reamazeChannel: field(slug),
			reamazeBody: field(words),
			reamazeCustomerName: field(words),
			reamazeCustomerEmail: field(email),
			reamazeOptions: options({
				attachmentUrl: field(url),
				conversationData: field(fc.oneof(pairs, fc.dictionary(text, scalar, { maxKeys: 3 }))),
				userData: field(pairs),
				recipients: field(fc.oneof(fc.array(email, { maxLength: 3 }), email)),
				status: field(fc.oneof(fc.integer({ min: -1, max: 11 }), fc.constantFrom('0', ' 2 ', '9', '10'))),
				suppressAutoresolve: field(bool),
				suppressNotification: field(bool),
				tags: field(fc.oneof(fc.array(text, { maxLength: 4 }), text)),
			}),
		}),
		check(raw) {
			const params = raw as Parameters<typeof reamazeRequests.createConversation>[0];
			const call = reamazeRequests.createConversation(params);
			const wire = onTheWire('/reamaze', call, { Authorization: basic(REAMAZE_TEST_EMAIL, REAMAZE_TEST_TOKEN) });
			expectPathKept(wire, '/reamaze', call, /^\/conversations$/);
			reamazeEmulator.reset();
			reamazeEmulator.channels = [{ slug: params.channel, name: 'Generated', email: 'generated@example.com', channel: 1 }];
			expectAccepted(reamazeEmulator.handle(wire.route), 'create conversation');
		},
	},
	reevoo: {
		provider: reevooProvider as ProviderDefinition<never>,
		raw: rawOf({
			reevooTrkref: field(fc.oneof(fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme' }), nasty)),
			reevooProductMode: field(fc.constantFrom('sku', 'automotive')),
			reevooSku: field(words),
			reevooManufacturer: field(words),
			reevooModel: field(words),
			reevooVehicleAttributes: options({
				doors: field(fc.oneof(fc.integer({ min: -1, max: 11 }), fc.constantFrom('5', ' 3 ', '2.5'))),
				engine_size_in_liters: field(fc.oneof(fc.double({ min: -1, max: 40 }), fc.constant('1.6'))),
				model_year: field(fc.oneof(fc.integer({ min: 1800, max: 2300 }), fc.constant('2024'))),
				model_from_month: field(fc.integer({ min: 0, max: 13 })),
				used: field(bool),
				fuel_type: field(words),
			}),
			reevooEmail: field(email),
			reevooQuestion: field(words),
			reevooFirstName: field(words),
		}),
		check(raw) {
			const params = raw as ReevooParams;
			const call = reevooRequests.createConversation(params);
			const wire = onTheWire('/reevoo', call, { Authorization: basic(REEVOO_TEST_KEY, REEVOO_TEST_SECRET) });
			expectPathKept(wire, '/reevoo', call, /^\/v4\/organisations\/[^/?#]+\/conversations$/);
			reevooEmulator.reset();
			reevooEmulator.organisations = [
				{
					trkref: params.trkref,
					name: 'Generated',
					locale: 'en-GB',
					skus: params.product.mode === 'sku' ? [params.product.sku] : [],
					vehicles: params.product.mode === 'automotive' ? [{ manufacturer: params.product.manufacturer, model: params.product.model }] : [],
				},
			];
			// 202 only when the emulator decoded the path back to exactly this trkref.
			expectAccepted(reevooEmulator.handle(wire.route), 'create conversation');
			expect(reevooEmulator.created[0]?.trkref).toBe(params.trkref);
		},
	},
	zap: {
		provider: zapProvider as ProviderDefinition<never>,
		raw: rawOf({
			zapUserId: field(fc.oneof(hex24, hex24.map((id) => ` ${id} `), nasty)),
			zapOptions: options({ isGuest: field(bool), guestId: field(words) }),
		}),
		check(raw) {
			const params = raw as Parameters<typeof zapRequests.createConversation>[0];
			zapEmulator.reset();
			const calls: HttpCall[] = [];
			if (params.userId === undefined) calls.push(zapRequests.currentUser);
			const target = params.userId ?? zapEmulator.agent.id;
			if (params.userId !== undefined) zapEmulator.addUser({ id: params.userId });
			calls.push(zapRequests.createConversation(params, target));
			for (const call of calls) {
				const wire = onTheWire('/zap', call, { Authorization: `Bearer ${ZAP_TEST_ACCESS_TOKEN}` });
				expectPathKept(wire, '/zap', call, /^\/v1\/(users\/token|support\/conversations)$/);
				expectAccepted(zapEmulator.handle(wire.route), call.purpose);
			}
			expect(zapEmulator.created).toHaveLength(1);
		},
	},
	dynamics: {
		provider: dynamicsProvider as ProviderDefinition<never>,
		raw: rawOf({
			dynamicsCustomerId: field(words),
			dynamicsCustomerDetails: options({
				firstName: field(words),
				lastName: field(words),
				preferredName: field(words),
				email: field(email),
				phone: field(words),
			}),
			dynamicsStartMessage: field(words),
			dynamicsSenderDisplayName: field(words),
			dynamicsDeliverToExisting: field(bool),
			dynamicsContextMode: field(fc.constantFrom('pairs', 'json')),
			dynamicsContext: field(
				fc.record({
					pair: fc.array(fc.record({ key: field(words), value: field(fc.oneof(text, fc.integer(), fc.boolean())), isDisplayable: field(bool) }, { requiredKeys: [] }), {
						maxLength: 5,
					}),
				}),
			),
			dynamicsContextJson: field(
				fc.oneof(
					fc.dictionary(text, fc.oneof(scalar, fc.record({ value: scalar, isDisplayable: bool }, { requiredKeys: [] })), { maxKeys: 5 }),
					fc.json(),
				),
			),
			dynamicsContextJsonDisplayable: field(bool),
			dynamicsOptions: options({ conversationRequestId: field(words), skipDeflectionBot: field(bool) }),
		}),
		check(raw) {
			const params = raw as Parameters<typeof dynamicsRequests.createConversation>[0];
			const call = dynamicsRequests.createConversation(params);
			const headers = { Authorization: `Bearer ${DYNAMICS_TOKEN}`, 'organization-id': DYNAMICS_TEST.organizationId, 'channel-id': DYNAMICS_TEST.channelId };
			const wire = onTheWire('/dynamics', call, headers);
			expectPathKept(wire, '/dynamics', call, /^\/api\/v1\.0\/consumer\/conversation\/create$/);
			dynamicsEmulator.reset();
			dynamicsEmulator.tokens.set(DYNAMICS_TOKEN, Date.now() + 60_000);
			expectAccepted(dynamicsEmulator.handle(wire.route), 'create conversation');
			if (params.startMessage !== undefined && params.deliverToExisting) {
				// The message endpoint, as used for the customer's existing conversation.
				const [conversation] = dynamicsEmulator.created;
				const message = dynamicsRequests.sendMessage(conversation.id, DYNAMICS_TEST.channelId, params.startMessage);
				const sent = onTheWire('/dynamics', message, headers);
				expectPathKept(sent, '/dynamics', message, /^\/api\/v1\.0\/consumer\/conversation\/[^/?#]+$/);
				expectAccepted(dynamicsEmulator.handle(sent.route), 'send message');
			}
		},
	},
};

/** Display names of a provider's fields, top level and nested. */
function displayNames(properties: INodeProperties[]): Set<string> {
	const names = new Set<string>();
	for (const property of properties) names.add(property.displayName);
	return names;
}

const counts: Record<string, { runs: number; accepted: number; refused: number }> = {};

afterAll(() => {
	if (process.env.RELIABILITY_REPORT) process.stdout.write(`property counts: ${JSON.stringify(counts)}\n`);
});

describe.each(PROVIDER_IDS)('%s parameters at the boundary', (id) => {
	const boundary = BOUNDARIES[id];
	const fields = displayNames(boundary.provider.properties);

	test(`${RUNS} generated parameter sets: a request the provider accepts, or a NodeOperationError naming one of its fields`, () => {
		if (id === 'intercom') expect(openapi).toBeDefined();
		const tally = (counts[id] = { runs: 0, accepted: 0, refused: 0 });
		fc.assert(
			fc.property(boundary.raw, (raw) => {
				tally.runs += 1;
				let params: unknown;
				try {
					params = validateParameters(NODE, boundary.provider.schema, boundary.provider.properties, raw, 0);
				} catch (error) {
					expect(error).toBeInstanceOf(NodeOperationError);
					const { message, description } = error as NodeOperationError;
					const named = [...fields].some((name) => message.startsWith(`Invalid "${name}`) && /" in item 0: \S/.test(message));
					expect({ namesAFieldOfTheProvider: named, message }).toEqual({ namesAFieldOfTheProvider: true, message });
					expect(description).toBeTruthy();
					tally.refused += 1;
					return;
				}
				boundary.check(params);
				tally.accepted += 1;
			}),
			{ numRuns: RUNS, seed: SEED },
		);
		expect(tally.runs).toBeGreaterThanOrEqual(RUNS);
		// Both outcomes are exercised, so the generator is neither all-valid nor all-garbage.
		expect(tally.accepted).toBeGreaterThan(RUNS / 100);
		expect(tally.refused).toBeGreaterThan(RUNS / 100);
	});
});

test('Dynamics: any conversation ID the node agrees to put in a path stays one path segment', () => {
	fc.assert(
		fc.property(fc.oneof(text, nasty, fc.stringMatching(/^[A-Za-z0-9._~%-]{1,8}$/)), (conversationId) => {
			if (!dynamicsRequests.isSafeConversationId(conversationId)) return;
			const call = dynamicsRequests.sendMessage(conversationId, DYNAMICS_TEST.channelId, 'x');
			const url = new URL(`http://127.0.0.1${call.path}`);
			expect(url.pathname).toBe(call.path);
			expect(decodeURIComponent(url.pathname.split('/').pop()!)).toBe(conversationId);
		}),
		{ numRuns: RUNS, seed: SEED },
	);
});

// --- through the engine ----------------------------------------------------------------------

describe('through the engine, hostile values mapped with expressions', () => {
	let emulator: Emulator;
	const rejections: unknown[] = [];
	const onRejection = (reason: unknown) => void rejections.push(reason);

	beforeAll(async () => {
		emulator = await createEmulator().start();
		process.on('unhandledRejection', onRejection);
	});
	afterAll(async () => {
		process.off('unhandledRejection', onRejection);
		await emulator.stop();
	});

	/** Every parameter of the working set-up that a user could map, bound to `$json.<name>`. */
	const mapped: Record<ProviderId, Record<string, unknown>> = {
		intercom: { intercomContactMode: 'email', intercomEmail: '={{ $json.a }}', intercomBody: '={{ $json.b }}', intercomOptions: { subject: '={{ $json.c }}', attachmentUrls: '={{ $json.d }}', createdAt: '={{ $json.e }}' } },
		reamaze: { reamazeSubject: '={{ $json.a }}', reamazeChannel: { __rl: true, mode: 'id', value: '={{ $json.b }}' }, reamazeBody: '={{ $json.c }}', reamazeCustomerEmail: '={{ $json.d }}', reamazeOptions: { tags: '={{ $json.e }}', attachmentUrl: '={{ $json.f }}' } },
		reevoo: { reevooTrkref: { __rl: true, mode: 'id', value: '={{ $json.a }}' }, reevooSku: '={{ $json.b }}', reevooEmail: '={{ $json.c }}', reevooQuestion: '={{ $json.d }}' },
		zap: { zapUserId: '={{ $json.a }}', zapOptions: { guestId: '={{ $json.b }}', isGuest: '={{ $json.c }}' } },
		dynamics: { dynamicsCustomerId: '={{ $json.a }}', dynamicsStartMessage: '={{ $json.b }}', dynamicsContextMode: 'json', dynamicsContextJson: '={{ $json.c }}', dynamicsOptions: { conversationRequestId: '={{ $json.d }}' } },
	};

	const hostileItem = fc.record({ a: anything, b: anything, c: anything, d: anything, e: anything, f: anything }, { requiredKeys: [] });

	test.each(PROVIDER_IDS)(`%s: ${ENGINE_RUNS} executions reach no other host, reject nothing unhandled, lose no item, leak no secret`, async (id) => {
		const setup = SETUPS[id];
		const emulatorHost = new URL(emulator.url).host;
		let executions = 0;
		await fc.assert(
			fc.asyncProperty(fc.array(hostileItem, { minLength: 1, maxLength: 3 }), async (items) => {
				emulator.reset();
				setup.seed(emulator);
				const outgoing = recordOutgoingHosts();
				let result;
				try {
					result = await runNode({
						credentials: setup.credentials(emulator),
						continueOnFail: true,
						items: items as never,
						parameters: { ...setup.parameters, ...mapped[id] },
					});
				} finally {
					outgoing.stop();
				}
				executions += 1;
				expect(result.error).toBeUndefined();
				const output = jsonOf(result.output);
				expect(output).toHaveLength(items.length);
				expect(result.output!.map((item) => item.pairedItem)).toEqual(items.map((_, item) => ({ item })));
				for (const json of output) expect(typeof json.error === 'string' || typeof json.status === 'string').toBe(true);
				expect(outgoing.hosts.filter((host) => host !== emulatorHost && host !== 'socket:127.0.0.1')).toEqual([]);
				expect(leakedSecrets(everythingVisible(result), setup.secrets(emulator))).toEqual([]);
			}),
			{ numRuns: ENGINE_RUNS, seed: SEED },
		);
		expect(executions).toBe(ENGINE_RUNS);
		await new Promise((resolve) => setImmediate(resolve));
		expect(rejections).toEqual([]);
	});
});
