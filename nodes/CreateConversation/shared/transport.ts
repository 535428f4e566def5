import {
	NodeApiError,
	NodeOperationError,
	sleep,
	type ICredentialDataDecryptedObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type ILoadOptionsFunctions,
} from 'n8n-workflow';

import type { KeyClaim } from './deduplication/claim';
import { apiError, networkError } from './errors';
import type {
	CredentialTarget,
	HttpCall,
	HttpResult,
	ProviderClient,
	ProviderDefinition,
} from './provider';
import { quotaFor, QuotaWaitExpired, type Quota, type Ticket } from './quota';
import { rateLimitSignal, retryAfterHeaderMs } from './rateLimitHeaders';
import { PATIENCE_OPTION, retryDecision } from './retry';
import { answerFromThrown, configurationProblem, isHttpLike } from './thrown';

/** The parts of n8n's node contexts the transport uses: an execution, or a list search in the editor. */
export type TransportContext = IExecuteFunctions | ILoadOptionsFunctions;

export interface TransportSettings {
	/**
	 * How long one item may wait in total for the provider's rate limit (pacing and 429s) before
	 * it fails; a single 429 asking for longer fails at once.
	 */
	patienceMs: number;
	timeoutMs: number;
	/** The user chose the concurrency: the quota's adaptive limit does not apply. */
	fixedConcurrency: boolean;
}

/** The settings a list search in the editor uses: a dropdown should not wait for minutes. */
export const LIST_SEARCH_SETTINGS: TransportSettings = {
	patienceMs: 20_000,
	timeoutMs: 30_000,
	fixedConcurrency: false,
};

/**
 * What every item of one execution (or one list search) shares: memoised lookups, where the
 * credential sends its calls, and the process-wide quota of that credential and host.
 */
export class ExecutionScope {
	readonly memo = new Map<string, Promise<unknown>>();

	private target?: Promise<{
		target: CredentialTarget;
		credentials: ICredentialDataDecryptedObject;
	}>;

	private quota?: Quota;

	constructor(
		private readonly context: TransportContext,
		readonly provider: ProviderDefinition,
	) {}

	/**
	 * Reads the credential once for the execution and asks the provider where it sends its calls.
	 * A misconfigured credential fails every item before anything is sent.
	 */
	async resolveTarget(
		itemIndex: number,
	): Promise<{ target: CredentialTarget; credentials: ICredentialDataDecryptedObject }> {
		this.target ??= this.context
			.getCredentials(this.provider.credentialType, itemIndex)
			.then((credentials) => ({
				credentials,
				target: this.provider.credentialTarget(credentials),
			}));
		try {
			return await this.target;
		} catch (error) {
			throw new NodeOperationError(
				this.context.getNode(),
				configurationProblem(error) ?? (error as Error),
				{
					itemIndex,
					description: `Fix the ${this.provider.displayName} credential; nothing was sent.`,
				},
			);
		}
	}

	/** The quota of this credential (by id) and host, shared by the whole process. */
	async quotaOf(itemIndex: number): Promise<Quota> {
		if (this.quota) return this.quota;
		const { target } = await this.resolveTarget(itemIndex);
		const credentialId =
			this.context.getNode().credentials?.[this.provider.credentialType]?.id ?? undefined;
		this.quota = quotaFor(
			{
				credentialType: this.provider.credentialType,
				credentialId,
				host: new URL(target.baseUrl).host,
			},
			this.provider.rateLimit,
		);
		return this.quota;
	}
}

/** The client one item's provider code uses: sends calls, waits its turn, explains failures. */
export class ProviderTransport implements ProviderClient {
	/** When this item's patience runs out (set by its first request). */
	private deadline?: number;

	constructor(
		private readonly context: TransportContext,
		private readonly scope: ExecutionScope,
		private readonly settings: TransportSettings,
		private readonly itemIndex: number,
		/** The item's Deduplication Key claim, when the option is set (deduplication.ts). */
		private readonly claim?: KeyClaim,
	) {}

	/** The claim that follows this call: only the call that makes the conversation has one. */
	private claimOf(call: HttpCall): KeyClaim | undefined {
		return call.startsConversation ? this.claim : undefined;
	}

	private get provider(): ProviderDefinition {
		return this.scope.provider;
	}

	private get cancelSignal(): AbortSignal | undefined {
		return 'getExecutionCancelSignal' in this.context
			? this.context.getExecutionCancelSignal()
			: undefined;
	}

	async once<T>(key: string, work: () => Promise<T>): Promise<T> {
		const known = this.scope.memo.get(key) as Promise<T> | undefined;
		if (known) return await known;
		const pending = work();
		this.scope.memo.set(key, pending);
		pending.catch(() => this.scope.memo.delete(key));
		return await pending;
	}

	async wait(ms: number): Promise<void> {
		const signal = this.cancelSignal;
		await (signal ? sleep(ms, signal) : sleep(ms));
	}

	failure(message: string, description?: string): Error {
		return new NodeOperationError(this.context.getNode(), message, {
			itemIndex: this.itemIndex,
			description,
		});
	}

	unconfirmed(result: HttpResult, expected: string): Error {
		const name = this.provider.displayName;
		return this.failure(
			`${name} answered without a conversation ID`,
			`HTTP ${result.statusCode}, but the answer was not ${expected}. The conversation may or may not have been created: check ${name} before running the item again. It was not sent again.`,
		);
	}

	reject(call: HttpCall, result: HttpResult): NodeApiError {
		return apiError(this.context.getNode(), this.provider, call, result, this.itemIndex);
	}

	async credentialTarget(): Promise<CredentialTarget> {
		return (await this.scope.resolveTarget(this.itemIndex)).target;
	}

