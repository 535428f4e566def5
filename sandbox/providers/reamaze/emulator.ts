/**
 * Re:amaze API v1 as documented: HTTP Basic `{login email}:{API token}`, `POST /conversations`
 * with `{ conversation: {...} }`, 422 with a JSON body when the request is invalid, 429 with
 * Retry-After when the per-token limit is hit. Served under `/reamaze` (the part the real host
 * serves under `https://{brand}.reamaze.io/api/v1`).
 */
import { randomBytes } from 'node:crypto';

import {
	basicAuth,
	WindowLimiter,
	type ProviderEmulator,
	type Reply,
	type RouteRequest,
} from '../../server';

export const REAMAZE_TEST_EMAIL = 'agent@example.com';
export const REAMAZE_TEST_TOKEN = 'reamaze-test-token-8d1e7b';

export interface ReamazeChannelRecord {
	slug: string;
	name: string;
	email: string;
	channel: number;
}

export interface ReamazeConversationRecord {
	id: string;
	createdAt: number;
	summary: string;
	request: unknown;
	conversation: Record<string, unknown>;
}

const DEFAULT_CHANNELS: ReamazeChannelRecord[] = [
	{ slug: 'support', name: 'Support Email', email: 'support@acme.example', channel: 1 },
	{ slug: 'acme-chat', name: 'Acme Chat', email: 'chat@acme.example', channel: 6 },
	{ slug: 'billing', name: 'Billing', email: 'billing@acme.example', channel: 1 },
];

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const CONVERSATION_KEYS = new Set([
	'subject',
	'category',
	'tag_list',
	'status',
	'data',
	'message',
	'user',
]);
// Re:amaze's pages spell the notification flag both ways; the emulator takes both and, when both
// arrive, requires them to agree.
const MESSAGE_KEYS = new Set([
	'body',
	'recipients',
	'suppress_notification',
	'suppress_notifications',
	'suppress_autoresolve',
	'attachment',
]);
const USER_KEYS = new Set(['name', 'email', 'data']);

const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string =>
	typeof value === 'string' && value.trim() !== '';

function unprocessable(errors: Record<string, string[]>): Reply {
	return { status: 422, body: { errors } };
}

export class ReamazeEmulator implements ProviderEmulator {
	readonly name = 'reamaze';

	brand = 'acme';

	/** email → API token of the staff users that exist. */
	staff = new Map([[REAMAZE_TEST_EMAIL, REAMAZE_TEST_TOKEN]]);

	channels: ReamazeChannelRecord[] = [...DEFAULT_CHANNELS];

	/** What a wrong login gets: Re:amaze is documented (by an API client) to answer 403. */
	badLoginStatus: 401 | 403 = 401;

	/** Channels per page of `GET /channels`. */
	channelPageSize = 30;

	readonly created: ReamazeConversationRecord[] = [];

	limiter?: WindowLimiter;

	matches(path: string): boolean {
		return path === '/reamaze' || path.startsWith('/reamaze/');
	}

	reset(): void {
		this.brand = 'acme';
		this.staff = new Map([[REAMAZE_TEST_EMAIL, REAMAZE_TEST_TOKEN]]);
		this.channels = [...DEFAULT_CHANNELS];
		this.channelPageSize = 30;
		this.badLoginStatus = 401;
		this.created.length = 0;
		this.limiter = undefined;
	}

	conversations() {
		return this.created;
	}

	handle(request: RouteRequest): Reply {
		const login = basicAuth(request.headers);
		if (!login || this.staff.get(login.user) !== login.password) {
			return {
				status: this.badLoginStatus,
				body: { error: 'Unauthorized: invalid login email or API token' },
			};
		}
		const rate = this.limiter?.take();
		if (rate && !rate.allowed) {
			const seconds = Math.max(1, Math.ceil((rate.resetAt - Date.now()) / 1000));
			return {
				status: 429,
				headers: { 'retry-after': String(seconds) },
				body: { error: 'Rate limit exceeded' },
			};
		}
		const path = request.path.replace(/^\/reamaze/, '') || '/';
		if (request.method === 'GET' && path === '/channels') return this.listChannels(request.query);
		if (request.method === 'GET' && path === '/conversations')
			return this.listConversations(request.query);
		if (request.method === 'POST' && path === '/conversations')
			return this.createConversation(request.body);
		return { status: 404, body: { error: 'Not found' } };
	}

	private page(query: Record<string, string>): number {
		const page = Number(query.page ?? '1');
		return Number.isInteger(page) && page >= 1 ? page : 1;
	}

	private listChannels(query: Record<string, string>): Reply {
		const page = this.page(query);
		const size = this.channelPageSize;
		return {
			status: 200,
			body: {
				page_size: size,
				page_count: Math.max(1, Math.ceil(this.channels.length / size)),
				total_count: this.channels.length,
				channels: this.channels.slice((page - 1) * size, page * size),
			},
		};
	}

