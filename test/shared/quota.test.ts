/**
 * The process-wide quota on its own: order, windows, holds, concurrency, the registry's bound.
 * On a simulated clock: no test waits in real time, and times are exact.
 */
import {
	Quota,
	quotaCount,
	quotaFor,
	QUOTA_REGISTRY_SIZE,
	QuotaWaitExpired,
	type Policy,
	type Ticket,
} from '../../nodes/CreateConversation/shared/quota';
import { SimulatedClock } from '../support/simulatedClock';

let clock: SimulatedClock;
beforeEach(() => (clock = new SimulatedClock()));

const quotaOf = (policy: Policy) => new Quota(policy, { clock, random: () => 0 });
const later = (ms: number) => clock.now() + ms;
const line = (quota: Quota, arrivedAt = clock.now(), deadline = later(60_000)) =>
	quota.acquire({ arrivedAt, deadline });

test('requests start in arrival order; a request retried after a 429 keeps its place', async () => {
	const quota = quotaOf({ defaultConcurrency: 1 });
	const order: string[] = [];
	const first = await line(quota);
	// Each request ends as soon as it starts, letting the next one in.
	const run = (name: string, arrivedAt?: number) =>
		line(quota, arrivedAt).then((ticket) => {
			order.push(name);
			ticket.release({ status: 200 });
		});
	const waiting = [run('b'), run('c'), run('retried', 0)];
	first.release({ status: 200 });
	await Promise.all(waiting);
	expect(order).toEqual(['retried', 'b', 'c']);
});

test('a window the headers say is used up holds the next request until its reset, then releases at most the limit', async () => {
	const quota = quotaOf({ defaultConcurrency: 10 });
	const resetAt = later(400);
	// Our three requests use the window up: the answers say 2, 1, then 0 remaining.
	const own = await Promise.all([line(quota), line(quota), line(quota)]);
	own.forEach((ticket, index) =>
		ticket.release({ status: 200, signal: { remaining: 2 - index, resetAt, limit: 3 } }),
	);
	expect(quota.state.shared).toBe(false);
	const started: number[] = [];
	const controller = new AbortController();
	const waiting = Array.from({ length: 5 }, () =>
		quota
			.acquire({ arrivedAt: clock.now(), deadline: later(60_000), signal: controller.signal })
			.then((ticket) => (started.push(clock.now()), ticket)),
	);
	await clock.advance(399);
	expect(started).toEqual([]);
	await clock.advance(1100);
	// Only 3 fit in the new window (nothing in flight); the other 2 keep waiting.
	expect(started).toHaveLength(3);
	for (const time of started) expect(time).toBeGreaterThanOrEqual(resetAt);
	expect(quota.state).toMatchObject({ waiting: 2, inFlight: 3 });
	controller.abort();
	await Promise.allSettled(waiting);
});

test('a 429 holds everyone for the time it asks, and halves the concurrency', async () => {
	const quota = quotaOf({ defaultConcurrency: 4 });
	const tickets = await Promise.all([line(quota), line(quota), line(quota), line(quota)]);
	tickets[0].release({ status: 429, holdMs: 300 });
	const held = clock.now();
	for (const ticket of tickets.slice(1)) ticket.release({ status: 200 });
	expect(quota.state.concurrency).toBe(2);
	let startedAt: number | undefined;
	const next = line(quota).then((ticket) => ((startedAt = clock.now()), ticket));
	await clock.advance(299);
	expect(startedAt).toBeUndefined();
	await clock.advance(100);
	expect(startedAt! - held).toBeGreaterThanOrEqual(300);
	(await next).release({ status: 200 });
});

test('concurrency grows while answers show room, up to 50', async () => {
	const quota = quotaOf({ defaultConcurrency: 5 });
	for (let index = 0; index < 200; index++) {
		const ticket = await line(quota);
		ticket.release({
			status: 200,
			signal: { remaining: 10_000, resetAt: later(10_000), limit: 10_000 },
		});
	}
	expect(quota.state.concurrency).toBe(50);
});

test('concurrency falls back to the default when the remaining quota runs low', async () => {
	const quota = quotaOf({ defaultConcurrency: 5 });
	for (let index = 0; index < 30; index++)
		(await line(quota)).release({
			status: 200,
			signal: { remaining: 10_000, resetAt: later(5000) },
		});
	expect(quota.state.concurrency).toBeGreaterThan(20);
	(await line(quota)).release({ status: 200, signal: { remaining: 2, resetAt: later(5000) } });
	expect(quota.state.concurrency).toBe(5);
});

