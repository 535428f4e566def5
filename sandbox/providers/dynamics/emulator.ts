/**
 * Microsoft Dynamics 365 Contact Center Messaging API as documented, plus the Microsoft Entra
 * token endpoint it needs. Two hosts, two path prefixes of the one emulator:
 * - `/dynamics-login/{tenant}/oauth2/v2.0/token` stands for https://login.microsoftonline.com
 *   (client credentials in the form body; tokens expire);
 * - `/dynamics/api/v1.0/consumer/...` stands for https://m-{org}.{geo}.omnichannelengagementhub.com
 *   (bearer token + `channel-id` + `organization-id` headers; RFC 7807 errors with
 *   `x-ms-correlation-id`; 429 with Retry-After; the customer's active conversation is reused).
 */
import { randomUUID } from 'node:crypto';

import {
	bearerToken,
	WindowLimiter,
	type ProviderEmulator,
	type Reply,
	type RouteRequest,
} from '../../server';

export const DYNAMICS_TEST = {
	tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
	clientId: '5c1b7f0e-3c9a-4d57-9a51-0e6f1f3b2a11',
	clientSecret: 'dyn-test-secret~Q8pX2vL9',
	organizationId: '4b1e5f0a-7c2d-4e8f-9a3b-6d5c4e3f2a10',
	channelId: 'a9d3c2b1-0f4e-4d6c-8b7a-1e2f3a4b5c6d',
	messagingGeo: 'eu',
	scopeZone: 'crm4',
} as const;

export const DYNAMICS_TEST_SCOPE = `https://${DYNAMICS_TEST.organizationId.replace(/-/g, '')}-c.${DYNAMICS_TEST.scopeZone}.dynamics.com/.default`;

const API = '/dynamics/api/v1.0/consumer';

/** Microsoft's error-handling page, verbatim: every code is 400 but 30004 and 30013 (404) and 30015 (500). */
export const DYNAMICS_ERRORS: Record<number, { status: number; title: string; detail: string }> = {
	30001: { status: 400, title: 'Bad Request', detail: "The provided organization ID isn't valid." },
	30002: { status: 400, title: 'Bad Request', detail: "The provided channel ID isn't valid." },
	30003: {
		status: 400,
		title: 'Bad Request',
		detail: 'The requested operation is invalid or not supported.',
	},
	30004: {
		status: 404,
		title: 'Not Found',
		detail: "The specified channel configuration doesn't exist.",
	},
	30005: { status: 400, title: 'Bad Request', detail: "The provided conversation ID isn't valid." },
	30006: { status: 400, title: 'Bad Request', detail: "The provided timestamp isn't valid." },
	30007: {
		status: 400,
		title: 'Bad Request',
		detail: 'The page size for conversations must either be null or between 1 and 250.',
	},
	30008: {
		status: 400,
		title: 'Bad Request',
		detail: 'The page size for messages must either be null or between 1 and 100.',
	},
	30009: {
		status: 400,
		title: 'Bad Request',
		detail: 'The provided continuation token is invalid. Use the same token as before.',
	},
	30010: {
		status: 400,
		title: 'Bad Request',
		detail: 'The conversation context size is too large. Maximum allowed is 100 entries.',
	},
	30011: {
		status: 400,
		title: 'Bad Request',
		detail: 'The message text length is too large. Max 6,000 characters allowed.',
	},
	30012: {
		status: 400,
		title: 'Bad Request',
		detail: 'The request body was either not provided or is malformed.',
	},
	30013: { status: 404, title: 'Not Found', detail: "The specified conversation doesn't exist." },
	30014: {
		status: 400,
		title: 'Bad Request',
		detail: "The specified channel configuration isn't linked to a workstream.",
	},
	30015: {
		status: 500,
		title: 'Internal Server Error',
		detail: "The response body wasn't serialized successfully. Contact customer support for help.",
	},
	30016: {
		status: 400,
		title: 'Bad Request',
		detail: 'The message activity has no text or attachments.',
	},
};

/**
 * RFC 7807 problem details. Where the numeric code sits is not documented; the emulator puts it
 * in an `errorCode` extension member (the node also reads it from the text).
 */
