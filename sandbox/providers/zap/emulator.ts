/**
 * ZAP (Zap Africa) API as documented: login → JWT, bearer auth, `GET /v1/users/token`,
 * `POST /v1/support/conversations?isGuest=`. Error bodies are undocumented; the emulator answers
 * `{ success: false, message }`, the shape the provider docs suggest.
 */
import { randomBytes } from 'node:crypto';

import {
	bearerToken,
	WindowLimiter,
	type ProviderEmulator,
	type Reply,
	type RouteRequest,
} from '../../server';

export const ZAP_TEST_IDENTITY = 'agent@zap.example';
export const ZAP_TEST_USERNAME = 'zapagent';
export const ZAP_TEST_PASSWORD = 'zap-Pa55word-7f1e';
/** A long-lived token accepted as a pasted Access Token. */
export const ZAP_TEST_ACCESS_TOKEN = 'zap-access-token-c0ffee42';

export interface ZapUser {
	id: string;
	name: string;
	email: string;
	username: string;
	password: string;
	role: 'admin' | 'user';
}

export interface ZapConversationRecord {
	id: string;
	createdAt: number;
	summary: string;
	request: unknown;
	userId: string;
	isGuest?: string;
	guestId?: string;
	byUserId: string;
}

export function zapObjectId(): string {
	return randomBytes(12).toString('hex');
}

export function zapError(status: number, message: string, headers?: Record<string, string>): Reply {
	return { status, headers, body: { success: false, message } };
}

export class ZapEmulator implements ProviderEmulator {
	readonly name = 'zap';

	users: ZapUser[] = [];

	/** Valid bearer tokens → user ID. */
	readonly tokens = new Map<string, string>();

	/** Refresh tokens → user ID. */
	readonly refreshTokens = new Map<string, string>();

	readonly created: ZapConversationRecord[] = [];

	/** Successful and failed login attempts. */
	logins = 0;

	/** The older login page: accept only `{ email, password }`, answer 422 to `identity`. */
	legacyLogin = false;

	/** Answer the login with the token nested under `data.data` (as one documentation page shows). */
	nestedLoginData = false;

	limiter?: WindowLimiter;

	/** Seconds sent in Retry-After with a 429. */
	retryAfterSeconds = 1;

	constructor() {
		this.reset();
	}

	matches(path: string): boolean {
		return path === '/zap' || path.startsWith('/zap/');
	}

	get agent(): ZapUser {
		return this.users[0];
	}

	reset(): void {
		this.users = [
			{
				id: zapObjectId(),
				name: 'Zap Agent',
				email: ZAP_TEST_IDENTITY,
				username: ZAP_TEST_USERNAME,
				password: ZAP_TEST_PASSWORD,
				role: 'admin',
			},
		];
		this.tokens.clear();
		this.tokens.set(ZAP_TEST_ACCESS_TOKEN, this.users[0].id);
		this.refreshTokens.clear();
		this.created.length = 0;
		this.logins = 0;
		this.legacyLogin = false;
		this.nestedLoginData = false;
		this.limiter = undefined;
		this.retryAfterSeconds = 1;
	}

	conversations() {
		return this.created;
	}

	addUser(user: Partial<ZapUser> = {}): ZapUser {
		const full: ZapUser = {
			id: zapObjectId(),
			name: 'Zap Customer',
			email: `customer-${this.users.length}@zap.example`,
			username: `customer${this.users.length}`,
			password: 'customer-password',
			role: 'user',
			...user,
		};
		this.users.push(full);
		return full;
	}

	/** Expires every issued session (the pasted access token stays valid unless `includeAccessToken`). */
	revokeSessions(includeAccessToken = false): void {
		for (const token of [...this.tokens.keys()]) {
			if (includeAccessToken || token !== ZAP_TEST_ACCESS_TOKEN) this.tokens.delete(token);
		}
	}

	/** Tokens issued by logins so far (still valid). */
	sessionTokens(): string[] {
		return [...this.tokens.keys()].filter((token) => token !== ZAP_TEST_ACCESS_TOKEN);
	}

	handle(request: RouteRequest): Reply {
		const path = request.path.replace(/^\/zap/, '') || '/';
		if (request.method === 'POST' && path === '/v1/login') return this.login(request);
		if (request.method === 'POST' && path === '/v1/refresh') return this.refresh(request);

		const token = bearerToken(request.headers);
		const userId = token ? this.tokens.get(token) : undefined;
		const user = this.users.find((candidate) => candidate.id === userId);
		if (!user) return zapError(401, 'Unauthorized: invalid or expired token');

		if (request.method === 'GET' && path === '/v1/users/token') {
			return {
				status: 200,
				body: {
					success: true,
					data: {
						id: user.id,
						name: user.name,
						email: user.email,
						username: user.username,
						role: user.role,
					},
				},
			};
		}
		if (request.method === 'POST' && path === '/v1/support/conversations')
			return this.createConversation(request, user);
		return zapError(404, 'Route not found');
	}

