/**
 * `npm run bench`: throughput of Create Conversation against n8n's own HTTP Request node sending
 * the same create call, both on the real n8n-core engine (test/harness) in this one process,
 * against the provider sandbox on 127.0.0.1. The provider is the first one whose sandbox fixtures
 * describe the call for both senders (`fixtures.bench`).
 *
 * n8n-nodes-base (the HTTP Request node and its Bearer Auth credential) is not a dependency of
 * this package: installing it fails here (its kafka native module) and adds ~1 GB. It is loaded
 * from the real n8n 2.41.1 install that scripts/n8n/ensure-n8n.cjs keeps in its cache; its
 * `n8n-workflow` / `n8n-core` imports are pointed at this repo's copies (same versions), so both
 * nodes run on one engine instance.
 *
 * Scenarios: 1 no limit (throughput and CPU), 2 quota windows as the provider's headers say them (pacing), 3 memory,
 * 4 a burst of executions at once sharing one credential (the process-wide quota), 5 a queue-mode
 * cluster in simulated time (each worker its own quota, one provider window; seconds, not minutes).
 * Scenarios 1 and 4 also run Create Conversation with a Deduplication Key (a key new to every run),
 * against test/harness/processedData.ts, a model of n8n's processed-data store.
 * Options: --quick (smaller N, for a smoke run), --only=1,2,3,4,5 (scenarios), --workers=2,4
 * (scenario 5's cluster sizes).
 * Output: a table on stdout and bench-results/latest.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
require('../scripts/ts-require.cjs');

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = (args.find((arg) => arg.startsWith('--only=')) ?? '--only=1,2,3,4,5')
	.slice(7)
	.split(',');

// ---------------------------------------------------------------------------------------------
// n8n-nodes-base from the real n8n install
// ---------------------------------------------------------------------------------------------

const { ensureN8n } = require(path.join(root, 'scripts/n8n/ensure-n8n.cjs'));
const n8nInstall = await ensureN8n();
const cacheModules = path.join(n8nInstall.cacheDir, 'node_modules');
const nodesBaseDir = path.join(cacheModules, 'n8n-nodes-base');
const repoRequire = createRequire(path.join(root, 'package.json'));
const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolveSharedEngine(request, parent, ...rest) {
	if (parent?.filename?.startsWith(cacheModules) && /^n8n-(workflow|core)(\/|$)/.test(request)) {
		return repoRequire.resolve(request);
	}
	return originalResolve.call(this, request, parent, ...rest);
};
const nodesBaseVersion = require(path.join(nodesBaseDir, 'package.json')).version;
const { HttpRequest } = require(
	path.join(nodesBaseDir, 'dist/nodes/HttpRequest/HttpRequest.node.js'),
);
const { HttpBearerAuth } = require(
	path.join(nodesBaseDir, 'dist/credentials/HttpBearerAuth.credentials.js'),
);

const { CredentialStore, runWorkflow } = require(path.join(root, 'test/harness/index.ts'));
const { ProcessedDataStore, useProcessedDataStore } = require(
	path.join(root, 'test/harness/processedData.ts'),
);
// n8n's processed-data store (Deduplication Key), modelled on n8n 2.41.1's: one JSON row per node,
// parsed and written back on every call, so its cost grows with the keys held like the real one.
await useProcessedDataStore(new ProcessedDataStore());
const { runNode } = require(path.join(root, 'test/support/runNode.ts'));
const { createEmulator } = require(path.join(root, 'sandbox/index.ts'));
const { simulateCluster } = require(path.join(root, 'test/support/cluster.ts'));
const { sandboxProviders } = require(path.join(root, 'sandbox/index.ts'));
const benchProvider = sandboxProviders().find(({ fixtures }) => fixtures.bench && fixtures.quota);
if (!benchProvider)
	throw new Error('no provider has bench and quota fixtures (sandbox/providers/<id>/fixtures.ts)');
const { id: providerId, definition, fixtures } = benchProvider;
const { bench, quota } = fixtures;

const HTTP_REQUEST_TYPE = 'n8n-nodes-base.httpRequest';

// ---------------------------------------------------------------------------------------------
// Measuring
// ---------------------------------------------------------------------------------------------

function gc() {
	if (typeof globalThis.gc === 'function') {
		globalThis.gc();
		globalThis.gc();
	}
}

async function measure(work, beforeStart) {
	gc();
	if (beforeStart) await beforeStart();
	const baselineRss = process.memoryUsage.rss();
	let peakRss = baselineRss;
	const sampler = setInterval(() => {
		peakRss = Math.max(peakRss, process.memoryUsage.rss());
	}, 10);
	const cpu0 = process.cpuUsage();
	const t0 = performance.now();
	let value;
	try {
		value = await work();
	} finally {
		clearInterval(sampler);
	}
	const wallMs = performance.now() - t0;
	const cpu = process.cpuUsage(cpu0);
	peakRss = Math.max(peakRss, process.memoryUsage.rss());
	return { value, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, baselineRss, peakRss };
}

const MB = 1024 * 1024;
const round = (value, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Rounds of scenario 1 (see there). */
const ROUNDS = quick ? 1 : 3;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
/** One row for several runs of a sender: median wall, items/s, CPU and RSS; the worst outcome. */
function medianRow(rows) {
	const row = { ...rows[0], runs: rows.length };
	for (const key of ['wallMs', 'itemsPerSecond', 'cpuMsPerItem', 'peakRssMb', 'peakRssGrowthMb'])
		row[key] = median(rows.map((each) => each[key]));
	row.cpuMsPerItemRange = [
		Math.min(...rows.map((each) => each.cpuMsPerItem)),
		Math.max(...rows.map((each) => each.cpuMsPerItem)),
	];
	row.itemsFailed = Math.max(...rows.map((each) => each.itemsFailed));
	row.orderPreserved = rows.every((each) => each.orderPreserved);
	row.status = rows.every((each) => each.status === 'success') ? 'success' : 'error';
	return row;
}