	private listConversations(query: Record<string, string>): Reply {
		const page = this.page(query);
		const all = [...this.created].reverse().map((record) => record.conversation);
		return {
			status: 200,
			body: {
				page_size: 30,
				page_count: Math.max(1, Math.ceil(all.length / 30)),
				total_count: all.length,
				conversations: all.slice((page - 1) * 30, page * 30),
			},
		};
	}

	/** Checks the documented request shape strictly; every problem is listed in the 422 body. */
	validate(body: unknown): Record<string, string[]> {
		const errors: Record<string, string[]> = {};
		const problem = (field: string, message: string) => (errors[field] ??= []).push(message);
		const conversation = isObject(body) ? body.conversation : undefined;
		if (!isObject(body) || Object.keys(body).length !== 1 || !isObject(conversation)) {
			problem('conversation', 'must be the only top-level key and an object');
			return errors;
		}
		for (const key of Object.keys(conversation))
			if (!CONVERSATION_KEYS.has(key)) problem(key, 'is not a known attribute');
		if (!isText(conversation.subject)) problem('subject', "can't be blank");
		if (!isText(conversation.category)) problem('category', "can't be blank");
		else if (!this.channels.some((channel) => channel.slug === conversation.category))
			problem('category', 'is not a channel of this brand');
		if ('tag_list' in conversation) {
			const tags = conversation.tag_list;
			if (!Array.isArray(tags) || !tags.every(isText))
				problem('tag_list', 'must be a list of tags');
		}
		if ('status' in conversation) {
			const status = conversation.status;
			if (typeof status !== 'number' || !Number.isInteger(status) || status < 0 || status > 9)
				problem('status', 'is not a valid status');
		}
		if ('data' in conversation && !isObject(conversation.data))
			problem('data', 'must be an object');

		const message = conversation.message;
		if (!isObject(message)) problem('message', "can't be blank");
		else {
			for (const key of Object.keys(message))
				if (!MESSAGE_KEYS.has(key)) problem(`message.${key}`, 'is not a known attribute');
			if (!isText(message.body)) problem('message.body', "can't be blank");
			if ('recipients' in message) {
				const recipients = message.recipients;
				if (
					!Array.isArray(recipients) ||
					!recipients.every((entry) => typeof entry === 'string' && EMAIL.test(entry))
				) {
					problem('message.recipients', 'must be a list of email addresses');
				}
			}
			for (const flag of [
				'suppress_notification',
				'suppress_notifications',
				'suppress_autoresolve',
			]) {
				if (flag in message && typeof message[flag] !== 'boolean')
					problem(`message.${flag}`, 'must be true or false');
			}
			if (
				'suppress_notification' in message &&
				'suppress_notifications' in message &&
				message.suppress_notification !== message.suppress_notifications
			) {
				problem('message.suppress_notifications', 'must agree with suppress_notification');
			}
			if (
				'attachment' in message &&
				(typeof message.attachment !== 'string' || !/^https?:\/\//.test(message.attachment))
			) {
				problem('message.attachment', 'must be a URL');
			}
		}

		const user = conversation.user;
		if (!isObject(user)) problem('user', "can't be blank");
		else {
			for (const key of Object.keys(user))
				if (!USER_KEYS.has(key)) problem(`user.${key}`, 'is not a known attribute');
			if (!isText(user.name)) problem('user.name', "can't be blank");
			if (typeof user.email !== 'string' || !EMAIL.test(user.email))
				problem('user.email', 'is invalid');
			if ('data' in user && !isObject(user.data)) problem('user.data', 'must be an object');
		}
		return errors;
	}

	private createConversation(body: unknown): Reply {
		const errors = this.validate(body);
		if (Object.keys(errors).length) return unprocessable(errors);
		const input = (body as { conversation: Record<string, unknown> }).conversation;
		const message = input.message as Record<string, unknown>;
		const user = input.user as Record<string, unknown>;
		const channel = this.channels.find((candidate) => candidate.slug === input.category)!;
		const slug = `${
			String(input.subject)
				.toLowerCase()
				.replace(/[^a-z0-9]+/g, '-')
				.replace(/^-|-$/g, '')
				.slice(0, 40) || 'conversation'
		}-${randomBytes(3).toString('hex')}`;
		const now = new Date().toISOString();
		const conversation = {
			subject: input.subject,
			slug,
			created_at: now,
			updated_at: now,
			tag_list: input.tag_list ?? [],
			status: input.status ?? 0,
			data: input.data ?? {},
			category: {
				name: channel.name,
				slug: channel.slug,
				email: channel.email,
				channel: channel.channel,
			},
			perma_url: `https://${this.brand}.reamaze.io/admin/conversations/${slug}`,
			message: {
				body: message.body,
				created_at: now,
				attachments: message.attachment ? [{ url: message.attachment }] : [],
			},
			author: { name: user.name, email: user.email, data: user.data ?? {} },
			followers: [],
		};
		this.created.push({
			id: slug,
			createdAt: Date.now(),
			summary: `${String(user.email)}: ${String(input.subject)}`,
			request: body,
			conversation,
		});
		return { status: 200, body: conversation };
	}
}
