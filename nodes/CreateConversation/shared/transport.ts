import {
	NodeApiError,
	NodeOperationError,
	sleep,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type JsonObject,
} from 'n8n-workflow';

import type { CredentialTarget, HttpCall, HttpResult, ProviderClient, ProviderDefinition, RateLimitPolicy } from './provider';
import { rateLimitSignal, RequestScheduler } from './scheduler';

export interface TransportSettings {
	/** 429 answers waited out per call before giving up. */
	maxRateLimitRetries: number;
	/** Longest single wait we accept; a provider asking for more fails the item instead. */
	maxRateLimitWaitMs: number;
	timeoutMs: number;
}

/**
 * State shared by every item of one execution: memoised lookups and the request scheduler
 * (see scheduler.ts). The scheduler paces requests by the provider's quota headers before the
 * limit is reached; when one request still gets a 429, the others wait too instead of
 * collecting 429s of their own.
 */
export class ExecutionScope {
	readonly memo = new Map<string, Promise<unknown>>();

	readonly scheduler: RequestScheduler;

	constructor(policy?: RateLimitPolicy) {
		this.scheduler = new RequestScheduler(policy);
	}

	/** Nobody sends before this moment (set by a 429). */
	get holdUntil(): number {
		return this.scheduler.holdUntil;
	}

	set holdUntil(value: number) {
		this.scheduler.holdUntil = value;
	}

	/** Settles when the execution's first request has been answered (see `firstRequestAlone`). */
	firstRequest?: Promise<void>;
}

/** Backoff when a 429 says nothing about when to retry. */
const FALLBACK_WAIT_MS = 1000;
/** The shortest wait after a 429, whatever the provider signals. */
const MIN_RETRY_WAIT_MS = 250;

function headerValue(result: HttpResult, name: string): string | undefined {
	const value = result.headers[name.toLowerCase()] ?? result.headers[name];
	return Array.isArray(value) ? value[0] : value;
}

/** `Retry-After` as seconds or as an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterHeaderMs(result: HttpResult, now: number): number | undefined {
	const raw = headerValue(result, 'retry-after')?.trim();
	if (!raw) return undefined;
	if (/^\d+(\.\d+)?$/.test(raw)) return Math.ceil(Number(raw) * 1000);
	const date = Date.parse(raw);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export { headerValue };

function isHttpLike(value: unknown): value is { statusCode: number; headers?: unknown; body?: unknown } {
	return typeof value === 'object' && value !== null && typeof (value as { statusCode?: unknown }).statusCode === 'number';
}

/**
 * n8n throws (instead of returning) for the statuses we ask it to, and for network failures.
 * Pull out the provider's answer when there was one; credentials never leave this function
 * because only status, headers and body are kept.
 */
function answerFromThrown(error: unknown): HttpResult | undefined {
	const candidate = error as {
		httpCode?: unknown;
		cause?: { response?: { status?: number; headers?: unknown; data?: unknown; body?: unknown } };
		response?: { status?: number; headers?: unknown; data?: unknown; body?: unknown };
	};
	const response = candidate?.cause?.response ?? candidate?.response;
	const status = response?.status ?? (candidate?.httpCode ? Number(candidate.httpCode) : undefined);
	if (!status || Number.isNaN(status)) return undefined;
	return {
		statusCode: status,
		headers: (response?.headers ?? {}) as HttpResult['headers'],
		body: response?.data ?? response?.body,
	};
}

/**
 * n8n-core could not get an OAuth2 token (`Failed to acquire OAuth2 access token`, or the token
 * endpoint's `AuthError` when renewing after a 401). Nothing reached the provider's API then.
 * Returns the token endpoint's own explanation (e.g. Entra's `AADSTS7000215: Invalid client
 * secret provided.`), which never contains the secret.
 */
