/**
 * A real HTTP server on 127.0.0.1 that speaks each provider's API as documented, checks what
 * arrives on the wire and records every request. Tests, the benchmark and the `npm run dev`
 * sandbox all use it. Provider behaviour lives in one file per provider beside this one.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
	seq: number;
	provider: string;
	method: string;
	path: string;
	query: Record<string, string>;
	headers: Record<string, string>;
	/** Parsed JSON when the body was JSON, the raw text otherwise, undefined when empty. */
	body: unknown;
	rawBody: string;
	receivedAt: number;
	status?: number;
	response?: unknown;
}

export interface Reply {
	status: number;
	body?: unknown;
	headers?: Record<string, string>;
	/** Send this text instead of JSON (e.g. an HTML error page). */
	raw?: string;
}

/** Faults injected ahead of normal routing, one per matching request, in order. */
export type Fault =
	| { kind: 'reply'; reply: Reply }
	| { kind: 'reset-before-body' }
	| { kind: 'reset-after-body' }
	| { kind: 'delay'; ms: number }
	| { kind: 'malformed-json'; status?: number }
	| { kind: 'redirect'; status?: number; location: string };

export interface FaultRule {
	provider?: string;
	method?: string;
	/** Matches when the request path starts with this. */
	pathPrefix?: string;
	/** Matches this path exactly. */
	path?: string;
	fault: Fault;
	/** How many matching requests it applies to (default 1). */
	times?: number;
	/** Matching requests to let through untouched first (default 0): e.g. 1 hits the second create. */
	after?: number;
}

export interface RouteRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	headers: Record<string, string>;
	body: unknown;
	rawBody: string;
	/** The recorded entry, to attach what the emulator decided. */
	record: RecordedRequest;
}

export interface ProviderEmulator {
	/** Name used in the request log and the sandbox page. */
	readonly name: string;
	/** Whether this provider serves the path (everything under `/<provider id>`). */
	matches(path: string, headers: Record<string, string>): boolean;
	handle(request: RouteRequest): Promise<Reply> | Reply;
	/** Conversations created so far, newest last, for the sandbox page and duplicate counting. */
	conversations(): Array<{ id: string; createdAt: number; summary: string; request: unknown }>;
	reset(): void;
}

export interface EmulatorOptions {
	/** Added before every answer, to model a real network. */
	latencyMs?: number;
	host?: string;
	port?: number;
}

export class Emulator {
	readonly requests: RecordedRequest[] = [];

	private readonly faults: FaultRule[] = [];

	private server?: Server;

	private readonly sockets = new Set<Socket>();

	private seq = 0;

	/** Bumped by reset(): a request still delayed from before a reset must not touch the new state. */
	private generation = 0;

	latencyMs: number;

	readonly providers: ProviderEmulator[];

	private readonly options: EmulatorOptions;

	// Plain fields, no parameter properties: this file also runs under Node's type stripping.
	constructor(providers: ProviderEmulator[], options: EmulatorOptions = {}) {
		this.providers = providers;
		this.options = options;
		this.latencyMs = options.latencyMs ?? 0;
	}

	get url(): string {
		const address = this.server?.address() as AddressInfo | null;
		if (!address) throw new Error('emulator is not started');
		return `http://127.0.0.1:${address.port}`;
	}

	/** Base URL a credential's override should use for one provider. */
	baseUrl(provider: string): string {
		return `${this.url}/${provider}`;
	}

	provider<T extends ProviderEmulator>(name: string): T {
		const found = this.providers.find((candidate) => candidate.name === name);
		if (!found) throw new Error(`no emulator for ${name}`);
		return found as T;
	}

