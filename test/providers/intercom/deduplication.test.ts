/**
 * Deduplication Key on the real n8n-core engine, with n8n's processed-data store as n8n 2.41.1
 * implements it (test/harness/processedData.ts: one row per node, read-modify-write, no lock).
 * Every proof counts what the provider emulator received and created.
 */
import type { IDataObject, INodeType, WorkflowExecuteMode } from 'n8n-workflow';

import { createEmulator, type Emulator } from '../../../sandbox/index';
import {
	INTERCOM_TEST_TOKEN,
	type IntercomEmulator,
} from '../../../sandbox/providers/intercom/emulator';
import { runWorkflow, type RunWorkflowResult } from '../../harness';
import { ProcessedDataStore, useProcessedDataStore } from '../../harness/processedData';
import { NODE_TYPE, packageCredentialTypes } from '../../support/runNode';
import { CreateConversation } from '../../../nodes/CreateConversation/CreateConversation.node';

jest.setTimeout(60_000);

let emulator: Emulator;
let intercom: IntercomEmulator;
let store: ProcessedDataStore;
let contactId: string;
/**
 * Keys are unique per test: the node remembers the keys its process kept (for ten minutes), and
 * every test runs in this one process against a fresh store.
 */
let prefix = '';
let testCount = 0;

beforeAll(async () => {
	emulator = await createEmulator().start();
	intercom = emulator.provider<IntercomEmulator>('intercom');
});
afterAll(async () => await emulator.stop());
beforeEach(async () => {
	emulator.reset();
	store = new ProcessedDataStore();
	await useProcessedDataStore(store);
	prefix = `t${++testCount}-`;
	contactId = intercom.addContact({ role: 'user', email: 'key@example.com' }).id;
});

const credentials = () => ({
	intercomConversationApi: {
		accessToken: INTERCOM_TEST_TOKEN,
		region: 'us',
		apiVersion: '2.16',
		baseUrl: emulator.baseUrl('intercom'),
	},
});

const CREATE_PATH = '/intercom/conversations';
const creates = () => emulator.requestsFor('intercom', { method: 'POST', path: CREATE_PATH });
/** Conversations the emulator created, by the message they carry (one message per key below). */
const createdMessages = () =>
	intercom.conversations().map(({ request }) => (request as { body: string }).body);

function parameters(requestOptions: IDataObject = {}): Record<string, unknown> {
	return {
		provider: 'intercom',
		intercomContactMode: 'id',
		intercomContactType: 'user',
		intercomContactId: contactId,
		intercomBody: '={{ $json.message }}',
		requestOptions: { deduplicationKey: '={{ $json.key }}', ...requestOptions },
	};
}

const items = (keys: string[]) =>
	keys.map((key) => ({ key: `${prefix}${key}`, message: `message for ${key}` }));

interface RunOptions {
	keys: string[];
	mode?: WorkflowExecuteMode;
	requestOptions?: IDataObject;
	node?: INodeType;
	continueOnFail?: boolean;
	nodeSettings?: Record<string, unknown>;
	signal?: AbortSignal;
	parameters?: Record<string, unknown>;
}

async function run(options: RunOptions): Promise<RunWorkflowResult> {
	return await runWorkflow({
		nodeTypes: { [NODE_TYPE]: options.node ?? new CreateConversation() },
		credentialTypes: packageCredentialTypes(),
		credentials: credentials(),
		items: items(options.keys),
		nodeType: NODE_TYPE,
		nodeParameters: (options.parameters ?? parameters(options.requestOptions)) as never,
		continueOnFail: options.continueOnFail,
		nodeSettings: options.nodeSettings as never,
		signal: options.signal,
		mode: options.mode ?? 'webhook',
	});
}

const json = (result: RunWorkflowResult) => (result.output ?? []).map((item) => item.json);
const statuses = (result: RunWorkflowResult) => json(result).map((item) => item.status);

function errorText(result: RunWorkflowResult): string {
	const error = result.error as { message?: string; description?: string } | undefined;
	return `${error?.message ?? ''}\n${error?.description ?? ''}`;
}

