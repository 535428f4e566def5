#!/usr/bin/env node
// `npm run test:browser`: the node seen in a real browser. Starts the `npm run dev` instance (n8n 2.41.1
// with this package + the provider sandbox), drives Debian's Chromium with playwright-core:
//   1. signs in to the n8n editor as the dev owner,
//   2. opens the demo provider's form example (Form Trigger → Create Conversation) and the node's panel,
//   3. checks the Provider selector is a visible field, then switches it through every provider as
//      a user would; for each: the Provider dropdown offers them all, the Credential dropdown offers
//      only this provider's sandbox credential (and "Create new credential", which opens a new
//      credential of this provider's type only; screenshot test-artifacts/create-credential-<provider>.png),
//      and once that credential is picked the panel shows its own fields and credential and none of
//      another provider's; screenshots test-artifacts/panel-<provider>.png (the demo provider's also to docs/panel.png),
//   4. submits the example form in the browser and finds the conversation on the sandbox page,
//   5. chats with the AI agent example in the editor (its model is the sandbox's scripted stand-in
//      for OpenAI): the answer names the conversation the tool opened, and the sandbox page lists it.
// Prints `browser: N passed, N failed` and exits 1 on any failed check. Stops everything it started.
//
// What n8n 2.41.1 does on a switch (seen here): the node's credentials are declared with
// `displayOptions.hide.provider` (every other provider), so the editor draws Provider as a normal
// field (with `show.provider` it took Provider for the node's authentication choice and hid it).
// After a switch the Credential is empty: n8n keeps only the credential picked last, and it does not
// auto-select on a parameter change (it does when the panel is opened and exactly one credential of
// the type exists). The user picks the provider's credential from a dropdown that lists only that
// provider's credential type.
//
// Flags: --reuse  use an instance already started with `npm run dev` instead of starting one.
// Env: DEV_N8N_PORT (5678), EMULATOR_PORT (4010), DEV_USER_FOLDER: passed on to scripts/dev.mjs.
// Runs under Node 24 (npm scripts put node_modules/.bin/node first); the sandbox's TypeScript is
// loaded through scripts/ts-require.cjs.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
require('../../scripts/ts-require.cjs');
const { sandboxProviders } = require('../../sandbox/index.ts');
const { AGENT_EXAMPLE_ID, demoProvider, formPath } = require('../../sandbox/examples.ts');
const { panelExpectations } = require('./expectations.ts');
/** Every registered provider with its sandbox fixtures; the demo one's form example is opened. */
const SANDBOX = sandboxProviders();
const PROVIDERS = SANDBOX.map(({ id }) => id);
const DEMO = demoProvider(SANDBOX);

const N8N_PORT = Number(process.env.DEV_N8N_PORT ?? 5678);
const EMULATOR_PORT = Number(process.env.EMULATOR_PORT ?? 4010);
const EDITOR = `http://127.0.0.1:${N8N_PORT}`;
const SANDBOX_URL = `http://127.0.0.1:${EMULATOR_PORT}`;
const OWNER = { email: 'owner@example.com', password: 'Passw0rd-e2e-Owner' };
const WORKFLOW_ID = DEMO.fixtures.example.workflowId;
const AGENT_PROMPT = DEMO.fixtures.example.tool.prompt;
const FORM_PATH = formPath(DEMO);
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const REUSE = process.argv.includes('--reuse');

const log = (message) => process.stdout.write(`[browser] ${message}\n`);
const seconds = (start) => `${((Date.now() - start) / 1000).toFixed(1)} s`;

// ---------------------------------------------------------------------------------------------
// checks
let passed = 0;
let failed = 0;
function check(ok, what, detail = '') {
	if (ok) passed++;
	else failed++;
	log(`${ok ? 'ok  ' : 'FAIL'} ${what}${!ok && detail ? `: ${detail}` : ''}`);
	return ok;
}

