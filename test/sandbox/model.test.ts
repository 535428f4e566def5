/**
 * The sandbox's scripted stand-in for OpenAI, over HTTP as n8n's OpenAI Chat Model node calls it.
 * The shapes checked here are the ones LangChain's OpenAI client needs (an assistant role, tool
 * arguments as a JSON string, `annotations` on output text); the real-n8n suite runs an agent on it.
 */
import { createEmulator, type Emulator } from '../../sandbox';
import { MODEL_API_KEY, MODEL_PATH, type ScriptedModel } from '../../sandbox/model';

let emulator: Emulator;
beforeAll(async () => {
	emulator = await createEmulator().start();
});
afterAll(async () => {
	await emulator.stop();
});
beforeEach(() => emulator.reset());

const TOOL_SCHEMA = {
	type: 'object',
	properties: {
		email: { type: 'string', description: "The customer's email address" },
		message: { type: 'string', description: 'What the customer needs' },
	},
	required: ['email', 'message'],
};

async function post(path: string, body: unknown, key = MODEL_API_KEY) {
	const res = await fetch(`${emulator.url}${MODEL_PATH}${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
		body: JSON.stringify(body),
	});
	return { status: res.status, body: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const model = () => emulator.provider<ScriptedModel>('model');

test("a wrong API key gets OpenAI's 401", async () => {
	const answer = await post('/chat/completions', { messages: [] }, 'sk-wrong');
	expect(answer.status).toBe(401);
	expect(answer.body.error.code).toBe('invalid_api_key');
});

test('Chat Completions: the first turn calls the tool with what the user said, the next quotes its result', async () => {
	const tools = [
		{
			type: 'function',
			function: { name: 'Create_Conversation', description: 'Opens one', parameters: TOOL_SCHEMA },
		},
	];
	const user = { role: 'user', content: 'A human please, I am jo@example.com' };
	const first = await post('/chat/completions', {
		model: 'm',
		stream: false,
		tools,
		messages: [user],
	});
	expect(first.status).toBe(200);
	const [choice] = first.body.choices;
	expect(choice.finish_reason).toBe('tool_calls');
	expect(choice.message.role).toBe('assistant');
	const [call] = choice.message.tool_calls;
	expect(call.function.name).toBe('Create_Conversation');
	expect(typeof call.function.arguments).toBe('string');
	expect(JSON.parse(call.function.arguments)).toEqual({
		email: 'jo@example.com',
		message: user.content,
	});

	const result = JSON.stringify([{ conversationId: 'c-42', status: 'created' }]);
	const second = await post('/chat/completions', {
		tools,
		messages: [
			user,
			{ role: 'assistant', content: '', tool_calls: [call] },
			{ role: 'tool', content: result, tool_call_id: call.id },
		],
	});
	expect(second.body.choices[0]).toMatchObject({
		finish_reason: 'stop',
		message: { role: 'assistant' },
	});
	expect(second.body.choices[0].message.content).toContain('conversation c-42 is open');
	expect(second.body.choices[0].message.content).toContain(result);
	expect(model().turns.map((turn) => Boolean(turn.toolCall))).toEqual([true, false]);
	expect(model().turns[0].tools[0]).toMatchObject({
		name: 'Create_Conversation',
		parameters: TOOL_SCHEMA,
	});
});

test('Responses API: "Tool arguments: {…}" in the message scripts the call exactly; the result is quoted', async () => {
	const tools = [
		{
			type: 'function',
			name: 'Create_Conversation',
			description: 'Opens one',
			parameters: TOOL_SCHEMA,
		},
	];
	const scripted = { email: 'not-an-email', message: 'hi' };
	const user = {
		type: 'message',
		role: 'user',
		content: `Do it. Tool arguments: ${JSON.stringify(scripted)}`,
	};
	const first = await post('/responses', { model: 'm', input: [user], tools, text: {} });
	expect(first.body).toMatchObject({ object: 'response', status: 'completed' });
	const [call] = first.body.output;
	expect(call).toMatchObject({ type: 'function_call', name: 'Create_Conversation' });
	expect(JSON.parse(call.arguments)).toEqual(scripted);

	const error = JSON.stringify([{ error: 'Invalid "Email" in item 0: Invalid email' }]);
	const second = await post('/responses', {
		input: [user, call, { type: 'function_call_output', call_id: call.call_id, output: error }],
		tools,
	});
	const [message] = second.body.output;
	expect(message).toMatchObject({ type: 'message', role: 'assistant' });
	expect(message.content[0]).toMatchObject({ type: 'output_text', annotations: [] });
	expect(message.content[0].text).toContain('could not open the conversation');
	expect(message.content[0].text).toContain(error);
});

test('streaming is refused with a message that says what to change', async () => {
	const answer = await post('/chat/completions', {
		stream: true,
		messages: [{ role: 'user', content: 'x' }],
	});
	expect(answer.status).toBe(400);
	expect(answer.body.error.message).toMatch(/does not stream/);
});
