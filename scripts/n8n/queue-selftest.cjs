'use strict';
// Proof that queue-mode.cjs runs a real n8n 2.41.1 in queue mode on one machine:
// our own Redis + PostgreSQL -> workflows imported into Postgres -> one activated with the CLI
// before start, one through REST after start -> main + 2 workers -> a burst of 50 webhook calls
// answered by the workers -> everything stopped, nothing of ours left in `ps`.
//
//   node_modules/.bin/node scripts/n8n/queue-selftest.cjs      (from the repo root; n8n needs Node 24)
//
// One ok/FAIL line per check, timings in ms, exit 1 on any failure. KEEP_LOGS=1 prints all n8n
// output at the end. Only Node built-ins and the scripts next to this file.

const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');

const { ensureN8n } = require('./ensure-n8n.cjs');
const n8n = require('./n8n-driver.cjs');
const q = require('./queue-mode.cjs');

const BURST = 50;
const WORKERS = 2;
const CONCURRENCY = 10;

let passed = 0;
let failed = 0;
const timings = {};

function check(name, ok, detail = '') {
	if (ok) passed++;
	else failed++;
	console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
	return ok;
}

async function timed(name, fn) {
	const t = Date.now();
	try {
		return await fn();
	} finally {
		timings[name] = Date.now() - t;
	}
}

/** Webhook (responseMode lastNode) -> Code node that echoes the request and the execution id. */
function echoWorkflow(name, webhookPath) {
	return {
		name,
		nodes: [
			{
				id: crypto.randomUUID(),
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: crypto.randomUUID(),
				parameters: {
					httpMethod: 'POST',
					path: webhookPath,
					responseMode: 'lastNode',
					responseData: 'firstEntryJson',
					options: {},
				},
			},
			{
				id: crypto.randomUUID(),
				name: 'Echo',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [220, 0],
				parameters: {
					mode: 'runOnceForAllItems',
					language: 'javaScript',
					jsCode:
						'const body = $input.first().json.body;\nreturn [{ json: { ok: true, workflow: $workflow.name, i: body.i, doubled: body.i * 2, executionId: $execution.id } }];',
				},
			},
		],
		connections: { Webhook: { main: [[{ node: 'Echo', type: 'main', index: 0 }]] } },
	};
}

/** Processes (pid, args) that are ours: a temp dir / port / user folder of this run in args or environ. */
function ourProcesses(markers) {
	const found = [];
	for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
		if (Number(pid) === process.pid) continue;
		let args = '';
		let environ = '';
		try {
			args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
			environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
		} catch {
			continue; // exited meanwhile, or a kernel thread
		}
		if (!args) continue;
		if (markers.some((m) => args.includes(m) || environ.includes(m)))
			found.push(`${pid} ${args.slice(0, 160)}`);
	}
	return found;
}

function psLines(pattern) {
	const r = spawnSync('ps', ['-eo', 'pid,user,args'], { encoding: 'utf8' });
	return r.stdout.split('\n').filter((l) => pattern.test(l) && !l.includes('ps -eo'));
}

