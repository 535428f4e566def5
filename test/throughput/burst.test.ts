/**
 * Bursts of executions in one process, as a Webhook or Form Trigger produces them: one execution
 * per submission, many at once, all with the same credential. On the real n8n-core engine
 * against the emulator's Intercom-style windows (a quota per token, X-RateLimit-* headers, 429
 * beyond). The process-wide quota must make them behave like one well-paced batch.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { createEmulator, type Emulator } from '../emulator/index.ts';
import { INTERCOM_TEST_TOKEN, INTERCOM_TEST_TOKEN_2, type IntercomEmulator } from '../emulator/intercom.ts';
import { CredentialStore } from '../harness/engine';
import { jsonOf, runNode } from '../support/engine';

let emulator: Emulator;
let intercom: IntercomEmulator;

beforeAll(async () => {
	emulator = await createEmulator({ latencyMs: 5 }).start();
	intercom = emulator.provider<IntercomEmulator>('intercom');
});
afterAll(async () => await emulator.stop());
beforeEach(() => emulator.reset());

const LIMIT = 20;
const WINDOW_MS = 1000;

function credential(token: string): ICredentialDataDecryptedObject {
	return { accessToken: token, region: 'us', apiVersion: '2.16', baseUrl: emulator.baseUrl('intercom') };
}

/** A credential saved once, used by every execution (as executions of an active workflow do). */
function savedCredential(token: string): CredentialStore {
	const store = new CredentialStore();
	store.add('intercomConversationApi', credential(token));
	return store;
}

const parameters = {
	provider: 'intercom',
	intercomContactMode: 'id',
	intercomContactId: '={{ $json.contactId }}',
	intercomBody: '={{ $json.message }}',
};

function execution(store: CredentialStore, contactId: string, message: string, signal?: AbortSignal) {
	return runNode({ credentialStore: store, items: [{ contactId, message }], parameters, signal });
}

const creates = (token?: string) =>
	emulator
		.requestsFor('intercom', { method: 'POST', path: '/intercom/conversations' })
		.filter((request) => !token || request.headers.authorization === `Bearer ${token}`);

/** Distinct quota windows the successful creates fell in. */
const windowsUsed = (token?: string) =>
	new Set(creates(token).filter((request) => request.status === 200).map((request) => Math.floor(request.receivedAt / WINDOW_MS))).size;

const duplicates = () => [...intercom.createsByKey.values()].reduce((sum, count) => sum + count - 1, 0);

/** Starts just after a window boundary, so the number of windows a burst needs is exact. */
async function alignToWindow(): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, WINDOW_MS - (Date.now() % WINDOW_MS) + 5));
}

test('120 executions at once with one credential: none fails, none is duplicated, 429s at most 5%, as few windows as the quota allows', async () => {
	intercom.perTokenLimit = { limit: LIMIT, windowMs: WINDOW_MS };
	const contact = intercom.addContact({ role: 'user' });
	const store = savedCredential(INTERCOM_TEST_TOKEN);
	const count = 120;
	await alignToWindow();
	const runs = await Promise.all(Array.from({ length: count }, (_, index) => execution(store, contact.id, `burst ${index}`)));

	expect(runs.filter((run) => run.error !== undefined).map((run) => run.error?.message)).toEqual([]);
	expect(runs.map((run) => jsonOf(run.output)[0]?.status)).toEqual(runs.map(() => 'created'));
	expect(intercom.created).toHaveLength(count);
	expect(duplicates()).toBe(0);
	// Before the process-wide quota every execution paced only itself: most of them ran into
	// the limit at every reset and several gave up.
	expect(intercom.rejected).toBeLessThanOrEqual(count * 0.05);
	// 120 at 20 per window need 6 windows; one more for a late first answer.
	expect(windowsUsed()).toBeLessThanOrEqual(Math.ceil(count / LIMIT) + 1);
});

test('two credentials do not slow each other down: each gets its own quota', async () => {
	intercom.perTokenLimit = { limit: LIMIT, windowMs: WINDOW_MS };
	const contact = intercom.addContact({ role: 'user' });
	const first = savedCredential(INTERCOM_TEST_TOKEN);
	const second = savedCredential(INTERCOM_TEST_TOKEN_2);
	const each = 80;
	await alignToWindow();
	const runs = await Promise.all(
		Array.from({ length: each * 2 }, (_, index) => execution(index % 2 ? second : first, contact.id, `pair ${index}`)),
	);
	expect(runs.filter((run) => run.error !== undefined)).toEqual([]);
	expect(intercom.created).toHaveLength(each * 2);
	expect(duplicates()).toBe(0);
	// Each token's 80 need 4 windows of 20 side by side; one shared quota would need 8.
	expect(windowsUsed(INTERCOM_TEST_TOKEN)).toBeLessThanOrEqual(Math.ceil(each / LIMIT) + 1);
	expect(windowsUsed(INTERCOM_TEST_TOKEN_2)).toBeLessThanOrEqual(Math.ceil(each / LIMIT) + 1);
	expect(windowsUsed()).toBeLessThanOrEqual(Math.ceil(each / LIMIT) + 1);
	expect(intercom.rejected).toBeLessThanOrEqual(each * 2 * 0.05);
});

test('cancelling one execution during a shared wait ends it at once; the others go on and create theirs once', async () => {
	const contact = intercom.addContact({ role: 'user' });
	const store = savedCredential(INTERCOM_TEST_TOKEN);
	emulator.inject({
		provider: 'intercom',
		pathPrefix: '/intercom/conversations',
		fault: { kind: 'reply', reply: { status: 429, headers: { 'retry-after': '2' }, body: { type: 'error.list', errors: [{ code: 'rate_limit_exceeded' }] } } },
	});
	const controller = new AbortController();
	const holder = execution(store, contact.id, 'gets the 429');
	await new Promise((resolve) => setTimeout(resolve, 300));
	const started = Date.now();
	const cancelled = execution(store, contact.id, 'cancelled while waiting', controller.signal);
	const others = Array.from({ length: 4 }, (_, index) => execution(store, contact.id, `waits its turn ${index}`));
	await new Promise((resolve) => setTimeout(resolve, 300));
	controller.abort();
	const cancelledRun = await cancelled;
	expect(Date.now() - started).toBeLessThan(1500);
	expect(cancelledRun.status).toBe('canceled');

	const runs = await Promise.all([holder, ...others]);
	expect(runs.map((run) => run.error)).toEqual(runs.map(() => undefined));
	expect(intercom.created.map((conversation) => conversation.summary.split(': ')[1]).sort()).toEqual(
		['gets the 429', 'waits its turn 0', 'waits its turn 1', 'waits its turn 2', 'waits its turn 3'].sort(),
	);
	// The waiting ones did not send during the hold: one 429 in all.
	expect(creates().filter((request) => request.status === 429)).toHaveLength(1);
	expect(creates().some((request) => (request.body as { body?: string }).body === 'cancelled while waiting')).toBe(false);
});
