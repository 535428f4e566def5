import { isRecord } from '../../shared/answers';
import type { HttpResult, ProviderErrorDetails } from '../../shared/provider';

/**
 * Re:amaze documents only "422 with a JSON body explaining the error". Bodies seen from Rails
 * APIs like it: `{ "error": "..." }`, `{ "message": "..." }`, `{ "errors": ["..."] }`,
 * `{ "errors": { "field": ["..."] } }`. All are read; anything else yields nothing.
 */
export function parseReamazeError(result: HttpResult): ProviderErrorDetails {
	const body = result.body as Record<string, unknown> | undefined;
	if (!body || typeof body !== 'object' || Array.isArray(body)) return {};
	const lines: string[] = [];
	const add = (value: unknown, field?: string) => {
		if (typeof value === 'string' && value.trim()) {
			lines.push(
				field && !value.toLowerCase().startsWith(field.toLowerCase()) ? `${field} ${value}` : value,
			);
		} else if (Array.isArray(value)) {
			for (const entry of value) add(entry, field);
		} else if (value && typeof value === 'object') {
			const { message, error } = value as { message?: unknown; error?: unknown };
			if (typeof message === 'string' || typeof error === 'string') add(message ?? error, field);
			else
				for (const [key, nested] of Object.entries(value))
					add(nested, field ? `${field}.${key}` : key);
		}
	};
	add(body.error);
	add(body.message);
	add(body.errors);
	const unique = [...new Set(lines)].map((line) => line.slice(0, 300));
	const [first, ...rest] = unique;
	return {
		message: first,
		code: typeof body.code === 'string' ? body.code : undefined,
		details: rest.length ? rest.slice(0, 10).map((line) => `Also: ${line}`) : undefined,
	};
}

export interface ReamazeConversation {
	slug?: string;
	perma_url?: string;
	subject?: string;
	status?: number;
	category?: { slug?: string; name?: string };
}

/** The created conversation, or undefined when the body is not one (not JSON, HTML, no slug). */
export function readConversation(body: unknown): ReamazeConversation | undefined {
	if (!isRecord(body)) return undefined;
	const conversation = body as ReamazeConversation;
	return typeof conversation.slug === 'string' && conversation.slug !== ''
		? conversation
		: undefined;
}

export interface ReamazeChannel {
	slug: string;
	name?: string;
	email?: string;
}

/** `{ channels: [...], page_count }`; entries without a slug are skipped. */
export function readChannelPage(body: unknown): { channels: ReamazeChannel[]; pageCount?: number } {
	const { channels, page_count: pageCount } = (body ?? {}) as {
		channels?: unknown;
		page_count?: unknown;
	};
	const list = Array.isArray(channels) ? channels : [];
	return {
		channels: list.filter(
			(entry): entry is ReamazeChannel =>
				typeof entry === 'object' &&
				entry !== null &&
				typeof (entry as { slug?: unknown }).slug === 'string',
		),
		pageCount: typeof pageCount === 'number' ? pageCount : undefined,
	};
}
