import { textOf } from '../../shared/answers';
import { headerValue } from '../../shared/rateLimitHeaders';
import type { HttpResult, ProviderErrorDetails } from '../../shared/provider';

/**
 * Error codes of the Messaging API's error bodies (Microsoft's error-handling page,
 * learn.microsoft.com/dynamics365/contact-center/extend/error-handling), with what to do about
 * them. All are HTTP 400 except 30004 and 30013 (404) and 30015 (500).
 */
export const DYNAMICS_ERROR_HINTS: Record<string, string> = {
	'30001': "The organization ID isn't valid: check the credential's Organization ID.",
	'30002': "The channel ID isn't valid: check the credential's Custom Messaging Channel ID.",
	'30003': 'The requested operation is invalid or not supported by the Messaging API.',
	'30004':
		"The channel configuration doesn't exist: check that the custom messaging channel is set up in Dynamics 365 and that its ID is the credential's Custom Messaging Channel ID.",
	'30005': "The conversation ID isn't valid.",
	'30006': "The timestamp isn't valid.",
	'30007': 'The page size for conversations must be empty or between 1 and 250.',
	'30008': 'The page size for messages must be empty or between 1 and 100.',
	'30009': 'The continuation token is invalid: use the same token as before.',
	'30010': 'Too many conversation context entries: at most 100 are allowed.',
	'30011': 'The message text is too long: at most 6,000 characters are allowed.',
	'30012': 'The request body was missing or malformed.',
	'30013': "The conversation doesn't exist (any more): it may have been closed.",
	'30014':
		"The channel isn't linked to a workstream: link the custom messaging channel to a workstream in Dynamics 365.",
	'30015':
		'Dynamics 365 could not serialize its answer (HTTP 500): the request may have been processed. Contact Microsoft support if it persists.',
	'30016': 'The message has no text or attachments.',
};

type ProblemDetails = Record<string, unknown>;

/**
 * Reads RFC 7807 problem details. Where the 300xx code sits is not documented: it is taken from
 * a `code`/`errorCode` member (any case, also nested under `error`), else from the first 300xx
 * number in the title, detail or type.
 */
export function parseDynamicsError(result: HttpResult): ProviderErrorDetails {
	const body = (
		typeof result.body === 'object' && result.body !== null ? result.body : {}
	) as ProblemDetails;
	const nested = (
		typeof body.error === 'object' && body.error !== null ? body.error : {}
	) as ProblemDetails;
	const title = textOf(body.title);
	const detail = textOf(body.detail) ?? textOf(body.message) ?? textOf(nested.message);
	const explicitCode =
		textOf(body.errorCode) ??
		textOf(body.ErrorCode) ??
		textOf(body.code) ??
		textOf(nested.code) ??
		textOf(body.error);
	const code =
		explicitCode ??
		[title, detail, textOf(body.type)]
			.map((text) => /\b(30\d{3})\b/.exec(text ?? '')?.[1])
			.find(Boolean);
	const requestId =
		headerValue(result, 'x-ms-correlation-id') ??
		textOf(body.correlationId) ??
		textOf(body.traceId) ??
		textOf(body.instance);
	const hint = code ? DYNAMICS_ERROR_HINTS[code] : undefined;
	return {
		message: detail ?? title,
		code,
		requestId,
		details: [detail && title && detail !== title ? `Title: ${title}` : undefined, hint].filter(
			(line): line is string => Boolean(line),
		),
	};
}

export interface CreatedConversation {
	conversationId?: string;
	isNew?: boolean;
	messageId?: string;
}

/** `{ conversationId, isNew, messageId }`; the message ID may arrive as a number (epoch ms). */
export function readCreatedConversation(body: unknown): CreatedConversation {
	const value = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
	return {
		conversationId: textOf(value.conversationId),
		isNew: typeof value.isNew === 'boolean' ? value.isNew : undefined,
		messageId: textOf(value.messageId),
	};
}

/** The ID of a message sent to an existing conversation, when the answer names one. */
export function readSentMessageId(body: unknown): string | undefined {
	const value = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
	return textOf(value.messageId) ?? textOf(value.id);
}
