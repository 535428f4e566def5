/* eslint-disable @typescript-eslint/no-explicit-any -- JSON from n8n's REST API; the assertions check its shape */
/**
 * The per-provider packages, as built and packed in their generated repositories (`npm run
 * check:repositories`), in a real n8n 2.41.1, installed the
 * Community Nodes way:
 * - without the combined package: the five tarballs in one n8n (each is its own npm package and
 *   imports only its own files, see test/scripts/packages.test.ts, so one n8n holding all five
 *   shows each working without the combined one), each node run against the sandbox, then the
 *   started n8n lists each node and tests each credential;
 * - beside the combined package in another n8n: each per-provider node and the combined node run
 *   on the same saved credential.
 * Each n8n gets its own emulator, so what each one sent is counted apart.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

import * as driver from '../../scripts/n8n/n8n-driver.cjs';
import * as ensure from '../../scripts/n8n/ensure-n8n.cjs';
import { repositoryOf, type ProviderRepository } from '../../scripts/repositories/generate';
import {
	createEmulator,
	NODE_TYPE,
	credentialRef,
	sandboxCredentials,
	sandboxProviders,
	type Emulator,
	type SandboxProvider,
} from '../../sandbox';

const ROOT = resolve(__dirname, '..', '..');
const MINUTE = 60_000;
const PROVIDERS = sandboxProviders();
const PACKAGES = new Map(
	PROVIDERS.map((provider) => [provider.id, repositoryOf(provider.definition)]),
);

/** One n8n user folder with some packages installed, its emulator, and one workflow's run. */
interface Install {
	emulator: Emulator;
	userFolder: string;
	env: driver.N8nEnv;
	run: driver.ExecuteResult;
	goodItems: Map<string, Array<Record<string, unknown>>>;
	mixedItems: Map<string, Array<Record<string, unknown>>>;
}

let work: string;
let withoutCombined: Install;
let besideCombined: Install;
let client: driver.N8nClient | undefined;
let nodeTypes: any[];

jest.setTimeout(2 * MINUTE);

const nodeTypeOf = (pkg: ProviderRepository) => `${pkg.packageName}.${pkg.nodeName}`;
const ownNode = (id: string) => `${id} (own package)`;
const combinedNode = (id: string) => `${id} (combined package)`;

/**
 * Manual Trigger → per provider: Code (3 good items) → that provider's own node and, with the
 * combined package, Code (a bad item between two good ones) → the combined node (On Error →
 * Continue), both on one credential.
 */