	async start(): Promise<this> {
		this.server = createServer((req, res) => {
			this.serve(req, res).catch((error: unknown) => {
				if (!res.headersSent) {
					res.writeHead(500, { 'content-type': 'application/json' });
					res.end(JSON.stringify({ emulatorError: String((error as Error)?.stack ?? error) }));
				}
			});
		});
		this.server.keepAliveTimeout = 1000;
		this.server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		await new Promise<void>((resolve, reject) => {
			this.server!.once('error', reject);
			this.server!.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () =>
				resolve(),
			);
		});
		return this;
	}

	async stop(): Promise<void> {
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) =>
			this.server ? this.server.close(() => resolve()) : resolve(),
		);
	}

	inject(rule: FaultRule): void {
		this.faults.push({ times: 1, ...rule });
	}

	reset(): void {
		this.generation += 1;
		this.requests.length = 0;
		this.faults.length = 0;
		for (const provider of this.providers) provider.reset();
	}

	requestsFor(provider: string, filter?: { method?: string; path?: string }): RecordedRequest[] {
		return this.requests.filter(
			(request) =>
				request.provider === provider &&
				(!filter?.method || request.method === filter.method) &&
				(!filter?.path || request.path === filter.path),
		);
	}

	private takeFault(provider: string, method: string, path: string): Fault | undefined {
		const index = this.faults.findIndex(
			(rule) =>
				(!rule.provider || rule.provider === provider) &&
				(!rule.method || rule.method === method) &&
				(!rule.pathPrefix || path.startsWith(rule.pathPrefix)) &&
				(!rule.path || path === rule.path),
		);
		if (index < 0) return undefined;
		const rule = this.faults[index];
		if ((rule.after ?? 0) > 0) {
			rule.after! -= 1;
			return undefined;
		}
		rule.times = (rule.times ?? 1) - 1;
		if (rule.times <= 0) this.faults.splice(index, 1);
		return rule.fault;
	}

	private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://emulator');
		const method = (req.method ?? 'GET').toUpperCase();
		const headers: Record<string, string> = {};
		for (const [key, value] of Object.entries(req.headers)) {
			headers[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value ?? '');
		}

		const generation = this.generation;
		if (url.pathname.startsWith('/__emulator'))
			return await this.serveControl(method, url, req, res);
		if (method === 'GET' && url.pathname === '/')
			return send(res, { status: 200, raw: this.sandboxPage() });

		const provider = this.providers.find((candidate) => candidate.matches(url.pathname, headers));
		const fault = this.takeFault(provider?.name ?? '', method, url.pathname);
		if (fault?.kind === 'reset-before-body') {
			req.socket.destroy();
			return;
		}
		const rawBody = await readBody(req);
		const record: RecordedRequest = {
			seq: ++this.seq,
			provider: provider?.name ?? 'unknown',
			method,
			path: url.pathname,
			query: Object.fromEntries(url.searchParams.entries()),
			headers,
			body: parseBody(rawBody, headers['content-type']),
			rawBody,
			receivedAt: Date.now(),
		};
		this.requests.push(record);

		if (fault?.kind === 'reset-after-body') {
			req.socket.destroy();
			return;
		}
		if (fault?.kind === 'delay') await pause(fault.ms);
		if (this.latencyMs > 0) await pause(this.latencyMs);
		if (generation !== this.generation) {
			// Delayed past a reset (e.g. a timed-out request from an earlier test): drop it.
			req.socket.destroy();
			return;
		}

		let reply: Reply;
		if (fault?.kind === 'reply') reply = fault.reply;
		else if (fault?.kind === 'malformed-json')
			reply = {
				status: fault.status ?? 200,
				raw: '{"id": "abc", ',
				headers: { 'content-type': 'application/json' },
			};
		else if (fault?.kind === 'redirect')
			reply = { status: fault.status ?? 302, headers: { location: fault.location }, body: {} };
		else if (!provider)
			reply = { status: 404, body: { error: `no provider emulated at ${url.pathname}` } };
		else {
			const routeRequest: RouteRequest = {
				method,
				path: url.pathname,
				query: record.query,
				headers,
				body: record.body,
				rawBody,
				record,
			};
			reply = await provider.handle(routeRequest);
		}
		record.status = reply.status;
		record.response = reply.raw ?? reply.body;
		send(res, reply);
	}

	private async serveControl(
		method: string,
		url: URL,
		req: IncomingMessage,
		res: ServerResponse,
	): Promise<void> {
		const action = url.pathname.replace(/^\/__emulator\/?/, '');
		if (method === 'GET' && action === 'requests') {
			const provider = url.searchParams.get('provider');
			const list = provider
				? this.requests.filter((request) => request.provider === provider)
				: this.requests;
			return send(res, { status: 200, body: list.map(redactRecord) });
		}
		if (method === 'GET' && action === 'conversations') {
			return send(res, { status: 200, body: this.conversationsByProvider() });
		}
		if (method === 'POST' && action === 'reset') {
			this.reset();
			return send(res, { status: 204 });
		}
		if (method === 'POST' && action === 'faults') {
			const rule = parseBody(await readBody(req), 'application/json') as FaultRule;
			this.inject(rule);
			return send(res, { status: 204 });
		}
		if (method === 'POST' && action === 'latency') {
			const { ms } = parseBody(await readBody(req), 'application/json') as { ms: number };
			this.latencyMs = Number(ms) || 0;
			return send(res, { status: 204 });
		}
		return send(res, { status: 404, body: { error: 'unknown control route' } });
	}

	/** The sandbox page: what each provider received, newest first, with the request as sent. */
	sandboxPage(): string {
		const escape = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
		const sections = this.providers.map((provider) => {
			const entries = [...provider.conversations()].reverse();
			const rows = entries.length
				? entries
						.map(
							(entry) =>
								`<li data-provider="${provider.name}"><strong>${escape(entry.id)}</strong> · ${new Date(entry.createdAt).toISOString()}<br>${escape(entry.summary)}<pre>${escape(JSON.stringify(entry.request, null, 2))}</pre></li>`,
						)
						.join('')
				: '<li class="empty">No conversations yet.</li>';
			return `<section id="${provider.name}"><h2>${escape(provider.name)} (${entries.length})</h2><ol>${rows}</ol></section>`;
		});
		return `<!doctype html><html><head><meta charset="utf-8"><title>Create Conversation sandbox</title><meta http-equiv="refresh" content="5"><style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}pre{background:#f4f4f5;padding:.5rem;overflow:auto;font-size:12px}li{margin-bottom:1rem}</style></head><body><h1>Create Conversation sandbox</h1><p>Conversations the emulated providers received, newest first. This page refreshes every 5 seconds.</p>${sections.join('')}</body></html>`;
	}

	conversationsByProvider(): Record<string, unknown[]> {
		return Object.fromEntries(
			this.providers.map((provider) => [provider.name, [...provider.conversations()].reverse()]),
		);
	}
}