describe('one conversation per key', () => {
	test('two items with one key in one execution: the second is a duplicate of the first, sent nothing', async () => {
		const result = await run({ keys: ['a', 'b', 'a'] });
		expect(result.error).toBeUndefined();
		expect(statuses(result)).toEqual(['created', 'created', 'duplicate']);
		expect(creates()).toHaveLength(2);
		const [first, , third] = json(result);
		expect(third).toMatchObject({
			status: 'duplicate',
			deduplicationKey: `${prefix}a`,
			conversationId: first.conversationId,
		});
		expect(first.deduplicationKey).toBe(`${prefix}a`);
	});

	test('a later execution with the same keys creates nothing and sends nothing', async () => {
		await run({ keys: ['a', 'b'] });
		const before = emulator.requestsFor('intercom').length;
		const again = await run({ keys: ['b', 'a', 'c'] });
		expect(statuses(again)).toEqual(['duplicate', 'duplicate', 'created']);
		expect(creates()).toHaveLength(3);
		// One create for "c", nothing else at all for the duplicates.
		expect(emulator.requestsFor('intercom').length - before).toBe(1);
		expect(createdMessages().sort()).toEqual(
			['message for a', 'message for b', 'message for c'].sort(),
		);
	});

	test('keys are read per item: a number is a key, an empty key fails the item naming the field', async () => {
		const numeric = Date.now();
		const result = await runWorkflow({
			nodeTypes: { [NODE_TYPE]: new CreateConversation() },
			credentialTypes: packageCredentialTypes(),
			credentials: credentials(),
			items: [
				{ key: numeric, message: 'seven' },
				{ key: '', message: 'empty' },
			],
			nodeType: NODE_TYPE,
			nodeParameters: parameters() as never,
			continueOnFail: true,
			mode: 'webhook',
		});
		const [seven, empty] = json(result);
		expect(seven).toMatchObject({ status: 'created', deduplicationKey: String(numeric) });
		expect(String(empty.error)).toMatch(/Deduplication Key.*item 1.*must not be empty/);
		expect(creates()).toHaveLength(1);
	});

	test('concurrent executions sharing keys (one process): exactly one conversation per key', async () => {
		const keys = ['k1', 'k2', 'k3', 'k4', 'k5'];
		const runs = await Promise.all(
			Array.from({ length: 8 }, (_, index) =>
				run({ keys: index % 2 ? [...keys].reverse() : keys }),
			),
		);
		for (const result of runs) expect(result.error).toBeUndefined();
		expect(creates()).toHaveLength(5);
		expect(new Set(createdMessages()).size).toBe(5);
		const all = runs.flatMap(statuses);
		expect(all.filter((status) => status === 'created')).toHaveLength(5);
		expect(all.filter((status) => status === 'duplicate')).toHaveLength(35);
	});

	test('two processes (two copies of the node) racing on one store that loses writes: one conversation per key, no key lost', async () => {
		// A database round trip between each store call's read and its write, so concurrent
		// writers of the two processes overwrite each other as in n8n 2.41.1.
		store.gapMs = 15;
		let Other!: new () => INodeType;
		jest.isolateModules(() => {
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const copy = require('../../../nodes/CreateConversation/CreateConversation.node');
			Other = copy.CreateConversation;
		});
		const shared = Array.from({ length: 12 }, (_, index) => `shared-${index}`);
		const own = (prefix: string) => Array.from({ length: 6 }, (_, index) => `${prefix}-${index}`);
		const runs = await Promise.all([
			run({ keys: shared }),
			run({ keys: [...shared].reverse(), node: new Other() }),
			run({ keys: own('p1') }),
			run({ keys: own('p2'), node: new Other() }),
			run({ keys: shared.slice(0, 6), node: new Other() }),
		]);
		for (const result of runs) expect(result.error).toBeUndefined();
		const messages = createdMessages();
		expect(messages).toHaveLength(12 + 6 + 6);
		expect(new Set(messages).size).toBe(messages.length);
		// Every key's entry survived the lost updates: a redelivery of any of them is a duplicate.
		store.gapMs = 0;
		const redelivery = await Promise.all([
			run({ keys: [...shared, ...own('p1')] }),
			run({ keys: own('p2'), node: new Other() }),
		]);
		expect(redelivery.flatMap(statuses).every((status) => status === 'duplicate')).toBe(true);
		expect(createdMessages()).toHaveLength(24);
	});
});

