/**
 * Reading values out of provider answers. Providers document their bodies loosely (an ID may come
 * as a number or as text, a message may be blank), so readers take what is there and report
 * "nothing" instead of guessing.
 */

/** Text with something other than spaces (trimmed), or a finite number as text; else undefined. */
export function textOf(value: unknown): string | undefined {
	if (typeof value === 'string') return value.trim() !== '' ? value.trim() : undefined;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return undefined;
}

/** A JSON object (not a list, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
