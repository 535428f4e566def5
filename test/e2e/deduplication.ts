/**
 * Deduplication Key scenarios for a real n8n (regular and queue mode): webhook events that carry
 * an event ID, delivered more than once, and what the provider emulator created for them. The
 * provider is the one the burst suites use (the first whose fixtures set a quota); counts are
 * read from the emulator, never from timings.
 */
import type { IDataObject } from 'n8n-workflow';

import * as queue from '../../scripts/n8n/queue-mode.cjs';
import { NODE_TYPE, credentialRef, quotaProvider, type Emulator } from '../../sandbox';

export interface DedupWorkflowOptions {
	/** One event per webhook call (`body.eventId`, `body.message`), or a list in `body.items`. */
	items: 'one' | 'list';
	requestOptions?: IDataObject;
	/** Node settings such as `retryOnFail`. */
	nodeSettings?: IDataObject;
}

/** Webhook (answers with the last node's first item) → [Code: one item per event] → Create Conversation keyed by the event ID. */
export function dedupWorkflow(
	id: string,
	path: string,
	emulator: Emulator,
	options: DedupWorkflowOptions,
): Record<string, unknown> {
	const provider = quotaProvider();
	const list = options.items === 'list';
	const create = {
		id: `${id}-create`,
		name: 'Create Conversation',
		type: NODE_TYPE,
		typeVersion: 1,
		position: [480, 0],
		parameters: {
			...provider.quota.parameters(emulator, list ? 'item' : 'webhook'),
			requestOptions: {
				deduplicationKey: list ? '={{ $json.eventId }}' : '={{ $json.body.eventId }}',
				...options.requestOptions,
			},
		},
		credentials: credentialRef(provider),
		...options.nodeSettings,
	};
	const webhook = {
		id: `${id}-hook`,
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: `${id}-hook`,
		parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', options: {} },
	};
	const split = {
		id: `${id}-split`,
		name: 'Events',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [240, 0],
		parameters: { jsCode: 'return $json.body.items.map((json) => ({ json }));' },
	};
	const to = (node: string) => ({ main: [[{ node, type: 'main', index: 0 }]] });
	return {
		id,
		name: `E2E deduplication (${path})`,
		nodes: list ? [webhook, split, create] : [webhook, create],
		connections: list
			? { Webhook: to('Events'), Events: to('Create Conversation') }
			: { Webhook: to('Create Conversation') },
		settings: { executionOrder: 'v1' },
		active: false,
	};
}

export interface DedupEvent {
	eventId: string;
	message: string;
}

export function events(prefix: string, count: number): DedupEvent[] {
	return Array.from({ length: count }, (_, index) => ({
		eventId: `${prefix}-${index}`,
		message: `${prefix} event ${index}`,
	}));
}

export interface Delivery {
	event: DedupEvent;
	status: number;
	json: IDataObject | undefined;
	text: string;
}

/** POSTs one event (or a list of events) to the webhook; never throws (status 0 = no answer). */
export async function deliver(
	baseUrl: string,
	path: string,
	event: DedupEvent,
	timeoutMs = 5 * 60_000,
): Promise<Delivery> {
	try {
		const answer = await queue.callWebhook(baseUrl, path, event, { timeoutMs });
		const body = answer.body as IDataObject | IDataObject[] | undefined;
		return {
			event,
			status: answer.status ?? 0,
			json: Array.isArray(body) ? body[0] : body,
			text: answer.text,
		};
	} catch (error) {
		return { event, status: 0, json: undefined, text: (error as Error).message };
	}
}

export async function deliverList(
	baseUrl: string,
	path: string,
	list: DedupEvent[],
): Promise<{ status: number; text: string }> {
	const answer = await queue.callWebhook(baseUrl, path, { items: list }, { timeoutMs: 5 * 60_000 });
	return { status: answer.status ?? 0, text: answer.text };
}

/** How many conversations the emulator created for each event (0 when none). */
export function conversationsPerEvent(emulator: Emulator, list: DedupEvent[]): Map<string, number> {
	const counts = new Map(list.map((event) => [event.message, 0]));
	for (const message of quotaProvider().quota.createdMessages(emulator)) {
		if (counts.has(message)) counts.set(message, counts.get(message)! + 1);
	}
	return counts;
}

/** The emulator's create requests (answered or not) for these events. */
export function createRequests(emulator: Emulator, list: DedupEvent[]): number {
	const provider = quotaProvider();
	const messages = new Set(list.map((event) => event.message));
	return emulator
		.requestsFor(provider.id, { method: 'POST', path: provider.fixtures.reliability.createPath })
		.filter((request) => {
			const body = request.body as { body?: unknown; message?: unknown } | undefined;
			return JSON.stringify(body ?? {})
				.split('"')
				.some((part) => messages.has(part));
		}).length;
}

/** Injects one fault on the n-th (0-based) create request from now on. */
export function injectOnCreate(emulator: Emulator, after: number, status: number): void {
	const provider = quotaProvider();
	emulator.inject({
		provider: provider.id,
		path: provider.fixtures.reliability.createPath,
		after,
		fault: { kind: 'reply', reply: { status, body: {} } },
	});
}

/**
 * n8n's REST API sends an execution's data in the `flatted` format (a JSON array; every string
 * inside an object or array is the index of the value it stands for). Enough of it to read a run.
 */
export function unflatten(text: string): unknown {
	const input = JSON.parse(text) as unknown[];
	const done = new Map<number, unknown>();
	const resolve = (index: number): unknown => {
		if (done.has(index)) return done.get(index);
		const raw = input[index];
		if (typeof raw !== 'object' || raw === null) {
			done.set(index, raw);
			return raw;
		}
		const out: Record<string, unknown> | unknown[] = Array.isArray(raw) ? [] : {};
		done.set(index, out);
		for (const [key, value] of Object.entries(raw)) {
			(out as Record<string, unknown>)[key] =
				typeof value === 'string' ? resolve(Number(value)) : value;
		}
		return out;
	};
	return resolve(0);
}

type RunData = Record<
	string,
	Array<{ data?: { main?: Array<Array<{ json: IDataObject }> | null> } }>
>;

/** The first output item of a node in an execution, read through n8n's REST API. */
export async function nodeOutputOf(
	client: { rest(method: string, path: string): Promise<{ status: number; data: unknown }> },
	executionId: string,
	nodeName: string,
): Promise<IDataObject | undefined> {
	const answer = await client.rest('GET', `/executions/${executionId}`);
	const data = (answer.data as { data?: unknown } | undefined)?.data;
	if (typeof data !== 'string') return undefined;
	const run = unflatten(data) as { resultData?: { runData?: RunData } };
	return run.resultData?.runData?.[nodeName]?.[0]?.data?.main?.[0]?.[0]?.json;
}