	async send(call: HttpCall): Promise<HttpResult> {
		const { target, credentials } = await this.scope.resolveTarget(this.itemIndex);
		const quota = await this.scope.quotaOf(this.itemIndex);
		const arrivedAt = Date.now();
		this.deadline ??= arrivedAt + this.settings.patienceMs;
		// The item's key is claimed before it waits in line: the claim's settle time then passes
		// while the quota paces the request, instead of holding one of its concurrency slots (which
		// cost a third of the throughput under a quota). A duplicate sends nothing; a wait that
		// outlasts Rate-Limit Patience or is cancelled releases the key (execute.ts).
		await this.claimOf(call)?.acquire();
		for (let attempt = 0; ; attempt++) {
			const ticket = await this.turn(quota, call, arrivedAt);
			let result: HttpResult | undefined;
			try {
				result = await this.attempt(call, target, credentials);
			} finally {
				// No answer (timeout, reset, cancelled): the slot is free again, nothing learned.
				if (!result) ticket.release({});
			}
			this.claimOf(call)?.answered(result.statusCode);
			const now = Date.now();
			const signal = rateLimitSignal(result, now);
			const decision = retryDecision(
				{
					statusCode: result.statusCode,
					retryAfterMs:
						result.statusCode === 429
							? (this.provider.retryAfterMs?.(result, now) ?? retryAfterHeaderMs(result, now))
							: undefined,
					acceptStatuses: call.acceptStatuses,
				},
				attempt,
				{
					patienceMs: this.settings.patienceMs,
					waitedMs: now - arrivedAt,
					leftMs: this.deadline - now,
				},
				this.provider.displayName,
			);
			ticket.release({ status: result.statusCode, signal, holdMs: decision.holdMs });
			if (decision.send === 'done') return result;
			if (decision.send === 'never')
				throw apiError(
					this.context.getNode(),
					this.provider,
					call,
					result,
					this.itemIndex,
					decision.reason,
				);
			this.context.logger.debug(
				`${this.provider.displayName} rate limit: waiting ${decision.afterMs} ms before retrying`,
				{ itemIndex: this.itemIndex },
			);
			// The backoff beyond the shared hold is this request's own; it then rejoins the line at
			// its first place.
			if (decision.afterMs > decision.holdMs) await this.wait(decision.afterMs - decision.holdMs);
		}
	}

	/** Waits in line for the quota; nothing has been sent when this fails. */
	private async turn(quota: Quota, call: HttpCall, arrivedAt: number): Promise<Ticket> {
		try {
			return await quota.acquire({
				signal: this.cancelSignal,
				deadline: this.deadline!,
				arrivedAt,
				fixedConcurrency: this.settings.fixedConcurrency,
			});
		} catch (error) {
			if (!(error instanceof QuotaWaitExpired)) throw this.cancelled(error);
			throw this.failure(
				`${this.provider.displayName} rate limit: this item waited ${Math.round(error.waitedMs / 1000)} s for its turn without being sent (${PATIENCE_OPTION}: ${Math.round(this.settings.patienceMs / 1000)} s)`,
				`Nothing was sent for "${call.purpose}", so nothing was created. Other requests with the same credential were using the provider's quota. Raise ${PATIENCE_OPTION}, or spread the work over more time.`,
			);
		}
	}

	private cancelled(error: unknown): Error {
		return new NodeOperationError(this.context.getNode(), error as Error, {
			itemIndex: this.itemIndex,
		});
	}

	private async attempt(
		call: HttpCall,
		target: CredentialTarget,
		credentials: ICredentialDataDecryptedObject,
	): Promise<HttpResult> {
		const oauth2 = this.provider.usesOAuth2 === true;
		// n8n drops an empty object body; a POST of `{}` must still carry it, as JSON.
		const emptyJson = call.body !== undefined && Object.keys(call.body).length === 0;
		const request: IHttpRequestOptions = {
			method: call.method,
			// OAuth2 credentials run no `authenticate`, so the address comes from the target here;
			// the others pin every request to the same target in their `authenticate`.
			url: oauth2 ? `${target.baseUrl}${call.path}` : call.path,
			qs: call.qs,
			body: emptyJson ? '{}' : call.body,
			headers: {
				Accept: 'application/json',
				...(emptyJson ? { 'Content-Type': 'application/json' } : undefined),
				...(oauth2 ? target.headers : undefined),
				...call.headers,
			},
			json: true,
			returnFullResponse: true,
			// 401 must still throw: that is how n8n knows to renew an expiring credential and retry.
			ignoreHttpStatusErrors: { ignore: true, except: [401] },
			// A credentialed request never follows a redirect; a 3xx is reported instead.
			disableFollowRedirect: true,
			timeout: this.settings.timeoutMs,
		};
		const renews = this.provider.renewsCredentialOn401?.(credentials) ?? false;
		try {
			const response: unknown = await this.context.helpers.httpRequestWithAuthentication.call(
				this.context,
				this.provider.credentialType,
				request,
				// n8n resends after a 401 to renew login-based credentials; for the others a 401 is
				// final, so the request is not sent twice.
				renews ? undefined : { preAuthenticationRetryStatusCode: [] },
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
			if (this.cancelSignal?.aborted) {
				this.claimOf(call)?.unanswered();
				throw this.cancelled(error);
			}
			const misconfigured = configurationProblem(error);
			if (misconfigured) {
				throw this.failure(
					misconfigured,
					`Fix the ${this.provider.displayName} credential; nothing was sent.`,
				);
			}
			const layer = this.provider.credentialLayerFailure?.(error);
			if (layer) throw this.failure(layer.message, layer.description);
			const answer = answerFromThrown(error);
			if (answer) return answer;
			this.claimOf(call)?.unanswered();
			throw networkError(this.context.getNode(), this.provider, call, error, this.itemIndex);
		}
	}
}
