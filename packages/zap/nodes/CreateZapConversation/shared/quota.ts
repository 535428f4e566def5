import { sleep } from 'n8n-workflow';

import type { RateLimitSignal } from './rateLimitHeaders';

/**
 * One provider quota as this n8n process sees it, shared by every execution of every workflow
 * that uses the same credential against the same host (see `quotaFor`). A node class is loaded
 * once per process, so this module's state is per process: in queue mode each worker has its own,
 * and workers coordinate only through what the provider's answers say.
 *
 * A request starts only when all of these allow it:
 * - **Hold**: after a 429 nobody sends before the provider's retry time.
 * - **Window**: quota headers say how many requests are left until the window resets: the least
 *   `remaining` of the window, minus the requests still in flight, may start; later ones wait
 *   for the reset, so a burst cannot overshoot. At a reset the waiting requests are released in
 *   arrival order, at most as many as the window allows minus those still in flight; the others
 *   keep waiting without sending.
 * - **Shared windows**: when answers show that someone else uses the same quota (another queue
 *   worker, another tool), the window is not burst but spread: each start is spaced by the time
 *   left over the requests left, keeping one in reserve. Several processes doing this together
 *   converge on the limit instead of racing into it.
 * - **Concurrency**: at most `concurrency` in flight, adapted like TCP's congestion window:
 *   start at the provider's default, grow while answers show room, halve on a 429, fall back to
 *   the default when the remaining quota runs low. Executions with a number chosen by the user
 *   are not held to it (their own item loop is the limit).
 * - **Published window**: until any quota header is seen, at most `window.requests` start in
 *   any `window.perMs` (the provider's documented limit).
 *
 * Waiting uses n8n's `sleep` with a cancel signal only: one timer per quota, owned by the quota
 * and re-armed as its state changes, never one per waiting request.
 */

export interface QuotaPolicy {
	/** Requests in flight to start with, per quota, until answers show more room. */
	defaultConcurrency: number;
	/** The provider's published limit: at most `requests` per `perMs`, until headers say more. */
	window?: { requests: number; perMs: number };
	/** Send the very first request alone and the others once it is answered (see `ProviderDefinition`). */
	firstRequestAlone?: boolean;
}

/** What one request's outcome tells the quota. */
export interface Observation {
	/** The HTTP status, when the provider answered at all. */
	status?: number;
	signal?: RateLimitSignal;
	/** For a 429: how long the provider asks everyone to wait. */
	holdMs?: number;
}

export interface Ticket {
	/** Sequence number of the request among all this quota started. */
	readonly seq: number;
	/** Call exactly once, when the request has an outcome. */
	release(observation: Observation): void;
}

export interface AcquireOptions {
	/** The execution's cancel signal: a cancelled run stops waiting at once. */
	signal?: AbortSignal;
	/** Epoch ms after which the request stops waiting (the item's rate-limit patience). */
	deadline: number;
	/** When the request first queued; a retry after a 429 keeps its place in line. */
	arrivedAt: number;
	/** The user chose the execution's concurrency: the adaptive limit does not apply to it. */
	fixedConcurrency?: boolean;
}

/** The request waited until its deadline without getting its turn; nothing was sent. */
export class QuotaWaitExpired extends Error {
	constructor(readonly waitedMs: number) {
		super(`waited ${Math.round(waitedMs / 1000)} s for the rate limit`);
		this.name = 'QuotaWaitExpired';
	}
}

export const MAX_CONCURRENCY = 50;
/** Wake this long after a window's reset, so a request never arrives a hair before it. */
const RESET_MARGIN_MS = 25;
/** Wake-ups are spread by up to this much (or a tenth of the wait), so processes do not fire together. */
const MAX_WAKE_SPREAD_MS = 100;
/** A quota with other users keeps this many requests of each window unused, for safety. */
const SHARED_RESERVE = 1;
/** After other users were last seen, windows stay shared for this many window lengths. */
const SHARED_WINDOWS = 3;
/** Without quota headers, concurrency grows only after this long without a 429. */
const QUIET_AFTER_429_MS = 10_000;
const DEFAULT_WINDOW_MS = 10_000;

interface Waiter extends AcquireOptions {
	resolve(ticket: Ticket): void;
	reject(error: unknown): void;
	onAbort?: () => void;
}

export class Quota {
	private readonly waiters: Waiter[] = [];

	private inFlight = 0;

	private started = 0;

	/** Adaptive number of requests in flight (see the class comment). */
	private concurrency: number;

	/** Slow start (one more per good answer) below this; one more per round of answers above. */
	private slowStartLimit = MAX_CONCURRENCY;

