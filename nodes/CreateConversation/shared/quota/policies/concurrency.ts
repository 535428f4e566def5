import { MAX_CONCURRENCY, type Flow, type Observation } from '../types';

/** Without quota headers, concurrency grows only after this long without a 429. */
const QUIET_AFTER_429_MS = 10_000;

/**
 * How many requests may be in flight, adapted like TCP's congestion window: start at the
 * provider's default, grow while answers show room (one more per good answer below the slow-start
 * limit, one more per round of answers above it), halve on a 429 (once per round), fall back to the
 * default when the remaining quota runs low. Requests whose execution has a number chosen by the
 * user are not held to it (their own item loop is the limit).
 */
export class AdaptiveConcurrency {
	private current: number;

	private slowStartLimit = MAX_CONCURRENCY;

	private growthCredit = 0;

	/** Requests started after this sequence number can cut concurrency again. */
	private lastCutSeq = 0;

	private last429At = Number.NEGATIVE_INFINITY;

	constructor(private readonly defaultConcurrency: number) {
		this.current = clamp(defaultConcurrency);
	}

	get limit(): number {
		return this.current;
	}

	/** `now`, or Infinity: wait until a request ends. */
	nextStartAt(flow: Flow, now: number, fixedConcurrency: boolean | undefined): number {
		return !fixedConcurrency && flow.inFlight >= this.current ? Number.POSITIVE_INFINITY : now;
	}

	observe(seq: number, observation: Observation, flow: Flow, now: number): void {
		const { status, signal } = observation;
		if (status === 429) {
			this.last429At = now;
			if (seq > this.lastCutSeq) {
				this.current = Math.max(1, Math.floor(this.current / 2));
				this.slowStartLimit = this.current;
				this.lastCutSeq = flow.started;
			}
			return;
		}
		if (status === undefined || status >= 300) return;
		if (signal) {
			if (signal.remaining < this.current)
				this.current = Math.max(
					clamp(this.defaultConcurrency),
					Math.min(this.current, signal.remaining),
				);
			else if (signal.remaining >= 2 * this.current) this.grow();
		} else if (now - this.last429At > QUIET_AFTER_429_MS) {
			this.grow();
		}
	}

	private grow(): void {
		if (this.current >= MAX_CONCURRENCY) return;
		if (this.current < this.slowStartLimit) {
			this.current += 1;
			return;
		}
		this.growthCredit += 1;
		if (this.growthCredit >= this.current) {
			this.growthCredit = 0;
			this.current += 1;
		}
	}
}

function clamp(concurrency: number): number {
	return Math.max(1, Math.min(MAX_CONCURRENCY, concurrency));
}
