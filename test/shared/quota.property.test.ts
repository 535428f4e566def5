/**
 * The quota under random answer sequences, in simulated time: quota headers, 429s with and without
 * Retry-After, timeouts, connection resets, cancellations, others spending the same quota. Each
 * request runs as the transport runs it (retryDecision after each answer). Whatever happens:
 * - never more in flight than the quota's concurrency (one before the first answer when the
 *   provider asks for it), unless the execution fixed its own;
 * - nothing starts during a hold a 429 asked for;
 * - with quota headers and nobody else spending the quota, the provider never refuses a request
 *   for its window (nothing starts beyond what the window allows);
 * - requests start in arrival order (a retry keeps its first place);
 * - every waiter ends: started before its deadline, expired at it, or cancelled at once.
 */
import fc from 'fast-check';

import {
	MAX_CONCURRENCY,
	Quota,
	QuotaWaitExpired,
	type Observation,
	type Policy,
} from '../../nodes/CreateConversation/shared/quota';
import { retryDecision } from '../../nodes/CreateConversation/shared/retry';
import { SimulatedClock } from '../support/simulatedClock';

/** The quota's wake-ups may be spread by up to this much (scheduler.ts). */
const WAKE_SPREAD_MS = 100;

const faultArb = fc.constantFrom(
	'normal',
	'normal',
	'normal',
	'429 with Retry-After',
	'429 bare',
	'timeout',
	'reset',
	'500',
);

const requestArb = fc.record({
	// Bursts: many arrive at once, as executions of a webhook do.
	arriveAfterMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3000 })),
	fixedConcurrency: fc.boolean(),
	patienceMs: fc.integer({ min: 200, max: 20_000 }),
	cancelAfterMs: fc.option(fc.integer({ min: 0, max: 8000 }), { nil: undefined }),
	latencyMs: fc.integer({ min: 1, max: 300 }),
	faults: fc.array(faultArb, { maxLength: 4 }),
	retryAfterSeconds: fc.integer({ min: 0, max: 3 }),
});