	private growthCredit = 0;

	/** Requests started after this sequence number can cut concurrency again (one cut per round). */
	private lastCutSeq = 0;

	private last429At = Number.NEGATIVE_INFINITY;

	private holdUntil = 0;

	private firstAnswered = false;

	private headersSeen = false;

	/** The newest reset time the provider itself announced. */
	private confirmedResetAt = 0;

	/** End of the window requests are counted in (after a reset passes: an estimate of the next). */
	private windowResetAt = 0;

	/** Requests with a sequence number up to this fit in the current window. */
	private lastSeqInWindow = Number.POSITIVE_INFINITY;

	/** The least `remaining` the provider announced for the current window. */
	private remainingInWindow = Number.POSITIVE_INFINITY;

	/**
	 * Requests started before this sequence number were answered before the window began: the
	 * window counts at most `started - windowStartSeq` of ours. When the provider says it counted
	 * more, someone else spends the same quota.
	 */
	private windowStartSeq = 0;

	/** The current window was entered by `rollOver` (not yet confirmed by an answer). */
	private rolledOver = false;

	private windowLimit?: number;

	private observedWindowMs?: number;

	private sharedUntil = 0;

	private lastStartAt = 0;

	/** Start times within the published window, while no quota header has been seen. */
	private readonly recentStarts: number[] = [];

	private sleeper?: { controller: AbortController; wakeAt: number };

	private readonly policy: QuotaPolicy;

	constructor(policy: QuotaPolicy) {
		this.policy = policy;
		this.concurrency = Math.max(1, Math.min(MAX_CONCURRENCY, policy.defaultConcurrency));
	}

	/** Nothing waiting, nothing in flight: the entry may be dropped from the registry. */
	get idle(): boolean {
		return this.inFlight === 0 && this.waiters.length === 0;
	}

	/** A snapshot for tests and logs. */
	get state() {
		return {
			inFlight: this.inFlight,
			waiting: this.waiters.length,
			started: this.started,
			concurrency: this.concurrency,
			holdUntil: this.holdUntil,
			shared: this.sharedUntil > Date.now(),
		};
	}

	/** Resolves when the request may start; rejects on cancellation or at the deadline. */
	async acquire(options: AcquireOptions): Promise<Ticket> {
		if (options.signal?.aborted) throw abortError(options.signal);
		return await new Promise<Ticket>((resolve, reject) => {
			const waiter: Waiter = { ...options, resolve, reject };
			if (options.signal) {
				waiter.onAbort = () => {
					this.remove(waiter);
					reject(abortError(options.signal!));
					this.pump();
				};
				options.signal.addEventListener('abort', waiter.onAbort, { once: true });
			}
			// In line by arrival: a request retried after a 429 goes before later arrivals.
			let index = this.waiters.length;
			while (index > 0 && this.waiters[index - 1].arrivedAt > options.arrivedAt) index--;
			this.waiters.splice(index, 0, waiter);
			this.pump();
		});
	}

	private remove(waiter: Waiter): void {
		const index = this.waiters.indexOf(waiter);
		if (index >= 0) this.waiters.splice(index, 1);
		if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
	}

	/** Starts every waiter that may start now, in order, and arms the timer for the next event. */
	private pump(): void {
		const now = Date.now();
		for (const waiter of [...this.waiters]) {
			if (waiter.deadline <= now) {
				this.remove(waiter);
				waiter.reject(new QuotaWaitExpired(now - waiter.arrivedAt));
			}
		}
		let nextStartAt = Number.POSITIVE_INFINITY;
		while (this.waiters.length > 0) {
			const head = this.waiters[0];
			const startAt = this.nextStartAt(head, now);
			if (startAt > now) {
				nextStartAt = startAt;
				break;
			}
			this.remove(head);
			this.start(head, now);
		}
		let deadline = Number.POSITIVE_INFINITY;
		for (const waiter of this.waiters) deadline = Math.min(deadline, waiter.deadline);
		this.arm(nextStartAt, deadline, now);
	}

