#!/usr/bin/env node
// `npm run dev`: the package running in a real n8n against the provider sandbox, in one command.
//   1. the emulator sandbox on http://127.0.0.1:4010 (every provider, page at /)
//   2. n8n 2.41.1 (installed once into ~/.cache, see scripts/n8n/README.md)
//   3. this package, built (npm run dev builds first) and packed, installed into a persistent dev
//      user folder the way Settings → Community Nodes does
//   4. sandbox credentials for all five providers + the example workflows (examples/*.json)
//   5. `n8n start` on http://127.0.0.1:5678 with an owner account, the form, webhook and MCP
//      examples active; the AI agent example talks to the sandbox's scripted stand-in for OpenAI
// Ctrl-C stops everything it started. A second run reuses n8n, the user folder and the login.
// Flags: --check  submit the demo form once like a browser and call the MCP example's tool once
//                 like an MCP client, check the sandbox page shows both conversations, then stop
//                 (exit 1 on failure).
// Env: DEV_N8N_PORT (5678), EMULATOR_PORT (4010), DEV_USER_FOLDER (default below).
// Runs under Node 24 (npm scripts put node_modules/.bin/node first); the sandbox's TypeScript is
// loaded through scripts/ts-require.cjs.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import ensure from './n8n/ensure-n8n.cjs';
import n8n from './n8n/n8n-driver.cjs';

const require = createRequire(import.meta.url);
require('./ts-require.cjs');
const {
	AGENT_CREDENTIALS,
	createEmulator,
	MCP_TOKEN,
	sandboxCredentials,
	sandboxProviders,
} = require('../sandbox/index.ts');
const {
	demoProvider,
	formPath,
	MCP_PATH,
	WEBHOOK_PATH,
	webhookBody,
} = require('../sandbox/examples.ts');
const PROVIDERS = sandboxProviders();
const DEMO = demoProvider(PROVIDERS);

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const N8N_PORT = Number(process.env.DEV_N8N_PORT ?? 5678);
const EMULATOR_PORT = Number(process.env.EMULATOR_PORT ?? 4010);
const CACHE = path.join(
	process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'),
	'n8n-nodes-create-conversation',
);
const USER_FOLDER = path.resolve(process.env.DEV_USER_FOLDER || path.join(CACHE, 'dev-user'));
const CHECK = process.argv.includes('--check');

/**
 * The examples as they are in the repository: each has a fixed id, so a second run updates the
 * same workflows instead of adding copies. Activated on start: all but the AI agent example,
 * whose chat runs from the editor (Open chat) without it.
 */
const EXAMPLES_DIR = path.join(ROOT, 'examples');
const EXAMPLES = fs
	.readdirSync(EXAMPLES_DIR)
	.filter((file) => file.endsWith('.json'))
	.map((file) => ({
		file,
		id: JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')).id,
	}));
const ACTIVATE = EXAMPLES.filter(({ file }) => file !== 'ai-agent-tool.json');
const AGENT_EXAMPLE_ID = EXAMPLES.find(({ file }) => file === 'ai-agent-tool.json').id;

const log = (message) => process.stdout.write(`[dev] ${message}\n`);
const seconds = (start) => `${((Date.now() - start) / 1000).toFixed(1)} s`;

let emulator;
let client;
let stopping = false;

