#!/usr/bin/env node
// Proves the n8n tooling end to end, with a throwaway community package generated at run time:
//   ensure-n8n -> npm pack -> installCommunityPackage -> exportNodes -> import credential + workflow
//   -> executeWorkflow (node calls a local HTTP server with its credential) -> n8n start ->
//   owner setup + login -> credential test through REST (good key: OK, bad key: Error).
// Everything listens on / talks to 127.0.0.1 only. Run with Node 24:
//   node_modules/.bin/node scripts/n8n/selftest.mjs            (KEEP=1 keeps the temp folders)

import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

import ensure from './ensure-n8n.cjs';
import n8n from './n8n-driver.cjs';

const PKG = 'n8n-nodes-driver-selftest';
const NODE_NAME = 'driverSelftestEcho';
const CRED_NAME = 'driverSelftestApi';
const GOOD_KEY = 'good-key-123';

const results = [];
const timings = {};
let failed = 0;
function check(name, cond, detail = '') {
	results.push({ name, ok: !!cond });
	if (!cond) failed++;
	process.stdout.write(`${cond ? 'ok  ' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}\n`);
}
async function timed(label, fn) {
	const t = Date.now();
	try {
		return await fn();
	} finally {
		timings[label] = Date.now() - t;
		process.stderr.write(`[selftest] ${label}: ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
	}
}

function writePackage(dir) {
	const w = (rel, text) => {
		fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
		fs.writeFileSync(path.join(dir, rel), text);
	};
	w(
		'package.json',
		JSON.stringify(
			{
				name: PKG,
				version: '0.0.1',
				description: 'throwaway package for scripts/n8n/selftest.mjs',
				keywords: ['n8n-community-node-package'],
				license: 'MIT',
				main: 'index.js',
				files: ['dist'],
				n8n: {
					n8nNodesApiVersion: 1,
					strict: true,
					credentials: ['dist/credentials/DriverSelftestApi.credentials.js'],
					nodes: ['dist/nodes/DriverSelftestEcho/DriverSelftestEcho.node.js'],
				},
				// stripped by the installer like n8n does; would fail offline if npm tried to resolve them
				devDependencies: { 'n8n-workflow': '2.41.0', 'does-not-exist-anywhere-xyz': '9.9.9' },
				peerDependencies: { 'n8n-workflow': '*' },
			},
			null,
			2,
		),
	);
	w('index.js', 'module.exports = {};\n');
	w(
		'dist/credentials/DriverSelftestApi.credentials.js',
		`"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DriverSelftestApi = void 0;
class DriverSelftestApi {
	constructor() {
		this.name = '${CRED_NAME}';
		this.displayName = 'Driver Selftest API';
		this.documentationUrl = 'https://example.com';
		this.properties = [
			{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
			{ displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '' },
		];
		this.authenticate = { type: 'generic', properties: { headers: { Authorization: '=Bearer {{$credentials.apiKey}}' } } };
		this.test = { request: { baseURL: '={{$credentials.baseUrl}}', url: '/me', method: 'GET' } };
	}
}
exports.DriverSelftestApi = DriverSelftestApi;
`,
	);
	w(
		'dist/nodes/DriverSelftestEcho/DriverSelftestEcho.node.js',
		`"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DriverSelftestEcho = void 0;
const n8n_workflow_1 = require("n8n-workflow"); // provided by n8n at run time
class DriverSelftestEcho {
	constructor() {
		this.description = {
			displayName: 'Driver Selftest Echo',
			name: '${NODE_NAME}',
			icon: 'fa:bullhorn',
			group: ['transform'],
			version: 1,
			subtitle: '={{$parameter["message"]}}',
			description: 'Echoes a message and who the local server says we are',
			defaults: { name: 'Driver Selftest Echo' },
			usableAsTool: true,
			inputs: [n8n_workflow_1.NodeConnectionTypes.Main],
			outputs: [n8n_workflow_1.NodeConnectionTypes.Main],
			credentials: [{ name: '${CRED_NAME}', required: true }],
			properties: [{ displayName: 'Message', name: 'message', type: 'string', default: 'hello' }],
		};
	}
	async execute() {
		const items = this.getInputData();
		const out = [];
		for (let i = 0; i < items.length; i++) {
			const creds = await this.getCredentials('${CRED_NAME}');
			const me = await this.helpers.httpRequestWithAuthentication.call(this, '${CRED_NAME}', {
				method: 'GET',
				url: creds.baseUrl + '/me',
				json: true,
			});
			out.push({ json: { echo: this.getNodeParameter('message', i), me }, pairedItem: { item: i } });
		}
		return [out];
	}
}
exports.DriverSelftestEcho = DriverSelftestEcho;
`,
	);
}

function startFakeApi() {
	const seen = [];
	const server = http.createServer((req, res) => {
		seen.push({ method: req.method, url: req.url, auth: req.headers.authorization });
		res.setHeader('content-type', 'application/json');
		if (req.url === '/me' && req.headers.authorization === `Bearer ${GOOD_KEY}`) {
			res.end(JSON.stringify({ id: 7, name: 'selftest user' }));
		} else {
			res.statusCode = 401;
			res.end(JSON.stringify({ message: 'bad key' }));
		}
	});
	return new Promise((resolve) =>
		server.listen(0, '127.0.0.1', () =>
			resolve({ server, seen, baseUrl: `http://127.0.0.1:${server.address().port}` }),
		),
	);
}

async function main() {
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-selftest-'));
	let client;
	let api;
	let userFolder;
	const overall = setTimeout(() => {
		process.stderr.write('[selftest] overall time limit (15 min) reached\n');
		n8n.killAll();
		process.exit(2);
	}, 15 * 60_000);
	overall.unref();
	try {
		const info = await timed('ensureN8n', () => ensure.ensureN8n());
		check(
			'ensureN8n returns bins',
			fs.existsSync(info.n8nBin) && fs.existsSync(info.nodeBin),
			`${info.fresh ? 'fresh install' : 'cached'}; ${info.n8nBin}`,
		);
		await timed('ensureN8n (cached call)', () => ensure.ensureN8n());

		// 1. throwaway package, packed like a release
		const pkgDir = path.join(work, 'pkg');
		writePackage(pkgDir);
		const packed = await timed('npm pack', () =>
			n8n.runProcess('npm', ['pack', '--pack-destination', work, '--loglevel=error'], {
				cwd: pkgDir,
				env: { ...process.env },
				timeoutMs: 120_000,
			}),
		);
		const tgz = path.join(work, packed.stdout.trim().split('\n').pop());
		check('npm pack made a tarball', packed.code === 0 && fs.existsSync(tgz), tgz);

		// 2. install as a community package
		userFolder = n8n.createUserFolder();
		const env = n8n.n8nEnv(userFolder);
		const inst = await timed('installCommunityPackage', () =>
			n8n.installCommunityPackage(userFolder, tgz),
		);
		const ledger = JSON.parse(
			fs.readFileSync(path.join(userFolder, '.n8n/nodes/package.json'), 'utf8'),
		);
		const installedPj = JSON.parse(
			fs.readFileSync(path.join(inst.packageDir, 'package.json'), 'utf8'),
		);
		check(
			'package laid out under .n8n/nodes',
			ledger.dependencies[PKG] === '0.0.1' &&
				!installedPj.devDependencies &&
				!installedPj.peerDependencies,
			inst.packageDir,
		);

		// 3. n8n sees the node and the credential
		const nodes = await timed('exportNodes', () => n8n.exportNodes(env));
		const ours = nodes.find((n) => n.name === `${PKG}.${NODE_NAME}`);
		check(`exportNodes lists ${PKG}.${NODE_NAME}`, !!ours, `${nodes.length} node types`);

		// 4. CLI execution with an imported credential against a local server
		api = await startFakeApi();
		const credId = 'selftestCred0001';
		await timed('importCredentials', () =>
			n8n.importCredentials(env, [
				{
					id: credId,
					name: 'Selftest cred',
					type: CRED_NAME,
					data: { baseUrl: api.baseUrl, apiKey: GOOD_KEY },
				},
			]),
		);
		const wfId = await timed('importWorkflow', () =>
			n8n.importWorkflow(env, {
				name: 'selftest',
				nodes: [
					{
						id: 'n1',
						name: 'When clicking',
						type: 'n8n-nodes-base.manualTrigger',
						typeVersion: 1,
						position: [0, 0],
						parameters: {},
					},
					{
						id: 'n2',
						name: 'Echo',
						type: `${PKG}.${NODE_NAME}`,
						typeVersion: 1,
						position: [220, 0],
						parameters: { message: '={{ "hi " + (40 + 2) }}' },
						credentials: { [CRED_NAME]: { id: credId, name: 'Selftest cred' } },
					},
				],
				connections: { 'When clicking': { main: [[{ node: 'Echo', type: 'main', index: 0 }]] } },
			}),
		);
		const exec = await timed('executeWorkflow', () => n8n.executeWorkflow(env, wfId));
		const items = n8n.nodeItems(exec.run, 'Echo');
		check(
			'executeWorkflow runs the community node',
			exec.ok &&
				exec.exitCode === 0 &&
				items?.[0]?.json?.echo === 'hi 42' &&
				items[0].json.me?.name === 'selftest user',
			`exit ${exec.exitCode}, items ${JSON.stringify(items)}`,
		);
		if (!exec.ok)
			process.stderr.write(
				`--- execute stdout ---\n${exec.stdout.slice(-4000)}\n--- stderr ---\n${exec.stderr.slice(-2000)}\n`,
			);
		check(
			'node sent the credential to 127.0.0.1',
			api.seen.some((s) => s.auth === `Bearer ${GOOD_KEY}`),
		);

		// a failing run: wrong key -> non-zero exit, error in run data
		await n8n.importCredentials(env, [
			{
				id: 'selftestCred0002',
				name: 'Bad cred',
				type: CRED_NAME,
				data: { baseUrl: api.baseUrl, apiKey: 'nope' },
			},
		]);
		const wfBad = await n8n.importWorkflow(env, {
			name: 'selftest bad',
			nodes: [
				{
					id: 'n1',
					name: 'When clicking',
					type: 'n8n-nodes-base.manualTrigger',
					typeVersion: 1,
					position: [0, 0],
					parameters: {},
				},
				{
					id: 'n2',
					name: 'Echo',
					type: `${PKG}.${NODE_NAME}`,
					typeVersion: 1,
					position: [220, 0],
					parameters: {},
					credentials: { [CRED_NAME]: { id: 'selftestCred0002', name: 'Bad cred' } },
				},
			],
			connections: { 'When clicking': { main: [[{ node: 'Echo', type: 'main', index: 0 }]] } },
		});
		const bad = await timed('executeWorkflow (failing)', () => n8n.executeWorkflow(env, wfBad));
		check(
			'a failing run gives exit != 0 and the error',
			!bad.ok && bad.exitCode !== 0 && !!bad.error && !!n8n.nodeError(bad.run, 'Echo'),
			`exit ${bad.exitCode}: ${bad.error?.message} / http ${bad.error?.httpCode}`,
		);

		// 5. server + REST credential test
		client = await timed('startN8n', () => n8n.startN8n(env));
		check('n8n start + owner setup + login', !!client.cookie, client.baseUrl);
		const good = await timed('testCredential (good)', () =>
			n8n.testCredential(client, {
				type: CRED_NAME,
				data: { baseUrl: api.baseUrl, apiKey: GOOD_KEY },
			}),
		);
		check(
			'credential test OK with the good key',
			good.status === 'OK',
			JSON.stringify({ status: good.status, message: good.message }),
		);
		const badT = await timed('testCredential (bad)', () =>
			n8n.testCredential(client, {
				type: CRED_NAME,
				data: { baseUrl: api.baseUrl, apiKey: 'wrong' },
			}),
		);
		check(
			'credential test Error with a bad key',
			badT.status === 'Error',
			JSON.stringify({ status: badT.status, message: badT.message }),
		);
		const unsaved = await n8n.testCredential(
			client,
			{ type: CRED_NAME, data: { baseUrl: api.baseUrl, apiKey: GOOD_KEY } },
			{ save: false },
		);
		check(
			'credential test of unsaved data (id "") OK',
			unsaved.status === 'OK',
			JSON.stringify({ status: unsaved.status, message: unsaved.message }),
		);
		const list = await client.rest('GET', '/rest/credentials');
		check(
			'temporary credentials were deleted',
			list.ok && !list.data.some((c) => c.name === `test ${CRED_NAME}`),
			`${list.data?.length} credentials left`,
		);
		await timed('stop', () => client.stop());
		client = undefined;
	} catch (err) {
		check('no exception', false, err.stack || String(err));
	} finally {
		if (client) await client.stop().catch(() => {});
		if (api) api.server.close();
		if (!process.env.KEEP) {
			fs.rmSync(work, { recursive: true, force: true });
			if (userFolder) n8n.removeUserFolder(userFolder);
		} else process.stderr.write(`[selftest] kept ${work} and ${userFolder}\n`);
		clearTimeout(overall);
	}
	process.stdout.write(`timings (ms): ${JSON.stringify(timings)}\n`);
	process.stdout.write(`${results.length - failed} passed, ${failed} failed\n`);
	process.exitCode = failed ? 1 : 0;
}

await main();
