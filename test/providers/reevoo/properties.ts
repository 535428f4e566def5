/** reevoo: hostile parameters at the boundary (see test/reliability/properties.test.ts). */
import fc from 'fast-check';

import * as requests from '../../../nodes/CreateConversation/providers/reevoo/request';
import type { ReevooParams } from '../../../nodes/CreateConversation/providers/reevoo/schema';
import {
	REEVOO_TEST_KEY,
	REEVOO_TEST_SECRET,
	ReevooEmulator,
} from '../../../sandbox/providers/reevoo/emulator';
import {
	bool,
	email,
	field,
	nasty,
	options,
	rawOf,
	words,
	onTheWire,
	expectPathKept,
	expectAccepted,
	basic,
	type Boundary,
} from '../../reliability/generators';

const reevooEmulator = new ReevooEmulator();

export const boundary: Boundary = {
	raw: rawOf({
		reevooTrkref: field(
			fc.oneof(fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme' }), nasty),
		),
		reevooProductMode: field(fc.constantFrom('sku', 'automotive')),
		reevooSku: field(words),
		reevooManufacturer: field(words),
		reevooModel: field(words),
		reevooVehicleAttributes: options({
			doors: field(fc.oneof(fc.integer({ min: -1, max: 11 }), fc.constantFrom('5', ' 3 ', '2.5'))),
			engine_size_in_liters: field(fc.oneof(fc.double({ min: -1, max: 40 }), fc.constant('1.6'))),
			model_year: field(fc.oneof(fc.integer({ min: 1800, max: 2300 }), fc.constant('2024'))),
			model_from_month: field(fc.integer({ min: 0, max: 13 })),
			used: field(bool),
			fuel_type: field(words),
		}),
		reevooEmail: field(email),
		reevooQuestion: field(words),
		reevooFirstName: field(words),
	}),
	check(raw) {
		const params = raw as ReevooParams;
		const call = requests.createConversation(params);
		const wire = onTheWire('/reevoo', call, {
			Authorization: basic(REEVOO_TEST_KEY, REEVOO_TEST_SECRET),
		});
		expectPathKept(wire, '/reevoo', call, /^\/v4\/organisations\/[^/?#]+\/conversations$/);
		reevooEmulator.reset();
		reevooEmulator.organisations = [
			{
				trkref: params.trkref,
				name: 'Generated',
				locale: 'en-GB',
				skus: params.product.mode === 'sku' ? [params.product.sku] : [],
				vehicles:
					params.product.mode === 'automotive'
						? [{ manufacturer: params.product.manufacturer, model: params.product.model }]
						: [],
			},
		];
		// 202 only when the emulator decoded the path back to exactly this trkref.
		expectAccepted(reevooEmulator.handle(wire.route), 'create conversation');
		expect(reevooEmulator.created[0]?.trkref).toBe(params.trkref);
	},
};
