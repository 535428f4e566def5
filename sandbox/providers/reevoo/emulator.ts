/**
 * Reevoo Platform API v4 as documented: HTTP Basic (API key : secret), organisations list,
 * `POST /v4/organisations/{trkref}/conversations` answering 202 with no body, 404 for an
 * unknown trkref or SKU (or a retailer the key may not use), 422 listing missing attributes.
 * Plain fields only (no parameter properties): this file also runs under Node's type stripping.
 */
import {
	basicAuth,
	WindowLimiter,
	type ProviderEmulator,
	type Reply,
	type RouteRequest,
} from '../../server';

export const REEVOO_TEST_KEY = 'reevoo-test-key';
export const REEVOO_TEST_SECRET = 'reevoo-test-secret-7d41e2';

export interface ReevooOrganisation {
	trkref: string;
	name: string;
	locale: string;
	/** Emulator only: SKUs the retailer sent Reevoo. */
	skus: string[];
	/** Emulator only: vehicles (manufacturer/model, case-insensitive) for automotive retailers. */
	vehicles: Array<{ manufacturer: string; model: string }>;
	/** Emulator only: exists, but the test key may not use it (Reevoo answers 404 then). */
	restricted?: boolean;
}

export interface ReevooConversationRecord {
	id: string;
	createdAt: number;
	summary: string;
	request: unknown;
	trkref: string;
}

/** Automotive attributes the API documents besides manufacturer and model. */
export const REEVOO_OPTIONAL_VEHICLE_ATTRIBUTES = [
	'axle',
	'body_type',
	'doors',
	'engine_size',
	'engine_size_in_liters',
	'fuel_type',
	'model_display',
	'model_variant',
	'model_from_month',
	'model_from_year',
	'model_to_month',
	'model_to_year',
	'model_year',
	'transmission',
	'used',
	'vehicle_type',
];

const KNOWN_FIELDS = new Set([
	'sku',
	'first_name',
	'email',
	'question',
	'locale',
	'manufacturer',
	'model',
	...REEVOO_OPTIONAL_VEHICLE_ATTRIBUTES,
]);

function seedOrganisations(): ReevooOrganisation[] {
	return [
		{
			trkref: 'D10',
			name: 'Demo Electricals',
			locale: 'en-GB',
			skus: ['AIPTPDV5700', 'TV-55-OLED'],
			vehicles: [],
		},
		{
			trkref: 'CAR',
			name: 'Demo Motors',
			locale: 'en-GB',
			skus: [],
			vehicles: [
				{ manufacturer: 'Ford', model: 'Focus' },
				{ manufacturer: 'Volkswagen', model: 'Golf' },
			],
		},
		{ trkref: 'FR 1', name: 'Démo Français', locale: 'fr-FR', skus: ['FR-SKU-1'], vehicles: [] },
		{
			trkref: 'HIDDEN',
			name: 'Someone Else',
			locale: 'en-GB',
			skus: ['X1'],
			vehicles: [],
			restricted: true,
		},
	];
}

function problem(status: number, message: string, errors?: string[]): Reply {
	return { status, body: { status, message, ...(errors ? { errors } : {}) } };
}

export class ReevooEmulator implements ProviderEmulator {
	readonly name = 'reevoo';

	credentials = new Map([[REEVOO_TEST_KEY, REEVOO_TEST_SECRET]]);

	organisations: ReevooOrganisation[] = seedOrganisations();

	readonly created: ReevooConversationRecord[] = [];

	/** Questions per (trkref, product, email, question): more than one means a duplicate. */
	readonly createsByKey = new Map<string, number>();

	limiter?: WindowLimiter;

	matches(path: string): boolean {
		return path === '/reevoo' || path.startsWith('/reevoo/');
	}

	reset(): void {
		this.credentials = new Map([[REEVOO_TEST_KEY, REEVOO_TEST_SECRET]]);
		this.organisations = seedOrganisations();
		this.created.length = 0;
		this.createsByKey.clear();
		this.limiter = undefined;
	}

	conversations() {
		return this.created;
	}

