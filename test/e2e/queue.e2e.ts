/**
 * Queue mode, end to end: a real n8n 2.41.1 scaled out as ops teams run it, with a real Redis
 * and a real PostgreSQL started here (Debian's redis-server is installed when missing), one
 * `n8n start` main and two `n8n worker` processes sharing the user folder where the package is
 * installed the Community Nodes way, the same encryption key, each its own task-broker port. The
 * same webhook burst as in regular mode: the workers share nothing but the provider's answers,
 * and still nothing fails, nothing is lost, nothing is created twice, and 429s stay under 5%.
 * Everything it starts it stops.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import * as ensure from '../../scripts/n8n/ensure-n8n.cjs';
import * as driver from '../../scripts/n8n/n8n-driver.cjs';
import * as queue from '../../scripts/n8n/queue-mode.cjs';
import { createEmulator, quotaProvider, type Emulator } from '../../sandbox';
import { burstWorkflow, fireBurst, warmUp } from './burst';
import { sandboxCredentials } from '../../sandbox';
import {
	conversationsPerEvent,
	dedupWorkflow,
	deliver,
	events,
	nodeOutputOf,
	type Delivery,
} from './deduplication';

const ROOT = resolve(__dirname, '..', '..');
const MINUTE = 60_000;
const WORKFLOW_ID = 'e2eBurstQueue001';
const PATH = 'burst-queue';
const DEDUP_WORKFLOW_ID = 'e2eDedupQueue001';
const DEDUP_PATH = 'dedup-queue';
/**
 * CI runs main + 2 workers, 200 executions, 30 per 5 s window. A bigger run for the figures is an
 * option, e.g. `E2E_QUEUE_WORKERS=4 E2E_QUEUE_EXECUTIONS=300 E2E_QUEUE_WINDOW_MS=10000`.
 */
const WORKERS = Number(process.env.E2E_QUEUE_WORKERS ?? 2);
const COUNT = Number(process.env.E2E_QUEUE_EXECUTIONS ?? 200);
const LIMIT = Number(process.env.E2E_QUEUE_LIMIT ?? 30);
const WINDOW_MS = Number(process.env.E2E_QUEUE_WINDOW_MS ?? 5000);

jest.setTimeout(5 * MINUTE);

let emulator: Emulator;
let work: string;
let userFolder: string;
let redis: Awaited<ReturnType<typeof queue.startRedis>> | undefined;
let postgres: Awaited<ReturnType<typeof queue.startPostgres>> | undefined;
let cluster: Awaited<ReturnType<typeof queue.startQueueCluster>> | undefined;
/** The main started again after a worker was killed (its queue recovery runs at start). */
let restartedMain: driver.N8nClient | undefined;
const timings: Record<string, number> = {};

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
	const start = Date.now();
	try {
		return await fn();
	} finally {
		timings[label] = Date.now() - start;
	}
}

