/**
 * Faults on the wire, for every provider, through the real n8n-core engine against the emulator:
 * what the failing item gets, that nothing is sent twice, that the other items still go through
 * under Continue On Fail, that a credentialed request never follows a redirect to another host,
 * that cancelling ends a run promptly, and that no secret shows up anywhere.
 */
import type { Fault } from '../../sandbox/server';
import { createEmulator, type Emulator } from '../../sandbox/index';
import { startLoopbackServer, type LoopbackServer } from '../harness/server';
import type { RunWorkflowResult } from '../harness';
import { jsonOf, runNode } from '../support/runNode';
import {
	captureLogs,
	everythingVisible,
	itemsOf,
	leakedSecrets,
	PROVIDER_IDS,
	SETUPS,
	type ProviderId,
	type ProviderSetup,
} from './support';

let emulator: Emulator;
let otherHost: LoopbackServer;
let logs: ReturnType<typeof captureLogs>;

beforeAll(async () => {
	emulator = await createEmulator().start();
	otherHost = await startLoopbackServer(() => ({ status: 200, body: { stolen: true } }));
	logs = captureLogs();
});
afterAll(async () => {
	logs.restore();
	await otherHost.close();
	await emulator.stop();
});
beforeEach(() => {
	emulator.reset();
	// Each test is a new process: the emulator's reset forgets every login session, which a
	// login credential otherwise keeps for the whole process.
	jest.resetModules();
	otherHost.requests.length = 0;
	logs.logs.length = 0;
});

/** Requests that reached the create endpoint carrying one item's text. */
function createsFor(setup: ProviderSetup, text: string): number {
	return emulator.requests.filter(
		(request) =>
			request.path.startsWith(setup.createPath) &&
			(request.rawBody.includes(text) ||
				Object.values(request.headers).some((value) => value === text)),
	).length;
}

/** No secret of the provider in anything the run shows or logged. */
function expectNoSecrets(setup: ProviderSetup, result: RunWorkflowResult): void {
	const secrets = setup.secrets(emulator);
	expect(secrets.length).toBeGreaterThan(0);
	expect(leakedSecrets(everythingVisible(result), secrets)).toEqual([]);
	expect(leakedSecrets(logs.text(), secrets)).toEqual([]);
}

interface FaultCase {
	name: string;
	fault: (setup: ProviderSetup) => Fault;
	/** How many create requests the fault applies to. */
	times?: number;
	requestOptions?: Record<string, number>;
	/** The failing item's error, or 'success' where the answer is a valid outcome for that provider. */
	expect: (id: ProviderId) => RegExp | 'success';
	/** Create requests the failing item may cause (the fault's own included): exactly, or a range. */
	sends: number | [number, number];
	/**
	 * What the other items get: created (the default), or an error naming the rate-limit patience
	 * when the provider's wait holds every request of the credential longer than they may wait.
	 */
	others?: RegExp;
}

function expectSends(actual: number, sends: FaultCase['sends']): void {
	const [min, max] = typeof sends === 'number' ? [sends, sends] : sends;
	expect(actual).toBeGreaterThanOrEqual(min);
	expect(actual).toBeLessThanOrEqual(max);
}

/** A provider that queues creates answers "202, no body": whatever body comes with a 2xx, it is queued. */
const accepts = (id: ProviderId) => SETUPS[id].outcome === 'accepted';
const createdStatus = (id: ProviderId) => (accepts(id) ? 'accepted' : 'created');

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every provider words a 2xx that does not show the conversation the same way. */
const NOT_JSON_OR_NO_ID = (id: ProviderId): RegExp | 'success' =>
	accepts(id)
		? 'success'
		: new RegExp(`^${escaped(SETUPS[id].displayName)} answered without a conversation ID$`);

