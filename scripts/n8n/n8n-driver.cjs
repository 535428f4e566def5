'use strict';
// Drives a real, pinned n8n (installed by ./ensure-n8n.cjs) headlessly: user folders, community
// package install (laid out as n8n's Community Nodes installer does), CLI import/execute/export,
// and a `n8n start` server with an owner session for REST calls (e.g. the credential test).
// CommonJS (jest, TypeScript through allowJs, and ESM by default import), Node built-ins only. Every child process is time-bounded and runs in its own process
// group, which is killed on timeout, on stop() and when this process exits.

const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const { ensureN8n } = require('./ensure-n8n.cjs');

const SEC = 1000;
const DEFAULT_CLI_TIMEOUT_MS = 120 * SEC;
const DEFAULT_START_TIMEOUT_MS = 120 * SEC;

// ---------------------------------------------------------------- types (for TypeScript callers)

/**
 * @typedef {Record<string, string>} N8nEnv
 * @typedef {object} ProcessResult
 * @property {number | null} code
 * @property {NodeJS.Signals | null} signal
 * @property {string} stdout
 * @property {string} stderr
 * @property {number} ms
 * @property {boolean} timedOut
 */
/** @typedef {{ json: Record<string, unknown>; pairedItem?: unknown; binary?: unknown; [key: string]: unknown }} RunItem */
/**
 * n8n's IRun as printed by `n8n execute` (only the parts the helpers read are typed).
 * @typedef {{ data: { resultData: { runData: Record<string, Array<{ data?: { main?: RunItem[][] }; error?: any; executionStatus?: string; [k: string]: unknown }>>; error?: any; lastNodeExecuted?: string }; [k: string]: unknown }; status: string; finished: boolean; [k: string]: unknown }} N8nRun
 *
 * @typedef {object} ExecuteResult
 * @property {boolean} ok
 * @property {number | null} exitCode
 * @property {N8nRun | null} run
 * @property {any} error
 * @property {string} stdout
 * @property {string} stderr
 * @property {number} ms
 * @property {boolean} timedOut
 */
/**
 * @typedef {{ status: number; ok: boolean; data: any; body: any; text: string; headers: Record<string, string | string[] | undefined> }} RestResponse
 * @typedef {object} N8nClient
 * @property {number} port
 * @property {string} baseUrl
 * @property {typeof OWNER} owner
 * @property {string} cookie
 * @property {(method: string, path: string, body?: unknown) => Promise<RestResponse>} rest
 * @property {() => string} logs
 * @property {() => Promise<void>} stop
 */

const OWNER = Object.freeze({
	email: 'owner@example.com',
	firstName: 'Test',
	lastName: 'Owner',
	password: 'Passw0rd-e2e-Owner',
});

// ---------------------------------------------------------------- child process bookkeeping

const live = new Set(); // ChildProcess objects started here and not yet exited

function killGroup(child, signal = 'SIGKILL') {
	if (!child || child.exitCode !== null || child.signalCode !== null) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		try {
			child.kill(signal);
		} catch {}
	}
}

let hooksInstalled = false;
function installExitHooks() {
	if (hooksInstalled) return;
	hooksInstalled = true;
	process.on('exit', () => {
		for (const c of live) killGroup(c, 'SIGKILL');
	});
	for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
		const handler = () => {
			for (const c of live) killGroup(c, 'SIGKILL');
			process.off(sig, handler);
			if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
		};
		process.on(sig, handler);
	}
}

function track(child) {
	installExitHooks();
	live.add(child);
	child.once('exit', () => live.delete(child));
	return child;
}

/** Kills every n8n/npm process this module started that is still running. */
function killAll() {
	for (const c of live) killGroup(c, 'SIGKILL');
}

// ---------------------------------------------------------------- small utilities

/** A free TCP port on 127.0.0.1 (a race is possible in theory; n8n then fails to listen and we report it). */
function getFreePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

function sleep(ms) {
	return new Promise((r) => setTimeout(r, ms));
}

function tail(text, lines = 60) {
	return String(text ?? '')
		.trimEnd()
		.split('\n')
		.slice(-lines)
		.join('\n');
}

