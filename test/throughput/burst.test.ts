/**
 * Bursts of executions in one process, as a Webhook or Form Trigger produces them: one execution
 * per submission, many at once, all with the same credential. On the real n8n-core engine against
 * the emulator's quota windows for the first provider that sends quota headers (a quota per
 * credential, X-RateLimit-* headers, 429 beyond). The process-wide quota must make them behave
 * like one well-paced batch.
 */
import { createEmulator, quotaProvider, type Emulator } from '../../sandbox';
import { CredentialStore } from '../harness';
import { jsonOf, runNode } from '../support/runNode';

const provider = quotaProvider();
const { quota } = provider;
const type = provider.definition.credentialType;

let emulator: Emulator;

beforeAll(async () => {
	emulator = await createEmulator({ latencyMs: 5 }).start();
});
afterAll(async () => await emulator.stop());
beforeEach(() => emulator.reset());

const LIMIT = 20;
const WINDOW_MS = 1000;

/** A credential saved once, used by every execution (as executions of an active workflow do). */
function savedCredential(data: Record<string, unknown>): CredentialStore {
	const store = new CredentialStore();
	store.add(type, data as never);
	return store;
}

const sandboxCredential = () => savedCredential(provider.fixtures.credential(emulator.url));

function execution(store: CredentialStore, message: string, signal?: AbortSignal) {
	return runNode({
		credentialStore: store,
		items: [{ message }],
		parameters: quota.parameters(emulator, 'item'),
		signal,
	});
}

const creates = () =>
	emulator.requestsFor(provider.id, {
		method: 'POST',
		path: provider.fixtures.reliability.createPath,
	});

/** Distinct quota windows the successful creates of a credential fell in. */
const windowsUsed = (authorization?: string) =>
	new Set(
		creates()
			.filter((request) => request.status !== undefined && request.status < 300)
			.filter((request) => !authorization || request.headers.authorization === authorization)
			.map((request) => Math.floor(request.receivedAt / WINDOW_MS)),
	).size;

const duplicates = () => {
	const counts = new Map<string, number>();
	for (const message of quota.createdMessages(emulator))
		counts.set(message, (counts.get(message) ?? 0) + 1);
	return [...counts.values()].reduce((sum, count) => sum + count - 1, 0);
};

/** Starts just after a window boundary, so the number of windows a burst needs is exact. */
async function alignToWindow(): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, WINDOW_MS - (Date.now() % WINDOW_MS) + 5));
}

test('120 executions at once with one credential: none fails, none is duplicated, 429s at most 5%, as few windows as the quota allows', async () => {
	quota.limitEachCredential(emulator, LIMIT, WINDOW_MS);
	const store = sandboxCredential();
	const count = 120;
	await alignToWindow();
	const runs = await Promise.all(
		Array.from({ length: count }, (_, index) => execution(store, `burst ${index}`)),
	);

	expect(runs.filter((run) => run.error !== undefined).map((run) => run.error?.message)).toEqual(
		[],
	);
	expect(runs.map((run) => jsonOf(run.output)[0]?.status)).toEqual(runs.map(() => 'created'));
	expect(quota.createdMessages(emulator)).toHaveLength(count);
	expect(duplicates()).toBe(0);
	// Before the process-wide quota every execution paced only itself: most of them ran into
	// the limit at every reset and several gave up.
	expect(quota.rejected(emulator)).toBeLessThanOrEqual(count * 0.05);
	// 120 at 20 per window need 6 windows; one more for a late first answer.
	expect(windowsUsed()).toBeLessThanOrEqual(Math.ceil(count / LIMIT) + 1);
});

