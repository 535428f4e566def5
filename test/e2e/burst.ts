/**
 * A burst of webhook executions against a real n8n, as form-to-helpdesk traffic arrives: one
 * execution per POST, all at once, all with the same credential, against the emulator enforcing
 * quota windows the way the provider does (a quota per credential, `X-RateLimit-*` headers, 429
 * beyond), scaled down so the run stays short. The provider is the first one whose fixtures say
 * how to set its quota. Used by the regular-mode and the queue-mode suites.
 */
import * as http from 'node:http';

import { NODE_TYPE, credentialRef, quotaProvider, type Emulator } from '../../sandbox';

export interface BurstPlan {
	/** Executions fired at once. */
	count: number;
	/** Creates the emulator allows per window and token. */
	limit: number;
	/**
	 * Scaled down from the provider's own (often 10 s), in whole seconds (reset headers count
	 * seconds). Long enough that n8n taking in the burst (one to three seconds for 200 webhooks
	 * on SQLite, on a busy 2-core machine) fits in the first window.
	 */
	windowMs: number;
	path: string;
}

/** Webhook (answers when the run ends) → Create Conversation from `message` in the body. */
export function burstWorkflow(
	id: string,
	path: string,
	emulator: Emulator,
): Record<string, unknown> {
	const provider = quotaProvider();
	return {
		id,
		name: `E2E burst (${path})`,
		nodes: [
			{
				id: 'hook',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: `${id}-hook`,
				parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', options: {} },
			},
			{
				id: 'create',
				name: 'Create Conversation',
				type: NODE_TYPE,
				typeVersion: 1,
				position: [240, 0],
				parameters: provider.quota.parameters(emulator, 'webhook'),
				credentials: credentialRef(provider),
			},
		],
		connections: { Webhook: { main: [[{ node: 'Create Conversation', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
		active: false,
	};
}

export interface BurstOutcome {
	/** HTTP status of each webhook call, in firing order. */
	statuses: number[];
	/** Conversation IDs the executions answered with (undefined where none). */
	answered: Array<string | undefined>;
	wallMs: number;
	/** The least time the quota allows for `count` creates from the moment the burst started. */
	floorMs: number;
	creates: number;
	status429: number;
	created: number;
	duplicates: number;
	/** Messages the emulator never received a successful create for. */
	lost: string[];
	failures: string[];
	/** Creates received per window since the burst started (window 0 first). */
	perWindow: Record<string, number>;
	firstCreateMs: number;
	lastCreateMs: number;
}

function post(
	baseUrl: string,
	path: string,
	body: unknown,
	agent: http.Agent,
): Promise<{ status: number; text: string }> {
	const url = new URL(`/webhook/${path}`, baseUrl);
	const payload = JSON.stringify(body);
	return new Promise((resolve, reject) => {
		const request = http.request(
			url,
			{
				method: 'POST',
				agent,
				headers: {
					'content-type': 'application/json',
					'content-length': Buffer.byteLength(payload),
				},
				timeout: 5 * 60_000,
			},
			(response) => {
				let text = '';
				response.setEncoding('utf8');
				response.on('data', (chunk: string) => (text += chunk));
				response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
			},
		);
		request.on('timeout', () => request.destroy(new Error('no answer in 5 minutes')));
		request.on('error', reject);
		request.end(payload);
	});
}

/**
 * Fires `count` POSTs at once, right after a window boundary (so the floor is exact), and reads
 * what the emulator received. The provider's quota is set for the burst and lifted after.
 */
/** A few executions through the same path first, so the burst measures pacing, not n8n warming up. */
export async function warmUp(baseUrl: string, path: string, count = 20): Promise<void> {
	const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
	try {
		const answers = await Promise.all(
			Array.from({ length: count }, (_, index) =>
				post(baseUrl, path, { message: `warm-up ${path} ${index}` }, agent),
			),
		);
		const failed = answers.filter((answer) => answer.status !== 200);
		if (failed.length)
			throw new Error(
				`warm-up: ${failed.length} of ${count} failed: ${failed[0].status} ${failed[0].text.slice(0, 300)}`,
			);
	} finally {
		agent.destroy();
	}
}

export async function fireBurst(
	emulator: Emulator,
	baseUrl: string,
	plan: BurstPlan,
): Promise<BurstOutcome> {
	const provider = quotaProvider();
	const createPath = provider.fixtures.reliability.createPath;
	const messages = Array.from({ length: plan.count }, (_, index) => `burst ${plan.path} ${index}`);
	provider.quota.limitEachCredential(emulator, plan.limit, plan.windowMs);
	const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
	try {
		await new Promise((resolve) =>
			setTimeout(resolve, plan.windowMs - (Date.now() % plan.windowMs) + 5),
		);
		const started = Date.now();
		const answers = await Promise.all(
			messages.map((message) =>
				post(baseUrl, plan.path, { message }, agent).catch((error: Error) => ({
					status: 0,
					text: error.message,
				})),
			),
		);
		const wallMs = Date.now() - started;
		const windowStart = Math.floor(started / plan.windowMs) * plan.windowMs;
		const floorMs =
			windowStart + (Math.ceil(plan.count / plan.limit) - 1) * plan.windowMs - started;

		const creates = emulator
			.requestsFor(provider.id, { method: 'POST', path: createPath })
			.filter((request) => request.receivedAt >= started);
		const createdBodies = provider.quota
			.createdMessages(emulator)
			.filter((body) => messages.includes(body));
		const counts = new Map<string, number>();
		for (const body of createdBodies) counts.set(body, (counts.get(body) ?? 0) + 1);
		const answered = answers.map((answer) => {
			try {
				const json = JSON.parse(answer.text) as
					| { conversationId?: string }
					| Array<{ conversationId?: string }>;
				return (Array.isArray(json) ? json[0] : json)?.conversationId ?? undefined;
			} catch {
				return undefined;
			}
		});
		return {
			statuses: answers.map((answer) => answer.status),
			answered,
			wallMs,
			floorMs,
			creates: creates.length,
			status429: creates.filter((request) => request.status === 429).length,
			created: createdBodies.length,
			duplicates: [...counts.values()].reduce((sum, count) => sum + count - 1, 0),
			lost: messages.filter((message) => !counts.has(message)),
			failures: answers
				.filter((answer) => answer.status !== 200)
				.slice(0, 5)
				.map((answer) => `${answer.status}: ${answer.text.slice(0, 300)}`),
			perWindow: creates.reduce<Record<string, number>>((acc, request) => {
				const key = String(Math.floor((request.receivedAt - windowStart) / plan.windowMs));
				acc[key] = (acc[key] ?? 0) + 1;
				return acc;
			}, {}),
			firstCreateMs: Math.min(...creates.map((request) => request.receivedAt)) - started,
			lastCreateMs: Math.max(...creates.map((request) => request.receivedAt)) - started,
		};
	} finally {
		agent.destroy();
		provider.quota.unlimit(emulator);
	}
}
