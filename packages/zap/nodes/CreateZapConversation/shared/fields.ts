import { z } from 'zod';

/**
 * Zod building blocks for values that arrive from n8n parameters and expressions. Forms and
 * webhooks often deliver everything as text, so numbers and flags also accept their text forms.
 */

/** Text that must contain something other than spaces; the value is sent as typed. */
export const requiredText = (max?: number) => {
	const text = z
		.string()
		.refine((value) => value.trim().length > 0, { message: 'must not be empty' });
	return max === undefined
		? text
		: text.refine((value) => value.length <= max, { message: `must be at most ${max} characters` });
};

/** Optional text: empty or blank counts as "not set" and is left out of the request. */
export const optionalText = (max?: number) =>
	z
		.union([z.string(), z.null(), z.undefined()])
		.transform((value) => (typeof value === 'string' && value.trim() !== '' ? value : undefined))
		.refine((value) => max === undefined || value === undefined || value.length <= max, {
			message: `must be at most ${max} characters`,
		});

/** Identifier-like text: trimmed, optionally checked against a pattern with a user-facing rule. */
export const identifier = (pattern: RegExp, rule: string) =>
	z
		.string()
		.transform((value) => value.trim())
		.refine((value) => value.length > 0, { message: 'must not be empty' })
		.refine((value) => pattern.test(value), { message: rule });

export const email = () =>
	z
		.string()
		.transform((value) => value.trim())
		.pipe(z.string().min(1, 'must not be empty').email());

/** true/false, also from the text "true"/"false" a form or webhook may deliver. */
export const flag = () =>
	z.preprocess((value) => {
		if (typeof value !== 'string') return value;
		const text = value.trim().toLowerCase();
		if (text === 'true') return true;
		if (text === 'false') return false;
		return value;
	}, z.boolean());

/** A number, also from its text form ("5", " 2.0 "); `inner` says which numbers are allowed. */
export const numberFrom = (inner: z.ZodNumber) =>
	z.preprocess((value) => {
		if (typeof value !== 'string') return value;
		const text = value.trim();
		return text !== '' && !Number.isNaN(Number(text)) ? Number(text) : value;
	}, inner);

/** An http(s) URL, the only kind a provider can fetch. */
export const webUrl = () =>
	z
		.string()
		.transform((value) => value.trim())
		.refine(
			(value) => {
				try {
					const url = new URL(value);
					return url.protocol === 'https:' || url.protocol === 'http:';
				} catch {
					return false;
				}
			},
			{ message: 'must be a full URL starting with https://' },
		);

/**
 * A list given either as a real list (from an expression) or as text separated by commas or
 * new lines (typed in the field). Empty entries are dropped.
 */
export const textList = () =>
	z
		.union([z.string(), z.array(z.unknown()), z.null(), z.undefined()])
		.transform((value) => {
			if (value === null || value === undefined) return [] as unknown[];
			if (Array.isArray(value)) return value;
			return value.split(/[\n,]/);
		})
		.transform((entries) =>
			entries
				.map((entry) => (typeof entry === 'string' ? entry.trim() : entry))
				.filter((entry) => entry !== '' && entry !== null && entry !== undefined),
		);

/**
 * A moment in time as Unix seconds. Accepts what n8n's date picker and expressions produce:
 * ISO text, a Date or Luxon DateTime, or a number (seconds, or milliseconds when it is too large
 * to be seconds).
 */
export const unixSeconds = () =>
	z.unknown().transform((value, context) => {
		let millis: number | undefined;
		if (typeof value === 'number' && Number.isFinite(value))
			millis = value > 1e11 ? value : value * 1000;
		else if (value instanceof Date) millis = value.getTime();
		else if (typeof value === 'string' && value.trim() !== '') {
			const text = value.trim();
			millis = /^\d+$/.test(text)
				? Number(text) * (Number(text) > 1e11 ? 1 : 1000)
				: Date.parse(text);
		} else if (
			value &&
			typeof value === 'object' &&
			'toMillis' in value &&
			typeof value.toMillis === 'function'
		) {
			millis = Number(value.toMillis());
		}
		if (millis === undefined || Number.isNaN(millis) || millis < 0) {
			context.addIssue({
				code: z.ZodIssueCode.custom,
				message: 'must be a date, e.g. 2026-01-31T09:30:00Z or Unix seconds',
			});
			return z.NEVER;
		}
		return Math.floor(millis / 1000);
	});

/** Key/value pairs from a fixedCollection (`{ pair: [{ key, value }] }`) or an object from an expression. */
export const keyValuePairs = (max?: number) =>
	z.union([z.record(z.unknown()), z.null(), z.undefined()]).transform((value, context) => {
		if (!value) return {} as Record<string, unknown>;
		const pairs = (value as { pair?: unknown }).pair;
		let result: Record<string, unknown>;
		if (Array.isArray(pairs)) {
			result = {};
			for (const entry of pairs as Array<{ key?: unknown; value?: unknown }>) {
				const key = typeof entry?.key === 'string' ? entry.key.trim() : '';
				if (!key) {
					context.addIssue({ code: z.ZodIssueCode.custom, message: 'has an entry without a key' });
					return z.NEVER;
				}
				result[key] = entry.value;
			}
		} else {
			result = { ...value };
		}
		if (max !== undefined && Object.keys(result).length > max) {
			context.addIssue({
				code: z.ZodIssueCode.custom,
				message: `must have at most ${max} entries`,
			});
			return z.NEVER;
		}
		return result;
	});