test('two credentials do not slow each other down: each gets its own quota', async () => {
	quota.limitEachCredential(emulator, LIMIT, WINDOW_MS);
	const first = sandboxCredential();
	const second = savedCredential(quota.otherCredential(emulator));
	const each = 80;
	await alignToWindow();
	const runs = await Promise.all(
		Array.from({ length: each * 2 }, (_, index) =>
			execution(index % 2 ? second : first, `pair ${index}`),
		),
	);
	expect(runs.filter((run) => run.error !== undefined)).toEqual([]);
	expect(quota.createdMessages(emulator)).toHaveLength(each * 2);
	expect(duplicates()).toBe(0);
	// Each credential's 80 need 4 windows of 20 side by side; one shared quota would need 8.
	const authorizations = [...new Set(creates().map((request) => request.headers.authorization))];
	expect(authorizations).toHaveLength(2);
	for (const authorization of authorizations)
		expect(windowsUsed(authorization)).toBeLessThanOrEqual(Math.ceil(each / LIMIT) + 1);
	expect(windowsUsed()).toBeLessThanOrEqual(Math.ceil(each / LIMIT) + 1);
	expect(quota.rejected(emulator)).toBeLessThanOrEqual(each * 2 * 0.05);
});

test('cancelling one execution during a shared wait ends it at once; the others go on and create theirs once', async () => {
	const store = sandboxCredential();
	emulator.inject({
		provider: provider.id,
		pathPrefix: provider.fixtures.reliability.createPath,
		fault: { kind: 'reply', reply: { status: 429, headers: { 'retry-after': '2' }, body: {} } },
	});
	const controller = new AbortController();
	const holder = execution(store, 'gets the 429');
	await new Promise((resolve) => setTimeout(resolve, 300));
	const started = Date.now();
	const cancelled = execution(store, 'cancelled while waiting', controller.signal);
	const others = Array.from({ length: 4 }, (_, index) =>
		execution(store, `waits its turn ${index}`),
	);
	await new Promise((resolve) => setTimeout(resolve, 300));
	controller.abort();
	const cancelledRun = await cancelled;
	expect(Date.now() - started).toBeLessThan(1500);
	expect(cancelledRun.status).toBe('canceled');

	const runs = await Promise.all([holder, ...others]);
	expect(runs.map((run) => run.error)).toEqual(runs.map(() => undefined));
	expect([...quota.createdMessages(emulator)].sort()).toEqual(
		[
			'gets the 429',
			'waits its turn 0',
			'waits its turn 1',
			'waits its turn 2',
			'waits its turn 3',
		].sort(),
	);
	// The waiting ones did not send during the hold: one 429 in all.
	expect(creates().filter((request) => request.status === 429)).toHaveLength(1);
	expect(quota.createdMessages(emulator)).not.toContain('cancelled while waiting');
});

/**
 * The combined package and a per-provider package in one n8n are two copies of this code, each
 * with its own quota registry (node code may keep no process-wide global), so one credential used
 * by both gets two quotas. What then happens: each paces on its own and the provider's headers and
 * 429s make up the difference. Nothing is lost or created twice; the two only draw more 429s and
 * finish later than one package would. The README says so.
 */
test('two packages in one process, one credential: two quotas, nothing lost or duplicated', async () => {
	let otherPackage: typeof execution = execution;
	jest.isolateModules(() => {
		// a second copy of the node and its quota registry, as a second package in n8n is
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const copy = require('../support/runNode') as typeof import('../support/runNode');
		otherPackage = (store, message, signal) =>
			copy.runNode({
				credentialStore: store,
				items: [{ message }],
				parameters: quota.parameters(emulator, 'item'),
				signal,
			});
	});
	quota.limitEachCredential(emulator, LIMIT, WINDOW_MS);
	const store = sandboxCredential();
	const count = 80;
	await alignToWindow();
	const runs = await Promise.all(
		Array.from({ length: count }, (_, index) =>
			(index % 2 ? otherPackage : execution)(store, `two packages ${index}`),
		),
	);
	expect(runs.filter((run) => run.error !== undefined).map((run) => run.error?.message)).toEqual(
		[],
	);
	expect(quota.createdMessages(emulator)).toHaveLength(count);
	expect(duplicates()).toBe(0);
	// two quotas each spend the window: 429s show it (one quota alone stays at or near 0)
	process.stdout.write(
		`two packages, one credential: ${quota.rejected(emulator)} × 429 for ${count} creates\n`,
	);
});
