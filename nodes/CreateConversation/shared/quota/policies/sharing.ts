import type { Flow, Observation } from '../types';
import type { HeaderWindow } from './headerWindow';

/** A quota with other users keeps this many requests of each window unused, for safety. */
const SHARED_RESERVE = 1;
/**
 * Starts are spread over this part of what is left of the window, not all of it: spread over the
 * whole window, each window of a queue-mode cluster was spent only ~8.5 s into 10 s, and the last
 * one ended that late (bench scenario 5: main + 2 workers 1.09x the floor, 0.3x: 1.05x).
 */
const SPREAD_SHARE = 0.3;
/** After other users were last seen, windows stay shared for this many window lengths. */
const SHARED_WINDOWS = 3;

/**
 * When answers show that someone else spends the same quota (another queue worker, another
 * tool), the window is not burst but spread: each start is spaced by a share of the time left
 * over the requests left, one kept in reserve, and a new window opens with one round of requests until its
 * first answer. Several processes doing this converge on the limit instead of racing into it.
 */
export class Sharing {
	private sharedUntil = 0;

	constructor(private readonly window: HeaderWindow) {}

	isShared(now: number): boolean {
		return this.sharedUntil > now;
	}

	/** Requests of the window kept unused. */
	reserve(now: number): number {
		return this.isShared(now) ? SHARED_RESERVE : 0;
	}

	/** How many may start in a new window before an answer says what others left of it. */
	firstRound(now: number, concurrency: number): number {
		return this.isShared(now) ? concurrency : Number.POSITIVE_INFINITY;
	}

	nextStartAt(flow: Flow, now: number): number {
		// Spread only over a window the provider announced, not over an estimate.
		if (!this.isShared(now) || !this.window.confirmed) return now;
		const left = this.window.left(flow, now) - SHARED_RESERVE;
		if (left <= 0 || !Number.isFinite(left)) return now;
		return Math.max(now, flow.lastStartAt + ((this.window.resetAt - now) * SPREAD_SHARE) / left);
	}

	/**
	 * `othersCounted`: the window's count shows others. `counted`: the request was sent within
	 * what the provider's own headers allowed, so a 429 for it means others spend the quota.
	 */
	observe(observation: Observation, othersCounted: boolean, counted: boolean, now: number): void {
		if (othersCounted || (observation.status === 429 && counted))
			this.sharedUntil = Math.max(
				this.sharedUntil,
				Math.max(now, this.window.resetAt) + SHARED_WINDOWS * this.window.windowMs,
			);
	}
}