describe('released when the provider certainly created nothing', () => {
	test('a 422 on item 3 of 5 stops the run; the corrected re-run creates the rest, none twice', async () => {
		emulator.inject({
			provider: 'intercom',
			path: CREATE_PATH,
			after: 2,
			fault: {
				kind: 'reply',
				reply: {
					status: 422,
					body: {
						type: 'error.list',
						errors: [{ code: 'parameter_invalid', message: 'Body is invalid' }],
					},
				},
			},
		});
		const keys = ['r1', 'r2', 'r3', 'r4', 'r5'];
		const first = await run({ keys, requestOptions: { concurrency: 1 } });
		expect(first.error).toBeDefined();
		expect(errorText(first)).toContain(`Deduplication Key "${prefix}r3" was released`);
		expect(errorText(first)).toMatch(/does not create those again/);
		const second = await run({ keys, requestOptions: { concurrency: 1 } });
		expect(second.error).toBeUndefined();
		expect(statuses(second)).toEqual(['duplicate', 'duplicate', 'created', 'created', 'created']);
		expect(createdMessages().sort()).toEqual(keys.map((key) => `message for ${key}`).sort());
	});

	test('a rejected credential (401) releases the key', async () => {
		emulator.inject({
			provider: 'intercom',
			path: CREATE_PATH,
			fault: {
				kind: 'reply',
				reply: {
					status: 401,
					body: {
						type: 'error.list',
						errors: [{ code: 'unauthorized', message: 'Access Token Invalid' }],
					},
				},
			},
		});
		const first = await run({ keys: ['c1'] });
		expect(errorText(first)).toMatch(/was released/);
		const second = await run({ keys: ['c1'] });
		expect(statuses(second)).toEqual(['created']);
		expect(createdMessages()).toHaveLength(1);
	});

	test('a 429 that outlasts Rate-Limit Patience releases the key', async () => {
		emulator.inject({
			provider: 'intercom',
			path: CREATE_PATH,
			fault: { kind: 'reply', reply: { status: 429, headers: { 'retry-after': '30' }, body: {} } },
		});
		const first = await run({ keys: ['q1'], requestOptions: { rateLimitPatienceSeconds: 1 } });
		expect(errorText(first)).toMatch(/was released/);
		expect(creates()).toHaveLength(1);
		const second = await run({ keys: ['q1'] });
		expect(statuses(second)).toEqual(['created']);
	});

	test('a field error claims nothing: the corrected item is created', async () => {
		const bad = await run({
			keys: ['f1'],
			parameters: { ...parameters(), intercomContactId: '={{ $json.missing }}' },
		});
		expect(bad.error?.message).toMatch(/Contact ID.*item 0/);
		expect(creates()).toHaveLength(0);
		expect(store.calls.record).toBe(0);
		const good = await run({ keys: ['f1'] });
		expect(statuses(good)).toEqual(['created']);
	});

	test('a run cancelled before the create is sent releases the key', async () => {
		const controller = new AbortController();
		// Cancel while the claim settles, before anything is sent.
		setTimeout(() => controller.abort(), 100);
		const cancelled = await run({ keys: ['x1'], signal: controller.signal });
		expect(cancelled.status).toBe('canceled');
		// n8n ends a cancelled run at once; the node releases the key as its promise settles.
		for (let waited = 0; store.has(`production:${prefix}x1`) && waited < 3000; waited += 50)
			await new Promise((resolve) => setTimeout(resolve, 50));
		expect(creates()).toHaveLength(0);
		expect(store.has(`production:${prefix}x1`)).toBe(false);
		const again = await run({ keys: ['x1'] });
		expect(statuses(again)).toEqual(['created']);
	});
});