async function main() {
	const tAll = Date.now();
	const baselineServers = psLines(/redis-server|postgres|n8n/);
	const { n8nBin } = await timed('ensureN8n', () => ensureN8n());
	const userFolder = n8n.createUserFolder('n8n-queue-selftest-');
	let redis;
	let postgres;
	let cluster;
	const markers = [userFolder];
	try {
		// --- services
		[redis, postgres] = await Promise.all([
			timed('startRedis', () => q.startRedis()),
			timed('startPostgres', () => q.startPostgres()),
		]);
		markers.push(redis.dir, postgres.dataDir);
		check(
			'redis-server answers PING on its own port',
			(await q.redisCommand(redis.port, 'PING')) === 'PONG',
			`127.0.0.1:${redis.port}, pid ${redis.pid}, ${timings.startRedis} ms`,
		);
		const pgVersion = (await q.pgQuery(postgres, 'show server_version'))[0][0];
		check(
			'postgres accepts the n8n role over TCP with its password',
			!!pgVersion,
			`127.0.0.1:${postgres.port}, PostgreSQL ${pgVersion}, ${timings.startPostgres} ms (initdb ${postgres.initMs} ms)`,
		);

		const env = n8n.n8nEnv(userFolder, q.queueModeEnv({ redis, postgres }));

		// --- workflows (the CLI talks to Postgres too: first call runs the migrations)
		const wfA = echoWorkflow('queue burst', 'queue-burst');
		const wfB = echoWorkflow('queue rest-activated', 'queue-rest');
		const idA = await timed('importWorkflow A (runs migrations)', () =>
			n8n.importWorkflow(env, wfA),
		);
		const idB = await timed('importWorkflow B', () => n8n.importWorkflow(env, wfB));
		const tables = await q.pgQuery(
			postgres,
			`select count(*) from workflow_entity where id in ('${idA}', '${idB}')`,
		);
		check(
			'import:workflow wrote both workflows into Postgres',
			tables[0][0] === '2',
			`ids ${idA}, ${idB}`,
		);
		await timed('publish:workflow A', () => q.publishWorkflow(env, idA));
		const act = await q.pgQuery(
			postgres,
			`select "activeVersionId" is not null from workflow_entity where id = '${idA}'`,
		);
		check('publish:workflow --id activated workflow A before start', act[0][0] === 't');

		// --- cluster
		cluster = await timed('startQueueCluster', () =>
			q.startQueueCluster({ userFolder, env, workers: WORKERS, workerConcurrency: CONCURRENCY }),
		);
		const { main: client, workers } = cluster;
		timings['cluster: main ready + owner/login'] = client.startMs;
		timings['cluster: workers ready (parallel)'] = Math.max(...workers.map((w) => w.startMs));
		check(
			'workflow published before start is live once the cluster is up',
			cluster.activeWorkflowIds.includes(idA),
			`active: ${cluster.activeWorkflowIds.join(', ')}`,
		);
		const ready = await client.rest('GET', '/healthz/readiness');
		check(
			'main is ready and logged in',
			ready.status === 200 && !!client.cookie,
			`${client.baseUrl}, main ${client.startMs} ms`,
		);
		const workerReady = await Promise.all(
			workers.map((w) =>
				n8n.httpRequest({ port: w.healthPort, method: 'GET', urlPath: '/healthz/readiness' }),
			),
		);
		check(
			`${WORKERS} workers ready on their own health ports`,
			workers.length === WORKERS && workerReady.every((r) => r.status === 200),
			workers
				.map(
					(w) =>
						`worker ${w.index}: health ${w.healthPort}, broker ${w.brokerPort}, ${w.startMs} ms`,
				)
				.join('; '),
		);
		const ports = [
			client.port,
			client.brokerPort,
			...workers.flatMap((w) => [w.healthPort, w.brokerPort]),
		];
		check(
			'every process has its own ports',
			new Set(ports).size === ports.length,
			ports.join(', '),
		);
		check(
			'no process slept on a "Last session crashed" journal (shared user folder)',
			!/Last session crashed/.test(cluster.logs()),
		);
		const mainLog = client.logs();
		check(
			'main started in queue mode on Postgres (no SQLite warning)',
			!/not officially supported with sqlite/i.test(mainLog) &&
				!/Falling back to regular mode/i.test(mainLog),
		);

		// --- activation through REST on a running main
		await timed('activate B via REST', () => q.activateWorkflowRest(client, idB));
		const rB = await q.callWebhook(client, 'queue-rest', { i: 7 });
		check(
			'workflow activated via POST /rest/workflows/:id/activate answers its webhook',
			rB.status === 200 && rB.body?.doubled === 14,
			`${rB.status} ${rB.text.slice(0, 120)}, activation ${timings['activate B via REST']} ms`,
		);

		// --- burst
		const tBurst = Date.now();
		const results = await Promise.allSettled(
			Array.from({ length: BURST }, (_, i) => q.callWebhook(client, 'queue-burst', { i })),
		);
		timings[`burst of ${BURST} webhooks`] = Date.now() - tBurst;
		const ok200 = results.filter((r) => r.status === 'fulfilled' && r.value.status === 200);
		const bad = results
			.filter((r) => !(r.status === 'fulfilled' && r.value.status === 200))
			.slice(0, 3);
		check(
			`${BURST} concurrent webhook calls all answered 200`,
			ok200.length === BURST,
			bad
				.map((r) =>
					r.status === 'rejected'
						? r.reason.message
						: `${r.value.status} ${r.value.text.slice(0, 100)}`,
				)
				.join(' | ') || `${timings[`burst of ${BURST} webhooks`]} ms`,
		);
		const bodiesRight = results.every(
			(r, i) =>
				r.status === 'fulfilled' &&
				r.value.body?.ok === true &&
				r.value.body.i === i &&
				r.value.body.doubled === 2 * i &&
				r.value.body.workflow === 'queue burst',
		);
		check("every response carries its own request's result", bodiesRight);
		const execIds = results.map((r) =>
			r.status === 'fulfilled' ? String(r.value.body?.executionId) : 'none',
		);
		check('each call was its own execution', new Set(execIds).size === BURST);
		const lat = ok200.map((r) => r.value.ms).sort((a, b) => a - b);
		if (lat.length)
			timings['webhook latency min/median/max'] =
				`${lat[0]}/${lat[Math.floor(lat.length / 2)]}/${lat[lat.length - 1]}`;

		// --- where did they run?
		await new Promise((r) => setTimeout(r, 300)); // let the last log lines arrive
		const by = cluster.executionsByProcess();
		const enqueued = new Set(by.main);
		check(
			'main enqueued every burst execution',
			execIds.every((id) => enqueued.has(id)),
			`${by.main.length} "Enqueued execution" lines`,
		);
		check(
			'main ran none of them itself',
			by.mainRan.length === 0 && execIds.every((id) => !by.mainRan.includes(id)),
		);
		const perWorker = by.workers.map((ids) => execIds.filter((id) => ids.includes(id)).length);
		const ranOnce = execIds.every(
			(id) => by.workers.filter((ids) => ids.includes(id)).length === 1,
		);
		check(
			'every burst execution ran on exactly one worker',
			ranOnce,
			`per worker: ${perWorker.join(' + ')}`,
		);
		check(
			'both workers took some',
			perWorker.length === WORKERS && perWorker.every((n) => n > 0),
			perWorker.join(', '),
		);
		const rows = await q.pgQuery(
			postgres,
			`select status, mode, count(*) from execution_entity where "workflowId" = '${idA}' group by status, mode`,
		);
		check(
			`Postgres has ${BURST} successful webhook executions of the workflow`,
			rows.length === 1 &&
				rows[0][0] === 'success' &&
				rows[0][1] === 'webhook' &&
				rows[0][2] === String(BURST),
			JSON.stringify(rows),
		);
		const jobCounter = Number(await q.redisCommand(redis.port, 'GET', 'bull:jobs:id'));
		check(
			'jobs went through our Redis (Bull job counter)',
			jobCounter >= BURST + 1,
			`bull:jobs:id = ${jobCounter}`,
		);

		if (process.env.KEEP_LOGS === '1') console.log(cluster.logs());
		const warnings = [
			...new Set(
				cluster
					.logs()
					.split('\n')
					.filter((l) => /warn|deprecat/i.test(l))
					.map((l) => l.trim()),
			),
		].slice(0, 20);
		if (warnings.length) console.log(`(n8n warnings seen)\n  ${warnings.join('\n  ')}`);
	} catch (err) {
		check('selftest ran to the end', false, err.stack);
		if (cluster) console.log(cluster.logs().split('\n').slice(-80).join('\n'));
	} finally {
		// --- stop everything
		if (cluster) await timed('cluster stop', () => cluster.stop());
		if (postgres) await timed('postgres stop', () => postgres.stop());
		if (redis) await timed('redis stop', () => redis.stop());
		await new Promise((r) => setTimeout(r, 500));
		const left = ourProcesses(markers);
		check(
			'no process of ours left (redis, postgres, n8n main/workers/task runners)',
			left.length === 0,
			left.join(' | '),
		);
		const serversNow = psLines(/redis-server|postgres|n8n/).filter(
			(l) => !baselineServers.includes(l),
		);
		check(
			'ps shows no new redis-server/postgres/n8n process',
			serversNow.length === 0,
			serversNow.join(' | '),
		);
		check(
			'temp folders removed',
			[redis?.dir, postgres?.dataDir].filter(Boolean).every((d) => !fs.existsSync(d)),
		);
		n8n.removeUserFolder(userFolder);
	}
	timings.total = Date.now() - tAll;
	console.log(
		`\ntimings (ms): ${Object.entries(timings)
			.map(([k, v]) => `${k} ${v}`)
			.join(', ')}`,
	);
	console.log(`n8n: ${n8nBin}`);
	console.log(`${passed} passed, ${failed} failed`);
	process.exitCode = failed ? 1 : 0;
}

main().catch((err) => {
	console.error(err);
	process.exitCode = 1;
});