// ---------------------------------------------------------------------------------------------
// The two ways of sending the same calls
// ---------------------------------------------------------------------------------------------

const emulator = await createEmulator().start();

let trialCount = 0;
function makeItems(count, targets) {
	trialCount += 1;
	return Array.from({ length: count }, (_, index) => ({
		target: targets[index % targets.length],
		message: `Benchmark message ${index}`,
		// A Deduplication Key new to every run, so no run's items are duplicates of an earlier one.
		key: `trial-${trialCount}-${index}`,
	}));
}

const KEYED = { deduplicationKey: '={{ $json.key }}' };

const nodeCredentials = () => ({ [definition.credentialType]: fixtures.credential(emulator.url) });

function runCreateConversation(items, requestOptions = {}) {
	return runNode({
		credentials: nodeCredentials(),
		items,
		parameters: { ...bench.parameters, requestOptions },
	});
}

/** HTTP Request 4.x as a user sets it up for the provider's "create a conversation" call. */
function runHttpRequest(items, { batching, retryOnFail } = {}) {
	const call = bench.httpRequest(emulator);
	const credentialStore = new CredentialStore();
	const saved = credentialStore.add('httpBearerAuth', { token: call.token });
	return runWorkflow({
		nodeTypes: { [HTTP_REQUEST_TYPE]: new HttpRequest() },
		credentialTypes: [new HttpBearerAuth()],
		credentialStore,
		nodeCredentials: { httpBearerAuth: { id: saved.id, name: saved.name } },
		items,
		nodeType: HTTP_REQUEST_TYPE,
		nodeParameters: {
			method: 'POST',
			url: call.url,
			authentication: 'genericCredentialType',
			genericAuthType: 'httpBearerAuth',
			sendHeaders: true,
			headerParameters: {
				parameters: Object.entries(call.headers).map(([name, value]) => ({ name, value })),
			},
			sendBody: true,
			contentType: 'json',
			specifyBody: 'json',
			jsonBody: call.jsonBody,
			options: batching
				? { batching: { batch: { batchSize: batching.size, batchInterval: batching.intervalMs } } }
				: {},
		},
		// Settings › Retry On Fail with n8n's defaults when it is switched on: 3 tries, 1 s apart.
		nodeSettings: retryOnFail ? { retryOnFail: true, maxTries: 3, waitBetweenTries: 1000 } : {},
	});
}

