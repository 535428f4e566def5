import { textOf as text } from '../../shared/answers';
import type { HttpResult, ProviderErrorDetails } from '../../shared/provider';

/** A message from whatever ZAP put in `message`/`error`/`errors`: text, a list, or an object. */
function messageOf(value: unknown): string[] {
	if (text(value)) return [text(value)!];
	if (Array.isArray(value)) return value.flatMap((entry) => messageOf(entry));
	if (value && typeof value === 'object') {
		const entry = value as Record<string, unknown>;
		const found = text(entry.message) ?? text(entry.msg) ?? text(entry.error) ?? text(entry.detail);
		if (found)
			return [
				entry.field || entry.path
					? `${found} (field: ${String(entry.field ?? entry.path)})`
					: found,
			];
	}
	return [];
}

/**
 * Only ZAP's status codes are documented; the body is probably `{ success: false, message }`.
 * Read it leniently: `message`, `error`, `errors`, `msg` as text, list or object.
 */
export function parseZapError(result: HttpResult): ProviderErrorDetails {
	const body = result.body;
	if (!body || typeof body !== 'object' || Array.isArray(body)) return {};
	const record = body as Record<string, unknown>;
	const messages = [
		...messageOf(record.message),
		...messageOf(record.msg),
		...messageOf(record.error),
		...messageOf(record.errors),
		...messageOf((record.data as Record<string, unknown> | undefined)?.message),
	];
	const unique = [...new Set(messages)];
	const code =
		text(record.code) ?? text((record.error as Record<string, unknown> | undefined)?.code);
	const requestId = text(record.requestId) ?? text(record.request_id);
	return {
		message: unique[0]?.slice(0, 300),
		code,
		requestId,
		details:
			unique.length > 1
				? unique.slice(1, 6).map((message) => `Also: ${message.slice(0, 300)}`)
				: undefined,
	};
}

export interface ZapConversation {
	id?: unknown;
	[key: string]: unknown;
}

/** `{ success, data: { id, ... } }`; tolerates the conversation at the top level. */
export function readConversation(body: unknown): ZapConversation | undefined {
	if (!body || typeof body !== 'object') return undefined;
	const data = (body as { data?: unknown }).data;
	if (data && typeof data === 'object' && !Array.isArray(data)) return data as ZapConversation;
	if ('id' in body || '_id' in body) return body as ZapConversation;
	return undefined;
}

export function conversationIdOf(conversation: ZapConversation | undefined): string | undefined {
	const id = conversation?.id ?? conversation?._id;
	return text(id);
}

/** The authenticated user's ID from `GET /v1/users/token` (`data.id`, or `data._id`). */
export function userIdFromToken(body: unknown): string | undefined {
	const data = (body as { data?: Record<string, unknown> } | undefined)?.data;
	if (!data || typeof data !== 'object') return undefined;
	const nested = data.user as Record<string, unknown> | undefined;
	return text(data.id) ?? text(data._id) ?? text(nested?.id) ?? text(nested?._id);
}