// ---------------------------------------------------------------------------------------------
// what each provider's panel must show, read from the built package (the same files n8n loads)
function expectations() {
	const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
	const nodeFile = path.join(ROOT, pkg.n8n.nodes[0]);
	const NodeClass = require(nodeFile)[path.basename(nodeFile, '.node.js')];
	const credentialDisplayNames = {};
	for (const file of pkg.n8n.credentials) {
		const CredClass = require(path.join(ROOT, file))[path.basename(file, '.credentials.js')];
		const credential = new CredClass();
		credentialDisplayNames[credential.name] = credential.displayName;
	}
	// parameters of the example workflow's node (what the panel starts with)
	const exampleWorkflow = JSON.parse(
		fs.readFileSync(path.join(ROOT, 'examples', `form-to-${DEMO.id}.json`), 'utf8'),
	);
	return panelExpectations({
		description: new NodeClass().description,
		definitions: require(path.join(path.dirname(nodeFile), 'providers', 'registry.js')).providers,
		credentialDisplayNames,
		sandbox: SANDBOX,
		exampleParameters: exampleWorkflow.nodes.find((node) => node.name === 'Create Conversation')
			.parameters,
	});
}

// ---------------------------------------------------------------------------------------------
// Chromium
function ensureChromium() {
	if (fs.existsSync(CHROMIUM)) return;
	log(
		`${CHROMIUM} is missing: installing Debian's chromium (apt-get update && apt-get install -y chromium)…`,
	);
	const t = Date.now();
	const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
	for (const args of [
		['apt-get', 'update'],
		['apt-get', 'install', '-y', 'chromium'],
	]) {
		const cmd = [...sudo, ...args];
		const run = spawnSync(cmd[0], cmd.slice(1), {
			stdio: 'inherit',
			env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
		});
		if (run.status !== 0)
			throw new Error(`\`${cmd.join(' ')}\` failed (exit ${run.status ?? run.signal})`);
	}
	if (!fs.existsSync(CHROMIUM))
		throw new Error(`apt-get installed chromium but ${CHROMIUM} is still missing`);
	log(`chromium installed (${seconds(t)})`);
}

