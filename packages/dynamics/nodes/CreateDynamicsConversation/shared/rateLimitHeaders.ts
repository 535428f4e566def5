import type { HttpResult } from './provider';

/**
 * The one place that reads headers of a provider's answer: a header by name, `Retry-After`, and
 * the quota headers (`X-RateLimit-*` or the IETF `RateLimit-*`).
 */

/** A header's first value, whatever case n8n or the provider gave its name. */
export function headerValue(result: HttpResult, name: string): string | undefined {
	const value = result.headers[name.toLowerCase()] ?? result.headers[name];
	return (Array.isArray(value) ? value[0] : value)?.trim();
}

/** `Retry-After` as seconds or as an HTTP date (RFC 9110 §10.2.3), in ms from `now`. */
export function retryAfterHeaderMs(result: HttpResult, now: number): number | undefined {
	const raw = headerValue(result, 'retry-after');
	if (!raw) return undefined;
	if (/^\d+(\.\d+)?$/.test(raw)) return Math.ceil(Number(raw) * 1000);
	const date = Date.parse(raw);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** What a provider's answer said about its quota. */
export interface RateLimitSignal {
	/** Requests left in the current window, this one counted. */
	remaining: number;
	/** Epoch ms at which the window ends and the quota is refilled. */
	resetAt: number;
	/** Requests per window, when the provider says (e.g. the per-10-second figure). */
	limit?: number;
}

/** A value above a billion seconds is a timestamp (2001 onwards); smaller ones are a delay. */
function resetTime(seconds: number, now: number): number {
	return seconds > 1e9 ? seconds * 1000 : now + seconds * 1000;
}

/**
 * Reads `X-RateLimit-Remaining` with `X-RateLimit-Reset` (unix seconds, or seconds from now when
 * the number is small) and `X-RateLimit-Limit`, or the IETF `RateLimit-Remaining` /
 * `RateLimit-Reset` / `RateLimit-Limit`. Undefined when the answer carries no such pair.
 */
export function rateLimitSignal(result: HttpResult, now: number): RateLimitSignal | undefined {
	for (const prefix of ['x-ratelimit-', 'ratelimit-']) {
		const remaining = headerValue(result, `${prefix}remaining`);
		const reset = headerValue(result, `${prefix}reset`);
		if (!remaining || !reset || !/^\d+$/.test(remaining) || !/^\d+(\.\d+)?$/.test(reset)) continue;
		const limit = headerValue(result, `${prefix}limit`);
		return {
			remaining: Number(remaining),
			resetAt: resetTime(Number(reset), now),
			...(limit && /^\d+$/.test(limit) && Number(limit) > 0 ? { limit: Number(limit) } : {}),
		};
	}
	return undefined;
}