	private issue(user: ZapUser): { token: string; refreshToken: string } {
		const token = `zap-jwt-${randomBytes(12).toString('hex')}`;
		const refreshToken = `zap-refresh-${randomBytes(12).toString('hex')}`;
		this.tokens.set(token, user.id);
		this.refreshTokens.set(refreshToken, user.id);
		return { token, refreshToken };
	}

	private login(request: RouteRequest): Reply {
		this.logins += 1;
		const body = request.body as
			| { identity?: unknown; email?: unknown; password?: unknown }
			| undefined;
		if (!body || typeof body !== 'object') return zapError(400, 'Malformed request body');
		// The request log (and the sandbox page) never shows a password.
		if (typeof body.password === 'string') {
			const redacted = { ...body, password: '[redacted]' };
			request.record.body = redacted;
			request.record.rawBody = JSON.stringify(redacted);
		}
		if (this.legacyLogin && body.identity !== undefined)
			return zapError(422, '"identity" is not allowed');
		const identity = this.legacyLogin ? body.email : body.identity;
		if (typeof identity !== 'string' || typeof body.password !== 'string') {
			return zapError(
				422,
				this.legacyLogin
					? '"email" and "password" are required'
					: '"identity" and "password" are required',
			);
		}
		const user = this.users.find(
			(candidate) =>
				(candidate.email.toLowerCase() === identity.toLowerCase() ||
					candidate.username === identity) &&
				candidate.password === body.password,
		);
		if (!user) return zapError(401, 'Invalid credentials');
		const issued = this.issue(user);
		const session = { ...issued, expiresIn: 86400 };
		const profile = { id: user.id, name: user.name, email: user.email };
		return {
			status: 200,
			body: {
				success: true,
				data: this.nestedLoginData
					? { data: { ...profile, ...session } }
					: { ...session, user: profile },
			},
		};
	}

	private refresh(request: RouteRequest): Reply {
		const refreshToken = (request.body as { refreshToken?: unknown } | undefined)?.refreshToken;
		const userId =
			typeof refreshToken === 'string' ? this.refreshTokens.get(refreshToken) : undefined;
		const user = this.users.find((candidate) => candidate.id === userId);
		if (!user) return zapError(401, 'Invalid refresh token');
		this.refreshTokens.delete(refreshToken as string);
		return { status: 200, body: { success: true, data: this.issue(user) } };
	}

	private createConversation(request: RouteRequest, caller: ZapUser): Reply {
		const rate = this.limiter?.take();
		if (rate && !rate.allowed) {
			return zapError(429, 'Too many requests', { 'retry-after': String(this.retryAfterSeconds) });
		}
		const isGuest = request.query.isGuest;
		if (isGuest !== undefined && isGuest !== 'true' && isGuest !== 'false') {
			return zapError(400, 'isGuest must be true or false');
		}
		const body = request.body;
		if (!body || typeof body !== 'object' || Array.isArray(body))
			return zapError(400, 'Malformed request body');
		const userId = (body as { userId?: unknown }).userId;
		if (typeof userId !== 'string' || !/^[0-9a-fA-F]{24}$/.test(userId)) {
			return zapError(422, '"userId" must be a valid id');
		}
		const target = this.users.find(
			(candidate) => candidate.id.toLowerCase() === userId.toLowerCase(),
		);
		if (!target) return zapError(404, 'User not found');
		if (caller.role !== 'admin' && caller.id !== target.id) {
			return zapError(403, 'You are not allowed to open a conversation for this user');
		}
		const now = new Date();
		const conversation = {
			id: zapObjectId(),
			messages: [],
			supportId: caller.role === 'admin' ? caller.id : null,
			userId: target.id,
			userUnreadCount: 0,
			supportUnreadCount: 0,
			isClosed: false,
			createdAt: now.toISOString(),
			updatedAt: now.toISOString(),
		};
		this.created.push({
			id: conversation.id,
			createdAt: now.getTime(),
			summary: `${target.email}${isGuest === 'true' ? ' (guest)' : ''}`,
			request: body,
			userId: target.id,
			isGuest,
			guestId: request.headers['guest-id'],
			byUserId: caller.id,
		});
		return { status: 201, body: { success: true, data: conversation } };
	}
}
