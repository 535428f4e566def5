/**
 * The AI examples as the end-to-end suite runs them: the agent example with a Webhook in place of
 * its Chat Trigger (a chat needs the editor; a webhook answers with the agent's reply), on either
 * API the OpenAI Chat Model node speaks, and what a scripted tool call carries.
 */
import { exampleFiles, AGENT_NODE } from '../../sandbox/examples';
import type { SandboxProvider } from '../../sandbox';

export type ModelApi = 'responses' | 'chat.completions';

/** The `$fromAI(key, description, …)` fields of the tool's parameters, in order. */
export function fromAiFields(
	parameters: Record<string, unknown>,
): Array<{ key: string; description: string }> {
	const found: Array<{ key: string; description: string }> = [];
	const pattern = /\$fromAI\(\s*'([^']+)'\s*,\s*'((?:[^'\\]|\\.)*)'/g;
	for (const value of Object.values(parameters)) {
		if (typeof value !== 'string') continue;
		for (const match of value.matchAll(pattern))
			found.push({ key: match[1], description: match[2].replace(/\\'/g, "'") });
	}
	return found;
}

/**
 * The arguments a scripted model passes: the given email for the field that asks for one, the
 * marker text for every other field.
 */
export function toolArguments(
	provider: SandboxProvider,
	email: string,
	marker: string,
): Record<string, string> {
	return Object.fromEntries(
		fromAiFields(provider.fixtures.example.tool!.parameters).map(({ key, description }) => [
			key,
			/e-?mail/i.test(`${key} ${description}`) ? email : marker,
		]),
	);
}

/** What a user says to make the scripted model call the tool with exactly these arguments. */
export const scriptedPrompt = (args: Record<string, unknown>) =>
	`Please open a conversation for me. Tool arguments: ${JSON.stringify(args)}`;

/** The agent example, triggered by `POST /webhook/<path>` with `{ prompt }`, on one model API. */
export function agentWebhookWorkflow(
	id: string,
	path: string,
	api: ModelApi,
): Record<string, unknown> {
	const example = exampleFiles().find((file) => file.file === 'ai-agent-tool.json')!;
	const source = JSON.parse(JSON.stringify(example.workflow)) as {
		nodes: Array<{ name: string; type: string; parameters: Record<string, unknown> }>;
		connections: Record<string, unknown>;
	};
	const [chatTrigger] = source.nodes.filter((node) => node.type.endsWith('.chatTrigger'));
	const nodes = source.nodes
		.filter((node) => node !== chatTrigger && !node.type.endsWith('.stickyNote'))
		.map((node) => {
			if (node.name === AGENT_NODE)
				return {
					...node,
					parameters: {
						...node.parameters,
						promptType: 'define',
						text: '={{ $json.body.prompt }}',
					},
				};
			if (node.type.endsWith('.lmChatOpenAi'))
				// version 1.3 calls the Responses API unless told otherwise
				return {
					...node,
					parameters: { ...node.parameters, responsesApiEnabled: api === 'responses' },
				};
			return node;
		});
	const connections = { ...source.connections };
	delete connections[chatTrigger.name];
	return {
		id,
		name: `E2E: AI agent (${api})`,
		nodes: [
			{
				id: `${id}-hook`,
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: `${id}-hook`,
				parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', options: {} },
			},
			...nodes,
		],
		connections: {
			...connections,
			Webhook: { main: [[{ node: AGENT_NODE, type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
		active: false,
	};
}
