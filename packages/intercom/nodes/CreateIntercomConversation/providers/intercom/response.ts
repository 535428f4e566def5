import { isRecord } from '../../shared/answers';
import { headerValue } from '../../shared/rateLimitHeaders';
import type { HttpResult, ProviderErrorDetails } from '../../shared/provider';

interface IntercomErrorList {
	type?: string;
	request_id?: string | null;
	errors?: Array<{ code?: string; message?: string; field?: string }>;
	message?: string;
}

/** Reads `error.list` bodies; anything else yields what little it can. */
export function parseIntercomError(result: HttpResult): ProviderErrorDetails {
	const body = result.body as IntercomErrorList | undefined;
	if (!body || typeof body !== 'object') return {};
	const errors = Array.isArray(body.errors) ? body.errors : [];
	const [first] = errors;
	const describe = (error: { code?: string; message?: string; field?: string }) =>
		[error.message ?? error.code, error.field ? `(field: ${error.field})` : undefined]
			.filter(Boolean)
			.join(' ');
	return {
		message: first
			? describe(first) || undefined
			: typeof body.message === 'string'
				? body.message
				: undefined,
		code: first?.code,
		requestId: typeof body.request_id === 'string' ? body.request_id : undefined,
		details:
			errors.length > 1 ? errors.slice(1).map((error) => `Also: ${describe(error)}`) : undefined,
	};
}

/**
 * Intercom documents no Retry-After; its 429 says when the 10-second window resets
 * (`X-RateLimit-Reset`, Unix seconds).
 */
export function intercomRetryAfterMs(result: HttpResult, now: number): number | undefined {
	const reset = Number(headerValue(result, 'x-ratelimit-reset'));
	if (!Number.isFinite(reset) || reset <= 0) return undefined;
	return Math.max(0, reset * 1000 - now);
}

export interface IntercomContact {
	id: string;
	role?: string;
	updated_at?: number;
	email?: string | null;
	external_id?: string | null;
}

export function contactsFromSearch(body: unknown): IntercomContact[] {
	const data = (body as { data?: unknown })?.data;
	if (!Array.isArray(data)) return [];
	return data.filter(
		(entry): entry is IntercomContact =>
			typeof entry === 'object' && entry !== null && typeof entry.id === 'string',
	);
}

export interface IntercomMessage {
	type?: string;
	id?: string;
	conversation_id?: string;
	created_at?: number;
}

/** The created message, or undefined when the body is not one (not JSON, HTML, an unrelated object). */
export function readCreatedMessage(body: unknown): IntercomMessage | undefined {
	if (!isRecord(body)) return undefined;
	const message = body as IntercomMessage;
	return message.id !== undefined || message.conversation_id !== undefined ? message : undefined;
}

/** The existing contact's id from a 409 "A contact matching those details already exists with id=…". */
export function contactIdFromConflict(body: unknown): string | undefined {
	const { message } = parseIntercomError({ statusCode: 409, headers: {}, body });
	return /\bid=([0-9a-zA-Z]{24})\b/.exec(message ?? '')?.[1];
}
