/**
 * What the transport does with one answer: keep it, send the request again after a wait, or fail.
 * Pure: the answer, the attempt and the item's patience in, the decision out.
 */

/** Backoff when a 429 says nothing about when to retry; doubles with each attempt. */
const FALLBACK_WAIT_MS = 1000;
/** The shortest wait after a 429, whatever the provider signals (a reset already past: clock skew). */
const MIN_RETRY_WAIT_MS = 250;
/** Backoff stops doubling after this many attempts. */
const MAX_DOUBLINGS = 6;

export const PATIENCE_OPTION = 'Request Options › Rate-Limit Patience';

export interface RetryAnswer {
	statusCode: number;
	/** For a 429: the wait the provider asked for (`Retry-After` or its own header), if it said. */
	retryAfterMs?: number;
	/** Statuses the call takes as an answer rather than a failure (`HttpCall.acceptStatuses`). */
	acceptStatuses?: number[];
}

export interface Patience {
	/** The item's whole patience (Rate-Limit Patience). */
	patienceMs: number;
	/** How long the item has waited for this request so far. */
	waitedMs: number;
	/** How much of its patience is left. */
	leftMs: number;
}

export type RetryDecision =
	/** The answer is the request's result. */
	| { send: 'done'; holdMs?: undefined }
	/**
	 * A 429: every request of the credential waits `holdMs` (the quota's hold); this one sends
	 * again after `afterMs`, the part beyond the hold being its own backoff.
	 */
	| { send: 'again'; afterMs: number; holdMs: number }
	/** Fail with the provider's error; `reason` replaces its headline, `holdMs` still holds the others. */
	| { send: 'never'; reason?: string; holdMs?: number };

export function retryDecision(
	answer: RetryAnswer,
	attempt: number,
	patience: Patience,
	providerName: string,
): RetryDecision {
	const { statusCode } = answer;
	if (statusCode !== 429) {
		if (statusCode >= 200 && statusCode < 300) return { send: 'done' };
		if (answer.acceptStatuses?.includes(statusCode)) return { send: 'done' };
		return { send: 'never' };
	}
	// A 429 means the provider refused the request unprocessed, so sending it again cannot create
	// a duplicate. Everyone waits what the provider asks (a second when it does not say); this
	// request also backs off by its own attempts, so a signalled wait of ~0 (a reset already past:
	// clock skew) does not become a burst of retries.
	const signalled = answer.retryAfterMs;
	const doubling = 2 ** Math.min(attempt, MAX_DOUBLINGS);
	const holdMs = signalled ?? FALLBACK_WAIT_MS;
	const afterMs = Math.max(signalled ?? FALLBACK_WAIT_MS * doubling, MIN_RETRY_WAIT_MS * doubling);
	const seconds = (ms: number) => Math.round(ms / 1000);
	const option = `${PATIENCE_OPTION}: ${seconds(patience.patienceMs)} s`;
	if (afterMs > patience.patienceMs)
		return {
			send: 'never',
			holdMs,
			reason: `${providerName} asks to wait ${Math.ceil(afterMs / 1000)} s, longer than ${PATIENCE_OPTION} (${seconds(patience.patienceMs)} s)`,
		};
	if (afterMs > patience.leftMs)
		return {
			send: 'never',
			holdMs,
			reason: `still rate limited after waiting ${seconds(patience.waitedMs)} s (${option})`,
		};
	return { send: 'again', afterMs, holdMs };
}
