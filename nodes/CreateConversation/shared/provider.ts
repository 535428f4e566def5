import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestMethods,
	ILoadOptionsFunctions,
	INodeListSearchResult,
	INodeProperties,
} from 'n8n-workflow';
import type { z } from 'zod';

/**
 * One HTTP call a provider wants made. The path is relative on purpose: the host always comes
 * from the provider's credential (its `authenticate` sets `baseURL`), so a parameter can never
 * redirect credentials to another server.
 */
export interface HttpCall {
	method: IHttpRequestMethods;
	path: string;
	qs?: IDataObject;
	body?: IDataObject;
	headers?: Record<string, string>;
	/** Short description used in error messages, e.g. "search contacts". */
	purpose: string;
	/** Non-2xx statuses the provider handles itself: returned instead of thrown. */
	acceptStatuses?: number[];
}

export interface HttpResult {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
}

/** What a provider could tell us about a failed call, read from its own error body. */
export interface ProviderErrorDetails {
	message?: string;
	code?: string;
	requestId?: string;
	/** Extra lines worth showing, e.g. the list of missing attributes. */
	details?: string[];
}

/**
 * The client handed to a provider: sends calls with the provider's credential, waits out
 * 429s as the provider asks, and throws a `NodeApiError` for any other non-2xx answer.
 */
export interface ProviderClient {
	send(call: HttpCall): Promise<HttpResult>;
	/**
	 * Memoises work that is the same for every item of one execution (a contact looked up by
	 * email, the authenticated user). Concurrent callers share one promise; a rejected promise
	 * is forgotten so a later item can try again.
	 */
	once<T>(key: string, work: () => Promise<T>): Promise<T>;
	/** Waits, ending early (with an error) when the execution is cancelled. */
	wait(ms: number): Promise<void>;
	/** An error for this item that is not an HTTP failure (e.g. "no contact found"). */
	failure(message: string, description?: string): Error;
	/** The error the transport would have raised for this answer (for `acceptStatuses` answers). */
	reject(call: HttpCall, result: HttpResult): Error;
	/**
	 * The host and headers `ProviderDefinition.credentialTarget` computed for this item, or
	 * undefined for providers without that hook (e.g. to put a channel ID into a request body).
	 */
	credentialTarget?(): Promise<CredentialTarget | undefined>;
}

/** Where a provider's calls go when the credential's `authenticate` cannot say (OAuth2). */
export interface CredentialTarget {
	/** Absolute base URL (no trailing slash) built only from validated credential fields. */
	baseUrl: string;
	/** Non-secret headers every call carries (e.g. a tenant or channel ID). */
	headers?: Record<string, string>;
}

/** Normalised output shared by every provider; provider extras are merged beside it. */
export interface ConversationOutcome {
	/** `created`: a new conversation; `reused`: the provider returned an existing one; `accepted`: queued, no id yet. */
	status: 'created' | 'reused' | 'accepted';
	conversationId: string | null;
	conversationUrl?: string | null;
	/** Provider-specific normalised fields (e.g. the Intercom contact that wrote). */
	extra?: IDataObject;
	/** The provider's last response body, untouched. */
	response: unknown;
}

/**
 * Known request-rate facts of a provider, used by the shared scheduler. Unknown limits are
 * learned from 429 answers instead.
 */
export interface RateLimitPolicy {
	/** Concurrent requests per execution when the user does not choose. */
	defaultConcurrency: number;
	/**
	 * The provider's published limit, when it has one: at most `requests` per `perMs`. Used to
	 * pace an execution until the provider's own quota headers (`X-RateLimit-Remaining` /
	 * `X-RateLimit-Reset`) are seen; from then on the headers decide.
	 */
	window?: { requests: number; perMs: number };
}

export interface ProviderDefinition<Params = unknown> {
	/** Value of the Provider selector; also the prefix of every parameter name of the panel. */
	id: string;
	displayName: string;
	/** One line shown under the provider option. */
	description: string;
	/** The credential type this provider authenticates with (one per provider). */
	credentialType: string;
	/** The provider's panel. The registry adds the `provider` display condition. */
	properties: INodeProperties[];
	/** Validates the panel's raw parameter values; keys are the parameter names. */
	schema: z.ZodType<Params, z.ZodTypeDef, unknown>;
	rateLimit: RateLimitPolicy;
	/**
	 * Whether n8n should renew the credential and resend after a 401 (credentials with a login
	 * step). Otherwise a 401 is final and the request is not sent twice.
	 */
	renewsCredentialOn401?: boolean;
	/** Reads the provider's error body (any shape, or none). */
	parseError(result: HttpResult): ProviderErrorDetails;
	/**
	 * How long a 429 asks us to wait, in ms, when the provider signals it in its own way.
	 * Without it (or when it returns undefined) the shared `Retry-After` reading applies.
	 */
	retryAfterMs?(result: HttpResult, now: number): number | undefined;
	/** Runs the calls for one item and normalises the result. */
	createConversation(client: ProviderClient, params: Params): Promise<ConversationOutcome>;
	/**
	 * For OAuth2 credentials only. n8n-core runs no custom `authenticate` for them, so the host
	 * cannot come from the credential. When set, the transport reads the credential
	 * (`getCredentials`), calls this before the item's first request and sends every call to
	 * `baseUrl + path` with these headers. Build the URL from validated parts only (GUIDs, DNS
	 * labels, `resolveBaseUrl`) and throw `CredentialConfigurationError` otherwise: nothing is
	 * sent then. Never put a secret into the result.
	 */
	credentialTarget?(credentials: ICredentialDataDecryptedObject): CredentialTarget;
	/**
	 * Send the execution's first request alone, the others once it is answered. For OAuth2
	 * client-credentials credentials: n8n-core fetches a token for every concurrent request while
	 * none is stored, so this makes one token serve the whole execution.
	 */
	firstRequestAlone?: boolean;
	/**
	 * `resourceLocator` list searches of the panel, merged into the node's `methods.listSearch`.
	 * Names must start with the provider id, as they share one namespace.
	 */
	listSearch?: Record<
		string,
		(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) => Promise<INodeListSearchResult>
	>;
}
