/**
 * Queue mode, end to end: a real n8n 2.41.1 scaled out as ops teams run it, with a real Redis
 * and a real PostgreSQL started here (Debian's redis-server is installed when missing), one
 * `n8n start` main and two `n8n worker` processes sharing the user folder where the package is
 * installed the Community Nodes way, the same encryption key, each its own task-broker port. The
 * same webhook burst as in regular mode: the workers share nothing but the provider's answers,
 * and still nothing fails, nothing is lost, nothing is created twice, and 429s stay under 5%.
 * Everything it starts it stops.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import * as ensure from '../../scripts/n8n/ensure-n8n.cjs';
import * as driver from '../../scripts/n8n/n8n-driver.cjs';
import * as queue from '../../scripts/n8n/queue-mode.cjs';
import { createEmulator, type Emulator } from '../../sandbox';
import { burstWorkflow, fireBurst, warmUp } from './burst';
import { sandboxCredentials } from '../../sandbox';

const ROOT = resolve(__dirname, '..', '..');
const MINUTE = 60_000;
const WORKFLOW_ID = 'e2eBurstQueue001';
const PATH = 'burst-queue';
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
	await timed('publish:workflow', () => queue.publishWorkflow(env, WORKFLOW_ID));
	cluster = await timed('start main + workers', () =>
		queue.startQueueCluster({ userFolder, env, workers: WORKERS }),
	);
}, 15 * MINUTE);

afterAll(async () => {
	await cluster?.stop();
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
