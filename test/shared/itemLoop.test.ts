/**
 * The item loop's promises that are the same for every provider, on the real n8n-core engine,
 * shown with the first registered provider's reliability set-up.
 */
import { createEmulator, type Emulator } from '../../sandbox';
import { itemsOf, PROVIDERS, SETUPS } from '../reliability/support';
import { jsonOf, runNode } from '../support/runNode';

const setup = SETUPS[PROVIDERS[0].id];
let emulator: Emulator;

beforeAll(async () => {
	emulator = await createEmulator().start();
});
afterAll(async () => await emulator.stop());
beforeEach(() => {
	emulator.reset();
	setup.seed(emulator);
});

const credentials = () => setup.credentials(emulator);
const parameters = (requestOptions: Record<string, unknown> = {}) => ({
	...setup.parameters,
	requestOptions,
});
const created = () => emulator.provider(setup.id).conversations();
const fault = (reply: { status: number; body?: unknown }, times = 1) =>
	emulator.inject({
		provider: setup.id,
		pathPrefix: setup.createPath,
		fault: { kind: 'reply', reply },
		times,
	});

describe('a run that stops says what it already created', () => {
	test('the error lists each created item with its conversation ID, and what running again would do', async () => {
		// The third create fails with a 500: items 0 and 1 exist by then.
		emulator.inject({
			provider: setup.id,
			pathPrefix: setup.createPath,
			fault: { kind: 'delay', ms: 0 },
			times: 2,
		});
		fault({ status: 500, body: {} });
		const result = await runNode({
			credentials: credentials(),
			items: itemsOf(4),
			parameters: parameters({ concurrency: 1 }),
		});

		expect(result.status).toBe('error');
		const [first, second] = created();
		const error = result.error as unknown as {
			message: string;
			description: string;
			context: Record<string, unknown>;
		};
		expect(error.message).toBe(
			`${PROVIDERS[0].definition.displayName}: the provider had an internal error`,
		);
		expect(error.description).toContain(
			`Before it stopped, this run already created 2 conversations: item 0 → conversation ${first.id}; item 1 → conversation ${second.id}.`,
		);
		expect(error.description).toContain(
			'Running the workflow again with the same input creates those again',
		);
		expect(error.context.createdItems).toEqual([
			{ itemIndex: 0, status: 'created', conversationId: first.id },
			{ itemIndex: 1, status: 'created', conversationId: second.id },
		]);
		// the fourth item was never started
		expect(created()).toHaveLength(2);
	});

	test('items still in flight when another fails are waited for and listed too', async () => {
		fault({ status: 400, body: { message: 'Bad body' } });
		emulator.latencyMs = 200;
		const result = await runNode({
			credentials: credentials(),
			items: itemsOf(3),
			parameters: parameters({ concurrency: 3 }),
		});
		emulator.latencyMs = 0;
		expect(result.status).toBe('error');
		const description = (result.error as unknown as { description: string }).description;
		expect(created()).toHaveLength(2);
		for (const conversation of created())
			expect(description).toContain(`→ conversation ${conversation.id}`);
	});

	test('a failure before anything was created says nothing about created items', async () => {
		fault({ status: 500, body: {} });
		const result = await runNode({
			credentials: credentials(),
			items: itemsOf(1),
			parameters: parameters(),
		});
		expect(String((result.error as unknown as { description: string }).description)).not.toContain(
			'already created',
		);
	});

	test('with Continue On Fail nothing stops: the failing item is an error item, the others are created', async () => {
		fault({ status: 500, body: {} });
		const result = await runNode({
			credentials: credentials(),
			continueOnFail: true,
			items: itemsOf(3),
			parameters: parameters({ concurrency: 1 }),
		});
		expect(jsonOf(result.output).map((json) => json.status ?? 'error')).toEqual([
			'error',
			'created',
			'created',
		]);
	});
});