/** What the emulator and the output say about one run. */
function outcome(result, items, bodyOf) {
	const creates = emulator.requestsFor(providerId, { method: 'POST', path: bench.createPath });
	const counts = [
		...quota
			.createdMessages(emulator)
			.reduce((map, message) => map.set(message, (map.get(message) ?? 0) + 1), new Map())
			.values(),
	];
	const output = result.output ?? [];
	const okOutput = output.filter((item) => item.json && !item.json.error);
	const inOrder =
		output.length === items.length &&
		output.every(
			(item, index) =>
				bodyOf(item.json) === items[index].message && item.pairedItem?.item === index,
		);
	return {
		status: result.status,
		error: result.error ? String(result.error.message).slice(0, 160) : null,
		requests: creates.length,
		status429: creates.filter((request) => request.status === 429).length,
		created: counts.reduce((sum, count) => sum + count, 0),
		distinctCreated: counts.length,
		duplicates: counts.reduce((sum, count) => sum + count - 1, 0),
		itemsFailed: items.length - okOutput.length,
		orderPreserved: inOrder,
	};
}

/**
 * Calibration, no n8n at all: node:http posting the same bodies with `concurrency` in flight,
 * a new connection per request like n8n-core. What this emulator and machine allow at that
 * concurrency, as opposed to the arithmetic concurrency / latency.
 */
async function runRawHttp(items, concurrency) {
	const http = await import('node:http');
	const call = bench.httpRequest(emulator);
	const url = new URL(call.url);
	const agent = new http.Agent({ keepAlive: false });
	const output = new Array(items.length);
	const post = (index) =>
		new Promise((resolve, reject) => {
			const body = JSON.stringify(call.body(items[index]));
			const request = http.request(
				url,
				{
					method: 'POST',
					agent,
					headers: {
						...Object.fromEntries(
							Object.entries(call.headers).map(([name, value]) => [name.toLowerCase(), value]),
						),
						authorization: `Bearer ${call.token}`,
						'content-type': 'application/json',
						'content-length': Buffer.byteLength(body),
					},
				},
				(response) => {
					let text = '';
					response.on('data', (chunk) => (text += chunk));
					response.on('end', () =>
						resolve({ json: JSON.parse(text), pairedItem: { item: index } }),
					);
				},
			);
			request.on('error', reject);
			request.end(body);
		});
	let next = 0;
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < items.length) {
				const index = next++;
				output[index] = await post(index);
			}
		}),
	);
	return { status: 'success', output };
}

const ourBody = (json) => bench.messageOf.node(json);
const httpBody = (json) => bench.messageOf.httpRequest(json);

async function trial(label, count, send, bodyOf, { limit, alignToWindowMs } = {}) {
	emulator.reset();
	const targets = bench.seed(emulator, 10);
	// "No limit" is a quota that is never reached: the provider always sends its quota headers.
	bench.limit(emulator, limit?.requests, limit?.windowMs);
	const items = makeItems(count, targets);
	// Every run starts with an empty key store (the Deduplication Key runs fill it with their keys).
	await useProcessedDataStore(new ProcessedDataStore());
	// Scenario 2 starts just after a window boundary (after the GC above), so the floor is exact.
	const align = alignToWindowMs
		? async () => await sleep(alignToWindowMs - (Date.now() % alignToWindowMs) + 5)
		: undefined;
	const measured = await measure(() => send(items), align);
	const summary = outcome(measured.value, items, bodyOf);
	const row = {
		label,
		items: count,
		wallMs: Math.round(measured.wallMs),
		itemsPerSecond: round(count / (measured.wallMs / 1000), 1),
		cpuMsPerItem: round(measured.cpuMs / count, 3),
		baselineRssMb: round(measured.baselineRss / MB, 1),
		peakRssMb: round(measured.peakRss / MB, 1),
		peakRssGrowthMb: round((measured.peakRss - measured.baselineRss) / MB, 1),
		...summary,
	};
	emulator.reset();
	console.error(
		`  ${label}: ${row.wallMs} ms, ${row.itemsPerSecond} items/s, status ${row.status}`,
	);
	return row;
}

// ---------------------------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------------------------

const results = {
	when: new Date().toISOString(),
	node: process.version,
	cpus: (await import('node:os')).cpus().length,
	httpRequestNode: `n8n-nodes-base ${nodesBaseVersion} from ${nodesBaseDir}`,
	quick,
	scenarios: {},
};
const defaultConcurrency = definition.rateLimit.defaultConcurrency;