const FAULTS: FaultCase[] = [
	{
		name: 'connection reset before the request is read',
		fault: () => ({ kind: 'reset-before-body' }),
		expect: () => /connection was reset|socket hang up/i,
		sends: 0,
	},
	{
		name: 'connection reset after the request is read',
		fault: () => ({ kind: 'reset-after-body' }),
		expect: () => /connection was reset|socket hang up/i,
		sends: 1,
	},
	{
		name: 'answer slower than Request Options › Timeout',
		fault: () => ({ kind: 'delay', ms: 2500 }),
		requestOptions: { timeoutSeconds: 1 },
		expect: () => /timed out/i,
		sends: 1,
	},
	{
		name: 'malformed JSON with 200',
		fault: () => ({ kind: 'malformed-json', status: 200 }),
		expect: NOT_JSON_OR_NO_ID,
		sends: 1,
	},
	{
		name: 'HTML error page from a proxy (502)',
		fault: () => ({
			kind: 'reply',
			reply: {
				status: 502,
				raw: '<html><head><title>502</title></head><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>',
			},
		}),
		expect: () => /502 Bad Gateway/,
		sends: 1,
	},
	{
		name: '200 with an unexpected body',
		fault: () => ({ kind: 'reply', reply: { status: 200, body: { hello: 'world' } } }),
		expect: NOT_JSON_OR_NO_ID,
		sends: 1,
	},
	{
		name: '500 with a JSON error',
		fault: () => ({
			kind: 'reply',
			reply: { status: 500, body: { message: 'Internal failure', error: 'Internal failure' } },
		}),
		expect: () => /Internal failure|internal error/,
		sends: 1,
	},
	{
		name: '503 without a body',
		fault: () => ({ kind: 'reply', reply: { status: 503 } }),
		expect: () => /internal error/,
		sends: 1,
	},
	{
		// Retry-After: 0 gets backoffs of 0.25, 0.5, 1, 2 s: after the fourth 429 (at ~1.75 s) the
		// next try would come after the 2 s of patience, so the item fails then.
		name: '429 storm longer than Request Options › Rate-Limit Patience',
		fault: () => ({
			kind: 'reply',
			reply: {
				status: 429,
				headers: { 'retry-after': '0' },
				body: { message: 'Too many requests' },
			},
		}),
		times: 4,
		requestOptions: { rateLimitPatienceSeconds: 2 },
		expect: () =>
			/still rate limited after waiting \d s \(Request Options › Rate-Limit Patience: 2 s\)/,
		sends: [3, 4],
	},
	{
		name: '429 asking for longer than Request Options › Rate-Limit Patience',
		fault: () => ({
			kind: 'reply',
			reply: {
				status: 429,
				headers: { 'retry-after': '120' },
				body: { message: 'Too many requests' },
			},
		}),
		requestOptions: { rateLimitPatienceSeconds: 1 },
		expect: () => /asks to wait 120 s, longer than Request Options › Rate-Limit Patience \(1 s\)/,
		sends: 1,
		// The provider's 120 s hold applies to every request of the credential: the others give
		// up after their 1 s of patience, without sending anything.
		others:
			/waited 1 s for its turn without being sent \(Request Options › Rate-Limit Patience: 1 s\)/,
	},
	{
		name: '302 redirect to the same host',
		fault: (setup) => ({
			kind: 'redirect',
			status: 302,
			location: `${emulator.url}${setup.createPath}?moved=1`,
		}),
		expect: () => /unexpected redirect/,
		sends: 1,
	},
	{
		name: '302 redirect to another host',
		fault: () => ({ kind: 'redirect', status: 302, location: `${otherHost.url}/steal` }),
		expect: () =>
			/unexpected redirect to http:\/\/127\.0\.0\.1:\d+\/steal; redirects are not followed/,
		sends: 1,
	},
	{
		name: '307 redirect to another host (would resend the body)',
		fault: () => ({ kind: 'redirect', status: 307, location: `${otherHost.url}/steal?token=x` }),
		expect: () => /unexpected redirect to http:\/\/127\.0\.0\.1:\d+\/steal;/,
		sends: 1,
	},
];

