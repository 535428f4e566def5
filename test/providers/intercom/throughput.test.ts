/**
 * Scenario 2 of `npm run bench`, small: Intercom-style fixed windows (20 requests per second;
 * Intercom's X-RateLimit-Reset is in whole seconds, so windows are whole seconds too),
 * on the real n8n-core engine against the emulator. The scheduler reads X-RateLimit-Remaining /
 * X-RateLimit-Reset and holds new requests until the reset instead of running into 429s.
 */
import { WindowLimiter } from '../../../sandbox/server';
import { createEmulator, type Emulator } from '../../../sandbox/index';
import {
	INTERCOM_TEST_TOKEN,
	type IntercomEmulator,
} from '../../../sandbox/providers/intercom/emulator';
import { jsonOf, runNode } from '../../support/runNode';

let emulator: Emulator;
let intercom: IntercomEmulator;

beforeAll(async () => {
	emulator = await createEmulator({ latencyMs: 5 }).start();
	intercom = emulator.provider<IntercomEmulator>('intercom');
});
afterAll(async () => await emulator.stop());
beforeEach(() => emulator.reset());

/** Loads and warms the engine once, so the timed runs below measure pacing, not start-up. */
beforeAll(async () => {
	const contact = intercom.addContact({ role: 'user' });
	await runNode({
		credentials: credentials(),
		items: [{}, {}],
		parameters: {
			provider: 'intercom',
			intercomContactMode: 'id',
			intercomContactId: contact.id,
			intercomBody: 'warm-up',
		},
	});
});

const credentials = () => ({
	intercomConversationApi: {
		accessToken: INTERCOM_TEST_TOKEN,
		region: 'us',
		apiVersion: '2.11',
		baseUrl: emulator.baseUrl('intercom'),
	},
});

const creates = () =>
	emulator.requestsFor('intercom', { method: 'POST', path: '/intercom/conversations' });
const duplicates = () =>
	[...intercom.createsByKey.values()].reduce((sum, count) => sum + count - 1, 0);

/** Starts just after a window boundary, so the number of windows a run needs is exact. */
async function alignTo(windowMs: number): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, windowMs - (Date.now() % windowMs) + 5));
}

const LIMIT = 20;
const WINDOW_MS = 1000;

test('60 items under 20 requests per second: all created once, in input order, close to the floor, almost no 429s', async () => {
	const contacts = Array.from({ length: 4 }, (_, index) =>
		intercom.addContact({ role: 'user', email: `t${index}@example.com` }),
	);
	const items = Array.from({ length: 60 }, (_, index) => ({
		contactId: contacts[index % 4].id,
		message: `throughput ${index}`,
	}));
	intercom.limiter = new WindowLimiter(LIMIT, WINDOW_MS);
	await alignTo(WINDOW_MS);
	const started = Date.now();
	const result = await runNode({
		credentials: credentials(),
		items,
		parameters: {
			provider: 'intercom',
			intercomContactMode: 'id',
			intercomContactId: '={{ $json.contactId }}',
			intercomBody: '={{ $json.message }}',
		},
	});
	const elapsed = Date.now() - started;

	expect(result.error).toBeUndefined();
	const output = jsonOf(result.output);
	expect(output.filter((item) => item.error !== undefined)).toEqual([]);
	expect(output.map((item) => (item.response as { body: string }).body)).toEqual(
		items.map((item) => item.message),
	);
	expect(result.output?.map((item) => item.pairedItem)).toEqual(
		items.map((_, index) => ({ item: index })),
	);
	expect(intercom.created).toHaveLength(60);
	expect(duplicates()).toBe(0);
	// Pacing: the first burst cannot know the quota, later ones can. Without the scheduler's
	// header reading, every window's overflow (4 in flight when "remaining: 0" arrives) is a 429.
	expect(intercom.limiter.rejected).toBeLessThanOrEqual(2);
	expect(creates().filter((request) => request.status === 429)).toHaveLength(
		intercom.limiter.rejected,
	);
	// Floor: 3 windows, the first starting now: 2 × 1000 ms. Allow scheduling slack.
	expect(elapsed).toBeGreaterThanOrEqual(2 * WINDOW_MS);
	expect(elapsed).toBeLessThan(2 * WINDOW_MS * 1.3);
});

test('the scheduler holds requests before the limit: no request arrives in a window whose quota is used up', async () => {
	const contact = intercom.addContact({ role: 'user', email: 'pace@example.com' });
	intercom.limiter = new WindowLimiter(LIMIT, WINDOW_MS);
	await alignTo(WINDOW_MS);
	const result = await runNode({
		credentials: credentials(),
		items: Array.from({ length: 50 }, (_, index) => ({ message: `paced ${index}` })),
		parameters: {
			provider: 'intercom',
			intercomContactMode: 'id',
			intercomContactId: contact.id,
			intercomBody: '={{ $json.message }}',
			requestOptions: { concurrency: 8 },
		},
	});
	expect(result.error).toBeUndefined();
	expect(intercom.created).toHaveLength(50);
	// 8 in flight against 20 per window: without pacing, every window would see up to 7
	// rejected requests. With it, none at all: the first burst (8) fits in the first window.
	expect(intercom.limiter.rejected).toBe(0);
	const perWindow = new Map<number, number>();
	for (const request of creates()) {
		const window = Math.floor(request.receivedAt / WINDOW_MS);
		perWindow.set(window, (perWindow.get(window) ?? 0) + 1);
	}
	expect(Math.max(...perWindow.values())).toBeLessThanOrEqual(LIMIT);
});

test('contact lookups are made once per execution, not once per item', async () => {
	const emails = Array.from({ length: 6 }, (_, index) => `Lookup${index}@example.com`);
	for (const email of emails) intercom.addContact({ role: 'user', email: email.toLowerCase() });
	const items = Array.from({ length: 60 }, (_, index) => ({
		email: emails[index % 6],
		message: `lookup ${index}`,
	}));
	const result = await runNode({
		credentials: credentials(),
		items,
		parameters: {
			provider: 'intercom',
			intercomContactMode: 'email',
			intercomEmail: '={{ $json.email }}',
			intercomBody: '={{ $json.message }}',
		},
	});
	expect(result.error).toBeUndefined();
	expect(
		emulator.requestsFor('intercom', { method: 'POST', path: '/intercom/contacts/search' }),
	).toHaveLength(6);
	expect(creates()).toHaveLength(60);
	expect(duplicates()).toBe(0);
});
