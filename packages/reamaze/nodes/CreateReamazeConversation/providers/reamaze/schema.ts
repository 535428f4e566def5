import { z } from 'zod';

import {
	email,
	flag,
	identifier,
	keyValuePairs,
	optionalText,
	requiredText,
	textList,
	webUrl,
} from '../../shared/fields';

/**
 * Conversation statuses by number, as two independent API clients document them (the official
 * page did not load). 0 is a real value: it is sent, never dropped as "empty".
 */
export const REAMAZE_STATUSES = [
	{ value: 0, name: 'Open (Unresolved)' },
	{ value: 1, name: 'Responded (Pending)' },
	{ value: 2, name: 'Done (Resolved)' },
	{ value: 3, name: 'Spam' },
	{ value: 4, name: 'Archived' },
	{ value: 5, name: 'On Hold' },
	{ value: 6, name: 'Auto-Done' },
	{ value: 7, name: 'AI Agent Assigned' },
	{ value: 8, name: 'AI Agent Done' },
	{ value: 9, name: 'Spam (AI)' },
] as const;

const STATUS_RULE = `must be one of ${REAMAZE_STATUSES.map((status) => `${status.value} (${status.name})`).join(', ')}`;

export const REAMAZE_CHANNEL_SLUG = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** A status number, also as the text "0".."9" an expression or form may deliver; empty = not set. */
const status = z
	.union([z.number(), z.string(), z.null(), z.undefined()])
	.transform((value, context) => {
		if (value === null || value === undefined || (typeof value === 'string' && value.trim() === ''))
			return undefined;
		const number =
			typeof value === 'number' ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
		if (!REAMAZE_STATUSES.some((known) => known.value === number)) {
			context.addIssue({ code: z.ZodIssueCode.custom, message: STATUS_RULE });
			return z.NEVER;
		}
		return number;
	});

/** A flag the user added (true or false is sent); absent or null is "not set". */
const optionalFlag = z.preprocess(
	(value) => (value === null ? undefined : value),
	flag().optional(),
);

const additionalFields = z
	.object({
		attachmentUrl: optionalText().pipe(z.union([z.undefined(), webUrl()])),
		conversationData: keyValuePairs(),
		userData: keyValuePairs(),
		recipients: textList().pipe(z.array(email())),
		status,
		suppressAutoresolve: optionalFlag,
		suppressNotification: optionalFlag,
		tags: textList().pipe(
			z.array(
				z.string({ invalid_type_error: 'must be text' }).max(255, 'must be at most 255 characters'),
			),
		),
	})
	.strict();

export const reamazeSchema = z
	.object({
		reamazeSubject: requiredText(),
		reamazeChannel: identifier(
			REAMAZE_CHANNEL_SLUG,
			'must be a channel slug such as "support": letters, digits, - _ and . only (pick it from the list to be sure)',
		),
		reamazeBody: requiredText(),
		reamazeCustomerName: requiredText(255),
		reamazeCustomerEmail: email(),
		reamazeOptions: additionalFields.default({}),
	})
	.transform((raw): ReamazeParams => {
		const options = raw.reamazeOptions;
		const has = (record: Record<string, unknown>) => Object.keys(record).length > 0;
		return {
			subject: raw.reamazeSubject,
			channel: raw.reamazeChannel,
			body: raw.reamazeBody,
			customer: { name: raw.reamazeCustomerName, email: raw.reamazeCustomerEmail },
			tags: options.tags.length ? options.tags : undefined,
			status: options.status,
			conversationData: has(options.conversationData) ? options.conversationData : undefined,
			userData: has(options.userData) ? options.userData : undefined,
			recipients: options.recipients.length ? options.recipients : undefined,
			suppressNotification: options.suppressNotification,
			suppressAutoresolve: options.suppressAutoresolve,
			attachmentUrl: options.attachmentUrl,
		};
	});

export interface ReamazeParams {
	subject: string;
	/** The channel's slug, sent as `category`. */
	channel: string;
	body: string;
	customer: { name: string; email: string };
	tags?: string[];
	status?: number;
	conversationData?: Record<string, unknown>;
	userData?: Record<string, unknown>;
	recipients?: string[];
	suppressNotification?: boolean;
	suppressAutoresolve?: boolean;
	attachmentUrl?: string;
}
