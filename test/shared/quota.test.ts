/** The process-wide quota on its own: order, windows, holds, concurrency, the registry's bound. */
import {
	Quota,
	quotaCount,
	quotaFor,
	QUOTA_REGISTRY_SIZE,
	QuotaWaitExpired,
	type Ticket,
} from '../../nodes/CreateConversation/shared/quota';

const later = (ms: number) => Date.now() + ms;
const line = (quota: Quota, arrivedAt = Date.now(), deadline = later(60_000)) =>
	quota.acquire({ arrivedAt, deadline });

test('requests start in arrival order; a request retried after a 429 keeps its place', async () => {
	const quota = new Quota({ defaultConcurrency: 1 });
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
	const quota = new Quota({ defaultConcurrency: 10 });
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
			.acquire({ arrivedAt: Date.now(), deadline: later(60_000), signal: controller.signal })
			.then((ticket) => (started.push(Date.now()), ticket)),
	);
	const tickets = await Promise.race([
		Promise.all(waiting),
		new Promise<Ticket[]>((resolve) => setTimeout(() => resolve([]), 1500)),
	]);
	// Only 3 fit in the new window (nothing in flight); the other 2 keep waiting.
	expect(tickets).toEqual([]);
	expect(started).toHaveLength(3);
	for (const time of started) expect(time).toBeGreaterThanOrEqual(resetAt);
	expect(quota.state).toMatchObject({ waiting: 2, inFlight: 3 });
	controller.abort();
	await Promise.allSettled(waiting);
});

test('a 429 holds everyone for the time it asks, and halves the concurrency', async () => {
	const quota = new Quota({ defaultConcurrency: 4 });
	const tickets = await Promise.all([line(quota), line(quota), line(quota), line(quota)]);
	tickets[0].release({ status: 429, holdMs: 300 });
	const held = Date.now();
	for (const ticket of tickets.slice(1)) ticket.release({ status: 200 });
	expect(quota.state.concurrency).toBe(2);
	const next = await line(quota);
	expect(Date.now() - held).toBeGreaterThanOrEqual(280);
	next.release({ status: 200 });
});

test('concurrency grows while answers show room, up to 50', async () => {
	const quota = new Quota({ defaultConcurrency: 5 });
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
	const quota = new Quota({ defaultConcurrency: 5 });
	for (let index = 0; index < 30; index++)
		(await line(quota)).release({
			status: 200,
			signal: { remaining: 10_000, resetAt: later(5000) },
		});
	expect(quota.state.concurrency).toBeGreaterThan(20);
	(await line(quota)).release({ status: 200, signal: { remaining: 2, resetAt: later(5000) } });
	expect(quota.state.concurrency).toBe(5);
});

test('a request that cannot get its turn before its deadline fails with nothing sent', async () => {
	const quota = new Quota({ defaultConcurrency: 1 });
	const busy = await line(quota);
	await expect(
		quota.acquire({ arrivedAt: Date.now(), deadline: later(200) }),
	).rejects.toBeInstanceOf(QuotaWaitExpired);
	busy.release({ status: 200 });
	expect(quota.state).toMatchObject({ waiting: 0, inFlight: 0 });
});

test('a cancelled execution stops waiting at once', async () => {
	const quota = new Quota({ defaultConcurrency: 1 });
	const busy = await line(quota);
	const controller = new AbortController();
	const waiting = quota.acquire({
		arrivedAt: Date.now(),
		deadline: later(60_000),
		signal: controller.signal,
	});
	controller.abort(new Error('cancelled'));
	await expect(waiting).rejects.toThrow('cancelled');
	busy.release({ status: 200 });
	expect(quota.state.waiting).toBe(0);
});

test('answers that show someone else using the quota make the quota spread its requests', async () => {
	const quota = new Quota({ defaultConcurrency: 2 });
	const resetAt = later(1000);
	(await line(quota)).release({ status: 200, signal: { remaining: 60, resetAt, limit: 100 } });
	// Our second request: others have used 30 meanwhile.
	(await line(quota)).release({ status: 200, signal: { remaining: 29, resetAt, limit: 100 } });
	expect(quota.state.shared).toBe(true);
	const before = Date.now();
	const tickets: Ticket[] = [];
	for (let index = 0; index < 3; index++) tickets.push(await line(quota));
	// Spread over the window (about a second for 28 left), not sent at once.
	expect(Date.now() - before).toBeGreaterThanOrEqual(40);
	for (const ticket of tickets) ticket.release({ status: 200 });
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
	const ticket = await line(busy);
	for (let index = 0; index < QUOTA_REGISTRY_SIZE + 50; index++)
		quotaFor({ ...key, credentialId: `filler-${index}` }, policy);
	expect(quotaFor(key, policy)).toBe(busy);
	ticket.release({ status: 200 });
});