function tmpFile(dir, name) {
	const d = path.join(dir, '.driver-tmp');
	fs.mkdirSync(d, { recursive: true });
	return path.join(d, `${Date.now()}-${crypto.randomBytes(4).toString('hex')}-${name}`);
}

/** A 16-character alphanumeric id like the ones n8n generates for workflows/credentials. */
function newId() {
	const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	const bytes = crypto.randomBytes(16);
	return Array.from(bytes, (b) => abc[b % abc.length]).join('');
}

/** Environment for npm children: without the npm_* state an enclosing `npm run` exports. */
function npmEnv(nodeBin) {
	const env = {};
	const keep = new Set([
		'npm_config_registry',
		'npm_config_cache',
		'npm_config_userconfig',
		'npm_config_cafile',
	]);
	for (const [k, v] of Object.entries(process.env)) {
		if (/^npm_/i.test(k) && !keep.has(k.toLowerCase())) continue;
		env[k] = v;
	}
	if (nodeBin) env.PATH = `${path.dirname(nodeBin)}${path.delimiter}${process.env.PATH || ''}`;
	return env;
}

/**
 * Runs a command in its own process group, collecting output, killed (whole group) after timeoutMs.
 * Resolves { code, signal, stdout, stderr, ms, timedOut } and never rejects for a non-zero exit.
 *
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string }} [options]
 * @returns {Promise<ProcessResult>}
 */
function runProcess(cmd, args, { cwd, env, timeoutMs = DEFAULT_CLI_TIMEOUT_MS, input } = {}) {
	return new Promise((resolve, reject) => {
		const started = Date.now();
		const child = track(
			spawn(cmd, args, {
				cwd,
				env,
				stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
				detached: true,
			}),
		);
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
		child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
		if (input !== undefined) child.stdin.end(input);
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			killGroup(child, 'SIGKILL');
		}, timeoutMs);
		child.on('error', (err) => {
			clearTimeout(timer);
			reject(err);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({ code, signal, stdout, stderr, ms: Date.now() - started, timedOut });
		});
	});
}

// ---------------------------------------------------------------- user folder + environment

