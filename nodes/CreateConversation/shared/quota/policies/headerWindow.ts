import type { RateLimitSignal } from '../../rateLimitHeaders';
import type { Flow, Policy } from '../types';

/** Wake this long after a window's reset, so a request never arrives a hair before it. */
export const RESET_MARGIN_MS = 25;
/** The window's length before consecutive resets or the provider's documentation say it. */
const DEFAULT_WINDOW_MS = 10_000;

/**
 * The window the provider's quota headers describe. The least `remaining` announced for the
 * window, minus the requests still in flight, may start; later ones wait for the reset, so a burst
 * cannot overshoot. At the reset, the next window allows its limit minus the requests still in
 * flight (they may be counted in it); its end is an estimate until an answer confirms it.
 */
export class HeaderWindow {
	private headersSeen = false;

	/** The newest reset time the provider itself announced. */
	private confirmedResetAt = 0;

	/** End of the window requests are counted in (after a reset passes: an estimate of the next). */
	private windowResetAt = 0;

	/** Requests with a sequence number up to this fit in the current window. */
	private lastSeqInWindow = Number.POSITIVE_INFINITY;

	/** The least `remaining` the provider announced for the current window. */
	private remaining = Number.POSITIVE_INFINITY;

	/**
	 * Requests started before this sequence number were answered before the window began: the
	 * window counts at most `started - windowStartSeq` of ours.
	 */
	private windowStartSeq = 0;

	/** The current window was entered by `advance` (not yet confirmed by an answer). */
	private rolledOver = false;

	private limit?: number;

	private observedWindowMs?: number;

	constructor(private readonly published: Policy['window']) {}

	/** Quota headers have been seen: from now on they decide, not the published window. */
	get seen(): boolean {
		return this.headersSeen;
	}

	get resetAt(): number {
		return this.windowResetAt;
	}

	/** The current window's end is the provider's own figure, not an estimate after a reset. */
	get confirmed(): boolean {
		return this.windowResetAt === this.confirmedResetAt;
	}

	/** Learnt from consecutive resets; until then the provider's published one, or a guess. */
	get windowMs(): number {
		return this.observedWindowMs ?? this.published?.perMs ?? DEFAULT_WINDOW_MS;
	}

	/** Starts the current window still allows (Infinity when no window is known at `now`). */
	left(flow: Flow, now: number): number {
		if (!this.headersSeen || now >= this.windowResetAt) return Number.POSITIVE_INFINITY;
		return this.lastSeqInWindow - flow.started;
	}

	/** A request started now is counted in a window the provider itself announced. */
	counts(now: number): boolean {
		return this.headersSeen && this.confirmed && now < this.windowResetAt;
	}

	/** `now`, or just after the reset when the window (less `reserve`) is used up. */
	nextStartAt(flow: Flow, now: number, reserve: number): number {
		return this.left(flow, now) - reserve <= 0 ? this.windowResetAt + RESET_MARGIN_MS : now;
	}

	/**
	 * Enters the next window once the announced reset has passed. At most `firstRound` requests
	 * start in it before an answer says what is left (others may spend it too).
	 */
	advance(flow: Flow, now: number, firstRound: number): void {
		if (!(this.windowResetAt > 0 && now >= this.windowResetAt)) return;
		const limit = this.limit ?? this.published?.requests;
		if (limit === undefined) {
			this.lastSeqInWindow = Number.POSITIVE_INFINITY;
			this.windowResetAt = 0;
			return;
		}
		const windowMs = this.windowMs;
		this.windowResetAt += (Math.floor((now - this.windowResetAt) / windowMs) + 1) * windowMs;
		this.lastSeqInWindow = flow.started + Math.min(limit - flow.inFlight, firstRound);
		this.windowStartSeq = flow.started - flow.inFlight;
		this.rolledOver = true;
	}

	/**
	 * Learns from one answer's quota headers (request `seq`; `flow` after it ended). True when the
	 * provider counted more requests in the window than we can have sent: someone else spends
	 * the same quota.
	 */
	observe(seq: number, signal: RateLimitSignal, flow: Flow): boolean {
		this.headersSeen = true;
		if (signal.limit !== undefined) this.limit = signal.limit;
		if (signal.resetAt > this.confirmedResetAt) {
			if (this.confirmedResetAt > 0) {
				const length = signal.resetAt - this.confirmedResetAt;
				this.observedWindowMs = Math.min(this.observedWindowMs ?? length, length);
				// The provider's window turned before ours did (clocks differ): count every request
				// not yet answered as ours in it.
				if (!this.rolledOver) this.windowStartSeq = Math.max(0, seq - 1 - flow.inFlight);
			}
			this.rolledOver = false;
			this.confirmedResetAt = signal.resetAt;
			this.windowResetAt = signal.resetAt;
			this.remaining = signal.remaining;
		} else if (signal.resetAt === this.confirmedResetAt && this.confirmed) {
			this.remaining = Math.min(this.remaining, signal.remaining);
		} else {
			// An answer from a window we have already rolled past says nothing about the new one.
			return false;
		}
		// The smallest `remaining` reflects every request the provider processed up to it, in
		// whatever order they arrived; those still in flight may not be in it yet, so they are
		// counted against it. Exact once nothing is in flight, never more than allowed.
		this.lastSeqInWindow = flow.started + this.remaining - flow.inFlight;
		return (
			this.limit !== undefined &&
			this.limit - signal.remaining > flow.started - this.windowStartSeq + 1
		);
	}
}
