/**
 * Deduplication Key in a real n8n 2.41.1, regular mode (one process, SQLite): webhook events
 * delivered several times, a run stopped by a provider error and run again, Retry On Fail. The
 * package is packed and installed the Community Nodes way; counts come from the emulator.
 * The queue-mode half (two workers, a worker killed) is in queue.e2e.ts.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import * as driver from '../../scripts/n8n/n8n-driver.cjs';
import * as ensure from '../../scripts/n8n/ensure-n8n.cjs';
import * as queue from '../../scripts/n8n/queue-mode.cjs';
import { createEmulator, sandboxCredentials, type Emulator } from '../../sandbox';
import {
	conversationsPerEvent,
	createRequests,
	dedupWorkflow,
	deliver,
	deliverList,
	events,
	injectOnCreate,
	type Delivery,
} from './deduplication';

const ROOT = resolve(__dirname, '..', '..');
const MINUTE = 60_000;
const EVENTS = { id: 'e2eDedupEvents01', path: 'dedup-events' };
const STOPPED = { id: 'e2eDedupStop4221', path: 'dedup-stopped' };
const RETRIED = { id: 'e2eDedupRetry503', path: 'dedup-retried' };

jest.setTimeout(5 * MINUTE);

let emulator: Emulator;
let work: string;
let userFolder: string;
let client: driver.N8nClient | undefined;
const timings: Record<string, number> = {};

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
	const start = Date.now();
	try {
		return await fn();
	} finally {
		timings[label] = Date.now() - start;
	}
}

const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

beforeAll(async () => {
	await timed('ensure n8n', () => ensure.ensureN8n());
	if (
		!existsSync(join(ROOT, 'dist', 'nodes', 'CreateConversation', 'CreateConversation.node.js'))
	) {
		throw new Error('dist/ is missing: run `npm run build` first');
	}
	emulator = await createEmulator().start();
	work = mkdtempSync(join(tmpdir(), 'cc-dedup-e2e-'));
	const packed = await timed('npm pack', () =>
		driver.runProcess('npm', ['pack', '--pack-destination', work, '--loglevel=error'], {
			cwd: ROOT,
			env: { ...process.env },
			timeoutMs: 2 * MINUTE,
		}),
	);
	if (packed.code !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
	const tarball = join(work, packed.stdout.trim().split('\n').pop()!);
	userFolder = driver.createUserFolder('cc-dedup-e2e-n8n-');
	// jest sets NODE_ENV=test, which makes n8n's CLI commands silently do nothing
	const env = driver.n8nEnv(userFolder, { NODE_ENV: 'production', JEST_WORKER_ID: undefined });
	await timed('install package', () => driver.installCommunityPackage(userFolder, tarball));
	await timed('import:credentials', () =>
		driver.importCredentials(env, sandboxCredentials(emulator.url)),
	);
	// One import for the three workflows: every CLI call boots n8n for a few seconds.
	const workflows = [
		dedupWorkflow(EVENTS.id, EVENTS.path, emulator, { items: 'one' }),
		dedupWorkflow(STOPPED.id, STOPPED.path, emulator, {
			items: 'list',
			requestOptions: { concurrency: 1 },
		}),
		dedupWorkflow(RETRIED.id, RETRIED.path, emulator, {
			items: 'list',
			requestOptions: { concurrency: 1 },
			nodeSettings: { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 },
		}),
	];
	const file = join(work, 'workflows.json');
	writeFileSync(file, JSON.stringify(workflows));
	const imported = await timed('import:workflow', () =>
		driver.runN8n(env, ['import:workflow', `--input=${file}`]),
	);
	if (imported.code !== 0 || !/Successfully imported 3 workflows/.test(imported.stdout))
		throw new Error(`import:workflow failed: ${imported.stdout.slice(-2000)}${imported.stderr}`);
	client = await timed('n8n start', () => driver.startN8n(env));
	for (const { id } of [EVENTS, STOPPED, RETRIED])
		await timed(`activate ${id}`, () => queue.activateWorkflowRest(client!, id));
}, 15 * MINUTE);

afterAll(async () => {
	await client?.stop();
	await emulator?.stop();
	if (userFolder && !process.env.KEEP_E2E) driver.removeUserFolder(userFolder);
	if (work && !process.env.KEEP_E2E) rmSync(work, { recursive: true, force: true });
	process.stdout.write(`deduplication e2e timings (ms): ${JSON.stringify(timings)}\n`);
}, 2 * MINUTE);

test('100 events delivered 3 times each (a third at once, the rest seconds apart): 100 conversations, 200 duplicates', async () => {
	const list = events('redelivered', 100);
	const together = list.slice(0, 34);
	const apart = list.slice(34);
	const send = (event: (typeof list)[number]) => deliver(client!.baseUrl, EVENTS.path, event);
	const answers: Delivery[] = [];
	await timed('300 deliveries', async () => {
		answers.push(
			...(await Promise.all(
				[...together.flatMap((event) => [event, event, event]), ...apart].map(send),
			)),
		);
		for (let round = 0; round < 2; round++) {
			await pause(2000);
			answers.push(...(await Promise.all(apart.map(send))));
		}
	});

	expect(answers.filter((answer) => answer.status !== 200).map((answer) => answer.text)).toEqual(
		[],
	);
	const counts = conversationsPerEvent(emulator, list);
	expect([...counts.values()].filter((count) => count !== 1)).toEqual([]);
	expect(createRequests(emulator, list)).toBe(100);
	const statuses = answers.map((answer) => answer.json?.status);
	expect(statuses.filter((status) => status === 'created')).toHaveLength(100);
	expect(statuses.filter((status) => status === 'duplicate')).toHaveLength(200);
	// One process: every duplicate names the conversation its key created.
	for (const event of list) {
		const ids = new Set(
			answers
				.filter((answer) => answer.event === event)
				.map((answer) => answer.json?.conversationId),
		);
		expect(ids.size).toBe(1);
		expect([...ids][0]).toEqual(expect.any(String));
	}
});

test('a provider 422 on item 3 of 5 stops the run; the same input run again: 5 conversations, none twice', async () => {
	const list = events('stopped', 5);
	injectOnCreate(emulator, 2, 422);
	const first = await deliverList(client!.baseUrl, STOPPED.path, list);
	expect(first.status).toBe(500);
	expect(createRequests(emulator, list)).toBe(3);
	// The provider's check is fixed (the fault is gone): the same five events again.
	const second = await deliverList(client!.baseUrl, STOPPED.path, list);
	expect(second.status).toBe(200);
	const counts = conversationsPerEvent(emulator, list);
	expect([...counts.values()]).toEqual([1, 1, 1, 1, 1]);
	// Items 1 and 2 were not sent again; 3 (released after the 422), 4 and 5 were sent once more.
	expect(createRequests(emulator, list)).toBe(6);
});

test('Retry On Fail with one 503 on item 2: nothing is sent or created twice', async () => {
	const list = events('retried', 3);
	injectOnCreate(emulator, 1, 503);
	const answer = await deliverList(client!.baseUrl, RETRIED.path, list);
	expect(answer.status).toBe(200);
	const counts = conversationsPerEvent(emulator, list);
	// Item 1 created once (a duplicate on the retry), item 3 created on the retry. Item 2's 503
	// leaves its outcome unknown, so its key is kept and the retry does not send it again.
	expect([...counts.values()]).toEqual([1, 0, 1]);
	expect(createRequests(emulator, list)).toBe(3);
});