/** Faults also run with several items in flight, where a hold or a reset hits requests already sent. */
const CONCURRENT_FAULTS = [
	'connection reset after the request is read',
	'answer slower than Request Options › Timeout',
	'429 storm longer than Request Options › Rate-Limit Patience',
	'HTML error page from a proxy (502)',
];

const matrix = PROVIDER_IDS.flatMap((id) =>
	FAULTS.map((fault) => [id, fault.name, fault] as const),
);

describe.each(PROVIDER_IDS)('%s', (id) => {
	const setup = SETUPS[id];

	test.each(
		matrix.filter(([provider]) => provider === id).map(([, name, fault]) => [name, fault] as const),
	)(
		'%s: the item gets a clear error, nothing is sent twice, the other items go through, no secret leaks',
		async (_name, fault) => {
			setup.seed(emulator);
			emulator.inject({
				provider: id,
				pathPrefix: setup.createPath,
				fault: fault.fault(setup),
				times: fault.times ?? 1,
			});
			const result = await runNode({
				credentials: setup.credentials(emulator),
				continueOnFail: true,
				items: itemsOf(3),
				parameters: {
					...setup.parameters,
					requestOptions: { concurrency: 1, ...fault.requestOptions },
				},
			});

			expect(result.error).toBeUndefined();
			const output = jsonOf(result.output);
			expect(output).toHaveLength(3);
			expect(result.output!.map((item) => item.pairedItem)).toEqual([
				{ item: 0 },
				{ item: 1 },
				{ item: 2 },
			]);
			const expected = fault.expect(id);
			if (expected === 'success') {
				expect(output[0].error).toBeUndefined();
				expect(output[0].status).toBeDefined();
			} else {
				expect(output[0]).toMatchObject({ provider: id });
				expect(String(output[0].error)).toMatch(expected);
				expect(String(output[0].errorDescription ?? '')).not.toBe('');
				if (expected.source.endsWith('answered without a conversation ID$')) {
					expect(String(output[0].errorDescription)).toMatch(
						/may or may not have been created: check .+ It was not sent again\.$/,
					);
				}
			}
			expectSends(createsFor(setup, 'msg-0'), fault.sends);
			if (fault.others) {
				expect(output.slice(1).map((json) => String(json.error))).toEqual([
					expect.stringMatching(fault.others),
					expect.stringMatching(fault.others),
				]);
				expect(createsFor(setup, 'msg-1') + createsFor(setup, 'msg-2')).toBe(0);
				expect(setup.created(emulator)).toBe(0);
			} else {
				// Items 1 and 2 are created exactly once each.
				expect(output.slice(1).map((json) => json.error)).toEqual([undefined, undefined]);
				expect(output.slice(1).map((json) => json.status)).toEqual([
					createdStatus(id),
					createdStatus(id),
				]);
				expect(createsFor(setup, 'msg-1')).toBe(1);
				expect(createsFor(setup, 'msg-2')).toBe(1);
				expect(setup.created(emulator)).toBe(2);
			}
			// A credentialed request never follows a redirect, to another host or not.
			expect(otherHost.requests).toHaveLength(0);
			expect(emulator.requests.filter((request) => request.query.moved)).toHaveLength(0);
			expectNoSecrets(setup, result);
		},
	);

	test.each(
		FAULTS.filter((fault) => CONCURRENT_FAULTS.includes(fault.name)).map(
			(fault) => [fault.name, fault] as const,
		),
	)(
		'%s, with 6 items in flight at once: the hit item fails clearly, the others are created exactly once',
		async (_name, fault) => {
			setup.seed(emulator);
			// A storm long enough to outlast the patience of several items at once.
			const times = fault.times && fault.times > 1 ? 30 : 1;
			emulator.inject({
				provider: id,
				pathPrefix: setup.createPath,
				fault: fault.fault(setup),
				times,
			});
			const result = await runNode({
				credentials: setup.credentials(emulator),
				continueOnFail: true,
				items: itemsOf(6),
				parameters: {
					...setup.parameters,
					requestOptions: { concurrency: 6, ...fault.requestOptions },
				},
			});
			expect(result.error).toBeUndefined();
			const output = jsonOf(result.output);
			expect(result.output!.map((item) => item.pairedItem)).toEqual(
				[0, 1, 2, 3, 4, 5].map((item) => ({ item })),
			);
			const expected = fault.expect(id) as RegExp;
			const failed = output.filter((json) => json.error !== undefined);
			// A storm hits whichever requests come first: at least one item fails with it.
			expect(failed.length).toBeGreaterThanOrEqual(1);
			for (const json of failed) expect(String(json.error)).toMatch(expected);
			const succeeded = output
				.map((json, index) => ({ json, index }))
				.filter(({ json }) => json.error === undefined);
			for (const { json } of succeeded) expect(json.status).toBe(createdStatus(id));
			for (const { index } of succeeded)
				expect(createsFor(setup, `msg-${index}`)).toBeGreaterThanOrEqual(1);
			// every item that succeeded was created once, none twice, and none that failed
			expect(setup.created(emulator)).toBe(succeeded.length);
			expect(otherHost.requests).toHaveLength(0);
			expectNoSecrets(setup, result);
		},
	);

	test('without Continue On Fail the run stops with the same clear error and no secret', async () => {
		setup.seed(emulator);
		emulator.inject({
			provider: id,
			pathPrefix: setup.createPath,
			fault: { kind: 'reset-after-body' },
		});
		const result = await runNode({
			credentials: setup.credentials(emulator),
			items: itemsOf(2),
			parameters: setup.parameters,
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/connection was reset|socket hang up/i);
		expect(createsFor(setup, 'msg-0')).toBe(1);
		expectNoSecrets(setup, result);
	});

	test('a 429 that is waited out succeeds without duplicates, and the wait is logged without secrets', async () => {
		setup.seed(emulator);
		emulator.inject({
			provider: id,
			pathPrefix: setup.createPath,
			fault: {
				kind: 'reply',
				reply: { status: 429, headers: { 'retry-after': '0' }, body: { message: 'slow down' } },
			},
			times: 2,
		});
		const result = await runNode({
			credentials: setup.credentials(emulator),
			items: itemsOf(2),
			parameters: { ...setup.parameters, requestOptions: { concurrency: 1 } },
		});
		expect(result.error).toBeUndefined();
		expect(setup.created(emulator)).toBe(2);
		expect(createsFor(setup, 'msg-0')).toBe(3);
		expect(createsFor(setup, 'msg-1')).toBe(1);
		// The logger capture works: the transport's wait message was recorded.
		expect(logs.logs.some((entry) => /rate limit: waiting/.test(entry.message))).toBe(true);
		expectNoSecrets(setup, result);
	});

	test.each([
		[
			'a 429 wait',
			{
				kind: 'reply',
				reply: { status: 429, headers: { 'retry-after': '30' }, body: { message: 'slow down' } },
			} as Fault,
		],
		['a slow request', { kind: 'delay', ms: 4000 } as Fault],
	])(
		'cancelling the execution during %s ends it promptly, creates nothing and leaks nothing',
		async (_name, fault) => {
			setup.seed(emulator);
			emulator.inject({ provider: id, pathPrefix: setup.createPath, fault });
			const controller = new AbortController();
			const started = Date.now();
			const running = runNode({
				credentials: setup.credentials(emulator),
				signal: controller.signal,
				items: itemsOf(1),
				parameters: setup.parameters,
			});
			const timer = setTimeout(() => controller.abort(), 400);
			const result = await running;
			clearTimeout(timer);
			expect(Date.now() - started).toBeLessThan(3000);
			expect(result.status).not.toBe('success');
			expect(setup.created(emulator)).toBe(0);
			expectNoSecrets(setup, result);
		},
	);
});

describe('credential steps', () => {
	const tokenRedirect = async (id: ProviderId, pathPrefix: string, status: number) => {
		const setup = SETUPS[id];
		setup.seed(emulator);
		emulator.inject({
			provider: id,
			pathPrefix,
			fault: { kind: 'redirect', status, location: `${otherHost.url}/steal` },
			times: 5,
		});
		const result = await runNode({
			credentials: setup.credentials(emulator),
			items: itemsOf(1),
			parameters: setup.parameters,
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toBeTruthy();
		expect(otherHost.requests).toHaveLength(0);
		expect(
			emulator.requests.filter((request) => request.path.startsWith(setup.createPath)),
		).toHaveLength(0);
		expectNoSecrets(setup, result);
	};

	const steps = PROVIDER_IDS.flatMap((id) => {
		const step = SETUPS[id].credentialStep;
		return step
			? [307, 302].map(
					(status) => [id, status, step.pathPrefix, step.n8nFollowsRedirects === true] as const,
				)
			: [];
	});

	test.each(steps.filter(([, , , follows]) => !follows))(
		"%s: a redirect (HTTP %i) of the credential's own request %s is not followed to another host",
		async (id, status, pathPrefix) => {
			await tokenRedirect(id, pathPrefix, status);
		},
	);

	// KNOWN LIMITATION (n8n-core, not this package): an OAuth2 client-credentials token request is
	// made by n8n-core's OAuth2 client, which follows redirects; a 307 from the token endpoint
	// re-posts the client secret to the other host. The node has no option to stop it. This test
	// documents it and turns red (as "failing test passed") once n8n-core stops following.
	test.failing.each(steps.filter(([, , , follows]) => follows))(
		'%s: a redirect (HTTP %i) of the OAuth2 token request %s is followed by n8n-core',
		async (id, status, pathPrefix) => {
			await tokenRedirect(id, pathPrefix, status);
		},
	);

	test.each(PROVIDER_IDS)(
		'%s: an error page that echoes the request headers does not put the credential in the error',
		async (id) => {
			const setup = SETUPS[id];
			setup.seed(emulator);
			// A debugging proxy that prints what it received, Authorization included.
			emulator.inject({
				provider: id,
				pathPrefix: setup.createPath,
				fault: { kind: 'delay', ms: 0 },
			});
			const first = await runNode({
				credentials: setup.credentials(emulator),
				items: itemsOf(1),
				parameters: setup.parameters,
			});
			expect(first.error).toBeUndefined();
			const authorization = emulator.requests.find((request) =>
				request.path.startsWith(setup.createPath),
			)!.headers.authorization;
			expect(authorization).toMatch(/^(Bearer|Basic) /);
			emulator.inject({
				provider: id,
				pathPrefix: setup.createPath,
				fault: {
					kind: 'reply',
					reply: {
						status: 500,
						raw: `<html><body><h1>Upstream error</h1><pre>Authorization: ${authorization}</pre></body></html>`,
					},
				},
			});
			emulator.inject({
				provider: id,
				pathPrefix: setup.createPath,
				fault: {
					kind: 'reply',
					reply: {
						status: 400,
						body: {
							message: `bad request with Authorization: ${authorization}`,
							error: `header ${authorization}`,
						},
					},
				},
			});
			const result = await runNode({
				credentials: setup.credentials(emulator),
				continueOnFail: true,
				items: itemsOf(2),
				parameters: { ...setup.parameters, requestOptions: { concurrency: 1 } },
			});
			const output = jsonOf(result.output);
			expect(output.map((json) => typeof json.error)).toEqual(['string', 'string']);
			expect(String(output[0].error)).toMatch(/Upstream error/);
			expectNoSecrets(setup, result);
			expect(everythingVisible(result)).not.toContain(authorization.split(' ')[1]);
		},
	);
});
