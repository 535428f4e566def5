import { z } from 'zod';

import { isRecord } from '../../shared/answers';
import { flag, optionalText } from '../../shared/fields';

/** Documented limits of `POST /api/v1.0/consumer/conversation/create` and the message endpoint. */
export const DYNAMICS_LIMITS = {
	customerField: 200,
	contextEntries: 100,
	/** "max 27 KB"; measured in UTF-8 bytes, 27,000 to stay on the safe side of the unit. */
	startMessageBytes: 27_000,
	messageText: 6000,
} as const;

export type ContextValue = string | number | boolean;

export interface ContextEntry {
	isDisplayable: boolean;
	value: ContextValue;
}

export interface DynamicsCustomerContext {
	customerid?: string;
	firstname?: string;
	lastname?: string;
	preferredname?: string;
	email?: string;
	phonenumber?: string;
}

export interface DynamicsParams {
	customer: DynamicsCustomerContext;
	/** Empty when the user set none. */
	context: Record<string, ContextEntry>;
	startMessage?: string;
	senderDisplayName?: string;
	deliverToExisting: boolean;
	conversationRequestId?: string;
	skipDeflectionBot?: boolean;
}

const customerText = () => optionalText(DYNAMICS_LIMITS.customerField);

const oneLine = (max?: number) =>
	optionalText(max).refine((value) => value === undefined || !/[\r\n]/.test(value), {
		message: 'must be one line',
	});

const contextValue = z.union([z.string(), z.number(), z.boolean()], {
	errorMap: () => ({ message: 'must be text, a number or true/false' }),
});

/** `{ value, isDisplayable? }`, the shape Dynamics itself uses, given in JSON mode. */
function isEntryShape(value: unknown): value is { value: unknown; isDisplayable?: unknown } {
	return (
		isRecord(value) &&
		'value' in value &&
		Object.keys(value).every((key) => key === 'value' || key === 'isDisplayable')
	);
}

const tooManyEntries = `must have at most ${DYNAMICS_LIMITS.contextEntries} entries (Dynamics 365 limit)`;

/** Key/value pairs from the fixed collection: `{ pair: [{ key, value, isDisplayable }] }`. */
const contextPairs = z
	.union([
		z.object({
			pair: z
				.array(
					z.object({
						key: z
							.string()
							.transform((key) => key.trim())
							.refine((key) => key.length > 0, { message: 'must not be empty' }),
						value: contextValue.default(''),
						isDisplayable: flag().default(true),
					}),
				)
				.max(DYNAMICS_LIMITS.contextEntries, tooManyEntries)
				.default([]),
		}),
		z.null(),
		z.undefined(),
	])
	.transform((raw, context) => {
		const result: Record<string, ContextEntry> = {};
		for (const [index, entry] of (raw?.pair ?? []).entries()) {
			if (entry.key in result) {
				context.addIssue({
					code: z.ZodIssueCode.custom,
					path: ['pair', index, 'key'],
					message: `"${entry.key}" is used twice; each key may appear once`,
				});
				return z.NEVER;
			}
			result[entry.key] = { isDisplayable: entry.isDisplayable, value: entry.value };
		}
		return result;
	});

/**
 * A whole object mapped in JSON mode: each property becomes one context entry. A property may be
 * a plain value (shown to the representative as the "Show to Representative" switch says) or
 * Dynamics' own `{ "value": ..., "isDisplayable": true|false }`.
 */
const contextJson = (defaultDisplayable: boolean) =>
	z.unknown().transform((raw, context) => {
		let value = raw;
		if (
			value === undefined ||
			value === null ||
			(typeof value === 'string' && value.trim() === '')
		) {
			return {} as Record<string, ContextEntry>;
		}
		if (typeof value === 'string') {
			try {
				value = JSON.parse(value) as unknown;
			} catch {
				context.addIssue({
					code: z.ZodIssueCode.custom,
					message: 'must be a JSON object like {"orderId": "A-42"}',
				});
				return z.NEVER;
			}
		}
		if (!isRecord(value)) {
			context.addIssue({
				code: z.ZodIssueCode.custom,
				message: 'must be a JSON object like {"orderId": "A-42"}',
			});
			return z.NEVER;
		}
		const keys = Object.keys(value);
		if (keys.length > DYNAMICS_LIMITS.contextEntries) {
			context.addIssue({
				code: z.ZodIssueCode.custom,
				message: `${tooManyEntries}, got ${keys.length}`,
			});
			return z.NEVER;
		}
		const result: Record<string, ContextEntry> = {};
		for (const key of keys) {
			const entry = value[key];
			const shaped = isEntryShape(entry);
			const parsedValue = contextValue.safeParse(shaped ? entry.value : entry);
			const displayable =
				shaped && entry.isDisplayable !== undefined
					? flag().safeParse(entry.isDisplayable)
					: undefined;
			if (key.trim() === '') {
				context.addIssue({
					code: z.ZodIssueCode.custom,
					message: 'has an entry with an empty key',
				});
				return z.NEVER;
			}
			if (!parsedValue.success) {
				context.addIssue({
					code: z.ZodIssueCode.custom,
					path: shaped ? [key, 'value'] : [key],
					message:
						'must be text, a number or true/false (nested objects and lists are not accepted)',
				});
				return z.NEVER;
			}
			if (displayable && !displayable.success) {
				context.addIssue({
					code: z.ZodIssueCode.custom,
					path: [key, 'isDisplayable'],
					message: 'must be true or false',
				});
				return z.NEVER;
			}
			result[key] = {
				isDisplayable: displayable?.success ? displayable.data : defaultDisplayable,
				value: parsedValue.data,
			};
		}
		return result;
	});

