/** Intercom REST API 2.x as documented: bearer token, Intercom-Version, error.list, 10 s windows. */
import { randomBytes, randomUUID } from 'node:crypto';

import {
	bearerToken,
	WindowLimiter,
	type ProviderEmulator,
	type Reply,
	type RouteRequest,
} from '../../server';
import { intercomSchemas } from './openapi';

export const INTERCOM_TEST_TOKEN = 'intercom-test-token-5f3c9a';
/** A second app's token: Intercom limits each app on its own. */
export const INTERCOM_TEST_TOKEN_2 = 'intercom-test-token-2-b81d07';

const VERSIONS = new Set([
	'1.0',
	'1.1',
	'1.2',
	'1.3',
	'1.4',
	'2.0',
	'2.1',
	'2.2',
	'2.3',
	'2.4',
	'2.5',
	'2.6',
	'2.7',
	'2.8',
	'2.9',
	'2.10',
	'2.11',
	'2.12',
	'2.13',
	'2.14',
	'2.15',
	'2.16',
	'Unstable',
]);

export interface IntercomContact {
	type: 'contact';
	id: string;
	role: 'user' | 'lead';
	email: string | null;
	external_id: string | null;
	name: string | null;
	created_at: number;
	updated_at: number;
	/** Emulator only: when search starts finding it, and when conversations may use it. */
	searchableAt: number;
	usableAt: number;
}

export interface IntercomConversationRecord {
	id: string;
	createdAt: number;
	summary: string;
	request: unknown;
}

export function intercomContactId(): string {
	return randomBytes(12).toString('hex');
}

/** A contact as the API shows it, without the emulator's own bookkeeping. */
function publicContact(contact: IntercomContact): Record<string, unknown> {
	const visible: Partial<IntercomContact> = { ...contact };
	delete visible.searchableAt;
	delete visible.usableAt;
	return visible;
}

function errorList(
	status: number,
	code: string,
	message: string,
	headers?: Record<string, string>,
): Reply {
	return {
		status,
		headers,
		body: { type: 'error.list', request_id: randomUUID(), errors: [{ code, message }] },
	};
}

export class IntercomEmulator implements ProviderEmulator {
	readonly name = 'intercom';

	tokens = new Set([INTERCOM_TEST_TOKEN, INTERCOM_TEST_TOKEN_2]);

	contacts: IntercomContact[] = [];

	readonly created: IntercomConversationRecord[] = [];

	/** Conversations per (contact, body): more than one means a duplicate was created. */
	readonly createsByKey = new Map<string, number>();

	/** One quota for every token (a simple test setting). */
	limiter?: WindowLimiter;

	/** Intercom's own way: every app (token) has its quota, `limit` per `windowMs`. */
	perTokenLimit?: { limit: number; windowMs: number };

	private readonly tokenLimiters = new Map<string, WindowLimiter>();

	/** The quota that applies to a token, if any. */
	limiterFor(token: string): WindowLimiter | undefined {
		if (!this.perTokenLimit) return this.limiter;
		let limiter = this.tokenLimiters.get(token);
		if (!limiter) {
			limiter = new WindowLimiter(this.perTokenLimit.limit, this.perTokenLimit.windowMs);
			this.tokenLimiters.set(token, limiter);
		}
		return limiter;
	}

	/** 429s answered so far, over every token. */
	get rejected(): number {
		return (
			(this.limiter?.rejected ?? 0) +
			[...this.tokenLimiters.values()].reduce((sum, limiter) => sum + limiter.rejected, 0)
		);
	}

	/** New contacts are invisible to search for this long (Intercom indexes asynchronously). */
	searchLagMs = 0;

	/** Conversations for a contact created less than this long ago get 404 (documented lag). */
	newContactLagMs = 0;

	/** Validation problems seen against the official schema; tests assert it stays empty. */
	readonly schemaViolations: Array<{ path: string; problems: string[] }> = [];

	matches(path: string): boolean {
		return path === '/intercom' || path.startsWith('/intercom/');
	}

	reset(): void {
		this.tokens = new Set([INTERCOM_TEST_TOKEN, INTERCOM_TEST_TOKEN_2]);
		this.contacts = [];
		this.created.length = 0;
		this.createsByKey.clear();
		this.limiter = undefined;
		this.perTokenLimit = undefined;
		this.tokenLimiters.clear();
		this.searchLagMs = 0;
		this.newContactLagMs = 0;
		this.schemaViolations.length = 0;
	}

	conversations() {
		return this.created;
	}

	/** Seeds a contact as if it had existed for a while. */
	addContact(contact: Partial<IntercomContact> & { role: 'user' | 'lead' }): IntercomContact {
		const now = Math.floor(Date.now() / 1000);
		const full: IntercomContact = {
			type: 'contact',
			id: intercomContactId(),
			email: null,
			external_id: null,
			name: null,
			created_at: now - 3600,
			updated_at: now - 3600,
			searchableAt: 0,
			usableAt: 0,
			...contact,
		};
		this.contacts.push(full);
		return full;
	}