if (only.includes('1')) {
	const count = quick ? 200 : 1000;
	const latencyMs = 20;
	console.error(`Scenario 1: ${count} items, ${latencyMs} ms latency, no limit`);
	emulator.latencyMs = latencyMs;
	// Warm-up: the first run loads code paths, JITs them and grows the heap; it is not reported.
	// With 100-item warm-ups, whichever sender was measured first paid up to 15% more CPU per item
	// (swapping the two Create Conversation rows swapped their CPU figures), so warm up at full size.
	await trial('warm-up', count, (items) => runCreateConversation(items), ourBody);
	await trial('warm-up', count, (items) => runHttpRequest(items), httpBody);
	// CPU per item over a 1.5 s run moves by up to 25% between runs on a busy 2-core machine, so
	// the four senders run in ROUNDS rounds, each round in another order, and the median is reported.
	const senders = [
		['Create Conversation (default concurrency)', (items) => runCreateConversation(items), ourBody],
		[
			'Create Conversation (Concurrency 50)',
			(items) => runCreateConversation(items, { concurrency: 50 }),
			ourBody,
		],
		[
			'Create Conversation (Deduplication Key)',
			(items) => runCreateConversation(items, KEYED),
			ourBody,
		],
		['HTTP Request (defaults)', (items) => runHttpRequest(items), httpBody],
		[
			`node:http, ${defaultConcurrency} in flight (no n8n)`,
			(items) => runRawHttp(items, defaultConcurrency),
			httpBody,
		],
	];
	const runs = senders.map(() => []);
	for (let round = 0; round < ROUNDS; round++)
		for (let turn = 0; turn < senders.length; turn++) {
			const index = (turn + round) % senders.length;
			const [label, send, bodyOf] = senders[index];
			runs[index].push(await trial(label, count, send, bodyOf));
		}
	const [ours, oursWide, oursKeyed, http, raw] = runs.map(medianRow);
	const ideal = defaultConcurrency / (latencyMs / 1000);
	results.scenarios.noLimit = {
		items: count,
		latencyMs,
		rows: [ours, oursWide, oursKeyed, http, raw],
		idealItemsPerSecond: ideal,
		rawClientItemsPerSecond: raw.itemsPerSecond,
		targets: {
			cpuPerItemRatio: round(ours.cpuMsPerItem / http.cpuMsPerItem, 2),
			cpuPerItemRatioMet: ours.cpuMsPerItem / http.cpuMsPerItem <= 1.0,
			itemsPerSecondOfHttpRequest: round(ours.itemsPerSecond / http.itemsPerSecond, 3),
			itemsPerSecondOfHttpRequestMet: ours.itemsPerSecond >= http.itemsPerSecond * 0.9,
			itemsPerSecondOfIdeal: round(ours.itemsPerSecond / ideal, 3),
			itemsPerSecondOfRawClient: round(ours.itemsPerSecond / raw.itemsPerSecond, 3),
			cpuPerItemRatioAtConcurrency50: round(oursWide.cpuMsPerItem / http.cpuMsPerItem, 2),
			keyedCpuPerItemRatio: round(oursKeyed.cpuMsPerItem / ours.cpuMsPerItem, 2),
			keyedCpuPerItemRatioMet: oursKeyed.cpuMsPerItem <= ours.cpuMsPerItem * 1.25,
			keyedItemsPerSecondRatio: round(oursKeyed.itemsPerSecond / ours.itemsPerSecond, 2),
		},
	};
}