const options = z
	.object({
		conversationRequestId: oneLine(),
		skipDeflectionBot: flag().optional(),
	})
	.strict();

const customerDetails = z
	.object({
		firstName: customerText(),
		lastName: customerText(),
		preferredName: customerText(),
		email: customerText(),
		phone: customerText(),
	})
	.strict();

function utf8Bytes(value: string): number {
	return new TextEncoder().encode(value).length;
}

const common = {
	dynamicsCustomerId: customerText(),
	dynamicsCustomerDetails: customerDetails.default({}),
	dynamicsStartMessage: optionalText().refine(
		(value) => value === undefined || utf8Bytes(value) <= DYNAMICS_LIMITS.startMessageBytes,
		{
			message: `must be at most ${DYNAMICS_LIMITS.startMessageBytes} bytes (27 KB, Dynamics 365 limit)`,
		},
	),
	dynamicsSenderDisplayName: oneLine(DYNAMICS_LIMITS.customerField),
	dynamicsDeliverToExisting: flag().default(true),
	dynamicsOptions: options.default({}),
};

export const dynamicsSchema = z
	.preprocess(
		(raw) =>
			isRecord(raw) && raw.dynamicsContextMode === undefined
				? { ...raw, dynamicsContextMode: 'pairs' }
				: raw,
		z.discriminatedUnion('dynamicsContextMode', [
			z.object({
				dynamicsContextMode: z.literal('pairs'),
				dynamicsContext: contextPairs,
				...common,
			}),
			z.object({
				dynamicsContextMode: z.literal('json'),
				dynamicsContextJsonDisplayable: flag().default(true),
				dynamicsContextJson: z.unknown(),
				...common,
			}),
		]),
	)
	.superRefine((raw, context) => {
		const message = raw.dynamicsStartMessage;
		if (raw.dynamicsSenderDisplayName !== undefined && message === undefined) {
			context.addIssue({
				code: z.ZodIssueCode.custom,
				path: ['dynamicsSenderDisplayName'],
				message: 'needs a Start Message (the display name is the sender of that message)',
			});
		}
		if (
			message !== undefined &&
			raw.dynamicsDeliverToExisting &&
			message.length > DYNAMICS_LIMITS.messageText
		) {
			context.addIssue({
				code: z.ZodIssueCode.custom,
				path: ['dynamicsStartMessage'],
				message: `must be at most ${DYNAMICS_LIMITS.messageText} characters while "Send to Active Conversation" is on (the limit of the message endpoint it may need); turn that off to send up to 27 KB`,
			});
		}
	})
	.transform((raw, context): DynamicsParams => {
		let conversationContext: Record<string, ContextEntry>;
		if (raw.dynamicsContextMode === 'json') {
			const parsed = contextJson(raw.dynamicsContextJsonDisplayable).safeParse(
				raw.dynamicsContextJson,
			);
			if (!parsed.success) {
				for (const issue of parsed.error.issues) {
					context.addIssue({ ...issue, path: ['dynamicsContextJson', ...issue.path] });
				}
				return z.NEVER;
			}
			conversationContext = parsed.data;
		} else {
			conversationContext = raw.dynamicsContext;
		}
		const details = raw.dynamicsCustomerDetails;
		const customer: DynamicsCustomerContext = {
			customerid: raw.dynamicsCustomerId,
			firstname: details.firstName,
			lastname: details.lastName,
			preferredname: details.preferredName,
			email: details.email,
			phonenumber: details.phone,
		};
		for (const key of Object.keys(customer) as Array<keyof DynamicsCustomerContext>) {
			if (customer[key] === undefined) delete customer[key];
		}
		return {
			customer,
			context: conversationContext,
			startMessage: raw.dynamicsStartMessage,
			senderDisplayName: raw.dynamicsSenderDisplayName,
			deliverToExisting: raw.dynamicsDeliverToExisting,
			conversationRequestId: raw.dynamicsOptions.conversationRequestId,
			skipDeflectionBot: raw.dynamicsOptions.skipDeflectionBot,
		};
	});