// ---------------------------------------------------------------------------------------------
// the dev instance (scripts/dev.mjs through `npm run dev`, which builds first)
let dev;
let devExited;
async function startDev() {
	const t = Date.now();
	log('starting `npm run dev` (build, sandbox, n8n)…');
	const output = [];
	dev = spawn('npm', ['run', 'dev', '--silent'], {
		cwd: ROOT,
		env: { ...process.env, NODE_ENV: 'production' },
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true,
	});
	devExited = new Promise((resolve) => dev.once('exit', (code, signal) => resolve(code ?? signal)));
	const ready = new Promise((resolve, reject) => {
		const onData = (chunk) => {
			const text = chunk.toString();
			output.push(text);
			for (const line of text.split('\n')) if (line.startsWith('[dev]')) log(`  ${line}`);
			if (/\[dev\] n8n ready \(.*whole start/.test(output.join(''))) resolve();
		};
		dev.stdout.on('data', onData);
		dev.stderr.on('data', (chunk) => output.push(chunk.toString()));
		devExited.then((code) =>
			reject(
				new Error(
					`npm run dev exited (${code}) before n8n was ready:\n${output.join('').slice(-4000)}`,
				),
			),
		);
	});
	let timer;
	const timeout = new Promise((_, reject) => {
		timer = setTimeout(
			() =>
				reject(
					new Error(`npm run dev was not ready after 15 min:\n${output.join('').slice(-4000)}`),
				),
			15 * 60_000,
		);
	});
	try {
		await Promise.race([ready, timeout]);
	} finally {
		clearTimeout(timer);
	}
	log(`dev instance ready (${seconds(t)})`);
}

async function stopDev() {
	if (!dev || dev.exitCode !== null || dev.signalCode !== null) return;
	const t = Date.now();
	try {
		process.kill(-dev.pid, 'SIGTERM'); // npm and scripts/dev.mjs; dev.mjs stops n8n and the sandbox
	} catch {}
	const stopped = await Promise.race([
		devExited.then(() => true),
		new Promise((resolve) => setTimeout(() => resolve(false), 30_000)),
	]);
	if (!stopped) {
		log('npm run dev did not stop within 30 s: killing it');
		try {
			process.kill(-dev.pid, 'SIGKILL');
		} catch {}
	}
	// scripts/dev.mjs exits once n8n and the sandbox are down; make sure the ports are free again
	for (let i = 0; i < 40 && !((await portFree(N8N_PORT)) && (await portFree(EMULATOR_PORT))); i++)
		await new Promise((r) => setTimeout(r, 250));
	log(`dev instance stopped (${seconds(t)})`);
}

async function portFree(port) {
	const net = await import('node:net');
	return await new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/** The open panel shows `provider`'s fields `visible`, its credential, and nothing of another provider. */
async function checkPanel(page, ndv, provider, e, visible, when) {
	const parameters = ndv.getByTestId('node-parameters');
	const credentialSelect = ndv.getByTestId('node-credentials-select');
	// the panel re-renders for the new provider: wait for its signature field
	// one field per provider, named in its fixtures, so an empty derivation cannot pass silently
	const signature = e.signatureField;
	const labelsNow = () =>
		parameters
			.locator('[data-test-id=parameter-item] .n8n-input-label')
			.evaluateAll((els) => [
				...new Set(els.map((el) => (el.innerText ?? '').split('\n')[0].trim()).filter(Boolean)),
			]);
	let labels = [];
	for (let attempt = 0; attempt < 40; attempt++) {
		labels = await labelsNow();
		if (labels.includes(signature)) break;
		await page.waitForTimeout(250);
	}
	await page.waitForTimeout(300); // let the list settle, then read it again
	labels = await labelsNow();
	const panelText = await parameters.innerText();

	// the Provider selector is a field of its own, showing this provider
	const providerField = ndv.getByTestId('parameter-input-provider');
	const providerShown = (await providerField.isVisible()) && labels.includes('Provider');
	const providerValue = providerShown
		? await providerField.locator('input').first().inputValue()
		: '(not visible)';
	check(
		providerShown && providerValue === e.providerName,
		`${provider} (${when}): the Provider field is visible and shows "${e.providerName}"`,
		`${JSON.stringify(providerValue)}; labels ${JSON.stringify(labels)}`,
	);
	check(
		labels.includes(signature),
		`${provider} (${when}): panel shows "${signature}"`,
		JSON.stringify(labels),
	);
	const missing = visible.filter((name) => !labels.includes(name));
	check(
		missing.length === 0,
		`${provider} (${when}): panel shows all its fields (${visible.join(', ')})`,
		`missing ${JSON.stringify(missing)}; shown ${JSON.stringify(labels)}`,
	);
	const leaked = labels.filter((name) => e.foreign.includes(name));
	check(
		leaked.length === 0,
		`${provider} (${when}): panel shows no field of another provider`,
		JSON.stringify(leaked),
	);

	const selected = await credentialSelect.locator('input.el-input__inner').first().inputValue();
	check(
		selected === e.credentialName,
		`${provider} (${when}): Credential shows "${e.credentialName}"`,
		JSON.stringify(selected),
	);
	const foreignCredential = [
		...e.foreignCredentialNames,
		...e.foreignCredentialDisplayNames,
	].filter((name) => panelText.includes(name) || selected.includes(name));
	check(
		foreignCredential.length === 0,
		`${provider} (${when}): panel names no other provider's credential`,
		JSON.stringify(foreignCredential),
	);
	// the selected credential's type, as the dropdown labels it
	await credentialSelect.click();
	const selectedItem = page.locator(
		`[data-test-id=node-credentials-select-item-${e.credentialId}]`,
	);
	const selectedText = await selectedItem.innerText();
	const selectedFlag = await selectedItem.getAttribute('aria-selected');
	check(
		selectedFlag === 'true' && selectedText.includes(e.credentialDisplayName),
		`${provider} (${when}): the selected credential is a "${e.credentialDisplayName}"`,
		`aria-selected=${selectedFlag} text=${JSON.stringify(selectedText)}`,
	);
	await page.keyboard.press('Escape'); // close the dropdown, keep the panel
	await selectedItem.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => {});
	if (!(await ndv.isVisible())) throw new Error('Escape closed the panel instead of the dropdown');
}

// ---------------------------------------------------------------------------------------------
// the browser part
async function inBrowser(expect) {
	const { chromium, selectors } = await import('playwright-core');
	selectors.setTestIdAttribute('data-test-id'); // n8n's attribute
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-browser-profile-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
		viewport: { width: 1440, height: 1000 },
	});
	context.setDefaultTimeout(20_000);
	const timings = {};
	const page = context.pages()[0] ?? (await context.newPage());
	try {
		// 1. sign in
		let t = Date.now();
		await page.goto(`${EDITOR}/signin`);
		await page.locator('input[name=emailOrLdapLoginId]').fill(OWNER.email);
		await page.locator('input[name=password]').fill(OWNER.password);
		await page.getByTestId('form-submit-button').click();
		const signedIn = await page
			.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 30_000 })
			.then(
				() => true,
				() => false,
			);
		check(signedIn, 'signs in to the n8n editor as the dev owner', page.url());
		timings.signIn = seconds(t);
		if (!signedIn) return timings;

		// 2. the example workflow and the node's panel
		t = Date.now();
		await page.goto(`${EDITOR}/workflow/${WORKFLOW_ID}`);
		const canvasNodes = page.getByTestId('canvas-node');
		await canvasNodes.first().waitFor();
		// n8n opens a workflow read-only while another tab (e.g. an earlier run's browser) holds it
		const editHere = page.getByRole('button', { name: 'Edit here' });
		if (
			await editHere.waitFor({ timeout: 2_000 }).then(
				() => true,
				() => false,
			)
		) {
			log('n8n says the workflow is being edited in another tab: taking it over ("Edit here")');
			await editHere.click();
		}
		const names = await canvasNodes.evaluateAll((els) =>
			els.map((el) => el.getAttribute('data-node-name')),
		);
		check(
			names.includes('Form') && names.includes('Create Conversation'),
			'the example workflow shows Form → Create Conversation',
			JSON.stringify(names),
		);
		await page
			.locator('[data-test-id=canvas-node][data-node-name="Create Conversation"]')
			.dblclick();
		const ndv = page.getByTestId('ndv');
		const credentialSelect = ndv.getByTestId('node-credentials-select');
		const panelOpen = await credentialSelect.waitFor().then(
			() => true,
			() => false,
		);
		check(panelOpen, 'double-click opens the Create Conversation panel with a Credential selector');
		timings.openPanel = seconds(t);
		if (!panelOpen) return timings;
		await ndv.getByTestId('node-parameters').waitFor();

		// 3. the panel as the example left it (the demo provider), then every provider switched to in turn
		t = Date.now();
		fs.mkdirSync(ARTIFACTS, { recursive: true });
		fs.mkdirSync(path.join(ROOT, 'docs'), { recursive: true });
		if (REUSE) {
			log(
				'--reuse: the workflow may have been edited (n8n autosaves): not checking the example as imported',
			);
		} else {
			await checkPanel(page, ndv, DEMO.id, expect[DEMO.id], expect[DEMO.id].example, 'as imported');
			await ndv.screenshot({ path: path.join(ARTIFACTS, `panel-${DEMO.id}-example.png`) });
			fs.copyFileSync(
				path.join(ARTIFACTS, `panel-${DEMO.id}-example.png`),
				path.join(ROOT, 'docs', 'panel.png'),
			);
		}
		// the demo provider last: switching away and back again proves the switch works both ways
		const providerField = ndv.getByTestId('parameter-input-provider');
		for (const provider of [...PROVIDERS.filter((p) => p !== DEMO.id), DEMO.id]) {
			const e = expect[provider];
			// switch through the Provider field, as a user would
			await providerField.click();
			const providerItems = page.locator('[data-test-id=parameter-input-item]:visible');
			await providerItems.first().waitFor();
			const offeredProviders = await providerItems.evaluateAll((els) =>
				els.map((el) => (el.innerText ?? '').split('\n')[0].trim()),
			);
			check(
				PROVIDERS.every((p) => offeredProviders.includes(expect[p].providerName)) &&
					offeredProviders.length === PROVIDERS.length,
				`${provider}: the Provider dropdown offers the ${PROVIDERS.length} providers`,
				JSON.stringify(offeredProviders),
			);
			const index = offeredProviders.indexOf(e.providerName);
			if (index < 0) throw new Error(`the Provider dropdown has no "${e.providerName}"`);
			await providerItems.nth(index).click();
			await providerItems
				.first()
				.waitFor({ state: 'hidden', timeout: 5_000 })
				.catch(() => {});
			for (
				let attempt = 0;
				attempt < 40 &&
				(await providerField.locator('input').first().inputValue()) !== e.providerName;
				attempt++
			)
				await page.waitForTimeout(250);

			// right after the switch: one Credential selector, and no other provider's credential kept
			const credentialSelectors = await ndv.getByTestId('node-credentials-select').count();
			check(
				credentialSelectors === 1,
				`${provider}: the panel has one Credential selector`,
				`${credentialSelectors} selectors`,
			);
			const credentialAfterSwitch = await credentialSelect
				.locator('input.el-input__inner')
				.first()
				.inputValue();
			check(
				credentialAfterSwitch === '' || credentialAfterSwitch === e.credentialName,
				`${provider}: after the switch the Credential is empty or this provider's, not the previous one's`,
				JSON.stringify(credentialAfterSwitch),
			);

			// the Credential dropdown offers this provider's credential type only
			await credentialSelect.click();
			const credentialItems = page.locator('[data-test-id^=node-credentials-select-item-]:visible');
			await page.getByTestId('node-credentials-select-item-new').waitFor();
			const offered = await credentialItems.evaluateAll((els) =>
				els.map((el) => ({ id: el.getAttribute('data-test-id'), text: el.innerText })),
			);
			const sandboxItems = offered.filter((item) => item.id !== 'node-credentials-select-item-new');
			check(
				sandboxItems.length === 1 &&
					sandboxItems[0].id === `node-credentials-select-item-${e.credentialId}` &&
					sandboxItems[0].text.includes(e.credentialName) &&
					sandboxItems[0].text.includes(e.credentialDisplayName),
				`${provider}: the Credential dropdown offers only "${e.credentialName}" (${e.credentialDisplayName}) and "Create new credential"`,
				JSON.stringify(offered),
			);

			// "Create new credential" opens a new credential of this provider's type, not a type chooser
			await page.getByTestId('node-credentials-select-item-new').click();
			const modal = page.getByTestId('editCredential-modal');
			const modalOpen = await modal.waitFor().then(
				() => true,
				() => false,
			);
			const modalText = modalOpen ? await modal.locator('header').innerText() : '';
			check(
				modalOpen &&
					modalText.includes(e.credentialDisplayName) &&
					e.foreignCredentialDisplayNames.every((name) => !modalText.includes(name)),
				`${provider}: "Create new credential" opens a new "${e.credentialDisplayName}"`,
				JSON.stringify(modalText),
			);
			await page.waitForTimeout(500); // let the dialog finish fading in
			await page.screenshot({ path: path.join(ARTIFACTS, `create-credential-${provider}.png`) });
			if (modalOpen) {
				await modal.getByRole('button', { name: 'Close this dialog' }).click();
				await modal.waitFor({ state: 'hidden' });
			}
			if (!(await ndv.isVisible()))
				throw new Error('closing the new-credential dialog closed the panel too');

			// pick the sandbox credential, then the whole panel
			await credentialSelect.click();
			await page.getByTestId(`node-credentials-select-item-${e.credentialId}`).click();
			await checkPanel(page, ndv, provider, e, e.visible, 'after switching');
			await ndv.screenshot({ path: path.join(ARTIFACTS, `panel-${provider}.png`) });
		}
		if (REUSE)
			fs.copyFileSync(
				path.join(ARTIFACTS, `panel-${DEMO.id}.png`),
				path.join(ROOT, 'docs', 'panel.png'),
			);
		timings.providers = seconds(t);

		// 4. the example form, submitted in the browser, and the sandbox page
		t = Date.now();
		const message = `browser check ${Date.now()}`;
		const { fields, submission } = DEMO.fixtures.example;
		const form = await context.newPage();
		const formResponse = await form.goto(`${EDITOR}/form/${FORM_PATH}`);
		const formShown = await form
			.locator('#submit-btn')
			.waitFor({ timeout: 15_000 })
			.then(
				() => true,
				() => false,
			);
		if (
			!check(
				formShown,
				'the example form opens in the browser (its workflow is active)',
				`HTTP ${formResponse?.status()}: ${(await form.locator('body').innerText()).slice(0, 300)}`,
			)
		) {
			return timings;
		}
		// the demo form as a person fills it, with a message of its own to find on the sandbox page
		for (const [index, field] of fields.entries()) {
			const value = submission.values[index];
			await form
				.getByLabel(field.fieldLabel, { exact: true })
				.fill(value === submission.marker ? message : value);
		}
		await form.locator('#submit-btn').click();
		const submitted = await form
			.getByText(/submitted|thank/i)
			.first()
			.waitFor({ timeout: 20_000 })
			.then(
				() => true,
				() => false,
			);
		check(
			submitted,
			'the example form accepts the submission in the browser',
			(await form.locator('body').innerText()).slice(0, 300),
		);
		await form.screenshot({ path: path.join(ARTIFACTS, 'form-submitted.png') });

		const sandbox = await context.newPage();
		let found = false;
		for (let attempt = 0; attempt < 40 && !found; attempt++) {
			await sandbox.goto(`${SANDBOX_URL}/`);
			found =
				(await sandbox
					.locator(`section#${DEMO.id} li[data-provider=${DEMO.id}]`, { hasText: message })
					.count()) > 0;
			if (!found) await sandbox.waitForTimeout(500);
		}
		const entry = sandbox
			.locator(`section#${DEMO.id} li[data-provider=${DEMO.id}]`, { hasText: message })
			.first();
		check(
			found,
			`the sandbox page lists the new ${DEMO.definition.displayName} conversation with the form message`,
			message,
		);
		if (found) await entry.scrollIntoViewIfNeeded();
		await sandbox.screenshot({ path: path.join(ARTIFACTS, 'sandbox.png') });
		timings.formToSandbox = seconds(t);

		// 5. the AI agent example: a chat in the editor, the agent calls the node as its tool
		t = Date.now();
		await chatWithAgent(context, sandbox);
		timings.agentChat = seconds(t);
		return timings;
	} catch (error) {
		fs.mkdirSync(ARTIFACTS, { recursive: true });
		await page.screenshot({ path: path.join(ARTIFACTS, 'failure.png') }).catch(() => {});
		log(`(screenshot of the editor at the failure: test-artifacts/failure.png)`);
		throw error;
	} finally {
		await context.close().catch(() => {});
		fs.rmSync(profile, { recursive: true, force: true });
	}
}

