import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestMethods,
	INodeListSearchResult,
	INodeProperties,
} from 'n8n-workflow';
import type { z } from 'zod';

import type { Policy } from './quota';

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
	/**
	 * Whether the call creates something (a conversation, a contact, a message). Such a call is
	 * never repeated after a timeout or a 5xx, and its errors warn about duplicates; a call that
	 * only reads says that running again is safe.
	 */
	creates: boolean;
	/**
	 * The call that makes this item's conversation (creates it, or posts the start message into an
	 * existing one). With a Deduplication Key, the transport claims the item's key before this
	 * call waits for the quota, and nothing is sent when another execution holds it.
	 */
	startsConversation?: boolean;
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
	/**
	 * The error for a 2xx answer that does not show the created conversation (not JSON, an HTML
	 * page, no ID). The conversation may exist, so the item is neither reported as created nor
	 * sent again; `expected` says what the answer lacked, e.g. "a JSON message with an id".
	 */
	unconfirmed(result: HttpResult, expected: string): Error;
	/** The error the transport would have raised for this answer (for `acceptStatuses` answers). */
	reject(call: HttpCall, result: HttpResult): Error;
	/** The host and headers `ProviderDefinition.credentialTarget` computed for this execution. */
	credentialTarget(): Promise<CredentialTarget>;
}

/** Where a provider's calls go, from the credential's fields. */
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
	/** Provider-specific normalised fields (e.g. the contact that wrote). */
	extra?: IDataObject;
	/** The provider's last response body, untouched. */
	response: unknown;
}

/** How a provider's failures are explained to the user. */
export interface ErrorHints {
	/** What to check when the credential is rejected, e.g. "the access token may be wrong, expired or for another region". */
	credential: string;
	/** The credential fields that decide the host, e.g. "region or Base URL Override". */
	host: string;
	/** Statuses meaning "wrong credential" for this provider (default: 401). */
	credentialRejectedStatuses?: number[];
}

export interface ProviderDefinition<Params = unknown> {
	/** Value of the Provider selector; also the prefix of every parameter name of the panel. */
	id: string;
	displayName: string;
	/** One line shown under the provider option. */
	description: string;
	/**
	 * What an AI agent reads about the node used as a tool with this provider (the default of the
	 * tool's Description field): what one call creates, the fields it needs, and that calling it
	 * again creates another. Agents cannot change the provider, so it names only this one.
	 */
	toolDescription: string;
	/** More words the node panel's search finds the node by (the display name always works). */
	searchAliases?: string[];
	/** The credential type this provider authenticates with (one per provider). */
	credentialType: string;
	/** The provider's panel. The registry adds the `provider` display condition. */
	properties: INodeProperties[];
	/** Validates the panel's raw parameter values; keys are the parameter names. */
	schema: z.ZodType<Params, z.ZodTypeDef, unknown>;
	/** Known request-rate facts, used by the process-wide quota (quota/types.ts documents each). */
	rateLimit: Policy;
	errorHints: ErrorHints;
	/**
	 * Whether n8n may renew the credential and send the request again after a 401 (credentials
	 * with a login step, e.g. an email and password). Otherwise a 401 is final and the request
	 * is not sent twice. OAuth2 credentials need no answer here: n8n-core always fetches a new
	 * token and resends after a 401 for them, whatever the node asks.
	 */
	renewsCredentialOn401?(credentials: ICredentialDataDecryptedObject): boolean;
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
	 * Where the credential sends its calls, computed from its fields only: the one place of a
	 * provider's host logic. The credential's `authenticate` pins every request to `baseUrl`; the
	 * transport keys the process-wide quota by it. Build the URL from validated parts only (GUIDs,
	 * DNS labels, `resolveBaseUrl` with the provider's own domains) and throw
	 * `CredentialConfigurationError` otherwise: nothing is sent then. Never put a secret into it.
	 */
	credentialTarget(credentials: ICredentialDataDecryptedObject): CredentialTarget;
	/**
	 * OAuth2 credentials: n8n-core runs no custom `authenticate` for them, so the transport sends
	 * every call to `baseUrl + path` with the target's headers itself.
	 */
	usesOAuth2?: boolean;
	/**
	 * Explains an error thrown by n8n's credential layer before the request reached the provider
	 * (e.g. an OAuth2 token request refused), or undefined when it is not one.
	 */
	credentialLayerFailure?(error: unknown): { message: string; description: string } | undefined;
	/**
	 * `resourceLocator` list searches of the panel, merged into the node's `methods.listSearch`.
	 * Names must start with the provider id, as they share one namespace.
	 */
	listSearch?: Record<
		string,
		(
			client: ProviderClient,
			filter?: string,
			paginationToken?: string,
		) => Promise<INodeListSearchResult>
	>;
}