if (only.includes('2')) {
	const count = quick ? 150 : 500;
	const limit = 50;
	const windowMs = 2000;
	const latencyMs = 20;
	console.error(
		`Scenario 2: ${count} items, ${limit} requests per ${windowMs} ms window, ${latencyMs} ms latency`,
	);
	emulator.latencyMs = latencyMs;
	const floorMs = (Math.ceil(count / limit) - 1) * windowMs + latencyMs;
	const options = () => ({ limit: { requests: limit, windowMs }, alignToWindowMs: windowMs });
	const ours = await trial(
		'Create Conversation (defaults)',
		count,
		(items) => runCreateConversation(items),
		ourBody,
		options(),
	);
	const httpRetry = await trial(
		'HTTP Request (Retry On Fail)',
		count,
		(items) => runHttpRequest(items, { retryOnFail: true }),
		httpBody,
		options(),
	);
	const httpBatched = await trial(
		`HTTP Request (Batching ${limit} per ${windowMs} ms, Retry On Fail)`,
		count,
		(items) =>
			runHttpRequest(items, { retryOnFail: true, batching: { size: limit, intervalMs: windowMs } }),
		httpBody,
		options(),
	);
	for (const row of [ours, httpRetry, httpBatched]) row.ofFloor = round(row.wallMs / floorMs, 3);
	results.scenarios.rateLimited = {
		items: count,
		limit: `${limit} per ${windowMs} ms (fixed windows)`,
		latencyMs,
		floorMs,
		rows: [ours, httpRetry, httpBatched],
		targets: {
			ofFloor: ours.ofFloor,
			ofFloorMet: ours.ofFloor <= 1.05,
			status429Share: round(ours.status429 / count, 4),
			status429Met: ours.status429 <= count * 0.02,
			failedMet: ours.itemsFailed === 0,
			duplicatesMet: ours.duplicates === 0,
		},
	};
}

if (only.includes('3')) {
	const sizes = quick ? [1000, 3000] : [1000, 10000];
	const latencyMs = 20;
	console.error(`Scenario 3: ${sizes.join(' and ')} items, ${latencyMs} ms latency, no limit`);
	emulator.latencyMs = latencyMs;
	const rows = [];
	for (const count of sizes) {
		rows.push(
			await trial(
				`Create Conversation, ${count} items`,
				count,
				(items) => runCreateConversation(items),
				ourBody,
			),
		);
		rows.push(
			await trial(
				`HTTP Request, ${count} items`,
				count,
				(items) => runHttpRequest(items),
				httpBody,
			),
		);
	}
	for (const row of rows) {
		row.peakRssPer1000Mb = round(row.peakRssMb / (row.items / 1000), 1);
		row.peakRssGrowthPer1000Mb = round(row.peakRssGrowthMb / (row.items / 1000), 1);
	}
	const [small, large] = sizes;
	const ours = rows.filter((row) => row.label.startsWith('Create'));
	const http = rows.filter((row) => row.label.startsWith('HTTP'));
	const factor = large / small;
	results.scenarios.memory = {
		sizes,
		latencyMs,
		rows,
		targets: {
			itemsFactor: factor,
			oursPeakRssFactor: round(ours[1].peakRssMb / ours[0].peakRssMb, 2),
			oursPeakRssGrowthFactor: round(
				ours[1].peakRssGrowthMb / Math.max(ours[0].peakRssGrowthMb, 0.1),
				2,
			),
			httpPeakRssFactor: round(http[1].peakRssMb / http[0].peakRssMb, 2),
			httpPeakRssGrowthFactor: round(
				http[1].peakRssGrowthMb / Math.max(http[0].peakRssGrowthMb, 0.1),
				2,
			),
			sublinearMet: ours[1].peakRssMb / ours[0].peakRssMb < factor,
		},
	};
}

