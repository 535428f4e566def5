import * as requests from '../../../nodes/CreateConversation/providers/reevoo/request';
import {
	notFoundSubject,
	organisationsFrom,
	parseReevooError,
} from '../../../nodes/CreateConversation/providers/reevoo/response';
import { reevooSchema } from '../../../nodes/CreateConversation/providers/reevoo/schema';

const sku = (raw: Record<string, unknown> = {}) =>
	reevooSchema.parse({
		reevooProductMode: 'sku',
		reevooTrkref: 'D10',
		reevooSku: 'AIPTPDV5700',
		reevooEmail: ' joe@example.com ',
		reevooQuestion: 'How is it?',
		...raw,
	});

test('SKU mode: the documented body, the trkref encoded in a relative path', () => {
	const call = requests.createConversation(
		sku({ reevooTrkref: ' A&B+C ', reevooFirstName: 'Joe' }),
	);
	expect(call).toMatchObject({ method: 'POST', path: '/v4/organisations/A%26B%2BC/conversations' });
	expect(call.body).toEqual({
		sku: 'AIPTPDV5700',
		first_name: 'Joe',
		email: 'joe@example.com',
		question: 'How is it?',
	});
});

test('automotive mode: numbers and flags from text, unset attributes left out', () => {
	const params = reevooSchema.parse({
		reevooProductMode: 'automotive',
		reevooTrkref: 'CAR',
		reevooManufacturer: 'Ford',
		reevooModel: 'Focus',
		reevooVehicleAttributes: { doors: '5', used: 'true', model_year: 2020, fuel_type: '' },
		reevooEmail: 'a@example.com',
		reevooQuestion: 'Q',
	});
	expect(requests.createConversation(params).body).toEqual({
		manufacturer: 'Ford',
		model: 'Focus',
		doors: 5,
		used: true,
		model_year: 2020,
		email: 'a@example.com',
		question: 'Q',
	});
});

test('unknown vehicle attributes (e.g. from an expression) are refused', () => {
	const result = reevooSchema.safeParse({
		reevooProductMode: 'automotive',
		reevooTrkref: 'CAR',
		reevooManufacturer: 'Ford',
		reevooModel: 'Focus',
		reevooVehicleAttributes: { colour: 'red' },
		reevooEmail: 'a@example.com',
		reevooQuestion: 'Q',
	});
	expect(result.success).toBe(false);
});

test.each(['D10/x', 'a?b', 'a#b', '50%', 'a\\b', '..', 'x..y', 'a\nb'])(
	'trkref %j is refused',
	(trkref) => {
		expect(() => sku({ reevooTrkref: trkref })).toThrow(/must be a retailer trkref/);
	},
);

test('error bodies are read leniently', () => {
	expect(
		parseReevooError({
			statusCode: 422,
			headers: {},
			body: { status: 422, message: 'Missing', errors: ['sku is missing'] },
		}),
	).toEqual({
		message: 'missing or invalid attributes: sku is missing',
		details: ['Provider message: Missing'],
	});
	expect(parseReevooError({ statusCode: 422, headers: {}, body: '' })).toEqual({
		message: 'missing mandatory attributes',
		details: undefined,
	});
	expect(
		parseReevooError({ statusCode: 500, headers: {}, body: '<html>oops</html>' }).message,
	).toBeUndefined();
	expect(
		parseReevooError({ statusCode: 404, headers: {}, body: '{"message":"Not found"}' }).message,
	).toBe('Not found');
	expect(notFoundSubject({ message: 'Product not found' })).toBe('product');
	expect(notFoundSubject({ error: 'Organisation not authorised' })).toBe('retailer');
	expect(notFoundSubject(undefined)).toBe('unknown');
	expect(
		organisationsFrom({
			organisations: [{ trkref: 'D10', name: 'Demo' }, { name: 'no trkref' }, null],
		}),
	).toEqual([{ trkref: 'D10', name: 'Demo', locale: undefined }]);
	expect(organisationsFrom([{ trkref: 'X' }])).toEqual([
		{ trkref: 'X', name: undefined, locale: undefined },
	]);
});
