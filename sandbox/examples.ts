/**
 * The example workflows of `examples/`, generated from each provider's fixtures
 * (`fixtures.example`): a form per provider, and for the first provider that has a form
 * submission and a tool example a webhook example, an AI agent example and an MCP example. `npm run sync` writes them; a test checks
 * that the files in the repository are what this generates.
 */
import { createHash } from 'node:crypto';

import {
	AGENT_CREDENTIALS,
	NODE_TYPE,
	credentialRef,
	sandboxProviders,
	type SandboxProvider,
} from './index';
import { MODEL_ID } from './model';

export interface ExampleFile {
	file: string;
	workflow: Record<string, unknown>;
}

/** A UUID that stays the same for the same seed, so regenerated files do not change. */
function stableUuid(seed: string): string {
	const hex = createHash('sha256').update(seed).digest('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const connect = (from: string, to: string, type = 'main') => ({
	[from]: { [type]: [[{ node: to, type, index: 0 }]] },
});

/** The form path of a provider's form example. */
export const formPath = (provider: SandboxProvider) => `create-conversation-${provider.id}`;
export const WEBHOOK_PATH = 'create-conversation';

function conversationNode(
	provider: SandboxProvider,
	id: string,
	parameters: Record<string, unknown>,
	type = NODE_TYPE,
) {
	return {
		id: stableUuid(`${id}:create`),
		name: 'Create Conversation',
		type,
		typeVersion: 1,
		position: [260, 0],
		parameters,
		credentials: credentialRef(provider),
	};
}

function workflow(
	id: string,
	name: string,
	nodes: unknown[],
	connections: Record<string, unknown>,
) {
	return { id, name, nodes, connections, settings: { executionOrder: 'v1' }, pinData: {} };
}