	handle(request: RouteRequest): Reply {
		const auth = basicAuth(request.headers);
		if (!auth || this.credentials.get(auth.user) !== auth.password) {
			return {
				status: 401,
				headers: { 'www-authenticate': 'Basic realm="Reevoo API"' },
				body: { status: 401, message: 'Unauthorized' },
			};
		}
		const rate = this.limiter?.take();
		if (rate && !rate.allowed) {
			const seconds = Math.max(1, Math.ceil((rate.resetAt - Date.now()) / 1000));
			return {
				status: 429,
				headers: { 'retry-after': String(seconds) },
				body: { status: 429, message: 'Too Many Requests' },
			};
		}

		// The raw path, so that an encoded trkref is seen as the server would see it.
		const path = request.path.replace(/^\/reevoo/, '') || '/';
		if (request.method === 'GET' && path === '/v4/organisations') return this.listOrganisations();
		const create = /^\/v4\/organisations\/([^/]+)\/conversations$/.exec(path);
		if (request.method === 'POST' && create)
			return this.createConversation(decodeURIComponent(create[1]), request);
		return problem(404, 'Not Found');
	}

	private visible(): ReevooOrganisation[] {
		return this.organisations.filter((organisation) => !organisation.restricted);
	}

	private listOrganisations(): Reply {
		const organisations = this.visible().map(({ trkref, name, locale }) => ({
			trkref,
			name,
			locale,
		}));
		return {
			status: 200,
			body: {
				summary: { total_entries: organisations.length, page: 1, per_page: 100 },
				organisations,
			},
		};
	}

	private createConversation(trkref: string, request: RouteRequest): Reply {
		if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) {
			return problem(415, 'Content-Type must be application/json');
		}
		const organisation = this.visible().find((candidate) => candidate.trkref === trkref);
		if (!organisation)
			return problem(404, `Organisation with trkref ${trkref} not found or not authorised`);

		const body = request.body as Record<string, unknown> | undefined;
		if (!body || typeof body !== 'object' || Array.isArray(body))
			return problem(422, 'Body must be a JSON object', ['body']);
		const unknown = Object.keys(body).filter((key) => !KNOWN_FIELDS.has(key));
		if (unknown.length)
			return problem(
				422,
				'Unknown attributes',
				unknown.map((key) => `${key} is not allowed`),
			);

		const missing: string[] = [];
		const blank = (key: string) =>
			typeof body[key] !== 'string' || (body[key] as string).trim() === '';
		const automotive = body.sku === undefined;
		if (automotive) {
			if (blank('manufacturer')) missing.push('manufacturer');
			if (blank('model')) missing.push('model');
			if (body.manufacturer === undefined && body.model === undefined) missing.unshift('sku');
		} else if (blank('sku')) missing.push('sku');
		if (blank('email')) missing.push('email');
		if (blank('question')) missing.push('question');
		if (missing.length)
			return problem(
				422,
				'Missing mandatory attributes',
				missing.map((key) => `${key} is missing`),
			);

		let product: string;
		if (automotive) {
			const wanted = `${String(body.manufacturer).toLowerCase()}|${String(body.model).toLowerCase()}`;
			const vehicle = organisation.vehicles.find(
				(candidate) =>
					`${candidate.manufacturer.toLowerCase()}|${candidate.model.toLowerCase()}` === wanted,
			);
			if (!vehicle)
				return problem(404, `Product ${String(body.manufacturer)} ${String(body.model)} not found`);
			product = `${vehicle.manufacturer} ${vehicle.model}`;
		} else {
			const sku = String(body.sku);
			if (!organisation.skus.includes(sku))
				return problem(404, `Product with SKU ${sku} not found`);
			product = sku;
		}

		const key = `${trkref}|${product}|${String(body.email)}|${String(body.question)}`;
		this.createsByKey.set(key, (this.createsByKey.get(key) ?? 0) + 1);
		this.created.push({
			id: `queued-${this.created.length + 1}`,
			createdAt: Date.now(),
			summary: `${trkref} · ${product} · ${String(body.first_name ?? 'A shopper')} <${String(body.email)}>: ${String(body.question).slice(0, 120)}`,
			request: body,
			trkref,
		});
		return { status: 202 };
	}
}
