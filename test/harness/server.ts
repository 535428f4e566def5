/**
 * A tiny HTTP server on 127.0.0.1 (random port) that records every request and lets a test
 * answer it with a plain function. Only ever listens on loopback.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
	method: string;
	/** Path with query string, e.g. `/api/items?x=1`. */
	url: string;
	path: string;
	query: Record<string, string>;
	headers: http.IncomingHttpHeaders;
	rawBody: string;
	/** Parsed JSON or urlencoded body when the content type says so, else the raw string. */
	body: unknown;
}

export interface Reply {
	status?: number;
	headers?: Record<string, string>;
	/** Objects are sent as JSON. */
	body?: unknown;
	/** Wait this long before answering (the wait ends early when the client goes away). */
	delayMs?: number;
	/** Never answer (until the client aborts or the server is closed). */
	hang?: boolean;
}

export type Handler = (request: RecordedRequest) => Reply | Promise<Reply>;

export interface LoopbackServer {
	/** `http://127.0.0.1:<port>` */
	url: string;
	requests: RecordedRequest[];
	/** Requests whose path equals `path`. */
	requestsTo(path: string): RecordedRequest[];
	/** Replace the handler. */
	setHandler(handler: Handler): void;
	/** Number of requests whose client went away before an answer was sent. */
	readonly abortedRequests: number;
	close(): Promise<void>;
}

function parseBody(raw: string, contentType: string | undefined): unknown {
	if (raw === '') return undefined;
	if (contentType?.includes('application/json')) {
		try {
			return JSON.parse(raw);
		} catch {
			return raw;
		}
	}
	if (contentType?.includes('application/x-www-form-urlencoded')) {
		return Object.fromEntries(new URLSearchParams(raw));
	}
	return raw;
}

export async function startLoopbackServer(
	handler: Handler = () => ({ body: {} }),
): Promise<LoopbackServer> {
	let currentHandler = handler;
	const requests: RecordedRequest[] = [];
	let abortedRequests = 0;

	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			void (async () => {
				const rawBody = Buffer.concat(chunks).toString('utf8');
				const parsed = new URL(req.url ?? '/', 'http://127.0.0.1');
				const recorded: RecordedRequest = {
					method: req.method ?? 'GET',
					url: req.url ?? '/',
					path: parsed.pathname,
					query: Object.fromEntries(parsed.searchParams),
					headers: req.headers,
					rawBody,
					body: parseBody(rawBody, req.headers['content-type']),
				};
				requests.push(recorded);

				let closed = false;
				res.on('close', () => {
					if (!res.writableEnded) {
						closed = true;
						abortedRequests++;
					}
				});

				let reply: Reply;
				try {
					reply = await currentHandler(recorded);
				} catch (error) {
					reply = { status: 500, body: { error: String(error) } };
				}
				if (reply.hang) return;
				if (reply.delayMs) {
					await new Promise<void>((resolve) => {
						const timer = setTimeout(resolve, reply.delayMs);
						res.on('close', () => {
							clearTimeout(timer);
							resolve();
						});
					});
				}
				if (closed) return;
				const isJson = reply.body !== undefined && typeof reply.body !== 'string';
				res.writeHead(reply.status ?? 200, {
					...(isJson ? { 'content-type': 'application/json' } : {}),
					...reply.headers,
				});
				res.end(isJson ? JSON.stringify(reply.body) : (reply.body as string | undefined));
			})();
		});
	});

	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;

	return {
		url: `http://127.0.0.1:${port}`,
		requests,
		requestsTo: (path) => requests.filter((request) => request.path === path),
		setHandler: (next) => {
			currentHandler = next;
		},
		get abortedRequests() {
			return abortedRequests;
		},
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