/** `$json.X` / `$json["X"]` of a form example, read from a webhook's JSON body instead. */
function fromWebhookBody(value: unknown): unknown {
	if (typeof value === 'string') return value.replace(/\$json(?=[.[])/g, '$json.body');
	if (Array.isArray(value)) return value.map(fromWebhookBody);
	if (value && typeof value === 'object')
		return Object.fromEntries(
			Object.entries(value).map(([key, entry]) => [key, fromWebhookBody(entry)]),
		);
	return value;
}

export function formExample(provider: SandboxProvider): ExampleFile {
	const { example } = provider.fixtures;
	const id = example.workflowId;
	const form = {
		id: stableUuid(`${id}:form`),
		name: 'Form',
		type: 'n8n-nodes-base.formTrigger',
		typeVersion: 2.3,
		position: [0, 0],
		webhookId: stableUuid(`${id}:form-webhook`),
		parameters: {
			formTitle: example.formTitle,
			formDescription: 'Creates one conversation per submission with the Create Conversation node.',
			formFields: { values: example.fields },
			responseMode: 'onReceived',
			options: { path: formPath(provider), buttonLabel: 'Send' },
		},
	};
	return {
		file: `form-to-${provider.id}.json`,
		workflow: workflow(
			id,
			`Example: form → ${provider.definition.displayName} conversation`,
			[form, conversationNode(provider, id, example.parameters)],
			connect('Form', 'Create Conversation'),
		),
	};
}

function webhookExample(provider: SandboxProvider): ExampleFile {
	const id = 'ccExampleWebhook';
	const hook = {
		id: stableUuid(`${id}:webhook`),
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2.1,
		position: [0, 0],
		webhookId: stableUuid(`${id}:webhook-id`),
		parameters: {
			httpMethod: 'POST',
			path: WEBHOOK_PATH,
			responseMode: 'lastNode',
			responseData: 'allEntries',
			options: {},
		},
	};
	const parameters = fromWebhookBody(provider.fixtures.example.parameters) as Record<
		string,
		unknown
	>;
	return {
		file: 'webhook-to-conversation.json',
		workflow: workflow(
			id,
			`Example: webhook → ${provider.definition.displayName} conversation`,
			[hook, conversationNode(provider, id, parameters)],
			connect('Webhook', 'Create Conversation'),
		),
	};
}

/** The JSON body the webhook example expects: the form example's fields by label. */
export function webhookBody(provider: SandboxProvider): Record<string, string> {
	const { example } = provider.fixtures;
	return Object.fromEntries(
		example.fields.map((field, index) => [
			field.fieldLabel,
			example.submission?.values[index] ?? '',
		]),
	);
}

/** A sticky note on the canvas, for what a user must know before running an example. */
function note(id: string, content: string, position: [number, number], height = 200) {
	return {
		id: stableUuid(`${id}:note`),
		name: 'Read me',
		type: 'n8n-nodes-base.stickyNote',
		typeVersion: 1,
		position,
		parameters: { content, height, width: 420 },
	};
}

/** The node as a tool: its fields filled by the AI with `$fromAI(...)`. */
function toolNode(provider: SandboxProvider, id: string, position: [number, number]) {
	return {
		...conversationNode(
			provider,
			id,
			provider.fixtures.example.tool!.parameters,
			`${NODE_TYPE}Tool`,
		),
		position,
	};
}

/** The OpenAI Chat Model node on the sandbox's scripted stand-in for OpenAI. */
function modelNode(id: string) {
	return {
		id: stableUuid(`${id}:model`),
		name: 'OpenAI Chat Model',
		type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
		typeVersion: 1.3,
		position: [180, 220],
		parameters: { model: { __rl: true, mode: 'list', value: MODEL_ID }, options: {} },
		credentials: {
			[AGENT_CREDENTIALS.model.type]: {
				id: AGENT_CREDENTIALS.model.id,
				name: AGENT_CREDENTIALS.model.name,
			},
		},
	};
}

export const AGENT_NODE = 'AI Agent';
export const AGENT_EXAMPLE_ID = 'ccExampleAiAgent';

/** Chat → AI Agent (OpenAI Chat Model) → Create Conversation as its tool. */
function agentExample(provider: SandboxProvider): ExampleFile {
	const tool = provider.fixtures.example.tool!;
	const id = AGENT_EXAMPLE_ID;
	const nodes = [
		{
			id: stableUuid(`${id}:chat`),
			name: 'When chat message received',
			type: '@n8n/n8n-nodes-langchain.chatTrigger',
			typeVersion: 1.5,
			position: [0, 0],
			webhookId: stableUuid(`${id}:chat-webhook`),
			parameters: { options: {} },
		},
		{
			id: stableUuid(`${id}:agent`),
			name: AGENT_NODE,
			type: '@n8n/n8n-nodes-langchain.agent',
			typeVersion: 3.1,
			position: [260, 0],
			parameters: { options: { systemMessage: tool.systemMessage } },
		},
		modelNode(id),
		toolNode(provider, id, [420, 220]),
		note(
			id,
			`## An AI agent opens ${provider.definition.displayName} conversations\n\nOpen the chat and ask for a human, e.g. *${tool.prompt.text}*\n\n**OpenAI Chat Model** uses the credential "${AGENT_CREDENTIALS.model.name}": a scripted stand-in that \`npm run dev\` serves, not a real model. In your own n8n, choose your OpenAI credential and a model instead.`,
			[-480, -40],
			260,
		),
	];
	return {
		file: 'ai-agent-tool.json',
		workflow: workflow(
			id,
			`Example: an AI agent opens ${provider.definition.displayName} conversations`,
			nodes,
			{
				...connect('When chat message received', AGENT_NODE),
				...connect('OpenAI Chat Model', AGENT_NODE, 'ai_languageModel'),
				...connect('Create Conversation', AGENT_NODE, 'ai_tool'),
			},
		),
	};
}

/**
 * The MCP example's path: clients connect to `<n8n>/mcp/<path>`. n8n keeps MCP and webhook paths
 * in one table (the `/mcp/` prefix aside), so it must differ from the webhook example's path or
 * the second one activated is refused as a conflict.
 */
export const MCP_PATH = 'create-conversation-mcp';

/** MCP Server Trigger (bearer token) → Create Conversation as the tool it offers. */
function mcpExample(provider: SandboxProvider): ExampleFile {
	const id = 'ccExampleMcpSrvr';
	const trigger = 'MCP Server Trigger';
	const nodes = [
		{
			id: stableUuid(`${id}:trigger`),
			name: trigger,
			type: '@n8n/n8n-nodes-langchain.mcpTrigger',
			typeVersion: 2.1,
			position: [0, 0],
			webhookId: stableUuid(`${id}:mcp-webhook`),
			parameters: { authentication: 'bearerAuth', path: MCP_PATH },
			credentials: {
				[AGENT_CREDENTIALS.mcp.type]: {
					id: AGENT_CREDENTIALS.mcp.id,
					name: AGENT_CREDENTIALS.mcp.name,
				},
			},
		},
		toolNode(provider, id, [0, 220]),
		note(
			id,
			`## MCP clients open ${provider.definition.displayName} conversations\n\nPublish this workflow, then connect an MCP client to \`<your n8n URL>/mcp/${MCP_PATH}\` (Streamable HTTP or SSE) with the header \`Authorization: Bearer <token>\`. The token is the credential "${AGENT_CREDENTIALS.mcp.name}": in your own n8n, make a Bearer Auth credential with a long random token of your own.`,
			[-480, -40],
			260,
		),
	];
	return {
		file: 'mcp-server.json',
		workflow: workflow(
			id,
			`Example: MCP clients open ${provider.definition.displayName} conversations`,
			nodes,
			connect('Create Conversation', trigger, 'ai_tool'),
		),
	};
}

/** The provider the single-provider examples (webhook, AI agent) use. */
export function demoProvider(providers: SandboxProvider[] = sandboxProviders()): SandboxProvider {
	const provider = providers.find(
		({ fixtures }) => fixtures.example.submission && fixtures.example.tool,
	);
	if (!provider)
		throw new Error('no provider has a form submission and a tool example for the demo examples');
	return provider;
}

/** Every example file, by name. */
export function exampleFiles(providers: SandboxProvider[] = sandboxProviders()): ExampleFile[] {
	const demo = demoProvider(providers);
	return [
		...providers.map(formExample),
		webhookExample(demo),
		agentExample(demo),
		mcpExample(demo),
	].sort((a, b) => a.file.localeCompare(b.file));
}

/** An example file as it is written: two-space JSON and a final newline. */
export function exampleText(example: ExampleFile): string {
	return `${JSON.stringify(example.workflow, null, 2)}\n`;
}
