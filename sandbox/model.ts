/**
 * A scripted stand-in for OpenAI's API, so n8n's AI Agent can use the node as a tool with no
 * account anywhere: n8n's OpenAI Chat Model node talks to it through an OpenAI credential whose
 * Base URL is `<sandbox>/model/v1`. It serves both APIs that node calls (the Responses API, its
 * default from version 1.3, and Chat Completions), without streaming.
 *
 * It is not a model. On a turn that ends with the user's message it calls the first tool it was
 * given; on a turn that ends with a tool's result it answers with text quoting that result.
 * The tool's arguments come from the user's message:
 * - `Tool arguments: {"email": "…", "message": "…"}` anywhere in it: exactly those (tests use
 *   this to script a call, a bad email included);
 * - otherwise each argument of the tool's schema gets a value read from the message: an email
 *   address for a key or description that mentions email, the message itself for anything else.
 */
import type { ProviderEmulator, Reply, RouteRequest } from './server';
import { bearerToken } from './server';

/** The API key of the sandbox's OpenAI credential; anything else gets OpenAI's 401. */
export const MODEL_API_KEY = 'sk-sandbox-scripted-model';
export const MODEL_ID = 'sandbox-scripted-model';
/** The path under the sandbox that the OpenAI credential's Base URL points at. */
export const MODEL_PATH = '/model/v1';

/** A tool as the model was offered it, in either API's shape. */
export interface OfferedTool {
	name: string;
	description?: string;
	parameters?: {
		type?: string;
		properties?: Record<string, { type?: string; description?: string }>;
		required?: string[];
	};
}

/** One answered turn, for the sandbox page and the tests. */
export interface ModelTurn {
	api: 'responses' | 'chat.completions';
	tools: OfferedTool[];
	/** The tool call the model made, or the text it answered with. */
	toolCall?: { name: string; arguments: Record<string, unknown> };
	text?: string;
	/** The tool result the text quotes. */
	toolResult?: string;
}