	/** When the head of the line may start: `now` or earlier means now, Infinity means when a request ends. */
	private nextStartAt(waiter: Waiter, now: number): number {
		if (this.holdUntil > now) return this.holdUntil;
		if (this.policy.firstRequestAlone && !this.firstAnswered && this.inFlight > 0)
			return Number.POSITIVE_INFINITY;
		if (!waiter.fixedConcurrency && this.inFlight >= this.concurrency)
			return Number.POSITIVE_INFINITY;
		if (this.headersSeen) {
			if (this.windowResetAt > 0 && now >= this.windowResetAt) this.rollOver(now);
			if (now < this.windowResetAt) {
				const shared = this.sharedUntil > now;
				const left = this.lastSeqInWindow - this.started - (shared ? SHARED_RESERVE : 0);
				if (left <= 0) return this.windowResetAt + RESET_MARGIN_MS;
				// Spread only over a window the provider announced, not over an estimate.
				if (shared && this.windowConfirmed)
					return Math.max(now, this.lastStartAt + (this.windowResetAt - now) / left);
			}
			return now;
		}
		const window = this.policy.window;
		if (window) {
			while (this.recentStarts.length > 0 && this.recentStarts[0] <= now - window.perMs)
				this.recentStarts.shift();
			if (this.recentStarts.length >= window.requests) return this.recentStarts[0] + window.perMs;
		}
		return now;
	}

	/**
	 * The announced reset has passed: the new window allows its limit minus the requests still in
	 * flight (they may be counted in it). Until its first answer, the new window's end is an
	 * estimate; answers then say the real figures.
	 */
	private rollOver(now: number): void {
		const limit = this.windowLimit ?? this.policy.window?.requests;
		// The window's length is learnt from consecutive resets; until then the provider's
		// published one, or a guess that the next answer corrects.
		const windowMs = this.observedWindowMs ?? this.policy.window?.perMs ?? DEFAULT_WINDOW_MS;
		if (limit === undefined) {
			this.lastSeqInWindow = Number.POSITIVE_INFINITY;
			this.windowResetAt = 0;
			return;
		}
		const passed = Math.floor((now - this.windowResetAt) / windowMs) + 1;
		this.windowResetAt += passed * windowMs;
		// Shared with others, the new window is theirs too: no more than one round in flight
		// before its first answer says what is left.
		const allowance = limit - this.inFlight;
		this.lastSeqInWindow =
			this.started + (this.sharedUntil > now ? Math.min(allowance, this.concurrency) : allowance);
		this.windowStartSeq = this.started - this.inFlight;
		this.rolledOver = true;
	}

	/** The current window's end is the provider's own figure, not an estimate after a reset. */
	private get windowConfirmed(): boolean {
		return this.windowResetAt === this.confirmedResetAt;
	}

	private start(waiter: Waiter, now: number): void {
		this.inFlight += 1;
		this.started += 1;
		this.lastStartAt = now;
		if (!this.headersSeen && this.policy.window) this.recentStarts.push(now);
		const seq = this.started;
		// Sent within what the provider's own headers allowed: a 429 then means others use the quota.
		const counted = this.headersSeen && this.windowConfirmed && now < this.windowResetAt;
		let released = false;
		waiter.resolve({
			seq,
			release: (observation) => {
				if (released) return;
				released = true;
				this.inFlight -= 1;
				this.observe(seq, observation, counted);
				this.pump();
			},
		});
	}

	private observe(seq: number, observation: Observation, counted: boolean): void {
		const now = Date.now();
		if (observation.status !== undefined) this.firstAnswered = true;
		const signal = observation.signal;
		if (signal) this.learnWindow(seq, signal, now);
		if (observation.status === 429) {
			this.last429At = now;
			if (observation.holdMs !== undefined)
				this.holdUntil = Math.max(this.holdUntil, now + observation.holdMs);
			// A 429 despite the headers' count means someone else spends the same quota.
			if (counted) this.markShared(now);
			if (seq > this.lastCutSeq) {
				this.concurrency = Math.max(1, Math.floor(this.concurrency / 2));
				this.slowStartLimit = this.concurrency;
				this.lastCutSeq = this.started;
			}
			return;
		}
		if (observation.status === undefined || observation.status >= 300) return;
		if (signal) {
			if (signal.remaining < this.concurrency) {
				this.concurrency = Math.max(
					Math.min(this.policy.defaultConcurrency, MAX_CONCURRENCY),
					Math.min(this.concurrency, signal.remaining),
				);
			} else if (signal.remaining >= 2 * this.concurrency) {
				this.grow();
			}
		} else if (now - this.last429At > QUIET_AFTER_429_MS) {
			this.grow();
		}
	}

	private grow(): void {
		if (this.concurrency >= MAX_CONCURRENCY) return;
		if (this.concurrency < this.slowStartLimit) {
			this.concurrency += 1;
			return;
		}
		this.growthCredit += 1;
		if (this.growthCredit >= this.concurrency) {
			this.growthCredit = 0;
			this.concurrency += 1;
		}
	}

