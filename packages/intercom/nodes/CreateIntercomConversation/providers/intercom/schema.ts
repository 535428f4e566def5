import { z } from 'zod';

import {
	email,
	flag,
	identifier,
	optionalText,
	requiredText,
	textList,
	unixSeconds,
	webUrl,
} from '../../shared/fields';

/** Intercom contact IDs are 24 characters (official schema: minLength = maxLength = 24). */
export const INTERCOM_CONTACT_ID = /^[0-9a-zA-Z]{24}$/;

const additionalFields = z
	.object({
		attachmentUrls: textList()
			.pipe(z.array(webUrl()).max(10, 'must have at most 10 URLs'))
			.optional(),
		brandId: optionalText(255),
		contactName: optionalText(255),
		createdAt: z
			.union([z.literal(''), z.null(), z.undefined(), unixSeconds()])
			.transform((value) => (typeof value === 'number' ? value : undefined)),
		subject: optionalText(255),
	})
	.strict();

const shared = {
	intercomBody: requiredText(),
	intercomOptions: additionalFields.default({}),
};

const role = z.enum(['user', 'lead']).default('user');

export const intercomSchema = z
	.discriminatedUnion('intercomContactMode', [
		z.object({
			intercomContactMode: z.literal('id'),
			intercomContactId: identifier(
				INTERCOM_CONTACT_ID,
				'must be the 24-character Intercom contact ID, e.g. 536e564f316c83104c000020',
			),
			intercomContactType: z.enum(['user', 'lead', 'contact']).default('user'),
			...shared,
		}),
		z.object({
			intercomContactMode: z.literal('email'),
			intercomEmail: email(),
			intercomContactRole: role,
			intercomCreateIfMissing: flag().default(true),
			...shared,
		}),
		z.object({
			intercomContactMode: z.literal('externalId'),
			intercomExternalId: identifier(
				/^[^\r\n]{1,255}$/,
				'must be one line of at most 255 characters',
			),
			intercomContactRole: role,
			intercomCreateIfMissing: flag().default(true),
			...shared,
		}),
	])
	.transform((raw): IntercomParams => {
		const options = raw.intercomOptions;
		const contact: ContactReference =
			raw.intercomContactMode === 'id'
				? { mode: 'id', id: raw.intercomContactId, type: raw.intercomContactType }
				: {
						mode: 'lookup',
						field: raw.intercomContactMode === 'email' ? 'email' : 'external_id',
						value: raw.intercomContactMode === 'email' ? raw.intercomEmail : raw.intercomExternalId,
						role: raw.intercomContactRole,
						createIfMissing: raw.intercomCreateIfMissing,
						name: options.contactName,
					};
		return {
			contact,
			body: raw.intercomBody,
			createdAt: options.createdAt,
			attachmentUrls: options.attachmentUrls?.length ? options.attachmentUrls : undefined,
			subject: options.subject,
			brandId: options.brandId,
		};
	});

export type ContactReference =
	| { mode: 'id'; id: string; type: 'user' | 'lead' | 'contact' }
	| {
			mode: 'lookup';
			field: 'email' | 'external_id';
			value: string;
			role: 'user' | 'lead';
			createIfMissing: boolean;
			name?: string;
	  };

export interface IntercomParams {
	contact: ContactReference;
	body: string;
	createdAt?: number;
	attachmentUrls?: string[];
	subject?: string;
	brandId?: string;
}