function workflow(id: string, install: Install, withCombined: boolean): Record<string, unknown> {
	const nodes: Array<Record<string, unknown>> = [
		{
			id: 'trigger',
			name: 'Start',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
	];
	const starts: Array<{ node: string; type: string; index: number }> = [];
	const connections: Record<string, unknown> = {};
	PROVIDERS.forEach((provider, row) => {
		const pkg = PACKAGES.get(provider.id)!;
		const { parameters } = provider.fixtures.e2e;
		const branches: Array<[string, string, string, unknown[]]> = [
			[
				`${provider.id} items`,
				ownNode(provider.id),
				nodeTypeOf(pkg),
				install.goodItems.get(provider.id)!,
			],
		];
		if (withCombined)
			branches.push([
				`${provider.id} mixed items`,
				combinedNode(provider.id),
				NODE_TYPE,
				install.mixedItems.get(provider.id)!,
			]);
		branches.forEach(([source, target, type, items], column) => {
			const y = (row * 2 + column) * 160;
			nodes.push({
				id: `${provider.id}-src-${column}`,
				name: source,
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [220, y],
				parameters: { jsCode: `return ${JSON.stringify(items.map((json) => ({ json })))};` },
			});
			nodes.push({
				id: `${provider.id}-node-${column}`,
				name: target,
				type,
				typeVersion: 1,
				position: [440, y],
				// the same parameters, provider included: the per-provider node keeps it, hidden
				parameters,
				credentials: credentialRef(provider),
				...(type === NODE_TYPE ? { onError: 'continueRegularOutput' } : {}),
			});
			starts.push({ node: source, type: 'main', index: 0 });
			connections[source] = { main: [[{ node: target, type: 'main', index: 0 }]] };
		});
	});
	connections.Start = { main: [starts] };
	return { id, name: `E2E: ${id}`, nodes, connections, settings: { executionOrder: 'v1' } };
}

/** A fresh n8n user folder with these tarballs installed, the sandbox credentials, one run. */
async function install(
	name: string,
	tarballs: string[],
	workflowId: string,
	withCombined: boolean,
): Promise<Install> {
	const emulator = await createEmulator().start();
	const userFolder = driver.createUserFolder(`cc-packages-${name}-`);
	// jest sets NODE_ENV=test, which makes n8n's CLI commands silently do nothing
	const env = driver.n8nEnv(userFolder, { NODE_ENV: 'production', JEST_WORKER_ID: undefined });
	const result: Install = {
		emulator,
		userFolder,
		env,
		run: undefined as unknown as driver.ExecuteResult,
		goodItems: new Map(),
		mixedItems: new Map(),
	};
	for (const tarball of tarballs) await driver.installCommunityPackage(userFolder, tarball);
	for (const { id, fixtures } of PROVIDERS) {
		result.goodItems.set(id, fixtures.e2e.goodItems(emulator));
		result.mixedItems.set(id, fixtures.e2e.mixedItems(emulator));
	}
	await driver.importCredentials(env, sandboxCredentials(emulator.url));
	const file = join(work, `${name}.json`);
	writeFileSync(file, JSON.stringify([workflow(workflowId, result, withCombined)]));
	const imported = await driver.runN8n(env, ['import:workflow', `--input=${file}`]);
	if (imported.code !== 0)
		throw new Error(`import:workflow failed: ${imported.stdout.slice(-2000)}${imported.stderr}`);
	result.run = await driver.executeWorkflow(env, workflowId, { timeoutMs: 3 * MINUTE });
	return result;
}

beforeAll(async () => {
	const own = [...PACKAGES.values()];
	const missing = own.filter((pkg) => !existsSync(pkg.tarball));
	if (missing.length > 0)
		throw new Error(
			`${missing.map((pkg) => pkg.tarball).join(', ')} missing: run \`npm run check:repositories\` first (npm run test:e2e and npm run check do)`,
		);
	if (!existsSync(join(ROOT, 'dist', 'nodes', 'CreateConversation', 'CreateConversation.node.js')))
		throw new Error('dist/ is missing: run `npm run build` first');
	await ensure.ensureN8n();
	work = mkdtempSync(join(tmpdir(), 'cc-packages-e2e-'));
	const packed = await driver.runProcess(
		'npm',
		['pack', '--pack-destination', work, '--loglevel=error'],
		{ cwd: ROOT, env: { ...process.env }, timeoutMs: 2 * MINUTE },
	);
	if (packed.code !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
	const combined = join(work, packed.stdout.trim().split('\n').pop()!);
	const tarballs = own.map((pkg) => pkg.tarball);

	withoutCombined = await install('own', tarballs, 'e2ePackagesOwn', false);
	besideCombined = await install('beside', [...tarballs, combined], 'e2ePackagesBeside', true);
	client = await driver.startN8n(withoutCombined.env);
	const res = await fetch(`${client.baseUrl}/types/nodes.json`, {
		headers: { cookie: client.cookie },
	});
	nodeTypes = (await res.json()) as any[];
}, 15 * MINUTE);

afterAll(async () => {
	await client?.stop();
	for (const done of [withoutCombined, besideCombined]) {
		await done?.emulator.stop();
		if (done && !process.env.KEEP_E2E) driver.removeUserFolder(done.userFolder);
	}
	if (work && !process.env.KEEP_E2E) rmSync(work, { recursive: true, force: true });
}, 2 * MINUTE);

describe.each(PROVIDERS.map((provider) => [provider.id, provider] as [string, SandboxProvider]))(
	'%s: its own package',
	(id, { definition, fixtures }) => {
		const pkg = PACKAGES.get(id)!;
		const scenario = fixtures.e2e;
		const creates = (install: Install) =>
			install.emulator
				.requestsFor(id, { method: 'POST' })
				.filter((request) => request.path === scenario.createPath);
		const createFor = (install: Install, item: Record<string, unknown>) =>
			creates(install).find((request) =>
				isDeepStrictEqual(request.body, scenario.expectedBody(item, install.emulator)),
			);
		/** Its own node's output: one conversation per good item, exactly as the scenario expects. */
		const expectCreated = (install: Install) => {
			const output = driver.nodeItems(install.run.run, ownNode(id));
			if (!output)
				throw new Error(
					`no output from "${ownNode(id)}": ${JSON.stringify(driver.nodeError(install.run.run, ownNode(id)) ?? install.run.error)}`,
				);
			const items = install.goodItems.get(id)!;
			expect(output).toHaveLength(items.length);
			items.forEach((item, index) => {
				const request = createFor(install, item);
				expect({ index, body: request?.body }).toEqual({
					index,
					body: scenario.expectedBody(item, install.emulator),
				});
				expect(output[index].json).toMatchObject(
					scenario.expectedOutput(item, request!.response, install.emulator),
				);
			});
		};

		test('without the combined package, n8n lists its node: no Provider selector, its credential, its tool variant', () => {
			const node = nodeTypes.find((type) => type.name === nodeTypeOf(pkg));
			expect(node).toMatchObject({
				displayName: pkg.displayName,
				credentials: [expect.objectContaining({ name: definition.credentialType })],
			});
			const provider = node.properties.find((property: any) => property.name === 'provider');
			expect(provider).toMatchObject({ type: 'hidden', default: id });
			expect(nodeTypes.some((type) => type.name === `${nodeTypeOf(pkg)}Tool`)).toBe(true);
			expect(nodeTypes.some((type) => type.name === NODE_TYPE)).toBe(false);
		});

		test('without the combined package, its node creates the conversations on the sandbox', () => {
			expectCreated(withoutCombined);
			expect(creates(withoutCombined)).toHaveLength(withoutCombined.goodItems.get(id)!.length);
		});

		test('without the combined package, its credential test passes', async () => {
			const result = await driver.testCredential(client!, {
				type: definition.credentialType,
				data: fixtures.credential(withoutCombined.emulator.url),
			});
			expect({ status: result.status, message: result.message }).toMatchObject({ status: 'OK' });
		});

		test('beside the combined package, both nodes work on the same saved credential', () => {
			expectCreated(besideCombined);
			const combined = driver.nodeItems(besideCombined.run.run, combinedNode(id));
			expect(combined).toHaveLength(3);
			besideCombined.mixedItems.get(id)!.forEach((item, index) => {
				if (index === scenario.badIndex)
					expect(combined![index].json.error).toMatch(scenario.badError);
				else expect(createFor(besideCombined, item)).toBeDefined();
			});
			// 3 from its own node, 2 good ones from the combined node: nothing else was sent
			expect(creates(besideCombined)).toHaveLength(besideCombined.goodItems.get(id)!.length + 2);
		});
	},
);