function tokenProblem(error: unknown): string | undefined {
	type Link = { code?: unknown; message?: unknown; body?: unknown; cause?: unknown };
	const chain: Link[] = [];
	for (let current = error as Link | undefined; current && chain.length < 6; current = current.cause as Link | undefined) {
		chain.push(current);
	}
	const authError = chain.find((link) => link.code === 'EAUTH');
	if (authError) {
		const body = (authError.body ?? {}) as { error?: unknown; error_description?: unknown };
		const description =
			typeof body.error_description === 'string' ? body.error_description.split(/\r?\n| Trace ID:/)[0].trim() : undefined;
		return [typeof body.error === 'string' ? body.error : undefined, description ?? String(authError.message ?? '')]
			.filter(Boolean)
			.join(': ');
	}
	const failed = chain.find(
		(link) => typeof link.message === 'string' && link.message.startsWith('Failed to acquire OAuth2 access token'),
	);
	return failed ? String(failed.message) : undefined;
}

/** A `CredentialConfigurationError` thrown by a credential's `authenticate`, however n8n wrapped it. */
function configurationProblem(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current; depth++) {
		const candidate = current as { name?: unknown; message?: unknown; cause?: unknown };
		if (candidate.name === 'CredentialConfigurationError' && typeof candidate.message === 'string') {
			return candidate.message;
		}
		current = candidate.cause;
	}
	return undefined;
}

function networkReason(error: unknown): string {
	const code =
		(error as { cause?: { code?: string } })?.cause?.code ?? (error as { code?: string })?.code ?? undefined;
	switch (code) {
		case 'ECONNABORTED':
		case 'ETIMEDOUT':
		case 'ESOCKETTIMEDOUT':
			return 'the request timed out';
		case 'ECONNRESET':
		case 'EPIPE':
			return 'the connection was reset';
		case 'ECONNREFUSED':
			return 'the connection was refused';
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return 'the host name could not be resolved';
		default:
			return code ? `a network error (${code})` : 'a network error';
	}
}

function errorBodySummary(body: unknown): string | undefined {
	if (typeof body === 'string') {
		const text = body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
		return text ? text.slice(0, 200) : undefined;
	}
	return undefined;
}

/**
 * Provider text shown in an error can echo what it received (a debugging proxy printing the
 * request headers, an API quoting the bad header). Credentials in it are masked.
 */