async function stopAll(code) {
	if (stopping) return;
	stopping = true;
	log('stopping n8n and the sandbox…');
	await client?.stop().catch(() => {});
	await emulator?.stop().catch(() => {});
	process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

async function portFree(port) {
	const net = await import('node:net');
	return await new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

async function main() {
	const started = Date.now();
	for (const [port, what, variable] of [
		[N8N_PORT, 'n8n', 'DEV_N8N_PORT'],
		[EMULATOR_PORT, 'the sandbox', 'EMULATOR_PORT'],
	]) {
		if (!(await portFree(port)))
			throw new Error(
				`port ${port} (for ${what}) is in use: stop what runs there or set ${variable}`,
			);
	}
	if (!fs.existsSync(path.join(ROOT, 'dist', 'nodes')))
		throw new Error('dist/ is missing: run `npm run build` (npm run dev does it)');

	let t = Date.now();
	log('ensuring n8n 2.41.1 (first run: installs it into the cache, 5–8 min)…');
	const info = await ensure.ensureN8n();
	log(`n8n ready (${info.fresh ? 'installed' : 'cached'}, ${seconds(t)}): ${info.cacheDir}`);

	emulator = await createEmulator({ port: EMULATOR_PORT }).start();
	log(`sandbox listening on ${emulator.url}`);

	t = Date.now();
	const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-dev-pack-'));
	const packed = await n8n.runProcess(
		'npm',
		['pack', '--pack-destination', packDir, '--loglevel=error'],
		{ cwd: ROOT, env: { ...process.env }, timeoutMs: 120_000 },
	);
	if (packed.code !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
	const tarball = path.join(packDir, packed.stdout.trim().split('\n').pop());
	fs.mkdirSync(USER_FOLDER, { recursive: true });
	const installed = await n8n.installCommunityPackage(USER_FOLDER, tarball);
	fs.rmSync(packDir, { recursive: true, force: true });
	log(
		`installed ${installed.packageName}@${installed.version} into ${installed.nodesDir} (${seconds(t)})`,
	);

	// NODE_ENV=test (set by some shells/CI) makes n8n's CLI commands do nothing
	const env = n8n.n8nEnv(USER_FOLDER, { NODE_ENV: 'production' });
	t = Date.now();
	await n8n.importCredentials(env, sandboxCredentials(emulator.url));
	// The README's command, on the files as they are.
	const imported = await n8n.runN8n(env, [
		'import:workflow',
		'--separate',
		`--input=${EXAMPLES_DIR}`,
	]);
	if (imported.code !== 0)
		throw new Error(
			`import:workflow failed:\n${imported.stdout.slice(-3000)}\n${imported.stderr.slice(-2000)}`,
		);
	log(
		`imported ${PROVIDERS.length} provider credentials, 2 for the AI examples and ${EXAMPLES.length} example workflows (${seconds(t)})`,
	);

	t = Date.now();
	log(`starting n8n on http://127.0.0.1:${N8N_PORT} …`);
	client = await n8n.startN8n(env, { port: N8N_PORT, timeoutMs: 180_000 });
	for (const { file, id } of ACTIVATE) {
		const current = await client.rest('GET', `/workflows/${id}`);
		const result = await client.rest('POST', `/workflows/${id}/activate`, {
			versionId: current.data?.versionId,
		});
		if (!result.ok)
			log(`could not activate ${file}: ${result.status} ${result.text.slice(0, 300)}`);
	}
	log(`n8n ready (${seconds(t)}; whole start ${seconds(started)})`);

	const editor = client.baseUrl;
	const tool = DEMO.fixtures.example.tool;
	const form = `${editor}/form/${formPath(DEMO)}`;
	const others = PROVIDERS.filter((provider) => provider !== DEMO).map(
		(provider) => `${editor}/form/${formPath(provider)}`,
	);
	process.stdout.write(`
  n8n editor     ${editor}/workflow/${DEMO.fixtures.example.workflowId}
  login          ${n8n.OWNER.email}  /  ${n8n.OWNER.password}
  form           ${form}
  sandbox page   ${emulator.url}/   (what each emulated provider received)
  webhook        curl -X POST ${editor}/webhook/${WEBHOOK_PATH} -H 'content-type: application/json' \\
                   -d '${JSON.stringify(webhookBody(DEMO))}'
  AI agent       ${editor}/workflow/${AGENT_EXAMPLE_ID}  → Open chat, and say:
                   ${tool.prompt.text}
                 (its model is "${AGENT_CREDENTIALS.model.name}": no account, no real model)
  MCP server     ${editor}/mcp/${MCP_PATH}   header  Authorization: Bearer ${MCP_TOKEN}

  Next: open the form, send it, and watch the conversation appear on the sandbox page. In the
  editor, open "Create Conversation" and switch the Provider: each of the ${PROVIDERS.length} has a sandbox
  credential already. The other forms:
${others.map((url) => `    ${url}`).join('\n')}
  After changing the code: Ctrl-C and \`npm run dev\` again.
  Ctrl-C stops n8n and the sandbox. Data stays in ${USER_FOLDER}.
`);

	if (CHECK) {
		// The demo form as a person fills it, with a message of its own to find on the sandbox page.
		const message = `dev check ${Date.now()}`;
		const { values, marker } = DEMO.fixtures.example.submission;
		const body = new FormData();
		values.forEach((value, index) =>
			body.append(`field-${index}`, value === marker ? message : value),
		);
		let res;
		for (let attempt = 0; attempt < 40; attempt++) {
			res = await fetch(form, { method: 'POST', body });
			if (res.status !== 404) break;
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
		let shown = false;
		for (let attempt = 0; attempt < 60 && !shown; attempt++) {
			shown = (await (await fetch(`${emulator.url}/`)).text()).includes(message);
			if (!shown) await new Promise((resolve) => setTimeout(resolve, 250));
		}
		log(
			`check: form POST answered ${res?.status}; sandbox page ${shown ? 'shows' : 'does NOT show'} "${message}"`,
		);
		const mcp = await checkMcp(`${editor}/mcp/${MCP_PATH}`, tool);
		await stopAll(res?.status === 200 && shown && mcp ? 0 : 1);
	}
}

/** Calls the MCP example's tool once, as an MCP client does; true when the sandbox shows it. */
async function checkMcp(url, tool) {
	const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
	const { StreamableHTTPClientTransport } = await import(
		'@modelcontextprotocol/sdk/client/streamableHttp.js'
	);
	const message = `dev check mcp ${Date.now()}`;
	const mcp = new Client({ name: 'npm-run-dev-check', version: '1.0.0' });
	try {
		await mcp.connect(
			new StreamableHTTPClientTransport(new URL(url), {
				requestInit: { headers: { authorization: `Bearer ${MCP_TOKEN}` } },
			}),
		);
		const { tools } = await mcp.listTools();
		const keys = Object.keys(tools[0]?.inputSchema?.properties ?? {});
		const args = Object.fromEntries(
			keys.map((key) => [key, /mail/i.test(key) ? tool.prompt.email : message]),
		);
		const result = await mcp.callTool({ name: tools[0].name, arguments: args });
		const shown = (await (await fetch(`${emulator.url}/`)).text()).includes(message);
		log(
			`check: MCP tool ${tools[0].name} answered ${result.isError ? 'an error' : 'a result'}; sandbox page ${shown ? 'shows' : 'does NOT show'} "${message}"`,
		);
		return !result.isError && shown;
	} catch (error) {
		log(`check: MCP client failed: ${error?.message ?? error}`);
		return false;
	} finally {
		await mcp.close().catch(() => {});
	}
}

main().catch(async (error) => {
	process.stderr.write(`[dev] ${error?.stack ?? error}\n`);
	await stopAll(1);
});
