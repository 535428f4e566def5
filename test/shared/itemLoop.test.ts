/**
 * The item loop's promises that are the same for every provider, on the real n8n-core engine.
 */
import { createEmulator, type Emulator } from '../emulator/index.ts';
import { INTERCOM_TEST_TOKEN, type IntercomEmulator } from '../emulator/intercom.ts';
import { jsonOf, runNode } from '../support/engine';

let emulator: Emulator;
let intercom: IntercomEmulator;

beforeAll(async () => {
	emulator = await createEmulator().start();
	intercom = emulator.provider<IntercomEmulator>('intercom');
});
afterAll(async () => await emulator.stop());
beforeEach(() => emulator.reset());

const credentials = () => ({
	intercomConversationApi: { accessToken: INTERCOM_TEST_TOKEN, region: 'us', apiVersion: '2.16', baseUrl: emulator.baseUrl('intercom') },
});

const parameters = (requestOptions: Record<string, unknown> = {}) => ({
	provider: 'intercom',
	intercomContactMode: 'id',
	intercomContactId: '={{ $json.contactId }}',
	intercomBody: '={{ $json.message }}',
	requestOptions,
});

describe('a run that stops says what it already created', () => {
	test('the error lists each created item with its conversation ID, and what running again would do', async () => {
		const contact = intercom.addContact({ role: 'user' });
		// The third create fails with a 500: items 0 and 1 exist by then.
		emulator.inject({ provider: 'intercom', pathPrefix: '/intercom/conversations', fault: { kind: 'delay', ms: 0 }, times: 2 });
		emulator.inject({ provider: 'intercom', pathPrefix: '/intercom/conversations', fault: { kind: 'reply', reply: { status: 500, body: {} } } });
		const items = ['first', 'second', 'third', 'fourth'].map((message) => ({ contactId: contact.id, message }));
		const result = await runNode({ credentials: credentials(), items, parameters: parameters({ concurrency: 1 }) });

		expect(result.status).toBe('error');
		const [first, second] = intercom.created;
		const error = result.error as unknown as { message: string; description: string; context: Record<string, unknown> };
		expect(error.message).toBe('Intercom: the provider had an internal error');
		expect(error.description).toContain(
			`Before it stopped, this run already created 2 conversations: item 0 → conversation ${first.id}; item 1 → conversation ${second.id}.`,
		);
		expect(error.description).toContain('Running the workflow again with the same input creates those again');
		expect(error.context.createdItems).toEqual([
			{ itemIndex: 0, status: 'created', conversationId: first.id },
			{ itemIndex: 1, status: 'created', conversationId: second.id },
		]);
		// the fourth item was never started
		expect(intercom.created).toHaveLength(2);
	});

	test('items still in flight when another fails are waited for and listed too', async () => {
		const contact = intercom.addContact({ role: 'user' });
		emulator.inject({ provider: 'intercom', pathPrefix: '/intercom/conversations', fault: { kind: 'reply', reply: { status: 400, body: { type: 'error.list', errors: [{ code: 'parameter_invalid', message: 'Bad body' }] } } } });
		emulator.latencyMs = 200;
		const items = ['a', 'b', 'c'].map((message) => ({ contactId: contact.id, message }));
		const result = await runNode({ credentials: credentials(), items, parameters: parameters({ concurrency: 3 }) });
		emulator.latencyMs = 0;
		expect(result.status).toBe('error');
		const description = (result.error as unknown as { description: string }).description;
		expect(intercom.created).toHaveLength(2);
		for (const conversation of intercom.created) expect(description).toContain(`→ conversation ${conversation.id}`);
	});

	test('a failure before anything was created says nothing about created items', async () => {
		const contact = intercom.addContact({ role: 'user' });
		emulator.inject({ provider: 'intercom', pathPrefix: '/intercom/conversations', fault: { kind: 'reply', reply: { status: 500, body: {} } } });
		const result = await runNode({ credentials: credentials(), items: [{ contactId: contact.id, message: 'x' }], parameters: parameters() });
		expect(String((result.error as unknown as { description: string }).description)).not.toContain('already created');
	});

	test('with Continue On Fail nothing stops: the failing item is an error item, the others are created', async () => {
		const contact = intercom.addContact({ role: 'user' });
		emulator.inject({ provider: 'intercom', pathPrefix: '/intercom/conversations', fault: { kind: 'reply', reply: { status: 500, body: {} } } });
		const items = ['a', 'b', 'c'].map((message) => ({ contactId: contact.id, message }));
		const result = await runNode({ credentials: credentials(), continueOnFail: true, items, parameters: parameters({ concurrency: 1 }) });
		expect(jsonOf(result.output).map((json) => json.status ?? 'error')).toEqual(['error', 'created', 'created']);
	});
});