describe('kept when the outcome is unknown', () => {
	test.each([
		['a 503', { kind: 'reply', reply: { status: 503, body: {} } }],
		['a timeout', { kind: 'delay', ms: 2500 }],
		['a dropped connection', { kind: 'reset-after-body' }],
	] as const)('%s keeps the key; the error says so and how to release it', async (_, fault) => {
		emulator.inject({ provider: 'intercom', path: CREATE_PATH, fault: fault as never });
		const first = await run({ keys: ['u1'], requestOptions: { timeoutSeconds: 1 } });
		expect(first.error).toBeDefined();
		expect(errorText(first)).toContain(`Deduplication Key "${prefix}u1" is kept`);
		expect(errorText(first)).toMatch(/Forget Deduplication Keys/);
		const sent = creates().length;
		const again = await run({ keys: ['u1'] });
		expect(statuses(again)).toEqual(['duplicate']);
		expect(json(again)[0].note).toMatch(/may not exist/);
		expect(creates()).toHaveLength(sent);

		// Forget Deduplication Keys releases it: nothing is sent, then the next run creates.
		const forget = await run({ keys: ['u1'], requestOptions: { forgetDeduplicationKeys: true } });
		expect(statuses(forget)).toEqual(['released']);
		expect(creates()).toHaveLength(sent);
		const created = await run({ keys: ['u1'] });
		expect(statuses(created)).toEqual(['created']);
	});

	test('Retry On Fail with a 503 on item 2: nothing is created twice', async () => {
		emulator.inject({
			provider: 'intercom',
			path: CREATE_PATH,
			after: 1,
			fault: { kind: 'reply', reply: { status: 503, body: {} } },
		});
		const result = await run({
			keys: ['t1', 't2', 't3'],
			requestOptions: { concurrency: 1 },
			nodeSettings: { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 },
		});
		const messages = createdMessages();
		expect(new Set(messages).size).toBe(messages.length);
		expect(messages).toContain('message for t1');
		expect(messages.filter((message) => message === 'message for t1')).toHaveLength(1);
		expect(result.error).toBeUndefined();
		expect(statuses(result)).toEqual(['duplicate', 'duplicate', 'created']);
	});
});

describe('a worker that died holding a key (n8n marks its execution crashed; the user retries it)', () => {
	/** What a claimant left in the store when its process died. */
	async function leftBehind(entries: string[]): Promise<void> {
		await store.checkProcessedAndRecord(
			entries,
			'node',
			{ workflow: { id: 'harness-workflow', active: true }, node: { id: 'under-test' } as never },
			{ mode: 'entries', maxEntries: 20_000 },
		);
	}

	test('a redelivery is a duplicate; a retry is a duplicate whose outcome is unknown, and says how to create it', async () => {
		// The claim of a process that died before or after sending: the store cannot tell which.
		await leftBehind([`production:${prefix}d1`, `production:${prefix}d1\u0000claim:dead`]);
		const redelivery = await run({ keys: ['d1'] });
		expect(json(redelivery)[0]).toMatchObject({ status: 'duplicate' });
		expect(json(redelivery)[0].note).not.toMatch(/may not exist/);
		const retry = await run({ keys: ['d1'], mode: 'retry' });
		expect(json(retry)[0]).toMatchObject({ status: 'duplicate' });
		expect(json(retry)[0].note).toMatch(/may not exist.*Forget Deduplication Keys/);
		expect(creates()).toHaveLength(0);
		// What the note says to do, when the provider shows nothing was created.
		await run({ keys: ['d1'], mode: 'retry', requestOptions: { forgetDeduplicationKeys: true } });
		const again = await run({ keys: ['d1'], mode: 'retry' });
		expect(statuses(again)).toEqual(['created']);
		expect(createdMessages()).toEqual(['message for d1']);
	});
});

describe('editor runs do not block production', () => {
	test('a key recorded by a manual run is not a duplicate for a production execution', async () => {
		const manual = await run({ keys: ['e1'], mode: 'manual' });
		expect(json(manual)[0]).toMatchObject({ status: 'created', deduplicationKeySpace: 'editor' });
		const manualAgain = await run({ keys: ['e1'], mode: 'manual' });
		expect(statuses(manualAgain)).toEqual(['duplicate']);
		const production = await run({ keys: ['e1'], mode: 'webhook' });
		expect(json(production)[0]).toMatchObject({
			status: 'created',
			deduplicationKeySpace: 'production',
		});
		expect(createdMessages()).toHaveLength(2);
	});
});

test('without the option, nothing is stored and every run creates', async () => {
	const params = parameters();
	delete (params.requestOptions as IDataObject).deduplicationKey;
	await run({ keys: ['n1'], parameters: params });
	await run({ keys: ['n1'], parameters: params });
	expect(createdMessages()).toHaveLength(2);
	expect(store.calls.record).toBe(0);
});
