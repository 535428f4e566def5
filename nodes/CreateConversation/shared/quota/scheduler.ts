import { realClock, type Clock } from './clock';
import { AdaptiveConcurrency } from './policies/concurrency';
import { FirstRequestAlone } from './policies/firstAlone';
import { HeaderWindow } from './policies/headerWindow';
import { Hold } from './policies/hold';
import { PublishedWindow } from './policies/publishedWindow';
import { Sharing } from './policies/sharing';
import {
	QuotaWaitExpired,
	type AcquireOptions,
	type Flow,
	type Observation,
	type Policy,
	type Ticket,
} from './types';

/** Wake-ups are spread by up to this much (or a tenth of the wait), so processes do not fire together. */
const MAX_WAKE_SPREAD_MS = 100;

interface Waiter extends AcquireOptions {
	resolve(ticket: Ticket): void;
	reject(error: unknown): void;
	onAbort?: () => void;
}

export interface QuotaOptions {
	clock?: Clock;
	/** A number in [0, 1) for the wake-up spread (`Math.random` unless a test fixes it). */
	random?: () => number;
}

/**
 * One provider quota as this process sees it (see `quotaFor`): the waiting line, in arrival order,
 * and the single timer. A request starts when every policy allows it:
 * the 429 hold, the first request alone, the adaptive concurrency, the window of the quota headers
 * and its sharing with other users, or, before any header, the provider's published window.
 * Waiting uses the clock's cancellable sleep only: one timer per quota, re-armed as its state
 * changes, never one per waiting request.
 */
export class Quota {
	private readonly waiters: Waiter[] = [];

	private readonly flow = { started: 0, inFlight: 0, lastStartAt: 0 };

	private readonly hold = new Hold();

	private readonly firstAlone: FirstRequestAlone;

	private readonly concurrency: AdaptiveConcurrency;

	private readonly window: HeaderWindow;

	private readonly sharing: Sharing;

	private readonly published: PublishedWindow;

	private sleeper?: { controller: AbortController; wakeAt: number };

	private readonly clock: Clock;

	private readonly random: () => number;

	constructor(policy: Policy, options: QuotaOptions = {}) {
		this.clock = options.clock ?? realClock;
		this.random = options.random ?? Math.random;
		this.firstAlone = new FirstRequestAlone(policy.firstRequestAlone === true);
		this.concurrency = new AdaptiveConcurrency(policy.defaultConcurrency);
		this.window = new HeaderWindow(policy.window);
		this.sharing = new Sharing(this.window);
		this.published = new PublishedWindow(policy.window);
	}

	/** Nothing waiting, nothing in flight: the entry may be dropped from the registry. */
	get idle(): boolean {
		return this.flow.inFlight === 0 && this.waiters.length === 0;
	}

	/** A snapshot for tests and logs. */
	get state() {
		return {
			inFlight: this.flow.inFlight,
			waiting: this.waiters.length,
			started: this.flow.started,
			concurrency: this.concurrency.limit,
			holdUntil: this.hold.holdUntil,
			shared: this.sharing.isShared(this.clock.now()),
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
		const now = this.clock.now();
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
		const flow: Flow = this.flow;
		const held = this.hold.nextStartAt(now);
		if (held > now) return held;
		const slot = Math.max(
			this.firstAlone.nextStartAt(flow, now),
			this.concurrency.nextStartAt(flow, now, waiter.fixedConcurrency),
		);
		if (slot > now) return slot;
		if (!this.window.seen) return this.published.nextStartAt(now);
		this.window.advance(flow, now, this.sharing.firstRound(now, this.concurrency.limit));
		return Math.max(
			this.window.nextStartAt(flow, now, this.sharing.reserve(now)),
			this.sharing.nextStartAt(flow, now),
		);
	}

	private start(waiter: Waiter, now: number): void {
		this.flow.inFlight += 1;
		this.flow.started += 1;
		this.flow.lastStartAt = now;
		if (!this.window.seen) this.published.onStart(now);
		const seq = this.flow.started;
		const counted = this.window.counts(now);
		let released = false;
		waiter.resolve({
			seq,
			release: (observation) => {
				if (released) return;
				released = true;
				this.flow.inFlight -= 1;
				this.observe(seq, observation, counted);
				this.pump();
			},
		});
	}

	/** Tells every policy what one answer (or its absence) says. */
	private observe(seq: number, observation: Observation, counted: boolean): void {
		const now = this.clock.now();
		this.firstAlone.observe(observation);
		const othersCounted = observation.signal
			? this.window.observe(seq, observation.signal, this.flow)
			: false;
		this.hold.observe(observation, now);
		this.sharing.observe(observation, othersCounted, counted, now);
		this.concurrency.observe(seq, observation, this.flow, now);
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
				? this.random() * Math.min(MAX_WAKE_SPREAD_MS, delay / 10)
				: 0;
		const controller = new AbortController();
		this.sleeper = { controller, wakeAt };
		// Whole milliseconds, as timers count them: a fraction would wake a hair early and re-arm.
		this.clock.sleep(Math.ceil(delay + spread), controller.signal).then(
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