function redactCredentials(text: string): string;
function redactCredentials(text: string | undefined): string | undefined;
function redactCredentials(text: string | undefined): string | undefined {
	return text
		?.replace(/\b(Bearer|Basic|Digest|Negotiate)(\s+|%20)[\w.~+/=:-]{8,}/gi, '$1$2[redacted]')
		.replace(/\b(access_token|refresh_token|client_secret|password|api_?key|token)(["']?\s*[:=]\s*["']?)[^\s"'<>,;&]{4,}/gi, '$1$2[redacted]');
}

export class ProviderTransport implements ProviderClient {
	private target?: Promise<CredentialTarget | undefined>;

	constructor(
		private readonly context: IExecuteFunctions,
		private readonly provider: ProviderDefinition,
		private readonly settings: TransportSettings,
		private readonly scope: ExecutionScope,
		private readonly itemIndex: number,
	) {}

	async once<T>(key: string, work: () => Promise<T>): Promise<T> {
		const known = this.scope.memo.get(key) as Promise<T> | undefined;
		if (known) return await known;
		const pending = work();
		this.scope.memo.set(key, pending);
		pending.catch(() => this.scope.memo.delete(key));
		return await pending;
	}

	async wait(ms: number): Promise<void> {
		await sleep(ms, this.context.getExecutionCancelSignal());
	}

	failure(message: string, description?: string): Error {
		return new NodeOperationError(this.context.getNode(), message, { itemIndex: this.itemIndex, description });
	}

	async send(call: HttpCall): Promise<HttpResult> {
		for (let attempt = 0; ; attempt++) {
			const seq = await this.waitForHold();
			const result = await this.attempt(call);
			this.scope.scheduler.observe(seq, rateLimitSignal(result, Date.now()));
			if (result.statusCode >= 200 && result.statusCode < 300) return result;
			if (call.acceptStatuses?.includes(result.statusCode)) return result;
			if (result.statusCode !== 429) throw this.apiError(call, result);

			// A 429 means the provider refused the request unprocessed, so sending it again
			// cannot create a duplicate. Every other failure is final.
			const now = Date.now();
			const signalled = this.provider.retryAfterMs?.(result, now) ?? retryAfterHeaderMs(result, now);
			// A signalled wait of ~0 (e.g. a reset time already past because our clock runs ahead
			// of the provider's) must not become an immediate burst of retries: wait at least a
			// short backoff that grows with each attempt.
			const backoff = Math.min(MIN_RETRY_WAIT_MS * 2 ** attempt, this.settings.maxRateLimitWaitMs);
			const asked =
				signalled === undefined
					? Math.min(FALLBACK_WAIT_MS * 2 ** attempt, this.settings.maxRateLimitWaitMs)
					: Math.max(signalled, backoff);
			if (attempt >= this.settings.maxRateLimitRetries) {
				throw this.apiError(call, result, `still rate limited after ${attempt} ${attempt === 1 ? 'retry' : 'retries'} (Options › Max Rate-Limit Retries)`);
			}
			if (asked > this.settings.maxRateLimitWaitMs) {
				throw this.apiError(
					call,
					result,
					`${this.provider.displayName} asks to wait ${Math.ceil(asked / 1000)} s, longer than Options › Max Rate-Limit Wait (${Math.round(this.settings.maxRateLimitWaitMs / 1000)} s)`,
				);
			}
			this.scope.holdUntil = Math.max(this.scope.holdUntil, now + asked);
			this.context.logger.debug(`${this.provider.displayName} rate limit: waiting ${asked} ms before retrying`, {
				itemIndex: this.itemIndex,
			});
		}
	}

	/** Waits until the scheduler lets this request go; returns its sequence number. */
	private async waitForHold(): Promise<number> {
		return await this.scope.scheduler.acquire(this.context.getExecutionCancelSignal(), this.settings.maxRateLimitWaitMs);
	}

	/**
	 * With `firstRequestAlone`, the execution's first request is sent before any other, so n8n
	 * fetches one OAuth2 token and stores it for the rest (while none is stored, n8n-core fetches
	 * one per concurrent request).
	 */
	private async attempt(call: HttpCall): Promise<HttpResult> {
		if (!this.provider.firstRequestAlone) return await this.attemptNow(call);
		if (this.scope.firstRequest) {
			await this.scope.firstRequest;
			return await this.attemptNow(call);
		}
		let release = () => {};
		this.scope.firstRequest = new Promise<void>((resolve) => (release = resolve));
		try {
			return await this.attemptNow(call);
		} finally {
			release();
		}
	}

	private async attemptNow(call: HttpCall): Promise<HttpResult> {
		const target = await this.credentialTarget();
		const request: IHttpRequestOptions = {
			method: call.method,
			url: target ? `${target.baseUrl}${call.path}` : call.path,
			qs: call.qs,
			body: call.body,
			headers: { Accept: 'application/json', ...target?.headers, ...call.headers },
			json: true,
			returnFullResponse: true,
			// 401 must still throw: that is how n8n knows to renew an expiring token and retry.
			ignoreHttpStatusErrors: { ignore: true, except: [401] },
			// A credentialed request never follows a redirect; a 3xx is reported instead.
			disableFollowRedirect: true,
			timeout: this.settings.timeoutMs,
		};
		try {
			const response: unknown = await this.context.helpers.httpRequestWithAuthentication.call(
				this.context,
				this.provider.credentialType,
				request,
				// n8n resends after a 401 to renew login-based credentials; for the others a 401
				// is final, so the request is not sent twice.
				this.provider.renewsCredentialOn401 ? undefined : { preAuthenticationRetryStatusCode: [] },
			);
			if (isHttpLike(response)) {
				return {
					statusCode: response.statusCode,
					headers: (response.headers ?? {}) as HttpResult['headers'],
					body: response.body,
				};
			}
			return { statusCode: 200, headers: {}, body: response };
		} catch (error) {
			if (this.context.getExecutionCancelSignal()?.aborted) {
				throw new NodeOperationError(this.context.getNode(), error as Error, { itemIndex: this.itemIndex });
			}
			const misconfigured = configurationProblem(error);
			if (misconfigured) {
				throw new NodeOperationError(this.context.getNode(), misconfigured, {
					itemIndex: this.itemIndex,
					description: `Fix the ${this.provider.displayName} credential; nothing was sent.`,
				});
			}
			const noToken = tokenProblem(error);
			if (noToken) {
				throw new NodeOperationError(this.context.getNode(), `${this.provider.displayName}: could not get an access token (${noToken})`, {
					itemIndex: this.itemIndex,
					description: `The credential's token request was refused, so nothing was sent to ${this.provider.displayName}. Check the credential's client ID, client secret and tenant.`,
				});
			}
			const answer = answerFromThrown(error);
			if (answer) return answer;
			throw this.networkError(call, error);
		}
	}

	private networkError(call: HttpCall, error: unknown): NodeApiError {
		const reason = networkReason(error);
		const mayHaveHappened = call.method !== 'GET';
		const description = mayHaveHappened
			? `${this.provider.displayName} may or may not have processed it. It was not sent again, because repeating it could create a duplicate conversation.`
			: 'Check the credential\'s region or base URL and the network between n8n and the provider.';
		return new NodeApiError(
			this.context.getNode(),
			{ message: reason } as JsonObject,
			{
				message: `Could not ${call.purpose}: ${reason}`,
				description,
				itemIndex: this.itemIndex,
			},
		);
	}

	reject(call: HttpCall, result: HttpResult): NodeApiError {
		return this.apiError(call, result);
	}

	/**
	 * For providers with `credentialTarget` (OAuth2 credentials, whose host n8n-core cannot set):
	 * reads the credential's fields once per item and asks the provider for the host and headers.
	 * A misconfigured credential fails the item before anything is sent.
	 */
	async credentialTarget(): Promise<CredentialTarget | undefined> {
		const provider = this.provider;
		if (!provider.credentialTarget) return undefined;
		this.target ??= this.context
			.getCredentials(provider.credentialType, this.itemIndex)
			.then((credentials) => provider.credentialTarget?.(credentials));
		try {
			return await this.target;
		} catch (error) {
			const misconfigured = configurationProblem(error);
			throw new NodeOperationError(this.context.getNode(), misconfigured ?? (error as Error), {
				itemIndex: this.itemIndex,
				description: `Fix the ${this.provider.displayName} credential; nothing was sent.`,
			});
		}
	}

	private apiError(call: HttpCall, result: HttpResult, reason?: string): NodeApiError {
		const details = this.provider.parseError(result);
		const status = result.statusCode;
		const providerMessage = redactCredentials(details.message ?? errorBodySummary(result.body));
		const headline = reason ?? providerMessage ?? defaultStatusText(status, headerValue(result, 'location'));
		const lines = [
			`${this.provider.displayName} answered HTTP ${status} to "${call.purpose}".`,
			providerMessage && reason ? `Provider message: ${providerMessage}` : undefined,
			details.code ? `Error code: ${redactCredentials(details.code)}` : undefined,
			details.requestId ? `Request ID: ${redactCredentials(details.requestId)}` : undefined,
			...(details.details ?? []).map((line) => redactCredentials(line)),
			hintForStatus(status),
		].filter((line): line is string => Boolean(line));
		const error = new NodeApiError(
			this.context.getNode(),
			{
				message: headline,
				httpCode: String(status),
				...(details.code ? { code: details.code } : {}),
				...(details.requestId ? { requestId: details.requestId } : {}),
			} as JsonObject,
			{
				message: `${this.provider.displayName}: ${headline}`,
				description: lines.join('\n'),
				httpCode: String(status),
				itemIndex: this.itemIndex,
			},
		);
		return error;
	}
}

function defaultStatusText(status: number, location?: string): string {
	if (status >= 300 && status < 400)
		return `unexpected redirect${location ? ` to ${location.replace(/[?#].*$/, '')}` : ''}; redirects are not followed with credentials`;
	if (status === 401) return 'the credential was rejected';
	if (status === 403) return 'access denied';
	if (status === 404) return 'not found';
	if (status === 429) return 'rate limit exceeded';
	if (status >= 500) return 'the provider had an internal error';
	return `request failed with HTTP ${status}`;
}

function hintForStatus(status: number): string | undefined {
	if (status === 401) return 'Check the credential: the token or password may be wrong, expired or for another region.';
	if (status === 403) return 'The credential is valid but lacks permission (or the plan does not include this API).';
	if (status >= 500)
		return 'The request was not sent again: it may have been processed, and repeating it could create a duplicate conversation.';
	if (status >= 300 && status < 400) return 'Check the credential\'s base URL: it should point at the API itself.';
	return undefined;
}
