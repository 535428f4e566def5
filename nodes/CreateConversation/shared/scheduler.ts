import { sleep } from 'n8n-workflow';

import type { HttpResult, RateLimitPolicy } from './provider';

/** What a provider's answer said about its quota: requests left and when the window ends. */
export interface RateLimitSignal {
	remaining: number;
	/** Epoch ms at which the window ends and the quota is refilled. */
	resetAt: number;
}

/** Wake this long after a window's reset, so a request never arrives a hair before it. */
const RESET_MARGIN_MS = 25;

function header(result: HttpResult, name: string): string | undefined {
	const value = result.headers[name] ?? result.headers[name.toLowerCase()];
	return (Array.isArray(value) ? value[0] : value)?.trim();
}

/**
 * Reads `X-RateLimit-Remaining` with `X-RateLimit-Reset` (unix seconds, or seconds from now
 * when the number is small), or the IETF `RateLimit-Remaining` / `RateLimit-Reset` (seconds
 * from now). Undefined when the answer carries no such pair.
 */
export function rateLimitSignal(result: HttpResult, now: number): RateLimitSignal | undefined {
	for (const prefix of ['x-ratelimit-', 'ratelimit-']) {
		const remainingText = header(result, `${prefix}remaining`);
		const resetText = header(result, `${prefix}reset`);
		if (!remainingText || !resetText || !/^\d+$/.test(remainingText) || !/^\d+(\.\d+)?$/.test(resetText)) continue;
		const reset = Number(resetText);
		// A value above a billion seconds is a timestamp (2001 onwards); smaller ones are a delay.
		const resetAt = reset > 1e9 ? reset * 1000 : now + reset * 1000;
		return { remaining: Number(remainingText), resetAt };
	}
	return undefined;
}

/**
 * Paces the requests of one execution so that they stay under the provider's limit instead of
 * running into it:
 * - A 429 sets `holdUntil`: nobody sends before then (the transport sets it).
 * - Quota headers: every request gets a sequence number. An answer with `remaining = R` for
 *   request `s` means requests up to `s + R` fit in the current window; later ones wait until
 *   the window's reset. Requests already in flight are counted, so a burst does not overshoot.
 * - A known window (`RateLimitPolicy.window`) paces requests while no quota header has been
 *   seen: at most `requests` start in any `perMs`.
 * Waits longer than `maxWaitMs` are not taken proactively: the request is sent, and a 429 then
 * fails it with the usual "asks to wait longer" error.
 */
export class RequestScheduler {
	holdUntil = 0;

	private started = 0;

	private windowResetAt = 0;

	private lastSeqInWindow = Number.POSITIVE_INFINITY;

	private headersSeen = false;

	private readonly recentStarts: number[] = [];

	private readonly policy?: RateLimitPolicy;

	constructor(policy?: RateLimitPolicy) {
		this.policy = policy;
	}

	/** How long the next request has to wait from `now` (0 when it may go). */
	delayFor(now: number, maxWaitMs = Number.POSITIVE_INFINITY): number {
		let until = this.holdUntil;
		if (this.windowResetAt > now && this.started + 1 > this.lastSeqInWindow) {
			const reset = this.windowResetAt + RESET_MARGIN_MS;
			if (reset - now <= maxWaitMs) until = Math.max(until, reset);
		}
		const window = this.policy?.window;
		if (window && !this.headersSeen) {
			while (this.recentStarts.length > 0 && this.recentStarts[0] <= now - window.perMs) this.recentStarts.shift();
			if (this.recentStarts.length >= window.requests) until = Math.max(until, this.recentStarts[0] + window.perMs);
		}
		return Math.max(0, until - now);
	}

	/** Waits until a request may start and returns its sequence number (for `observe`). */
	async acquire(signal?: AbortSignal, maxWaitMs?: number): Promise<number> {
		for (let wait = this.delayFor(Date.now(), maxWaitMs); wait > 0; wait = this.delayFor(Date.now(), maxWaitMs)) {
			await sleep(wait, signal);
		}
		const now = Date.now();
		if (this.policy?.window && !this.headersSeen) this.recentStarts.push(now);
		return ++this.started;
	}

	/** Learns from an answer's quota headers (any status, 429 included). */
	observe(seq: number, signal: RateLimitSignal | undefined): void {
		if (!signal) return;
		this.headersSeen = true;
		this.recentStarts.length = 0;
		const last = seq + signal.remaining;
		if (signal.resetAt > this.windowResetAt) {
			this.windowResetAt = signal.resetAt;
			this.lastSeqInWindow = last;
		} else if (signal.resetAt === this.windowResetAt) {
			this.lastSeqInWindow = Math.min(this.lastSeqInWindow, last);
		}
	}
}