/**
 * Opens the AI agent example, chats with it as a user does ("Open chat" on the canvas), and checks
 * the answer names the conversation the tool opened and the sandbox page lists it.
 */
async function chatWithAgent(context, sandbox) {
	const page = await context.newPage();
	try {
		await page.goto(`${EDITOR}/workflow/${AGENT_EXAMPLE_ID}`);
		await page.getByTestId('canvas-node').first().waitFor();
		const editHere = page.getByRole('button', { name: 'Edit here' });
		if (
			await editHere.waitFor({ timeout: 2_000 }).then(
				() => true,
				() => false,
			)
		)
			await editHere.click();
		await page.getByTestId('workflow-chat-button').click();
		const input = page.locator(
			'[data-test-id=chat-input] textarea, textarea[data-test-id=chat-input]',
		);
		await input.first().waitFor();
		const marker = `browser agent check ${Date.now()}`;
		await input.first().fill(`${AGENT_PROMPT.text} (${marker})`);
		await input.first().press('Enter');
		// the agent's answer in the chat panel (the scripted model words it so)
		const answer = page.getByText(/conversation \S+ is open/);
		const answered = await answer
			.last()
			.waitFor({ timeout: 60_000 })
			.then(
				() => true,
				() => false,
			);
		const text = answered ? await answer.last().innerText() : '';
		await page.screenshot({ path: path.join(ARTIFACTS, 'ai-agent-chat.png') });
		if (answered)
			fs.copyFileSync(
				path.join(ARTIFACTS, 'ai-agent-chat.png'),
				path.join(ROOT, 'docs', 'ai-agent-chat.png'),
			);
		let found = false;
		for (let attempt = 0; attempt < 20 && !found; attempt++) {
			await sandbox.goto(`${SANDBOX_URL}/`);
			found =
				(await sandbox
					.locator(`section#${DEMO.id} li[data-provider=${DEMO.id}]`, { hasText: marker })
					.count()) > 0;
			if (!found) await sandbox.waitForTimeout(500);
		}
		const id = /conversation (\S+) is open/.exec(text)?.[1];
		check(
			answered && Boolean(id) && found,
			`the AI agent example, asked in the editor's chat, opens a conversation in ${DEMO.definition.displayName} and names it (test-artifacts/ai-agent-chat.png, also docs/ai-agent-chat.png)`,
			JSON.stringify({ answer: text.slice(0, 300), onSandboxPage: found }),
		);
	} finally {
		await page.close().catch(() => {});
	}
}

