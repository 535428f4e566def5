import { headerValue } from '../../shared/transport';
import type { HttpResult, ProviderErrorDetails } from '../../shared/provider';

/** Error codes of the Messaging API's error bodies, with what to do about them. */
export const DYNAMICS_ERROR_HINTS: Record<string, string> = {
	'30001': 'The organization ID is not valid: check the credential\'s Organization ID.',
	'30002': 'The channel ID is not valid: check the credential\'s Custom Messaging Channel ID.',
	'30003': 'The requested operation is invalid or not supported.',
	'30004': 'The channel configuration does not exist: check that the custom messaging channel is set up in Dynamics 365.',
	'30005': 'The conversation ID is not valid.',
	'30010': 'Too many conversation context entries: at most 100 are allowed.',
	'30012': 'The request body was rejected as malformed.',
	'30014': 'The channel is not linked to a workstream: link the custom messaging channel to a workstream in Dynamics 365.',
};

type ProblemDetails = Record<string, unknown>;

function textOf(value: unknown): string | undefined {
	if (typeof value === 'string' && value.trim()) return value.trim();
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return undefined;
}

/**
 * Reads RFC 7807 problem details. Where the 300xx code sits is not documented: it is taken from
 * a `code`/`errorCode` member (any case, also nested under `error`), else from the first 300xx
 * number in the title, detail or type.
 */
export function parseDynamicsError(result: HttpResult): ProviderErrorDetails {
	const body = (typeof result.body === 'object' && result.body !== null ? result.body : {}) as ProblemDetails;
	const nested = (typeof body.error === 'object' && body.error !== null ? body.error : {}) as ProblemDetails;
	const title = textOf(body.title);
	const detail = textOf(body.detail) ?? textOf(body.message) ?? textOf(nested.message);
	const explicitCode =
		textOf(body.errorCode) ?? textOf(body.ErrorCode) ?? textOf(body.code) ?? textOf(nested.code) ?? textOf(body.error);
	const code =
		explicitCode ?? [title, detail, textOf(body.type)].map((text) => /\b(30\d{3})\b/.exec(text ?? '')?.[1]).find(Boolean);
	const requestId =
		headerValue(result, 'x-ms-correlation-id') ?? textOf(body.correlationId) ?? textOf(body.traceId) ?? textOf(body.instance);
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