if (only.includes('4')) {
	const count = quick ? 120 : 300;
	const limit = 30;
	const windowMs = 1000;
	const latencyMs = 20;
	console.error(
		`Scenario 4: ${count} executions at once, one item each, one credential, ${limit} requests per ${windowMs} ms window`,
	);
	emulator.latencyMs = latencyMs;
	const floorMs = (Math.ceil(count / limit) - 1) * windowMs + latencyMs;
	// Every execution uses the same saved credential, as the executions of one active workflow do.
	const burst = (send) => async (items) => {
		const runs = await Promise.all(items.map((item) => send([item])));
		return {
			status: runs.every((run) => run.status === 'success') ? 'success' : 'error',
			error: runs.find((run) => run.error)?.error,
			output: runs
				.map((run) => run.output?.[0] ?? { json: { error: run.error?.message ?? 'no output' } })
				.map((item, index) => ({ ...item, pairedItem: { item: index } })),
		};
	};
	const ourStore = () => {
		const store = new CredentialStore();
		store.add(definition.credentialType, fixtures.credential(emulator.url));
		return store;
	};
	const options = () => ({ limit: { requests: limit, windowMs }, alignToWindowMs: windowMs });
	let store = ourStore();
	const plain = (items) => runNode({ credentialStore: store, items, parameters: bench.parameters });
	const keyed = (items) =>
		runNode({
			credentialStore: store,
			items,
			parameters: { ...bench.parameters, requestOptions: KEYED },
		});
	// Warm-up (not reported), then the two variants in interleaved rounds, medians reported.
	await trial('warm-up', count, burst(plain), ourBody, options());
	const variants = [
		['Create Conversation, one execution per item', plain],
		['Create Conversation with Deduplication Key, one execution per item', keyed],
	];
	const variantRuns = variants.map(() => []);
	for (let round = 0; round < ROUNDS; round++)
		for (let turn = 0; turn < variants.length; turn++) {
			const index = (turn + round) % variants.length;
			store = ourStore();
			variantRuns[index].push(
				await trial(variants[index][0], count, burst(variants[index][1]), ourBody, options()),
			);
		}
	const [ours, oursKeyed] = variantRuns.map(medianRow);
	store = ourStore();
	const httpRetry = await trial(
		'HTTP Request (Retry On Fail), one execution per item',
		count,
		burst((items) => runHttpRequest(items, { retryOnFail: true })),
		httpBody,
		options(),
	);
	for (const row of [ours, oursKeyed, httpRetry]) row.ofFloor = round(row.wallMs / floorMs, 3);
	results.scenarios.burst = {
		executions: count,
		limit: `${limit} per ${windowMs} ms (fixed windows)`,
		latencyMs,
		floorMs,
		rows: [ours, oursKeyed, httpRetry],
		targets: {
			keyedCpuPerItemRatio: round(oursKeyed.cpuMsPerItem / ours.cpuMsPerItem, 2),
			keyedCpuPerItemRatioMet: oursKeyed.cpuMsPerItem <= ours.cpuMsPerItem * 1.25,
			keyedDuplicatesMet: oursKeyed.duplicates === 0 && oursKeyed.itemsFailed === 0,
			ofFloor: ours.ofFloor,
			status429Share: round(ours.status429 / count, 4),
			status429Met: ours.status429 <= count * 0.05,
			failedMet: ours.itemsFailed === 0,
			duplicatesMet: ours.duplicates === 0,
		},
	};
}