export function dynamicsProblem(code: number, extraHeaders?: Record<string, string>): Reply {
	const known = DYNAMICS_ERRORS[code];
	return {
		status: known.status,
		headers: {
			'content-type': 'application/problem+json',
			'x-ms-correlation-id': randomUUID(),
			...extraHeaders,
		},
		body: {
			type: 'about:blank',
			title: known.title,
			status: known.status,
			detail: known.detail,
			errorCode: code,
		},
	};
}

function problem(
	status: number,
	title: string,
	detail: string,
	headers?: Record<string, string>,
): Reply {
	return {
		status,
		headers: {
			'content-type': 'application/problem+json',
			'x-ms-correlation-id': randomUUID(),
			...headers,
		},
		body: { type: 'about:blank', title, status, detail },
	};
}

function entraError(status: number, error: string, code: number, description: string): Reply {
	return {
		status,
		body: {
			error,
			error_description: `AADSTS${code}: ${description} Trace ID: ${randomUUID()} Correlation ID: ${randomUUID()}`,
			error_codes: [code],
			trace_id: randomUUID(),
			correlation_id: randomUUID(),
		},
	};
}

export interface DynamicsConversation {
	id: string;
	customerId?: string;
	active: boolean;
	createdAt: number;
	request: unknown;
	/** Every message that reached the conversation, the start message included. */
	messages: Array<{ id: string; text: string; displayName?: string; via: 'create' | 'message' }>;
}

export interface TokenRequestLog {
	tenant: string;
	grant_type?: string;
	client_id?: string;
	scope?: string;
	/** Whether the client secret was right; the secret itself is never kept. */
	clientSecretMatched: boolean;
	status: number;
}

let lastMessageId = Date.now();
function messageId(): string {
	lastMessageId = Math.max(lastMessageId + 1, Date.now());
	return String(lastMessageId);
}

export class DynamicsEmulator implements ProviderEmulator {
	readonly name = 'dynamics';

	/** Valid tokens and when they expire (ms epoch). */
	readonly tokens = new Map<string, number>();

	tokensIssued = 0;

	readonly tokenRequests: TokenRequestLog[] = [];

	tokenLifetimeSeconds = 3599;

	readonly created: DynamicsConversation[] = [];

	/** Channel set-up problems to model 30004 / 30014. */
	channelConfigured = true;

	channelLinkedToWorkstream = true;

	limiter?: WindowLimiter;

	matches(path: string): boolean {
		return path.startsWith('/dynamics/') || path.startsWith('/dynamics-login/');
	}

	reset(): void {
		this.tokens.clear();
		this.tokensIssued = 0;
		this.tokenRequests.length = 0;
		this.tokenLifetimeSeconds = 3599;
		this.created.length = 0;
		this.channelConfigured = true;
		this.channelLinkedToWorkstream = true;
		this.limiter = undefined;
	}

	conversations() {
		return this.created.map((conversation) => ({
			id: conversation.id,
			createdAt: conversation.createdAt,
			summary: `${conversation.customerId ?? 'anonymous'}: ${conversation.messages.map((message) => message.text.slice(0, 60)).join(' | ')}`,
			request: conversation.request,
		}));
	}

	/** Every issued token stops working now (as when its lifetime has passed). */
	expireTokens(): void {
		for (const token of this.tokens.keys()) this.tokens.set(token, 0);
	}

	/** Seeds an active conversation for a customer, as if it had been opened earlier. */
	addActiveConversation(customerId: string): DynamicsConversation {
		const conversation: DynamicsConversation = {
			id: randomUUID(),
			customerId,
			active: true,
			createdAt: Date.now() - 60_000,
			request: {},
			messages: [],
		};
		this.created.push(conversation);
		return conversation;
	}

	handle(request: RouteRequest): Reply {
		if (request.path.startsWith('/dynamics-login/')) return this.token(request);
		return this.messaging(request);
	}

	// --- Microsoft Entra token endpoint -----------------------------------------------------

