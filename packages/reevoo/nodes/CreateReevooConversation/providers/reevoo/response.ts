import { textOf as text } from '../../shared/answers';
import type { HttpResult, ProviderErrorDetails } from '../../shared/provider';
import type { ReevooParams } from './schema';

/** One entry of an `errors` list, whatever its shape: "name", { field, message } or { name: [..] }. */
function describeEntry(entry: unknown): string[] {
	if (typeof entry === 'string') return entry.trim() ? [entry.trim()] : [];
	if (typeof entry === 'number' || typeof entry === 'boolean') return [String(entry)];
	if (!entry || typeof entry !== 'object') return [];
	const record = entry as Record<string, unknown>;
	const field =
		text(record.field) ?? text(record.attribute) ?? text(record.name) ?? text(record.param);
	const message = text(record.message) ?? text(record.detail) ?? text(record.error);
	if (field || message) return [[field, message].filter(Boolean).join(': ')];
	// `{ "manufacturer": ["can't be blank"] }` (Rails style)
	return Object.entries(record).map(([key, value]) => {
		const messages = Array.isArray(value)
			? value.filter((item) => typeof item === 'string')
			: [value];
		const joined = messages.filter((item) => typeof item === 'string' && item.trim()).join(', ');
		return joined ? `${key}: ${joined}` : key;
	});
}

/** The `errors` of a body as readable lines; accepts a list, an object or a single string. */
export function reevooErrorEntries(body: unknown): string[] {
	if (!body || typeof body !== 'object') return [];
	const errors = (body as { errors?: unknown }).errors;
	if (Array.isArray(errors)) return errors.flatMap(describeEntry);
	if (errors && typeof errors === 'object') return describeEntry(errors);
	if (typeof errors === 'string') return describeEntry(errors);
	return [];
}

function bodyMessage(body: unknown): string | undefined {
	if (typeof body === 'string') {
		const trimmed = body.trim();
		if (!trimmed || /^</.test(trimmed)) return undefined;
		try {
			return bodyMessage(JSON.parse(trimmed));
		} catch {
			return trimmed.slice(0, 200);
		}
	}
	if (!body || typeof body !== 'object') return undefined;
	const record = body as Record<string, unknown>;
	return (
		text(record.message) ??
		text(record.error) ??
		text(record.error_description) ??
		text(record.detail)
	);
}

/**
 * Reevoo documents status codes and, for 422, "missing mandatory attributes specified in the
 * response JSON" (likely `{ status, message, errors: [...] }`). Everything is read leniently.
 */
export function parseReevooError(result: HttpResult): ProviderErrorDetails {
	const message = bodyMessage(result.body);
	const entries = reevooErrorEntries(result.body);
	if (result.statusCode === 422) {
		return {
			message: entries.length
				? `missing or invalid attributes: ${entries.join('; ')}`
				: (message ?? 'missing mandatory attributes'),
			details: entries.length && message ? [`Provider message: ${message}`] : undefined,
		};
	}
	return {
		message,
		details: entries.length ? entries.map((entry) => `Error: ${entry}`) : undefined,
	};
}

export type NotFoundSubject = 'retailer' | 'product' | 'unknown';

/** Which of the two things a 404 is about, going by the provider's message when it says. */
export function notFoundSubject(body: unknown): NotFoundSubject {
	const words = [bodyMessage(body), ...reevooErrorEntries(body)]
		.filter(Boolean)
		.join(' ')
		.toLowerCase();
	if (!words) return 'unknown';
	if (/\bsku\b|product|reviewable|vehicle|manufacturer|\bmodel\b/.test(words)) return 'product';
	if (/trkref|organi[sz]ation|retailer|authori[sz]|access|permission|forbidden/.test(words))
		return 'retailer';
	return 'unknown';
}

function productLabel(params: ReevooParams): string {
	return params.product.mode === 'sku'
		? `SKU "${params.product.sku}"`
		: `vehicle "${params.product.manufacturer} ${params.product.model}"`;
}

/** Headline and hint for a 404 that name the trkref or the product, as far as Reevoo tells. */
export function describeNotFound(
	result: HttpResult,
	params: ReevooParams,
): { message: string; description: string } {
	const providerMessage = bodyMessage(result.body);
	const subject = notFoundSubject(result.body);
	const product = productLabel(params);
	const trkref = `"${params.trkref}"`;
	let message: string;
	let hint: string;
	if (subject === 'product') {
		message = `Reevoo: no product with ${product} for retailer ${trkref}`;
		hint =
			params.product.mode === 'sku'
				? 'Check the SKU: it must be one the retailer sent to Reevoo in its product feed.'
				: 'Check the manufacturer and model, and narrow it down with Vehicle Attributes if several match.';
	} else if (subject === 'retailer') {
		message = `Reevoo: retailer (trkref) ${trkref} was not found, or this API key may not access it`;
		hint =
			'Pick the retailer from the list (it shows the retailers this API key may use), or ask Reevoo to grant access.';
	} else {
		message = `Reevoo: retailer (trkref) ${trkref} or ${product} was not found, or this API key may not access the retailer`;
		hint =
			'Reevoo answers 404 for an unknown trkref, an unknown product and a retailer the key may not use. Pick the retailer from the list to rule out the first and last.';
	}
	const lines = [
		`Reevoo answered HTTP 404 to "create the Reevoo conversation".`,
		providerMessage ? `Provider message: ${providerMessage}` : undefined,
		hint,
	].filter((line): line is string => Boolean(line));
	return { message, description: lines.join('\n') };
}

export interface ReevooOrganisation {
	trkref: string;
	name?: string;
	locale?: string;
}

/** `{ summary, organisations: [{ trkref, name, locale, .. }] }`; a bare list is accepted too. */
export function organisationsFrom(body: unknown): ReevooOrganisation[] {
	const list = Array.isArray(body)
		? body
		: (body as { organisations?: unknown } | undefined)?.organisations;
	if (!Array.isArray(list)) return [];
	return list
		.filter(
			(entry): entry is Record<string, unknown> => typeof entry === 'object' && entry !== null,
		)
		.map((entry) => ({
			trkref: text(entry.trkref) ?? '',
			name: text(entry.name),
			locale: text(entry.locale),
		}))
		.filter((entry) => entry.trkref !== '');
}