const scenarioArb = fc.record({
	defaultConcurrency: fc.integer({ min: 1, max: 6 }),
	publishedWindow: fc.boolean(),
	firstRequestAlone: fc.boolean(),
	limit: fc.integer({ min: 6, max: 12 }),
	windowMs: fc.integer({ min: 500, max: 4000 }),
	headers: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, fc.constant(false)),
	startOffsetMs: fc.integer({ min: 0, max: 2999 }),
	others: fc.oneof(
		{ weight: 2, arbitrary: fc.constant([]) },
		fc.array(
			fc.record({
				atMs: fc.integer({ min: 0, max: 10_000 }),
				count: fc.integer({ min: 1, max: 8 }),
			}),
			{ minLength: 1, maxLength: 4 },
		),
	),
	requests: fc.array(requestArb, { minLength: 1, maxLength: 50, size: 'max' }),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

async function simulate(scenario: Scenario): Promise<void> {
	const clock = new SimulatedClock(1_800_000_000_000 + scenario.startOffsetMs);
	const t0 = clock.now();
	const policy: Policy = {
		defaultConcurrency: scenario.defaultConcurrency,
		firstRequestAlone: scenario.firstRequestAlone,
		...(scenario.publishedWindow
			? { window: { requests: scenario.limit, perMs: scenario.windowMs } }
			: {}),
	};
	const quota = new Quota(policy, { clock, random: () => 0.5 });
	const { limit, windowMs } = scenario;

	// The provider: fixed windows, `limit` requests each, counted on arrival.
	const counted = new Map<number, number>();
	const windowOf = (time: number) => Math.floor(time / windowMs);
	/** Tickets the provider refused for its window. */
	const windowRefusals: number[] = [];
	/** The quota's start count when it first heard quota headers. */
	let headersHeardAtCount = Number.POSITIVE_INFINITY;
	const violations: string[] = [];
	const fail = (message: string) => violations.push(message);

	let holdUntil = 0;
	let acquireSeq = 0;
	let finished = 0;
	// What happened, by the quota's start count: a request with ticket `seq` started when the count
	// went from seq - 1 to seq, so anything recorded at a count below seq happened before it.
	const grants: Array<{
		arrivedAt: number;
		order: number;
		queuedAtCount: number;
		seq: number;
		time: number;
		fixed: boolean;
		releasedAtCount?: number;
	}> = [];
	const releases: Array<{
		atCount: number;
		concurrency: number;
		holdUntil: number;
		answered: boolean;
	}> = [];
	const count = () => quota.state.started;
	const release = (
		grant: (typeof grants)[number],
		ticket: { release(o: Observation): void },
		observation: Observation,
		hold?: number,
	) => {
		grant.releasedAtCount = count();
		if (observation.signal)
			headersHeardAtCount = Math.min(headersHeardAtCount, grant.releasedAtCount);
		ticket.release(observation);
		if (hold !== undefined) holdUntil = Math.max(holdUntil, clock.now() + hold);
		releases.push({
			atCount: grant.releasedAtCount,
			concurrency: quota.state.concurrency,
			holdUntil,
			answered: observation.status !== undefined,
		});
	};

	for (const other of scenario.others)
		void clock.sleep(other.atMs).then(() => {
			const index = windowOf(clock.now());
			counted.set(index, Math.min(limit, (counted.get(index) ?? 0) + other.count));
		});

	const answer = (
		fault: string,
		retryAfterSeconds: number,
		seq: number,
	): Observation & { retryAfterMs?: number } => {
		const now = clock.now();
		const index = windowOf(now);
		const resetAt = (index + 1) * windowMs;
		const used = counted.get(index) ?? 0;
		const signal = (remaining: number) =>
			scenario.headers ? { signal: { remaining, resetAt, limit } } : {};
		if (fault === '429 with Retry-After')
			return { status: 429, retryAfterMs: retryAfterSeconds * 1000, ...signal(limit - used) };
		if (fault === '429 bare') return { status: 429 };
		if (used >= limit) {
			windowRefusals.push(seq);
			return { status: 429, retryAfterMs: resetAt - now, ...signal(0) };
		}
		counted.set(index, used + 1);
		return { status: fault === '500' ? 500 : 200, ...signal(limit - used - 1) };
	};

	const client = async (request: Scenario['requests'][number]) => {
		await clock.sleep(request.arriveAfterMs);
		const arrivedAt = clock.now();
		const deadline = arrivedAt + request.patienceMs;
		const controller = new AbortController();
		let cancelledAt: number | undefined;
		if (request.cancelAfterMs !== undefined)
			void clock.sleep(request.cancelAfterMs).then(() => {
				cancelledAt = clock.now();
				controller.abort(new Error('cancelled'));
			});
		for (let attempt = 0; ; attempt++) {
			const order = acquireSeq++;
			const queuedAtCount = count();
			const queuedAt = clock.now();
			let ticket;
			try {
				ticket = await quota.acquire({
					arrivedAt,
					deadline,
					signal: controller.signal,
					fixedConcurrency: request.fixedConcurrency,
				});
			} catch (error) {
				const now = clock.now();
				if (error instanceof QuotaWaitExpired) {
					if (now < deadline || now > deadline + WAKE_SPREAD_MS + 1)
						fail(`expired at ${now - arrivedAt} ms for a patience of ${request.patienceMs} ms`);
				} else if (cancelledAt === undefined || now !== Math.max(cancelledAt, queuedAt)) {
					// A cancelled request stops waiting at once (or does not queue at all).
					fail(`ended by ${String(error)} without being cancelled at that moment`);
				}
				return;
			}
			const grant = {
				arrivedAt,
				order,
				queuedAtCount,
				seq: ticket.seq,
				time: clock.now(),
				fixed: request.fixedConcurrency,
			};
			grants.push(grant);
			if (grant.time >= deadline) fail(`started ${grant.time - deadline} ms after its deadline`);
			await clock.sleep(request.latencyMs);
			const fault = request.faults[attempt] ?? 'normal';
			if (fault === 'timeout' || fault === 'reset') {
				// Arrived (or not), no answer: the transport fails the item, never sends it again.
				if (fault === 'timeout') answer('normal', 0, grant.seq);
				release(grant, ticket, {});
				return;
			}
			const { retryAfterMs, ...observation } = answer(fault, request.retryAfterSeconds, grant.seq);
			const at = clock.now();
			const decision = retryDecision(
				{ statusCode: observation.status!, retryAfterMs },
				attempt,
				{ patienceMs: request.patienceMs, waitedMs: at - arrivedAt, leftMs: deadline - at },
				'Acme',
			);
			release(grant, ticket, { ...observation, holdMs: decision.holdMs }, decision.holdMs);
			if (decision.send !== 'again') return;
			try {
				if (decision.afterMs > decision.holdMs)
					await clock.sleep(decision.afterMs - decision.holdMs, controller.signal);
			} catch {
				return;
			}
		}
	};

	const clients = scenario.requests.map((request) =>
		client(request).finally(() => {
			finished++;
		}),
	);
	const ended = await clock.runUntil(() => finished === clients.length, t0 + 3_600_000);
	if (!ended) fail(`${clients.length - finished} of ${clients.length} requests never ended`);
	await Promise.all(clients);
	const initialConcurrency = Math.min(MAX_CONCURRENCY, policy.defaultConcurrency);
	for (const started of grants) {
		const before = releases.filter((entry) => entry.atCount < started.seq);
		const last = before.at(-1);
		const concurrency = last?.concurrency ?? initialConcurrency;
		const inFlight =
			1 +
			grants.filter(
				(other) => other.seq < started.seq && (other.releasedAtCount ?? Infinity) >= started.seq,
			).length;
		if (concurrency < 1 || concurrency > MAX_CONCURRENCY) fail(`concurrency ${concurrency}`);
		if (!started.fixed && inFlight > concurrency)
			fail(`${inFlight} in flight with a concurrency of ${concurrency}`);
		if (policy.firstRequestAlone && !before.some((entry) => entry.answered) && inFlight > 1)
			fail('sent with the first request before it was answered');
		if (last && started.time < last.holdUntil)
			fail(`started ${last.holdUntil - started.time} ms before a hold ended`);
		for (const earlier of grants)
			if (
				(earlier.arrivedAt < started.arrivedAt ||
					(earlier.arrivedAt === started.arrivedAt && earlier.order < started.order)) &&
				earlier.queuedAtCount < started.seq &&
				earlier.seq > started.seq
			)
				fail(
					`started at ${started.time - t0} ms (arrived ${started.arrivedAt - t0}) before one that arrived at ${earlier.arrivedAt - t0}`,
				);
	}
	// Before the first quota header the window is unknown (and a fixed concurrency is the user's).
	const refusedKnowingTheWindow = windowRefusals.filter((seq) => seq > headersHeardAtCount);
	if (scenario.headers && scenario.others.length === 0 && refusedKnowingTheWindow.length > 0)
		fail(
			`${refusedKnowingTheWindow.length} requests refused for the window though nobody else used it`,
		);
	expect(violations).toEqual([]);
	expect(quota.state).toMatchObject({ inFlight: 0, waiting: 0 });
}

test('whatever the provider answers, the quota keeps its promises', async () => {
	await fc.assert(fc.asyncProperty(scenarioArb, simulate), { numRuns: 150 });
});