if (only.includes('5')) {
	const workerCounts = (args.find((arg) => arg.startsWith('--workers=')) ?? '--workers=1,2,4')
		.slice(10)
		.split(',')
		.map(Number);
	const settings = {
		slots: 10,
		executions: 300,
		limit: 30,
		windowMs: 10_000,
		latencyMs: 20,
		jitterMs: 30,
	};
	const seeds = quick ? [1, 2, 3] : [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
	console.error(
		`Scenario 5: queue mode in simulated time, ${settings.executions} executions, ${settings.limit} per ${settings.windowMs} ms window, workers ${workerCounts.join(', ')}, ${seeds.length} runs each`,
	);
	const rows = [];
	for (const workers of workerCounts) {
		const runs = [];
		for (const seed of seeds) runs.push(await simulateCluster({ ...settings, workers, seed }));
		rows.push({
			label: workers === 1 ? 'one process (regular mode)' : `main + ${workers} workers`,
			workers,
			runs: runs.length,
			ofFloorWorst: Math.max(...runs.map((run) => run.ofFloor)),
			ofFloorMedian: median(runs.map((run) => run.ofFloor)),
			status429Worst: Math.max(...runs.map((run) => run.status429)),
			failed: Math.max(...runs.map((run) => run.failed)),
			floorMs: runs[0].floorMs,
		});
	}
	results.scenarios.cluster = {
		...settings,
		rows,
		targets: Object.fromEntries(
			rows.map((row) => [
				row.label,
				{
					ofFloorMet: row.ofFloorWorst <= 1.05,
					status429Met: row.status429Worst <= settings.executions * 0.01,
				},
			]),
		),
	};
}

await emulator.stop();

{
	// What one store call costs when the node's row is full (20,000 entries: 10,000 keys), in this
	// model of n8n's store (JSON parse, set, stringify); n8n adds its database round trip.
	const full = new ProcessedDataStore();
	const context = { workflow: { id: 'bench', active: true }, node: { id: 'bench' } };
	const storeOptions = { mode: 'entries', maxEntries: 20_000 };
	await full.checkProcessedAndRecord(
		Array.from({ length: 20_000 }, (_, index) => `fill-${index}`),
		'node',
		context,
		storeOptions,
	);
	const calls = 50;
	const cpu0 = process.cpuUsage();
	for (let index = 0; index < calls; index++)
		await full.checkProcessedAndRecord([`k-${index}`, `t-${index}`], 'node', context, storeOptions);
	const cpu = process.cpuUsage(cpu0);
	results.storeCallAtFullRowCpuMs = round((cpu.user + cpu.system) / 1000 / calls, 2);
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

function table(rows, columns) {
	const header = columns.map(([title]) => title);
	const body = rows.map((row) =>
		columns.map(([, key]) => (typeof key === 'function' ? key(row) : row[key])).map(String),
	);
	const widths = header.map((title, index) =>
		Math.max(title.length, ...body.map((line) => line[index].length)),
	);
	const line = (cells) =>
		`| ${cells.map((cell, index) => cell.padEnd(widths[index])).join(' | ')} |`;
	return [
		line(header),
		`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`,
		...body.map(line),
	].join('\n');
}

const out = [];
const s1 = results.scenarios.noLimit;
if (s1) {
	const http = s1.rows.find((row) => row.label.startsWith('HTTP Request'));
	out.push(
		`\nScenario 1 — ${s1.items} items, ${s1.latencyMs} ms latency, no limit (default settings: concurrency adapts from ${defaultConcurrency}); median of ${ROUNDS} interleaved rounds`,
	);
	out.push(
		table(s1.rows, [
			['sender', 'label'],
			['wall ms', 'wallMs'],
			['items/s', 'itemsPerSecond'],
			['CPU ms/item', 'cpuMsPerItem'],
			['CPU range', (row) => row.cpuMsPerItemRange.join('–')],
			['CPU vs HTTP', (row) => round(row.cpuMsPerItem / http.cpuMsPerItem, 2)],
			['peak RSS MB', 'peakRssMb'],
			['failed', 'itemsFailed'],
			['order ok', 'orderPreserved'],
		]),
	);
	out.push(
		`Deduplication Key: CPU/item ${s1.targets.keyedCpuPerItemRatio}x the run without a key (<= 1.25: ${s1.targets.keyedCpuPerItemRatioMet ? 'met' : 'NOT met'}), items/s ${s1.targets.keyedItemsPerSecondRatio}x`,
	);
	out.push(
		`Targets: items/s ${s1.targets.itemsPerSecondOfHttpRequest}x the HTTP Request node's (>= 0.9: ${s1.targets.itemsPerSecondOfHttpRequestMet ? 'met' : 'NOT met'}); CPU/item ratio ${s1.targets.cpuPerItemRatio} (<= 1.0: ${s1.targets.cpuPerItemRatioMet ? 'met' : 'NOT met'}); CPU/item ratio at Concurrency 50: ${s1.targets.cpuPerItemRatioAtConcurrency50}`,
	);
}
const s2 = results.scenarios.rateLimited;
if (s2) {
	out.push(
		`\nScenario 2 — ${s2.items} items, ${s2.limit}, ${s2.latencyMs} ms latency; floor ${s2.floorMs} ms`,
	);
	out.push(
		table(s2.rows, [
			['sender', 'label'],
			['status', 'status'],
			['wall ms', 'wallMs'],
			['x floor', 'ofFloor'],
			['POSTs', 'requests'],
			['429s', 'status429'],
			['failed', 'itemsFailed'],
			['created', 'created'],
			['duplicates', 'duplicates'],
			['order ok', 'orderPreserved'],
		]),
	);
	out.push(
		`Targets: ${s2.targets.ofFloor}x floor (<= 1.05: ${s2.targets.ofFloorMet ? 'met' : 'NOT met'}); 429s ${round(s2.targets.status429Share * 100, 2)}% of items (<= 2%: ${s2.targets.status429Met ? 'met' : 'NOT met'}); failed 0: ${s2.targets.failedMet ? 'met' : 'NOT met'}; duplicates 0: ${s2.targets.duplicatesMet ? 'met' : 'NOT met'}`,
	);
	for (const row of s2.rows) if (row.error) out.push(`  ${row.label}: ${row.error}`);
}
const s3 = results.scenarios.memory;
if (s3) {
	out.push(`\nScenario 3 — ${s3.sizes.join(' vs ')} items, ${s3.latencyMs} ms latency, no limit`);
	out.push(
		table(s3.rows, [
			['sender', 'label'],
			['wall ms', 'wallMs'],
			['items/s', 'itemsPerSecond'],
			['peak RSS MB', 'peakRssMb'],
			['RSS MB per 1,000', 'peakRssPer1000Mb'],
			['growth MB', 'peakRssGrowthMb'],
			['growth MB per 1,000', 'peakRssGrowthPer1000Mb'],
			['failed', 'itemsFailed'],
		]),
	);
	out.push(
		`Targets: ${s3.targets.itemsFactor}x the items → peak RSS x${s3.targets.oursPeakRssFactor} (HTTP Request x${s3.targets.httpPeakRssFactor}); growth over the pre-run RSS x${s3.targets.oursPeakRssGrowthFactor} (HTTP Request x${s3.targets.httpPeakRssGrowthFactor}); sublinear: ${s3.targets.sublinearMet ? 'met' : 'NOT met'}`,
	);
}
const s4 = results.scenarios.burst;
if (s4) {
	out.push(
		`\nScenario 4 — ${s4.executions} executions at once (one item each, one credential), ${s4.limit}, ${s4.latencyMs} ms latency; floor ${s4.floorMs} ms`,
	);
	out.push(
		table(s4.rows, [
			['sender', 'label'],
			['status', 'status'],
			['wall ms', 'wallMs'],
			['x floor', 'ofFloor'],
			['POSTs', 'requests'],
			['429s', 'status429'],
			['failed', 'itemsFailed'],
			['duplicates', 'duplicates'],
			['CPU ms/item', 'cpuMsPerItem'],
		]),
	);
	out.push(
		`Deduplication Key: CPU/item ${s4.targets.keyedCpuPerItemRatio}x the run without a key (<= 1.25: ${s4.targets.keyedCpuPerItemRatioMet ? 'met' : 'NOT met'}); failed 0 and duplicates 0: ${s4.targets.keyedDuplicatesMet ? 'met' : 'NOT met'}`,
	);
	out.push(
		`Targets: 429s ${round(s4.targets.status429Share * 100, 2)}% of creates (<= 5%: ${s4.targets.status429Met ? 'met' : 'NOT met'}); failed 0: ${s4.targets.failedMet ? 'met' : 'NOT met'}; duplicates 0: ${s4.targets.duplicatesMet ? 'met' : 'NOT met'}; ${s4.targets.ofFloor}x floor`,
	);
}
if (results.storeCallAtFullRowCpuMs !== undefined)
	out.push(
		`\nKey store: one call on a full row (20,000 entries, 10,000 keys) costs ${results.storeCallAtFullRowCpuMs} ms CPU in this model of n8n's store`,
	);
const s5 = results.scenarios.cluster;
if (s5) {
	out.push(
		`\nScenario 5 — queue mode in simulated time: ${s5.executions} executions (one create each), ${s5.limit} per ${s5.windowMs} ms window, ${s5.slots} at once per worker, each worker its own quota; floor ${s5.rows[0].floorMs} ms`,
	);
	out.push(
		table(s5.rows, [
			['cluster', 'label'],
			['runs', 'runs'],
			['x floor (median)', 'ofFloorMedian'],
			['x floor (worst)', 'ofFloorWorst'],
			['429s (worst)', 'status429Worst'],
			['failed', 'failed'],
		]),
	);
	out.push(
		`Targets: ${s5.rows.map((row) => `${row.label}: ${row.ofFloorWorst}x floor (<= 1.05: ${row.ofFloorWorst <= 1.05 ? 'met' : 'NOT met'}), 429s ${row.status429Worst} (<= 1%: ${row.status429Worst <= s5.executions * 0.01 ? 'met' : 'NOT met'})`).join('; ')}`,
	);
}
console.log(out.join('\n'));

mkdirSync(path.join(root, 'bench-results'), { recursive: true });
writeFileSync(
	path.join(root, 'bench-results', 'latest.json'),
	`${JSON.stringify(results, null, 2)}\n`,
);
console.log('\nWrote bench-results/latest.json');