/** Secrets never leave the emulator through its control API or page. */
export function redactRecord(record: RecordedRequest): RecordedRequest {
	const headers = { ...record.headers };
	for (const name of ['authorization', 'cookie', 'x-api-key']) {
		if (headers[name]) headers[name] = headers[name].replace(/^(\w+)\s.*$/, '$1 [redacted]');
	}
	return { ...record, headers };
}

function pause(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

async function readBody(req: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

function parseBody(raw: string, contentType: string | undefined): unknown {
	if (!raw) return undefined;
	if (contentType?.includes('application/x-www-form-urlencoded')) {
		return Object.fromEntries(new URLSearchParams(raw).entries());
	}
	try {
		return JSON.parse(raw);
	} catch {
		return raw;
	}
}

function send(res: ServerResponse, reply: Reply): void {
	if (reply.raw !== undefined) {
		res.writeHead(reply.status, { 'content-type': 'text/html; charset=utf-8', ...reply.headers });
		res.end(reply.raw);
		return;
	}
	if (reply.body === undefined) {
		res.writeHead(reply.status, reply.headers);
		res.end();
		return;
	}
	res.writeHead(reply.status, {
		'content-type': 'application/json; charset=utf-8',
		...reply.headers,
	});
	res.end(JSON.stringify(reply.body));
}

/** HTTP Basic credentials from a request, or undefined. */
export function basicAuth(
	headers: Record<string, string>,
): { user: string; password: string } | undefined {
	const match = /^Basic\s+(.+)$/i.exec(headers.authorization ?? '');
	if (!match) return undefined;
	const decoded = Buffer.from(match[1], 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	if (colon < 0) return undefined;
	return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function bearerToken(headers: Record<string, string>): string | undefined {
	return /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1];
}

/**
 * Fixed windows of `limit` requests aligned to multiples of `windowMs` since the epoch, like
 * the 10-second windows some providers use (scaled as wanted). Aligned windows make reset times
 * whole seconds.
 */
export class WindowLimiter {
	private windowStart = 0;

	private used = 0;

	rejected = 0;

	limit: number;

	windowMs: number;

	constructor(limit: number, windowMs: number) {
		this.limit = limit;
		this.windowMs = windowMs;
	}

	/** Counts one request; says whether it is allowed and what the headers should say. */
	take(now = Date.now()): { allowed: boolean; remaining: number; resetAt: number } {
		const start = Math.floor(now / this.windowMs) * this.windowMs;
		if (start !== this.windowStart) {
			this.windowStart = start;
			this.used = 0;
		}
		const resetAt = this.windowStart + this.windowMs;
		if (this.used >= this.limit) {
			this.rejected += 1;
			return { allowed: false, remaining: 0, resetAt };
		}
		this.used += 1;
		return { allowed: true, remaining: this.limit - this.used, resetAt };
	}
}