const EMAIL = /[^\s@<>(),;:"']+@[^\s@<>(),;:"']+\.[A-Za-z]{2,}/;
const SCRIPTED_ARGUMENTS = /tool arguments:\s*(\{[\s\S]*\})/i;

/** The arguments for a tool call, from the user's message (see the file comment). */
export function argumentsFor(tool: OfferedTool, userText: string): Record<string, unknown> {
	const scripted = SCRIPTED_ARGUMENTS.exec(userText)?.[1];
	if (scripted) return JSON.parse(scripted) as Record<string, unknown>;
	const email = EMAIL.exec(userText)?.[0];
	const args: Record<string, unknown> = {};
	for (const [key, schema] of Object.entries(tool.parameters?.properties ?? {})) {
		const mentionsEmail = /e-?mail/i.test(key) || /e-?mail/i.test(schema.description ?? '');
		args[key] = mentionsEmail && email ? email : userText;
	}
	return args;
}

/** The final answer: what the tool returned, quoted. */
export function answerFor(toolName: string, toolResult: string): string {
	let conversationId: unknown;
	let error: unknown;
	try {
		const parsed = JSON.parse(toolResult) as unknown;
		const first = (Array.isArray(parsed) ? parsed[0] : parsed) as Record<string, unknown>;
		conversationId = first?.conversationId;
		error = first?.error;
	} catch {
		// not JSON: quoted as it is
	}
	if (typeof conversationId === 'string')
		return `Done: conversation ${conversationId} is open. ${toolName} returned: ${toolResult}`;
	if (error !== undefined)
		return `${toolName} could not open the conversation. It returned: ${toolResult}`;
	return `${toolName} returned: ${toolResult}`;
}

type Json = Record<string, unknown>;

function textOf(content: unknown): string {
	if (typeof content === 'string') return content;
	if (Array.isArray(content))
		return content
			.map((part) => (typeof part === 'string' ? part : String((part as Json)?.text ?? '')))
			.join('');
	return '';
}

function openAiError(status: number, message: string, code: string): Reply {
	return { status, body: { error: { message, type: 'invalid_request_error', code } } };
}

export class ScriptedModel implements ProviderEmulator {
	readonly name = 'model';

	readonly turns: ModelTurn[] = [];

	private readonly answered: Array<{ id: string; createdAt: number; turn: ModelTurn }> = [];

	private seq = 0;

	matches(path: string): boolean {
		return path === MODEL_PATH || path.startsWith(`${MODEL_PATH}/`);
	}

	handle(request: RouteRequest): Reply {
		if (bearerToken(request.headers) !== MODEL_API_KEY) {
			return openAiError(401, 'Incorrect API key provided.', 'invalid_api_key');
		}
		const path = request.path.slice(MODEL_PATH.length);
		if (request.method === 'GET' && path === '/models') {
			return {
				status: 200,
				body: { object: 'list', data: [{ id: MODEL_ID, object: 'model', owned_by: 'sandbox' }] },
			};
		}
		const body = (request.body ?? {}) as Json;
		if (request.method === 'POST' && (path === '/responses' || path === '/chat/completions')) {
			if (body.stream === true) {
				return openAiError(
					400,
					"The sandbox's scripted model does not stream: set the Chat Trigger's Response Mode to 'When Last Node Finishes'.",
					'stream_not_supported',
				);
			}
			return path === '/responses' ? this.respond(body) : this.complete(body);
		}
		return openAiError(404, `No route ${request.method} ${request.path}`, 'unknown_url');
	}

	conversations(): Array<{ id: string; createdAt: number; summary: string; request: unknown }> {
		return this.answered.map(({ id, createdAt, turn }) => ({
			id,
			createdAt,
			summary: turn.toolCall
				? `called ${turn.toolCall.name} with ${JSON.stringify(turn.toolCall.arguments)}`
				: `answered: ${turn.text}`,
			request: { api: turn.api, tools: turn.tools.map((tool) => tool.name) },
		}));
	}

	reset(): void {
		this.turns.length = 0;
		this.answered.length = 0;
	}

	private record(turn: ModelTurn): string {
		const id = `${++this.seq}`;
		this.turns.push(turn);
		this.answered.push({ id, createdAt: Date.now(), turn });
		return id;
	}

	/** One turn from the conversation so far: call the first tool, or quote its result. */
	private turn(
		api: ModelTurn['api'],
		tools: OfferedTool[],
		last: { role: 'user' | 'tool'; text: string },
		calledTool?: string,
	): ModelTurn {
		if (last.role === 'tool') {
			const name = calledTool ?? tools[0]?.name ?? 'the tool';
			return { api, tools, text: answerFor(name, last.text), toolResult: last.text };
		}
		const tool = tools[0];
		if (!tool) return { api, tools, text: 'I have no tool to open a conversation with.' };
		return { api, tools, toolCall: { name: tool.name, arguments: argumentsFor(tool, last.text) } };
	}

	/** `POST /responses`: `input` items; a tool result is a `function_call_output`. */
	private respond(body: Json): Reply {
		const input = Array.isArray(body.input)
			? (body.input as Json[])
			: [{ role: 'user', content: body.input }];
		const tools = ((body.tools as Json[] | undefined) ?? [])
			.filter((tool) => tool.type === 'function')
			.map((tool) => ({
				name: String(tool.name),
				description: tool.description as string | undefined,
				parameters: tool.parameters as OfferedTool['parameters'],
			}));
		const lastItem = input.at(-1) ?? {};
		const calls = input.filter((item) => item.type === 'function_call');
		const last =
			lastItem.type === 'function_call_output'
				? { role: 'tool' as const, text: textOf(lastItem.output) }
				: {
						role: 'user' as const,
						text: textOf([...input].reverse().find((item) => item.role === 'user')?.content ?? ''),
					};
		const turn = this.turn('responses', tools, last, calls.at(-1)?.name as string | undefined);
		const id = this.record(turn);
		const output = turn.toolCall
			? [
					{
						type: 'function_call',
						id: `fc_${id}`,
						call_id: `call_${id}`,
						name: turn.toolCall.name,
						arguments: JSON.stringify(turn.toolCall.arguments),
						status: 'completed',
					},
				]
			: [
					{
						type: 'message',
						id: `msg_${id}`,
						role: 'assistant',
						status: 'completed',
						content: [{ type: 'output_text', text: turn.text, annotations: [] }],
					},
				];
		return {
			status: 200,
			body: {
				id: `resp_${id}`,
				object: 'response',
				created_at: Math.floor(Date.now() / 1000),
				status: 'completed',
				model: String(body.model ?? MODEL_ID),
				output,
				usage: { input_tokens: 10, output_tokens: 5, total_tokens: 15 },
			},
		};
	}

	/** `POST /chat/completions`: `messages`; a tool result is a `tool` message. */
	private complete(body: Json): Reply {
		const messages = (body.messages as Json[] | undefined) ?? [];
		const tools = ((body.tools as Json[] | undefined) ?? [])
			.map((tool) => tool.function as Json | undefined)
			.filter((fn): fn is Json => Boolean(fn))
			.map((fn) => ({
				name: String(fn.name),
				description: fn.description as string | undefined,
				parameters: fn.parameters as OfferedTool['parameters'],
			}));
		const lastMessage = messages.at(-1) ?? {};
		const calls = messages.flatMap((message) => (message.tool_calls as Json[] | undefined) ?? []);
		const last =
			lastMessage.role === 'tool'
				? { role: 'tool' as const, text: textOf(lastMessage.content) }
				: {
						role: 'user' as const,
						text: textOf(
							[...messages].reverse().find((message) => message.role === 'user')?.content ?? '',
						),
					};
		const calledTool = (calls.at(-1)?.function as Json | undefined)?.name as string | undefined;
		const turn = this.turn('chat.completions', tools, last, calledTool);
		const id = this.record(turn);
		const message = turn.toolCall
			? {
					role: 'assistant',
					content: null,
					tool_calls: [
						{
							id: `call_${id}`,
							type: 'function',
							function: {
								name: turn.toolCall.name,
								arguments: JSON.stringify(turn.toolCall.arguments),
							},
						},
					],
				}
			: { role: 'assistant', content: turn.text };
		return {
			status: 200,
			body: {
				id: `chatcmpl-${id}`,
				object: 'chat.completion',
				created: Math.floor(Date.now() / 1000),
				model: String(body.model ?? MODEL_ID),
				choices: [{ index: 0, finish_reason: turn.toolCall ? 'tool_calls' : 'stop', message }],
				usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
			},
		};
	}
}