test('a request that cannot get its turn before its deadline fails at its deadline with nothing sent', async () => {
	const quota = quotaOf({ defaultConcurrency: 1 });
	const busy = await line(quota);
	let failedAt: number | undefined;
	const waiting = quota
		.acquire({ arrivedAt: clock.now(), deadline: later(200) })
		.catch((error: unknown) => ((failedAt = clock.now()), error));
	await clock.advance(1000);
	expect(await waiting).toBeInstanceOf(QuotaWaitExpired);
	expect(failedAt).toBe(later(200) - 1000);
	busy.release({ status: 200 });
	expect(quota.state).toMatchObject({ waiting: 0, inFlight: 0 });
});

test('a cancelled execution stops waiting at once', async () => {
	const quota = quotaOf({ defaultConcurrency: 1 });
	const busy = await line(quota);
	const controller = new AbortController();
	const waiting = quota.acquire({
		arrivedAt: clock.now(),
		deadline: later(60_000),
		signal: controller.signal,
	});
	controller.abort(new Error('cancelled'));
	await expect(waiting).rejects.toThrow('cancelled');
	busy.release({ status: 200 });
	expect(quota.state.waiting).toBe(0);
});

test('answers that show someone else using the quota make the quota spread its requests', async () => {
	const quota = quotaOf({ defaultConcurrency: 2 });
	const resetAt = later(1000);
	(await line(quota)).release({ status: 200, signal: { remaining: 60, resetAt, limit: 100 } });
	// Our second request: others have used 30 meanwhile.
	const second = line(quota);
	await clock.advance(50);
	(await second).release({ status: 200, signal: { remaining: 29, resetAt, limit: 100 } });
	expect(quota.state.shared).toBe(true);
	const starts: number[] = [];
	const tickets = Array.from({ length: 3 }, () =>
		line(quota).then((ticket) => (starts.push(clock.now()), ticket)),
	);
	await clock.advance(1000);
	expect(starts).toHaveLength(3);
	// Spread over a share (0.3) of what is left of the window, ~10 ms apart for 28 left in a
	// second, not sent at once.
	expect(starts[1] - starts[0]).toBeGreaterThanOrEqual(10);
	expect(starts[2] - starts[1]).toBeGreaterThanOrEqual(10);
	for (const ticket of await Promise.all(tickets)) ticket.release({ status: 200 });
});

test('before any quota header, the published window paces the starts', async () => {
	const quota = quotaOf({ defaultConcurrency: 10, window: { requests: 3, perMs: 1000 } });
	const starts: number[] = [];
	const t0 = clock.now();
	const tickets = Array.from({ length: 7 }, () =>
		line(quota).then((ticket) => {
			starts.push(clock.now() - t0);
			ticket.release({ status: 200 });
		}),
	);
	await clock.advance(5000);
	await Promise.all(tickets);
	expect(starts).toEqual([0, 0, 0, 1000, 1000, 1000, 2000]);
});

test('the first request goes alone when the provider asks for it', async () => {
	const quota = quotaOf({ defaultConcurrency: 4, firstRequestAlone: true });
	const first = await line(quota);
	let others = 0;
	const waiting = Array.from({ length: 3 }, () => line(quota).then((ticket) => (others++, ticket)));
	await clock.advance(1000);
	expect(others).toBe(0);
	first.release({ status: 200 });
	await clock.settle();
	expect(others).toBe(3);
	for (const ticket of await Promise.all(waiting)) ticket.release({ status: 200 });
});

test('the registry shares one quota per credential and host, and stays bounded', () => {
	const policy = { defaultConcurrency: 3 };
	const key = { credentialType: 'testApi', credentialId: 'c-1', host: 'api.example.com' };
	expect(quotaFor(key, policy)).toBe(quotaFor({ ...key }, policy));
	expect(quotaFor({ ...key, host: 'api.eu.example.com' }, policy)).not.toBe(quotaFor(key, policy));
	expect(quotaFor({ ...key, credentialId: 'c-2' }, policy)).not.toBe(quotaFor(key, policy));
	for (let index = 0; index < QUOTA_REGISTRY_SIZE + 50; index++)
		quotaFor({ ...key, credentialId: `bulk-${index}` }, policy);
	expect(quotaCount()).toBeLessThanOrEqual(QUOTA_REGISTRY_SIZE);
});

test('a busy quota is not dropped from the registry, so its waiters keep their pacing', async () => {
	const policy = { defaultConcurrency: 1 };
	const key = { credentialType: 'testApi', credentialId: 'busy', host: 'api.example.com' };
	const busy = quotaFor(key, policy);
	const ticket: Ticket = await busy.acquire({ arrivedAt: Date.now(), deadline: Date.now() + 1000 });
	for (let index = 0; index < QUOTA_REGISTRY_SIZE + 50; index++)
		quotaFor({ ...key, credentialId: `filler-${index}` }, policy);
	expect(quotaFor(key, policy)).toBe(busy);
	ticket.release({ status: 200 });
});