beforeAll(async () => {
	await timed('ensure n8n', () => ensure.ensureN8n());
	if (
		!existsSync(join(ROOT, 'dist', 'nodes', 'CreateConversation', 'CreateConversation.node.js'))
	) {
		throw new Error(
			'dist/ is missing: run `npm run build` first (npm run test:e2e and npm run check do)',
		);
	}
	emulator = await createEmulator().start();
	work = mkdtempSync(join(tmpdir(), 'cc-queue-e2e-'));
	const packed = await timed('npm pack', () =>
		driver.runProcess('npm', ['pack', '--pack-destination', work, '--loglevel=error'], {
			cwd: ROOT,
			env: { ...process.env },
			timeoutMs: 2 * MINUTE,
		}),
	);
	if (packed.code !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
	const tarball = join(work, packed.stdout.trim().split('\n').pop()!);

	await timed('ensure redis-server', () => queue.ensureRedis());
	[redis, postgres] = await timed('start redis + postgres', () =>
		Promise.all([queue.startRedis(), queue.startPostgres()]),
	);
	userFolder = driver.createUserFolder('cc-queue-e2e-n8n-');
	// jest sets NODE_ENV=test, which makes n8n's CLI commands silently do nothing
	const env = driver.n8nEnv(userFolder, {
		...queue.queueModeEnv({ redis, postgres }),
		// A killed worker's job lock expires after 10 s (default 60 s) and the stalled check runs
		// every 5 s (default 30 s), so the crash test does not wait minutes. Live workers renew
		// their locks every 2 s.
		QUEUE_WORKER_LOCK_DURATION: '10000',
		QUEUE_WORKER_LOCK_RENEW_TIME: '2000',
		QUEUE_WORKER_STALLED_INTERVAL: '5000',
		NODE_ENV: 'production',
		JEST_WORKER_ID: undefined,
	});
	await timed('install package', () => driver.installCommunityPackage(userFolder, tarball));
	await timed('import:credentials (runs the Postgres migrations)', () =>
		driver.importCredentials(env, sandboxCredentials(emulator.url)),
	);
	await timed('import:workflow', () =>
		driver.importWorkflow(env, burstWorkflow(WORKFLOW_ID, PATH, emulator)),
	);
	await timed('import:workflow (deduplication)', () =>
		driver.importWorkflow(
			env,
			dedupWorkflow(DEDUP_WORKFLOW_ID, DEDUP_PATH, emulator, { items: 'one' }),
		),
	);
	await timed('publish:workflow', () => queue.publishWorkflow(env, WORKFLOW_ID));
	await timed('publish:workflow (deduplication)', () =>
		queue.publishWorkflow(env, DEDUP_WORKFLOW_ID),
	);
	cluster = await timed('start main + workers', () =>
		queue.startQueueCluster({ userFolder, env, workers: WORKERS }),
	);
}, 15 * MINUTE);

afterAll(async () => {
	// Every process's output, for a failed run (KEEP_E2E=1 keeps the folder).
	if (work && cluster) {
		const logs = `${cluster.logs()}\n===== main started again =====\n${restartedMain?.logs() ?? ''}`;
		writeFileSync(join(work, 'cluster.log'), logs);
	}
	await cluster?.stop();
	await restartedMain?.stop();
	await postgres?.stop();
	await redis?.stop();
	await emulator?.stop();
	if (userFolder && !process.env.KEEP_E2E) driver.removeUserFolder(userFolder);
	if (work && !process.env.KEEP_E2E) rmSync(work, { recursive: true, force: true });
	process.stdout.write(`queue-mode e2e timings (ms): ${JSON.stringify(timings)}\n`);
}, 2 * MINUTE);

describe(`queue mode: Redis, PostgreSQL, one main and ${WORKERS} workers`, () => {
	test(`${COUNT} webhook executions at once, run by the workers: 0 failed, 0 lost, 0 duplicates, 429s <= 5%`, async () => {
		expect(cluster!.activeWorkflowIds).toContain(WORKFLOW_ID);
		await warmUp(cluster!.main.baseUrl, PATH);
		const before = cluster!.executionsByProcess();
		const burst = await timed('burst (queue mode)', () =>
			fireBurst(emulator, cluster!.main.baseUrl, {
				count: COUNT,
				limit: LIMIT,
				windowMs: WINDOW_MS,
				path: PATH,
			}),
		);
		process.stdout.write(
			`queue-mode burst (main + ${WORKERS} workers): ${JSON.stringify({ ...burst, ofFloor: Math.round((burst.wallMs / burst.floorMs) * 1000) / 1000, statuses: undefined, answered: undefined })}\n`,
		);
		expect(burst.failures).toEqual([]);
		expect(burst.statuses.every((status) => status === 200)).toBe(true);
		expect(burst.answered.every((id) => typeof id === 'string')).toBe(true);
		expect(burst.lost).toEqual([]);
		expect(burst.created).toBe(COUNT);
		expect(burst.duplicates).toBe(0);
		expect(burst.status429).toBeLessThanOrEqual(COUNT * 0.05);

		// The main only put the executions on the queue; both workers ran some of them.
		const after = cluster!.executionsByProcess() as { mainRan: string[]; workers: string[][] };
		expect(after.mainRan).toEqual([]);
		const ranByWorker = after.workers.map(
			(ids, index) => ids.length - (before.workers as string[][])[index].length,
		);
		expect(ranByWorker.reduce((sum, count) => sum + count, 0)).toBe(COUNT);
		for (const count of ranByWorker) expect(count).toBeGreaterThan(0);
	});
});

describe('queue mode: Deduplication Key across two workers', () => {
	const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));
	/** The main that serves webhooks and REST now (the first one, or the one started again). */
	const main = () => restartedMain ?? cluster!.main;
	const quotaProviderId = () => quotaProvider().id;

	test('200 events each delivered twice at once, run by both workers: exactly 200 conversations', async () => {
		const list = events('queue-twice', 200);
		const before = cluster!.executionsByProcess() as { workers: string[][] };
		const answers: Delivery[] = await timed('400 deliveries (queue mode)', () =>
			Promise.all(
				list
					.flatMap((event) => [event, event])
					.map((event) => deliver(main().baseUrl, DEDUP_PATH, event)),
			),
		);
		expect(answers.filter((answer) => answer.status !== 200).map((answer) => answer.text)).toEqual(
			[],
		);
		const counts = conversationsPerEvent(emulator, list);
		expect([...counts.entries()].filter(([, count]) => count !== 1)).toEqual([]);
		const statuses = answers.map((answer) => answer.json?.status);
		expect(statuses.filter((status) => status === 'created')).toHaveLength(200);
		expect(statuses.filter((status) => status === 'duplicate')).toHaveLength(200);
		const after = cluster!.executionsByProcess() as { workers: string[][] };
		const ranByWorker = after.workers.map(
			(ids, index) => ids.length - before.workers[index].length,
		);
		expect(ranByWorker.reduce((sum, count) => sum + count, 0)).toBe(400);
		for (const count of ranByWorker) expect(count).toBeGreaterThan(0);
	});

	test('a worker killed (SIGKILL) during a burst; n8n marks its executions crashed; retrying them creates what was never claimed, nothing twice, and flags every event whose conversation may not exist', async () => {
		const list = events('queue-crash', 60);
		// Slow answers, so executions are in flight on both workers when one dies.
		emulator.latencyMs = 800;
		const startedAt = Date.now();
		const deliveries = Promise.all(
			list.map((event) => deliver(main().baseUrl, DEDUP_PATH, event, 90_000)),
		);
		const victim = cluster!.workers[1];
		for (let waited = 0; waited < 30_000; waited += 50) {
			const sent = emulator
				.requestsFor(quotaProviderId(), { method: 'POST' })
				.filter((request) => request.receivedAt >= startedAt).length;
			if (sent >= 8) break;
			await pause(50);
		}
		await pause(300);
		process.kill(-victim.pid, 'SIGKILL');
		emulator.latencyMs = 0;
		// Its job locks expire (10 s), the stalled check fails the jobs (every 5 s); the main started
		// again runs queue recovery at once and marks what is left as crashed.
		await timed('wait for stalled jobs', () => pause(20_000));
		await cluster!.main.stop();
		rmSync(join(userFolder, '.n8n', 'crash.journal'), { force: true });
		restartedMain = await timed('main started again', () =>
			driver.startN8n(
				{ ...cluster!.env, N8N_RUNNERS_BROKER_PORT: String(cluster!.main.brokerPort) },
				{ port: cluster!.main.port },
			),
		);
		await deliveries; // answered, or cut off by the main's restart

		// What the executions list shows for the workflow once nothing is running any more.
		type Execution = { id: string; status: string };
		let executions: Execution[] = [];
		for (let waited = 0; waited < 60_000; waited += 1000) {
			const page = await restartedMain.rest(
				'GET',
				`/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId: DEDUP_WORKFLOW_ID, status: ['new', 'running', 'crashed', 'error'] }))}&limit=100`,
			);
			if (page.status !== 200) throw new Error(`GET /executions: ${page.status} ${page.text}`);
			executions = (page.data as { results?: Execution[] })?.results ?? [];
			if (!executions.some((execution) => ['new', 'running'].includes(execution.status))) break;
			await pause(1000);
		}
		const byStatus: Record<string, number> = {};
		for (const { status } of executions) byStatus[status] = (byStatus[status] ?? 0) + 1;
		process.stdout.write(`queue-mode crash: executions by status ${JSON.stringify(byStatus)}\n`);
		const failed = executions.filter((execution) =>
			['crashed', 'error'].includes(execution.status),
		);
		process.stdout.write(
			`queue-mode crash: ${failed.length} executions to retry (${JSON.stringify(failed.map((execution) => execution.status))})\n`,
		);
		expect(failed.length).toBeGreaterThan(0);
		const createdBefore = [...conversationsPerEvent(emulator, list).values()].filter(
			(count) => count > 0,
		).length;
		// Retried the way the executions list does it; the answer carries the retry's run data.
		const retryOutputs: Array<Record<string, unknown>> = [];
		for (const execution of failed) {
			const retried = await restartedMain.rest('POST', `/executions/${execution.id}/retry`, {
				loadWorkflow: false,
			});
			expect({ id: execution.id, status: retried.status }).toEqual({
				id: execution.id,
				status: 200,
			});
			const retryId = (retried.data as { id?: string } | undefined)?.id;
			const json = retryId
				? await nodeOutputOf(restartedMain, String(retryId), 'Create Conversation')
				: undefined;
			if (json) retryOutputs.push(json);
		}
		const counts = conversationsPerEvent(emulator, list);
		const missing = list.filter((event) => counts.get(event.message) === 0);
		process.stdout.write(
			`queue-mode crash: ${createdBefore} of ${list.length} events had their conversation before the retries, ${[...counts.values()].filter((count) => count > 0).length - createdBefore} were created by them, ${missing.length} missing; retry outputs ${JSON.stringify(retryOutputs.map((json) => json.status))}\n`,
		);
		// Every retry's output was read (n8n keeps the data of executions).
		expect(retryOutputs).toHaveLength(failed.length);
		// Never created twice.
		expect([...counts.entries()].filter(([, count]) => count > 1)).toEqual([]);
		// A worker killed between an item's claim and its request leaves a key whose conversation was
		// never created; killed after sending, one that was. The store cannot tell the two apart, so
		// a retry of such an event is a duplicate whose conversation "may not exist" and says how to
		// create it, rather than risk a second conversation. Events the dead worker had not claimed
		// yet (waiting for the quota) are created by their retry.
		for (const json of retryOutputs) {
			if (json.status === 'created') continue;
			expect(json).toMatchObject({
				status: 'duplicate',
				note: expect.stringMatching(/may not exist/),
			});
		}
		for (const event of missing) {
			expect(retryOutputs.find((json) => json.deduplicationKey === event.eventId)).toMatchObject({
				status: 'duplicate',
				note: expect.stringMatching(/may not exist/),
			});
		}
		process.stdout.write(`queue-mode crash: missing events ${JSON.stringify(missing)}\n`);
		// How many are missing depends on where the kill lands (how many items were between their
		// claim and their request): printed above, not bounded here.
	});
});