	private learnWindow(seq: number, signal: RateLimitSignal, now: number): void {
		this.headersSeen = true;
		this.recentStarts.length = 0;
		if (signal.limit !== undefined) this.windowLimit = signal.limit;
		if (signal.resetAt > this.confirmedResetAt) {
			if (this.confirmedResetAt > 0) {
				const length = signal.resetAt - this.confirmedResetAt;
				this.observedWindowMs = Math.min(this.observedWindowMs ?? length, length);
				// The provider's window turned before ours did (clocks differ): count every request
				// not yet answered as ours in it.
				if (!this.rolledOver) this.windowStartSeq = Math.max(0, seq - 1 - this.inFlight);
			}
			this.rolledOver = false;
			this.confirmedResetAt = signal.resetAt;
			this.windowResetAt = signal.resetAt;
			this.remainingInWindow = signal.remaining;
		} else if (
			signal.resetAt === this.confirmedResetAt &&
			this.windowResetAt === this.confirmedResetAt
		) {
			this.remainingInWindow = Math.min(this.remainingInWindow, signal.remaining);
		} else {
			// An answer from a window we have already rolled past says nothing about the new one.
			return;
		}
		// The smallest `remaining` of the window reflects every request the provider processed up to
		// it, in whatever order they arrived; those still in flight may not be in it yet, so they
		// are counted against it. Exact once nothing is in flight, never more than allowed.
		this.lastSeqInWindow = this.started + this.remainingInWindow - this.inFlight;
		// The provider counted `limit - remaining` requests in this window; we cannot have sent
		// more than we started since it began. More means others use the same quota.
		const limit = this.windowLimit;
		if (limit !== undefined && limit - signal.remaining > this.started - this.windowStartSeq + 1)
			this.markShared(now);
	}

	private markShared(now = Date.now()): void {
		const windowMs = this.observedWindowMs ?? this.policy.window?.perMs ?? DEFAULT_WINDOW_MS;
		this.sharedUntil = Math.max(
			this.sharedUntil,
			Math.max(now, this.windowResetAt) + SHARED_WINDOWS * windowMs,
		);
	}

	/**
	 * One timer per quota: it wakes for the next start (spread a little, so separate processes do
	 * not fire in the same millisecond) or the next deadline, whichever comes first.
	 */
	private arm(nextStartAt: number, deadline: number, now: number): void {
		const wakeAt = Math.min(nextStartAt, deadline);
		if (!Number.isFinite(wakeAt)) {
			this.disarm();
			return;
		}
		if (this.sleeper && this.sleeper.wakeAt <= wakeAt) return;
		this.disarm();
		const delay = Math.max(0, wakeAt - now);
		const spread =
			wakeAt === nextStartAt && nextStartAt < deadline
				? Math.random() * Math.min(MAX_WAKE_SPREAD_MS, delay / 10)
				: 0;
		const controller = new AbortController();
		this.sleeper = { controller, wakeAt };
		sleep(delay + spread, controller.signal).then(
			() => {
				if (this.sleeper?.controller !== controller) return;
				this.sleeper = undefined;
				this.pump();
			},
			() => {},
		);
	}

	private disarm(): void {
		this.sleeper?.controller.abort();
		this.sleeper = undefined;
	}
}

function abortError(signal: AbortSignal): Error {
	const reason: unknown = signal.reason;
	return reason instanceof Error ? reason : new Error('The execution was cancelled');
}

/** Where a quota applies: the credential (by id, never by secret) and the host it sends to. */
export interface QuotaKey {
	credentialType: string;
	credentialId?: string;
	host: string;
}

/** Enough for every credential a busy instance uses at once; idle ones beyond it are dropped. */
export const QUOTA_REGISTRY_SIZE = 500;

const registry = new Map<string, Quota>();

/**
 * The process-wide quota for one credential and host, created on first use. The registry keeps
 * the most recently used entries; when it is full, the least recently used idle one is dropped.
 */
export function quotaFor(key: QuotaKey, policy: QuotaPolicy): Quota {
	const name = `${key.credentialType}\u0000${key.credentialId ?? ''}\u0000${key.host}`;
	let quota = registry.get(name);
	if (quota) {
		registry.delete(name);
	} else {
		quota = new Quota(policy);
		for (const [oldName, old] of registry) {
			if (registry.size < QUOTA_REGISTRY_SIZE) break;
			if (old.idle) registry.delete(oldName);
		}
	}
	registry.set(name, quota);
	return quota;
}

/** How many quotas the process holds (for tests of the bound). */
export function quotaCount(): number {
	return registry.size;
}