	handle(request: RouteRequest): Reply {
		// Intercom sends no quota headers to requests without valid credentials.
		const token = bearerToken(request.headers);
		if (!token || !this.tokens.has(token))
			return errorList(401, 'unauthorized', 'Access Token Invalid');
		const limiter = this.limiterFor(token);
		const rate = limiter?.take();
		const rateHeaders: Record<string, string> | undefined =
			rate && limiter
				? {
						'x-ratelimit-limit': String(limiter.limit),
						'x-ratelimit-remaining': String(rate.remaining),
						'x-ratelimit-reset': String(Math.ceil(rate.resetAt / 1000)),
					}
				: undefined;
		if (rate && !rate.allowed) {
			return errorList(
				429,
				'rate_limit_exceeded',
				`Exceeded rate limit of ${limiter!.limit} in ${limiter!.windowMs / 1000}_seconds`,
				rateHeaders,
			);
		}
		const version = request.headers['intercom-version'];
		if (version !== undefined && !VERSIONS.has(version)) {
			return errorList(
				400,
				'intercom_version_invalid',
				'The requested version could not be found',
				rateHeaders,
			);
		}

		const path = request.path.replace(/^\/intercom/, '') || '/';
		const reply = this.route(request.method, path, request);
		reply.headers = { ...rateHeaders, ...reply.headers };
		return reply;
	}

	private validate(schema: string, path: string, body: unknown): Reply | undefined {
		const problems = intercomSchemas()?.check(schema, body) ?? [];
		if (problems.length === 0) return undefined;
		this.schemaViolations.push({ path, problems });
		return errorList(400, 'parameter_invalid', problems.join('; '));
	}

	private route(method: string, path: string, request: RouteRequest): Reply {
		if (method === 'GET' && path === '/me') {
			return {
				status: 200,
				body: {
					type: 'admin',
					id: '991267459',
					email: 'admin@example.com',
					name: 'Emulated Admin',
					app: { type: 'app', id_code: 'emul4t0r', name: 'Emulated Workspace', region: 'US' },
				},
			};
		}
		if (method === 'POST' && path === '/contacts/search') return this.search(request.body);
		if (method === 'POST' && path === '/contacts') return this.createContact(request.body);
		if (method === 'POST' && path === '/conversations')
			return this.createConversation(request.body);
		return errorList(404, 'not_found', 'Resource Not Found');
	}

	private search(body: unknown): Reply {
		const invalid = this.validate('search_request', '/contacts/search', body);
		if (invalid) return invalid;
		const query = (body as { query: { field?: string; operator?: string; value?: unknown } }).query;
		if (query.operator !== '=' || (query.field !== 'email' && query.field !== 'external_id')) {
			return errorList(
				400,
				'parameter_invalid',
				'The emulator supports field email/external_id with operator =',
			);
		}
		const now = Date.now();
		const value = String(query.value);
		const data = this.contacts.filter((contact) => {
			if (contact.searchableAt > now) return false;
			const field = query.field === 'email' ? contact.email : contact.external_id;
			return query.field === 'email'
				? field?.toLowerCase() === value.toLowerCase()
				: field === value;
		});
		return {
			status: 200,
			body: {
				type: 'list',
				data: data.map(publicContact),
				total_count: data.length,
				pages: { type: 'pages', page: 1, per_page: 50, total_pages: 1 },
			},
		};
	}

	private createContact(body: unknown): Reply {
		const invalid = this.validate('create_contact_request', '/contacts', body);
		if (invalid) return invalid;
		const input = body as { role?: string; email?: string; external_id?: string; name?: string };
		if (input.role !== 'user' && input.role !== 'lead') {
			return errorList(400, 'parameter_invalid', 'role must be user or lead');
		}
		if (!input.email && !input.external_id) {
			return errorList(400, 'parameter_not_found', 'email or external_id is required');
		}
		const duplicate = this.contacts.find(
			(contact) =>
				contact.role === input.role &&
				((input.email && contact.email?.toLowerCase() === input.email.toLowerCase()) ||
					(input.external_id && contact.external_id === input.external_id)),
		);
		if (duplicate)
			return errorList(
				409,
				'conflict',
				`A contact matching those details already exists with id=${duplicate.id}`,
			);
		const now = Date.now();
		const contact = this.addContact({
			role: input.role,
			email: input.email ?? null,
			external_id: input.external_id ?? null,
			name: input.name ?? null,
			created_at: Math.floor(now / 1000),
			updated_at: Math.floor(now / 1000),
			searchableAt: now + this.searchLagMs,
			usableAt: now + this.newContactLagMs,
		});
		return { status: 200, body: publicContact(contact) };
	}

	private createConversation(body: unknown): Reply {
		const invalid = this.validate('create_conversation_request', '/conversations', body);
		if (invalid) return invalid;
		const input = body as { from: { type: string; id: string }; body: string };
		const contact = this.contacts.find((candidate) => candidate.id === input.from.id);
		const roleMatches =
			contact &&
			(input.from.type === contact.role ||
				(input.from.type === 'contact' && contact.role === 'lead'));
		if (!contact || !roleMatches || contact.usableAt > Date.now())
			return errorList(404, 'not_found', 'User Not Found');

		const key = `${contact.id}|${input.body}`;
		this.createsByKey.set(key, (this.createsByKey.get(key) ?? 0) + 1);
		const conversationId = String(1000000000 + this.created.length + 1);
		const now = Math.floor(Date.now() / 1000);
		this.created.push({
			id: conversationId,
			createdAt: Date.now(),
			summary: `${contact.email ?? contact.external_id ?? contact.id}: ${input.body.slice(0, 120)}`,
			request: body,
		});
		return {
			status: 200,
			body: {
				type: 'user_message',
				id: String(400000000 + this.created.length),
				created_at: now,
				body: input.body,
				message_type: 'inapp',
				conversation_id: conversationId,
			},
		};
	}
}
