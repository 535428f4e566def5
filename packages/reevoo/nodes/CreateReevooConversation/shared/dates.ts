import type { INodeProperties } from 'n8n-workflow';
import { DateTime } from 'luxon';

/** `2026-01-31`, `2026-01-31T09:30` or `2026-01-31 09:30:00.000`: a date and time without a zone. */
const WITHOUT_ZONE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?$/;

/**
 * n8n's date picker yields a date and time without a zone (`2026-01-31T09:30:00`). The user means
 * it in the workflow's time zone (Settings › Timezone, else the instance's), not in the time zone
 * of the server n8n runs on: give it that zone. Values with a zone, numbers and dates are kept.
 */
export function withWorkflowZone(value: unknown, timezone: string): unknown {
	if (typeof value !== 'string' || !WITHOUT_ZONE.test(value.trim())) return value;
	const parsed = DateTime.fromISO(value.trim().replace(' ', 'T'), { zone: timezone });
	return parsed.isValid ? parsed.toISO() : value;
}

/** Applies `withWorkflowZone` to every `dateTime` field of a panel, collections included. */
export function zoneDateFields(
	raw: Record<string, unknown>,
	properties: INodeProperties[],
	timezone: string,
): Record<string, unknown> {
	const result: Record<string, unknown> = { ...raw };
	for (const property of properties) {
		const value = result[property.name];
		if (value === undefined) continue;
		if (property.type === 'dateTime') {
			result[property.name] = withWorkflowZone(value, timezone);
		} else if (
			property.type === 'collection' &&
			value &&
			typeof value === 'object' &&
			!Array.isArray(value)
		) {
			result[property.name] = zoneDateFields(
				value as Record<string, unknown>,
				(property.options ?? []) as INodeProperties[],
				timezone,
			);
		}
	}
	return result;
}
