import type { RateLimitSignal } from '../rateLimitHeaders';

/**
 * What a provider declares about its request rate (`ProviderDefinition.rateLimit`). Unknown limits
 * are learnt from quota headers and 429 answers instead.
 */
export interface Policy {
	/**
	 * Requests in flight per credential to start with when the user does not choose; the quota
	 * raises it while the provider's answers show room and cuts it on a 429.
	 */
	defaultConcurrency: number;
	/**
	 * The provider's published limit, when it has one: at most `requests` per `perMs`. Paces
	 * requests until the provider's own quota headers are seen; from then on the headers decide.
	 * Cite the source next to the figure.
	 */
	window?: { requests: number; perMs: number };
	/**
	 * Send the first request of a credential alone, the others once it is answered. For OAuth2
	 * client-credentials credentials: while no token is stored, n8n-core fetches one for every
	 * concurrent request, so this makes one token serve every execution of the process.
	 */
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

/** What the scheduler tells the policies about the requests of this quota. */
export interface Flow {
	/** Requests started so far (the last one's sequence number). */
	readonly started: number;
	readonly inFlight: number;
	/** When the last request started (0 before the first). */
	readonly lastStartAt: number;
}

/** The request waited until its deadline without getting its turn; nothing was sent. */
export class QuotaWaitExpired extends Error {
	constructor(readonly waitedMs: number) {
		super(`waited ${Math.round(waitedMs / 1000)} s for the rate limit`);
		this.name = 'QuotaWaitExpired';
	}
}

export const MAX_CONCURRENCY = 50;