// ---------------------------------------------------------------------------------------------
async function main() {
	const started = Date.now();
	let t = Date.now();
	ensureChromium();
	const chromiumVersion = spawnSync(CHROMIUM, ['--version'], { encoding: 'utf8' }).stdout.trim();
	log(`${chromiumVersion} (${seconds(t)})`);

	if (REUSE) {
		log(`--reuse: using the running instance at ${EDITOR} and ${SANDBOX_URL}`);
	} else {
		for (const [port, variable] of [
			[N8N_PORT, 'DEV_N8N_PORT'],
			[EMULATOR_PORT, 'EMULATOR_PORT'],
		]) {
			if (!(await portFree(port))) {
				throw new Error(
					`port ${port} is in use (a running \`npm run dev\`?): stop it, set ${variable}, or run \`npm run test:browser -- --reuse\``,
				);
			}
		}
		await startDev();
	}
	const startup = seconds(started);
	const expect = expectations();
	t = Date.now();
	const timings = await inBrowser(expect);
	log(
		`timings: start ${startup}; browser ${seconds(t)} (${Object.entries(timings)
			.map(([k, v]) => `${k} ${v}`)
			.join(', ')})`,
	);
}

// Ctrl-C / kill: the dev instance runs in its own process group, so stop it before leaving
for (const signal of ['SIGINT', 'SIGTERM']) {
	process.on(signal, () => {
		log(`${signal}: stopping`);
		void stopDev().finally(() => process.exit(130));
	});
}

let exitCode = 0;
try {
	await main();
} catch (error) {
	failed++;
	log(`FAIL ${error?.stack ?? error}`);
}
await stopDev().catch((error) => log(`could not stop the dev instance: ${error}`));
process.stdout.write(`browser: ${passed} passed, ${failed} failed\n`);
exitCode = failed > 0 || passed === 0 ? 1 : 0;
process.exit(exitCode);