	private token(request: RouteRequest): Reply {
		const match = /^\/dynamics-login\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(request.path);
		if (!match || request.method !== 'POST') return { status: 404, body: { error: 'not_found' } };
		const form = (
			typeof request.body === 'object' && request.body !== null ? request.body : {}
		) as Record<string, string>;
		const secretMatched = form.client_secret === DYNAMICS_TEST.clientSecret;
		// The secret must never be readable from the request log or the control API.
		if ('client_secret' in form) {
			request.record.body = { ...form, client_secret: '[redacted]' };
			request.record.rawBody = request.rawBody.replace(
				/client_secret=[^&]*/,
				'client_secret=[redacted]',
			);
		}
		const reply = this.issue(match[1], form, secretMatched, request.headers['content-type'] ?? '');
		this.tokenRequests.push({
			tenant: match[1],
			grant_type: form.grant_type,
			client_id: form.client_id,
			scope: form.scope,
			clientSecretMatched: secretMatched,
			status: reply.status,
		});
		return reply;
	}

	private issue(
		tenant: string,
		form: Record<string, string>,
		secretMatched: boolean,
		contentType: string,
	): Reply {
		if (!contentType.includes('application/x-www-form-urlencoded')) {
			return entraError(
				400,
				'invalid_request',
				900144,
				"The request body must contain the following parameter: 'grant_type'.",
			);
		}
		if (tenant !== DYNAMICS_TEST.tenantId) {
			return entraError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found.`);
		}
		if (form.grant_type !== 'client_credentials') {
			return entraError(
				400,
				'unsupported_grant_type',
				70003,
				'The app requested an unsupported grant type.',
			);
		}
		if (form.client_id !== DYNAMICS_TEST.clientId) {
			return entraError(
				400,
				'unauthorized_client',
				700016,
				`Application with identifier '${form.client_id}' was not found in the directory.`,
			);
		}
		if (!secretMatched) {
			return entraError(
				401,
				'invalid_client',
				7000215,
				'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.',
			);
		}
		if (form.scope !== DYNAMICS_TEST_SCOPE) {
			return entraError(
				400,
				'invalid_scope',
				1002012,
				`The provided value for scope ${form.scope} is not valid.`,
			);
		}
		this.tokensIssued += 1;
		const token = `dyn-at-${this.tokensIssued}-${randomUUID()}`;
		this.tokens.set(token, Date.now() + this.tokenLifetimeSeconds * 1000);
		return {
			status: 200,
			body: {
				token_type: 'Bearer',
				expires_in: this.tokenLifetimeSeconds,
				ext_expires_in: this.tokenLifetimeSeconds,
				access_token: token,
			},
		};
	}

	// --- Messaging API ----------------------------------------------------------------------

	private messaging(request: RouteRequest): Reply {
		const token = bearerToken(request.headers);
		const expiresAt = token ? this.tokens.get(token) : undefined;
		if (expiresAt === undefined || expiresAt <= Date.now()) {
			return problem(
				401,
				'Unauthorized',
				expiresAt === undefined ? 'The token is invalid.' : 'The token is expired.',
			);
		}
		if (request.headers['organization-id'] !== DYNAMICS_TEST.organizationId)
			return dynamicsProblem(30001);
		if (request.headers['channel-id'] !== DYNAMICS_TEST.channelId) return dynamicsProblem(30002);
		if (!this.channelConfigured) return dynamicsProblem(30004);
		if (!this.channelLinkedToWorkstream) return dynamicsProblem(30014);
		const rate = this.limiter?.take();
		if (rate && !rate.allowed) {
			const seconds = Math.max(1, Math.ceil((rate.resetAt - Date.now()) / 1000));
			return problem(429, 'Too Many Requests', 'The request rate limit has exceeded.', {
				'retry-after': String(seconds),
			});
		}

		const path = request.path;
		if (request.method === 'GET' && path === `${API}/conversations`)
			return this.list(request.query);
		if (request.method === 'POST' && path === `${API}/conversation/create`)
			return this.create(request.body);
		const message = new RegExp(`^${API}/conversation/([^/]+)$`).exec(path);
		if (request.method === 'POST' && message)
			return this.message(decodeURIComponent(message[1]), request.body);
		return problem(404, 'Not Found', `No route for ${request.method} ${path}.`);
	}

	private list(query: Record<string, string>): Reply {
		const size = query.PageSize === undefined ? 250 : Number(query.PageSize);
		if (!Number.isInteger(size) || size < 1 || size > 250) return dynamicsProblem(30007);
		const active = this.created.filter((conversation) => conversation.active);
		return {
			status: 200,
			body: {
				conversations: active
					.slice(0, size)
					.map((conversation) => ({ conversationId: conversation.id })),
				continuationToken: active.length > size ? 'next' : null,
			},
		};
	}

	private create(raw: unknown): Reply {
		// Every member is optional, but a body is not: 30012 is "The request body was either not
		// provided or is malformed".
		const body = raw;
		if (typeof body !== 'object' || body === null || Array.isArray(body))
			return dynamicsProblem(30012);
		const input = body as Record<string, unknown>;
		const known = new Set([
			'customercontext',
			'conversationcontext',
			'conversationrequestid',
			'startmessage',
			'skipdeflectionbot',
		]);
		if (Object.keys(input).some((key) => !known.has(key))) return dynamicsProblem(30012);

		const customer = input.customercontext as Record<string, unknown> | undefined;
		if (customer !== undefined) {
			const fields = new Set([
				'customerid',
				'firstname',
				'lastname',
				'preferredname',
				'email',
				'phonenumber',
			]);
			if (typeof customer !== 'object' || customer === null) return dynamicsProblem(30012);
			for (const [key, value] of Object.entries(customer)) {
				if (!fields.has(key) || typeof value !== 'string' || value.length > 200)
					return dynamicsProblem(30012);
			}
		}
		const context = input.conversationcontext as Record<string, unknown> | undefined;
		if (context !== undefined) {
			if (typeof context !== 'object' || context === null) return dynamicsProblem(30012);
			if (Object.keys(context).length > 100) return dynamicsProblem(30010);
			for (const entry of Object.values(context)) {
				const shaped = entry as { isDisplayable?: unknown; value?: unknown };
				if (
					typeof shaped !== 'object' ||
					shaped === null ||
					typeof shaped.isDisplayable !== 'boolean' ||
					!('value' in shaped)
				) {
					return dynamicsProblem(30012);
				}
			}
		}
		const start = input.startmessage as { message?: unknown; displayname?: unknown } | undefined;
		if (
			start !== undefined &&
			(typeof start !== 'object' || start === null || typeof start.message !== 'string')
		) {
			return dynamicsProblem(30012);
		}
		if (input.skipdeflectionbot !== undefined && typeof input.skipdeflectionbot !== 'boolean')
			return dynamicsProblem(30012);

		const customerId = typeof customer?.customerid === 'string' ? customer.customerid : undefined;
		const existing = customerId
			? this.created.find(
					(conversation) => conversation.active && conversation.customerId === customerId,
				)
			: undefined;
		if (existing) {
			// Documented: the active conversation comes back and the start message is NOT delivered.
			return {
				status: 200,
				body: { conversationId: existing.id, isNew: false, messageId: messageId() },
			};
		}
		const conversation: DynamicsConversation = {
			id: randomUUID(),
			customerId,
			active: true,
			createdAt: Date.now(),
			request: body,
			messages: [],
		};
		const id = messageId();
		if (start) {
			conversation.messages.push({
				id,
				text: start.message as string,
				displayName: typeof start.displayname === 'string' ? start.displayname : undefined,
				via: 'create',
			});
		}
		this.created.push(conversation);
		return { status: 200, body: { conversationId: conversation.id, isNew: true, messageId: id } };
	}

	private message(conversationId: string, body: unknown): Reply {
		const conversation = this.created.find((candidate) => candidate.id === conversationId);
		if (!conversation || !conversation.active) {
			return problem(
				404,
				'Not Found',
				"The specified conversation ID wasn't found or is already closed.",
			);
		}
		// The Bot Framework activity the conversation endpoint documents.
		const activity = body as
			| {
					type?: unknown;
					channelId?: unknown;
					text?: unknown;
					conversation?: { id?: unknown };
					attachments?: unknown;
			  }
			| undefined;
		if (
			typeof activity !== 'object' ||
			activity === null ||
			activity.type !== 'message' ||
			activity.channelId !== DYNAMICS_TEST.channelId
		) {
			return dynamicsProblem(30012);
		}
		if (activity.conversation !== undefined && activity.conversation?.id !== conversationId)
			return dynamicsProblem(30005);
		if (typeof activity.text !== 'string' || activity.text === '') return dynamicsProblem(30016);
		if (activity.text.length > 6000) return dynamicsProblem(30011);
		const id = messageId();
		conversation.messages.push({ id, text: activity.text, via: 'message' });
		return { status: 200, body: { id } };
	}
}
