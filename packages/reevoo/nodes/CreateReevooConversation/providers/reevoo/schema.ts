import { z } from 'zod';

import {
	email,
	flag,
	identifier,
	numberFrom,
	optionalText,
	requiredText,
} from '../../shared/fields';

/**
 * A trkref goes into the URL path, so anything that could change the path is refused outright
 * (encoding alone would still let `..` through on some servers).
 */
export const REEVOO_TRKREF_RULE = 'must be a retailer trkref like D10, without / ? # % \\ or ..';

// A lone "." is a dot segment too: URL parsing drops it and the path loses a level.
const trkref = identifier(/^[^/?#%\\\p{Cc}]{1,100}$/u, REEVOO_TRKREF_RULE).refine(
	(value) => value !== '.' && !value.includes('..'),
	{
		message: REEVOO_TRKREF_RULE,
	},
);

const month = () =>
	numberFrom(z.number().int('must be a whole month number from 1 to 12').min(1).max(12)).optional();
const year = () =>
	numberFrom(z.number().int('must be a whole year like 2024').min(1886).max(2200)).optional();

const vehicleAttributes = z
	.object({
		axle: optionalText(255),
		body_type: optionalText(255),
		doors: numberFrom(z.number().int('must be a whole number of doors').min(0).max(10)).optional(),
		engine_size: optionalText(255),
		engine_size_in_liters: numberFrom(
			z.number().positive('must be a size in litres above 0').max(30),
		).optional(),
		fuel_type: optionalText(255),
		model_display: optionalText(255),
		model_variant: optionalText(255),
		model_from_month: month(),
		model_from_year: year(),
		model_to_month: month(),
		model_to_year: year(),
		model_year: year(),
		transmission: optionalText(255),
		used: flag().optional(),
		vehicle_type: optionalText(255),
	})
	.strict();

export type ReevooVehicleAttributes = z.infer<typeof vehicleAttributes>;

const shared = {
	reevooTrkref: trkref,
	reevooEmail: email(),
	reevooQuestion: requiredText(),
	reevooFirstName: optionalText(255),
};

const oneLine = (what: string) =>
	identifier(/^[^\r\n]{1,255}$/, `must be one line of at most 255 characters (${what})`);

export const reevooSchema = z
	.discriminatedUnion('reevooProductMode', [
		z.object({
			reevooProductMode: z.literal('sku'),
			reevooSku: oneLine('the product SKU'),
			...shared,
		}),
		z.object({
			reevooProductMode: z.literal('automotive'),
			reevooManufacturer: oneLine('the vehicle manufacturer'),
			reevooModel: oneLine('the vehicle model'),
			reevooVehicleAttributes: vehicleAttributes.default({}),
			...shared,
		}),
	])
	.transform((raw): ReevooParams => {
		const product: ReevooProduct =
			raw.reevooProductMode === 'sku'
				? { mode: 'sku', sku: raw.reevooSku }
				: {
						mode: 'automotive',
						manufacturer: raw.reevooManufacturer,
						model: raw.reevooModel,
						attributes: raw.reevooVehicleAttributes,
					};
		return {
			trkref: raw.reevooTrkref,
			product,
			email: raw.reevooEmail,
			question: raw.reevooQuestion,
			firstName: raw.reevooFirstName,
		};
	});

export type ReevooProduct =
	| { mode: 'sku'; sku: string }
	| {
			mode: 'automotive';
			manufacturer: string;
			model: string;
			attributes: ReevooVehicleAttributes;
	  };

export interface ReevooParams {
	trkref: string;
	product: ReevooProduct;
	email: string;
	question: string;
	firstName?: string;
}