/** Creates an empty temp folder to use as N8N_USER_FOLDER (n8n keeps its data in <folder>/.n8n). */
function createUserFolder(prefix = 'n8n-e2e-') {
	return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Removes a user folder made by createUserFolder (stop servers using it first). */
function removeUserFolder(userFolder) {
	fs.rmSync(userFolder, { recursive: true, force: true, maxRetries: 3 });
}

/**
 * Environment for running n8n on `userFolder`: quiet, offline-friendly, SQLite, a fixed encryption
 * key derived from the folder (so CLI calls and a server on the same folder agree), loopback only.
 * `extra` is merged last (set a value to undefined to delete it).
 *
 * @param {string} userFolder
 * @param {Record<string, string | number | undefined>} [extra]
 * @returns {N8nEnv}
 */
function n8nEnv(userFolder, extra = {}) {
	const env = npmEnv();
	// Drop host proxy settings and anything n8n-ish inherited from the caller's shell.
	for (const k of Object.keys(env)) {
		if (/^(N8N_|DB_|EXECUTIONS_|QUEUE_|WEBHOOK_URL$|GENERIC_TIMEZONE$)/.test(k)) delete env[k];
	}
	const key = crypto
		.createHash('sha256')
		.update(`n8n-driver:${path.resolve(userFolder)}`)
		.digest('hex')
		.slice(0, 32);
	Object.assign(env, {
		N8N_USER_FOLDER: path.resolve(userFolder),
		N8N_ENCRYPTION_KEY: key,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		N8N_SSRF_PROTECTION_ENABLED: 'false', // tests point nodes at 127.0.0.1
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_SECURE_COOKIE: 'false',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
		NO_COLOR: '1',
		DB_TYPE: 'sqlite',
		GENERIC_TIMEZONE: 'UTC',
		TZ: 'UTC',
		NO_PROXY: '127.0.0.1,localhost,::1',
		no_proxy: '127.0.0.1,localhost,::1',
	});
	for (const k of [
		'HTTP_PROXY',
		'HTTPS_PROXY',
		'ALL_PROXY',
		'http_proxy',
		'https_proxy',
		'all_proxy',
	])
		delete env[k];
	for (const [k, v] of Object.entries(extra)) {
		if (v === undefined) delete env[k];
		else env[k] = String(v);
	}
	return env;
}

/** Alias kept for readability in tests: env = buildEnv(createUserFolder()). */
const buildEnv = n8nEnv;

// ---------------------------------------------------------------- n8n CLI

/**
 * Runs `n8n <args>` with Node 24. Picks a free task-runner broker port per call unless the env
 * fixes one (the default 5679 would clash between parallel n8n processes).
 * Resolves { code, signal, stdout, stderr, ms, timedOut }.
 *
 * @param {N8nEnv} env
 * @param {string[]} args
 * @param {{ timeoutMs?: number }} [options]
 * @returns {Promise<ProcessResult>}
 */
async function runN8n(env, args, { timeoutMs = DEFAULT_CLI_TIMEOUT_MS } = {}) {
	const { n8nBin, nodeBin } = await ensureN8n();
	const e = { ...env, PATH: `${path.dirname(nodeBin)}${path.delimiter}${env.PATH || ''}` };
	if (!e.N8N_RUNNERS_BROKER_PORT) e.N8N_RUNNERS_BROKER_PORT = String(await getFreePort());
	return await runProcess(nodeBin, [n8nBin, ...args], {
		cwd: env.N8N_USER_FOLDER,
		env: e,
		timeoutMs,
	});
}

function cliError(what, r) {
	const why = r.timedOut
		? `timed out after ${Math.round(r.ms / 1000)} s`
		: `exited with ${r.code ?? r.signal}`;
	const err = new Error(
		`n8n ${what} ${why}\n--- stdout (tail) ---\n${tail(r.stdout)}\n--- stderr (tail) ---\n${tail(r.stderr)}`,
	);
	err.result = r;
	return err;
}

async function runN8nOk(env, args, what, opts) {
	const r = await runN8n(env, args, opts);
	if (r.code !== 0 || r.timedOut) throw cliError(what, r);
	return r;
}

/**
 * Installs a packed community package (.tgz from `npm pack`) into <userFolder>/.n8n/nodes exactly
 * as n8n 2.41's CommunityPackagesService.downloadPackage lays it out:
 *   tar -xzf <tgz> -C nodes/node_modules/<name> --strip-components=1
 *   drop devDependencies/peerDependencies/optionalDependencies from its package.json
 *   npm install --audit=false --fund=false --bin-links=false --install-strategy=shallow
 *               --ignore-scripts=true --package-lock=false        (cwd: the package folder)
 *   nodes/package.json ("installed-nodes" ledger) gets dependencies[name] = version
 * n8n's own installer then also records the package in its database (installed_packages); that
 * record only drives the Settings > Community nodes list and reinstall-on-boot, not loading:
 * n8n loads every nodes/node_modules/n8n-nodes-* and @scope/n8n-nodes-* folder at startup.
 *
 * @param {string} userFolder
 * @param {string} tarballPath
 * @param {{ timeoutMs?: number }} [options]
 * @returns {Promise<{ packageName: string; version: string; packageDir: string; nodesDir: string }>}
 */
async function installCommunityPackage(userFolder, tarballPath, { timeoutMs = 5 * 60 * SEC } = {}) {
	const tgz = path.resolve(tarballPath);
	if (!fs.existsSync(tgz)) throw new Error(`installCommunityPackage: no such tarball ${tgz}`);
	const pj = spawnSync('tar', ['-xzOf', tgz, 'package/package.json'], {
		encoding: 'utf8',
		maxBuffer: 16 * 1024 * 1024,
	});
	if (pj.status !== 0)
		throw new Error(
			`installCommunityPackage: cannot read package/package.json from ${tgz}: ${pj.stderr}`,
		);
	const manifest = JSON.parse(pj.stdout);
	const packageName = manifest.name;
	if (!/^(@[a-z0-9][a-z0-9\-._]*\/)?n8n-nodes-[a-z0-9\-._]*$/.test(packageName)) {
		throw new Error(
			`installCommunityPackage: n8n only loads packages named n8n-nodes-* or @scope/n8n-nodes-*, got "${packageName}"`,
		);
	}
	const nodesDir = path.join(path.resolve(userFolder), '.n8n', 'nodes');
	const packageDir = path.join(nodesDir, 'node_modules', ...packageName.split('/'));
	fs.mkdirSync(nodesDir, { recursive: true });

	const ledgerPath = path.join(nodesDir, 'package.json');
	let ledger = null;
	try {
		ledger = JSON.parse(fs.readFileSync(ledgerPath, 'utf8'));
	} catch {}
	if (!ledger || typeof ledger.dependencies !== 'object' || ledger.dependencies === null) {
		ledger = { name: 'installed-nodes', private: true, dependencies: {} };
	}

	fs.rmSync(packageDir, { recursive: true, force: true });
	fs.mkdirSync(packageDir, { recursive: true });
	const untar = spawnSync('tar', ['-xzf', tgz, '-C', packageDir, '--strip-components=1'], {
		encoding: 'utf8',
	});
	if (untar.status !== 0) throw new Error(`installCommunityPackage: tar failed: ${untar.stderr}`);

	const pkgJsonPath = path.join(packageDir, 'package.json');
	const { devDependencies, peerDependencies, optionalDependencies, ...stripped } = JSON.parse(
		fs.readFileSync(pkgJsonPath, 'utf8'),
	);
	fs.writeFileSync(pkgJsonPath, JSON.stringify(stripped, null, 2), 'utf8');

	const { nodeBin } = await ensureN8n();
	const r = await runProcess(
		'npm',
		[
			'install',
			'--audit=false',
			'--fund=false',
			'--bin-links=false',
			'--install-strategy=shallow',
			'--ignore-scripts=true',
			'--package-lock=false',
		],
		{ cwd: packageDir, env: npmEnv(nodeBin), timeoutMs },
	);
	if (r.code !== 0 || r.timedOut) {
		throw new Error(
			`installCommunityPackage: npm install in ${packageDir} failed (${r.timedOut ? 'timeout' : `exit ${r.code}`})\n${tail(r.stdout, 20)}\n${tail(r.stderr, 40)}`,
		);
	}

	ledger.dependencies[packageName] = stripped.version;
	fs.writeFileSync(ledgerPath, JSON.stringify(ledger, null, 2), 'utf8');
	return { packageName, version: stripped.version, packageDir, nodesDir };
}

/**
 * `n8n import:credentials` for an array of { id?, name, type, data } (plain data; n8n encrypts it).
 * Missing ids are generated. Returns what was imported.
 *
 * @template {{ id?: string; name: string; type: string; data: Record<string, unknown> }} T
 * @param {N8nEnv} env
 * @param {T[]} creds
 * @param {{ timeoutMs?: number }} [opts]
 * @returns {Promise<Array<T & { id: string }>>}
 */
async function importCredentials(env, creds, opts = {}) {
	const list = creds.map((c) => ({ id: c.id ?? newId(), ...c }));
	const file = tmpFile(env.N8N_USER_FOLDER, 'credentials.json');
	fs.writeFileSync(file, JSON.stringify(list, null, 2));
	try {
		await runN8nOk(env, ['import:credentials', `--input=${file}`], 'import:credentials', opts);
	} finally {
		fs.rmSync(file, { force: true });
	}
	return list;
}

/**
 * `n8n import:workflow` for one workflow object ({ name, nodes, connections, ... }). An id is
 * generated when missing (n8n would generate one we could not know). Returns the id
 *
 * @param {N8nEnv} env
 * @param {Record<string, unknown>} workflowJson
 * @param {{ timeoutMs?: number }} [opts]
 * @returns {Promise<string>}
 */
async function importWorkflow(env, workflowJson, opts = {}) {
	const wf = {
		active: false,
		settings: {},
		connections: {},
		...workflowJson,
	};
	if (!wf.id) wf.id = newId();
	if (!wf.name) wf.name = `e2e ${wf.id}`;
	const file = tmpFile(env.N8N_USER_FOLDER, 'workflow.json');
	fs.writeFileSync(file, JSON.stringify(wf, null, 2));
	try {
		await runN8nOk(env, ['import:workflow', `--input=${file}`], 'import:workflow', opts);
	} finally {
		fs.rmSync(file, { force: true });
	}
	return wf.id;
}

/**
 * Pulls the run data (IRun JSON) out of `n8n execute` stdout. n8n prints it pretty-printed
 * (JSON.stringify(data, null, 2)) as the last thing on success, and through its logger after
 * "Execution was NOT successful" on failure; log lines may surround it. We take the last
 * top-level `{ ... }` block (a line that is exactly "{" up to a line that is exactly "}") that
 * parses and looks like a run (has data.resultData).
 */
function extractRunData(stdout) {
	const lines = String(stdout)
		.split(/\r?\n/)
		.map((l) => l.replace(/\x1b\[[0-9;]*m/g, ''));
	const opens = [];
	const closes = [];
	lines.forEach((l, i) => {
		if (l === '{') opens.push(i);
		else if (l === '}') closes.push(i);
	});
	for (let a = opens.length - 1; a >= 0; a--) {
		for (const c of closes) {
			if (c <= opens[a]) continue;
			try {
				const obj = JSON.parse(lines.slice(opens[a], c + 1).join('\n'));
				if (obj && obj.data && obj.data.resultData) return obj;
			} catch {}
		}
	}
	return null;
}

/**
 * `n8n execute --id=<id> --rawOutput`. Never throws for a failed run: `ok` is exit 0 and no
 * run error; `run` = the IRun ({ data: { resultData: { runData, error?, lastNodeExecuted } }, status, ... });
 *   use nodeItems(run, 'Node name') for a node's output items.
 *
 * @param {N8nEnv} env
 * @param {string} id
 * @param {{ timeoutMs?: number }} [options]
 * @returns {Promise<ExecuteResult>}
 */
async function executeWorkflow(env, id, { timeoutMs = DEFAULT_CLI_TIMEOUT_MS } = {}) {
	const r = await runN8n(env, ['execute', `--id=${id}`, '--rawOutput'], { timeoutMs });
	const run = extractRunData(r.stdout);
	const error = run?.data?.resultData?.error ?? null;
	return {
		ok: r.code === 0 && !r.timedOut && !!run && !error,
		exitCode: r.code,
		run,
		error,
		stdout: r.stdout,
		stderr: r.stderr,
		ms: r.ms,
		timedOut: r.timedOut,
	};
}

/**
 * Output items of a node in a run: runData[node][runIndex].data.main[outputIndex] (json + pairedItem...).
 * Returns [] when the node ran but output nothing, undefined when it did not run.
 *
 * @param {N8nRun | null} run
 * @param {string} nodeName
 * @param {{ runIndex?: number; outputIndex?: number }} [options]
 * @returns {RunItem[] | undefined}
 */
function nodeItems(run, nodeName, { runIndex = -1, outputIndex = 0 } = {}) {
	const runs = run?.data?.resultData?.runData?.[nodeName];
	if (!runs || runs.length === 0) return undefined;
	const task = runs.at(runIndex);
	return task?.data?.main?.[outputIndex] ?? [];
}

/**
 * The error a node's task recorded (run data, not the top-level error), if any.
 * @param {N8nRun | null} run
 * @param {string} nodeName
 * @param {{ runIndex?: number }} [options]
 * @returns {any}
 */
function nodeError(run, nodeName, { runIndex = -1 } = {}) {
	return run?.data?.resultData?.runData?.[nodeName]?.at(runIndex)?.error;
}

/**
 * `n8n export:nodes` → array of node type descriptions (name is '<package>.<nodeName>').
 * @param {N8nEnv} env
 * @param {{ timeoutMs?: number }} [opts]
 * @returns {Promise<Array<{ name: string; displayName: string; [k: string]: any }>>}
 */
async function exportNodes(env, opts = {}) {
	const file = tmpFile(env.N8N_USER_FOLDER, 'nodes.json');
	try {
		await runN8nOk(env, ['export:nodes', `--output=${file}`], 'export:nodes', opts);
		// n8n writes the file through a stream it does not await; wait until it is complete JSON.
		const deadline = Date.now() + 10 * SEC;
		for (;;) {
			try {
				return JSON.parse(fs.readFileSync(file, 'utf8'));
			} catch (e) {
				if (Date.now() > deadline)
					throw new Error(`export:nodes: could not read ${file}: ${e.message}`);
				await sleep(100);
			}
		}
	} finally {
		fs.rmSync(file, { force: true });
	}
}

// ---------------------------------------------------------------- server

function httpRequest({ port, method, urlPath, headers = {}, body, timeoutMs = 30 * SEC }) {
	return new Promise((resolve, reject) => {
		const payload =
			body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
		const req = http.request(
			{
				host: '127.0.0.1',
				port,
				method,
				path: urlPath,
				headers: {
					accept: 'application/json',
					...(payload !== undefined
						? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
						: {}),
					...headers,
				},
				timeout: timeoutMs,
			},
			(res) => {
				let text = '';
				res.setEncoding('utf8');
				res.on('data', (d) => (text += d));
				res.on('end', () => {
					let json;
					try {
						json = text ? JSON.parse(text) : undefined;
					} catch {}
					resolve({ status: res.statusCode, headers: res.headers, text, body: json });
				});
			},
		);
		req.on('timeout', () =>
			req.destroy(new Error(`${method} ${urlPath}: no answer in ${timeoutMs} ms`)),
		);
		req.on('error', reject);
		if (payload !== undefined) req.write(payload);
		req.end();
	});
}

/**
 * Starts `n8n start` on 127.0.0.1:<port> (free port unless given), waits for /healthz/readiness,
 * sets up the owner (or logs in if the folder already has one), and returns a REST client.
 *
 * @param {N8nEnv} env
 * @param {{ port?: number; timeoutMs?: number; owner?: typeof OWNER }} [options]
 * @returns {Promise<N8nClient>}
 */
async function startN8n(env, { port, timeoutMs = DEFAULT_START_TIMEOUT_MS, owner = OWNER } = {}) {
	const { n8nBin, nodeBin } = await ensureN8n();
	const p = port ?? (await getFreePort());
	const e = {
		...env,
		PATH: `${path.dirname(nodeBin)}${path.delimiter}${env.PATH || ''}`,
		N8N_PORT: String(p),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: `http://127.0.0.1:${p}/`,
		WEBHOOK_URL: `http://127.0.0.1:${p}/`,
	};
	if (!e.N8N_RUNNERS_BROKER_PORT) e.N8N_RUNNERS_BROKER_PORT = String(await getFreePort());

	const child = track(
		spawn(nodeBin, [n8nBin, 'start'], {
			cwd: env.N8N_USER_FOLDER,
			env: e,
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		}),
	);
	let output = '';
	const append = (d) => {
		output += d;
		if (output.length > 4_000_000) output = output.slice(-2_000_000);
	};
	child.stdout.setEncoding('utf8').on('data', append);
	child.stderr.setEncoding('utf8').on('data', append);
	let exited = null;
	const exitPromise = new Promise((resolve) =>
		child.once('exit', (code, signal) => resolve((exited = { code, signal }))),
	);

	const stop = async () => {
		if (exited) return;
		killGroup(child, 'SIGTERM');
		const t = setTimeout(() => killGroup(child, 'SIGKILL'), 15 * SEC);
		await exitPromise;
		clearTimeout(t);
		killGroup(child, 'SIGKILL'); // leftovers in the group (task runner)
	};

	const fail = async (msg) => {
		await stop();
		throw new Error(`startN8n: ${msg}\n--- n8n output (tail) ---\n${tail(output, 80)}`);
	};

	// readiness
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (exited) return await fail(`n8n exited early (${exited.code ?? exited.signal})`);
		if (Date.now() > deadline) return await fail(`not ready within ${timeoutMs / 1000} s`);
		try {
			const r = await httpRequest({
				port: p,
				method: 'GET',
				urlPath: '/healthz/readiness',
				timeoutMs: 2 * SEC,
			});
			if (r.status === 200) break;
		} catch {}
		await sleep(250);
	}

	const browserId = crypto.randomUUID(); // n8n binds the auth cookie to this header
	let cookie = '';
	const rest = async (method, urlPath, body) => {
		const full =
			urlPath.startsWith('/rest/') || urlPath.startsWith('/api/') || urlPath.startsWith('/healthz')
				? urlPath
				: `/rest${urlPath.startsWith('/') ? '' : '/'}${urlPath}`;
		const r = await httpRequest({
			port: p,
			method: method.toUpperCase(),
			urlPath: full,
			body,
			headers: { 'browser-id': browserId, ...(cookie ? { cookie } : {}) },
		});
		const setCookie = r.headers['set-cookie'];
		if (setCookie) {
			const auth = setCookie.map((c) => c.split(';')[0]).find((c) => c.startsWith('n8n-auth='));
			if (auth) cookie = auth;
		}
		return {
			status: r.status,
			ok: r.status >= 200 && r.status < 300,
			data: r.body?.data,
			body: r.body,
			text: r.text,
			headers: r.headers,
		};
	};

	try {
		const setup = await rest('POST', '/rest/owner/setup', owner);
		if (!setup.ok && !/already/i.test(setup.text))
			return await fail(`owner setup failed: ${setup.status} ${setup.text}`);
		cookie = '';
		const login = await rest('POST', '/rest/login', {
			emailOrLdapLoginId: owner.email,
			password: owner.password,
		});
		if (!login.ok || !cookie) return await fail(`login failed: ${login.status} ${login.text}`);
	} catch (err) {
		return await fail(`REST setup failed: ${err.message}`);
	}

	return {
		port: p,
		baseUrl: `http://127.0.0.1:${p}`,
		owner,
		get cookie() {
			return cookie;
		},
		rest,
		logs: () => output,
		stop,
	};
}

/**
 * Runs n8n's own credential test (what the credential modal's test does): POST /rest/credentials/test
 * with { credentials: { id, name, type, data } }. n8n 2.41 tests unsaved data only with id '' and an
 * owner; by default (save: true) we first save the credential like the UI does, test it by id with the
 * same data, then delete it.
 *
 * @param {N8nClient} client
 * @param {{ type: string; data: Record<string, unknown>; name?: string; id?: string }} credential
 * @param {{ save?: boolean; keep?: boolean }} [options]
 * @returns {Promise<{ status: string; message: string; httpStatus: number; raw: any; id?: string }>}
 */
async function testCredential(client, credential, { save = true, keep = false } = {}) {
	const name = credential.name ?? `test ${credential.type}`;
	let id = credential.id ?? '';
	let created = false;
	if (!id && save) {
		const c = await client.rest('POST', '/rest/credentials', {
			name,
			type: credential.type,
			data: credential.data,
		});
		if (!c.ok)
			throw new Error(`testCredential: creating the credential failed: ${c.status} ${c.text}`);
		id = c.data.id;
		created = true;
	}
	try {
		const r = await client.rest('POST', '/rest/credentials/test', {
			credentials: { id, name, type: credential.type, data: credential.data },
		});
		if (!r.ok)
			return {
				status: 'Error',
				message: `HTTP ${r.status}: ${r.body?.message ?? r.text}`,
				httpStatus: r.status,
				raw: r.body,
			};
		return {
			status: r.data?.status,
			message: r.data?.message,
			httpStatus: r.status,
			raw: r.data,
			id,
		};
	} finally {
		if (created && !keep) await client.rest('DELETE', `/rest/credentials/${id}`).catch(() => {});
	}
}

module.exports = {
	DEFAULT_CLI_TIMEOUT_MS,
	DEFAULT_START_TIMEOUT_MS,
	OWNER,
	killAll,
	track,
	killGroup,
	httpRequest,
	getFreePort,
	newId,
	runProcess,
	createUserFolder,
	removeUserFolder,
	n8nEnv,
	buildEnv,
	runN8n,
	installCommunityPackage,
	importCredentials,
	importWorkflow,
	extractRunData,
	executeWorkflow,
	nodeItems,
	nodeError,
	exportNodes,
	startN8n,
	testCredential,
};
