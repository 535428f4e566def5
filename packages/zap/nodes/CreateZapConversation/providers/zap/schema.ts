import { z } from 'zod';

import { flag, optionalText } from '../../shared/fields';

/** ZAP user IDs are MongoDB ObjectIds: 24 hexadecimal characters. */
export const ZAP_USER_ID = /^[0-9a-fA-F]{24}$/;

/** A header value: one line of visible ASCII, no spaces or control characters. */
export const ZAP_GUEST_ID = /^[\x21-\x7e]{1,256}$/;

const options = z
	.object({
		isGuest: flag().optional(),
		guestId: optionalText()
			.transform((value) => value?.trim())
			.refine((value) => value === undefined || ZAP_GUEST_ID.test(value), {
				message:
					'must be one line of at most 256 visible characters, without spaces or control characters',
			}),
	})
	.strict();

export const zapSchema = z
	.object({
		zapUserId: z
			.string()
			.nullish()
			.transform((value) => (value ?? '').trim())
			.refine((value) => value === '' || ZAP_USER_ID.test(value), {
				message:
					"must be the 24-character hexadecimal ZAP user ID, e.g. 64b7f0c2a1d3e4f5a6b7c8d9, or empty for the credential's own account",
			}),
		zapOptions: options.default({}),
	})
	.transform(
		(raw): ZapParams => ({
			userId: raw.zapUserId === '' ? undefined : raw.zapUserId,
			isGuest: raw.zapOptions.isGuest,
			guestId: raw.zapOptions.guestId,
		}),
	);

export interface ZapParams {
	/** Undefined: the authenticated user's ID. */
	userId?: string;
	isGuest?: boolean;
	guestId?: string;
}
