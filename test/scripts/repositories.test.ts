/**
 * The per-provider packages (scripts/packages.ts), as written for `npm run build:packages`: each
 * holds its provider and nothing of the others, names its node so it never meets the combined
 * node, keeps the combined package's credential type, and is a project n8n's verification accepts
 * (strict, the template's eslint config, no runtime dependencies). Building, strict lint, the
 * scanner and a real n8n run are `npm run check`'s (test/e2e/packages.e2e.ts).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

import type { INodeProperties } from 'n8n-workflow';

import {
	codexFor,
	nodeDescription,
	providerProperties,
} from '../../nodes/CreateConversation/description';
import { providers } from '../../nodes/CreateConversation/providers/registry';
import { NODE_TYPE } from '../../sandbox';
import { ROOT } from '../../scripts/derived';
import { packageOf, writePackages, type ProviderPackage } from '../../scripts/packages';

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
	name: string;
	version: string;
};

/** Every file of a package, relative to it (its node_modules link to the repository aside). */
function filesUnder(root: string, dir = root): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		if (entry.name === 'node_modules') return [];
		const path = join(dir, entry.name);
		return entry.isDirectory() ? filesUnder(root, path) : [relative(root, path)];
	});
}

describe.each(providers.map((provider) => [provider.id, provider] as const))(
	'a node of %s alone',
	(_id, only) => {
		const others = providers.filter((provider) => provider !== only);

		test('keeps the Provider parameter, hidden and fixed, so panels and saved workflows read the same', () => {
			const properties = providerProperties([only]);
			expect(properties[0]).toEqual({
				displayName: 'Provider',
				name: 'provider',
				type: 'hidden',
				default: only.id,
			});
			// the provider's own panel is there, and nothing of the others
			const names = properties.map((property: INodeProperties) => property.name);
			for (const property of only.properties) expect(names).toContain(property.name);
			for (const other of others)
				for (const property of other.properties) expect(names).not.toContain(property.name);
		});

		test('describes that provider alone', () => {
			const text = nodeDescription([only]);
			expect(text).toContain(only.description);
			expect(text).toMatch(/Not idempotent/);
			for (const other of others) expect(text).not.toContain(other.displayName);
		});
	},
);

describe('the combined node and the codex', () => {
	test('the combined node still names every provider', () => {
		for (const provider of providers)
			expect(nodeDescription(providers)).toContain(provider.displayName);
	});

	test("its codex names the package's own node type", () => {
		const codex = codexFor(
			[providers[0]],
			'n8n-nodes-x',
			'https://example.com/x#readme',
			'createX',
		);
		expect(codex.node).toBe('n8n-nodes-x.createX');
		expect(codexFor(providers, 'n8n-nodes-x', 'https://example.com').node).toBe(
			'n8n-nodes-x.createConversation',
		);
	});
});

describe('npm run build:packages writes one package per provider', () => {
	let root: string;
	let written: ProviderPackage[];

	beforeAll(() => {
		root = mkdtempSync(join(tmpdir(), 'cc-packages-'));
		written = writePackages(providers, root);
	});
	afterAll(() => rmSync(root, { recursive: true, force: true }));

	test('one per registered provider, with distinct node types and the combined credential types', () => {
		expect(written.map((pkg) => pkg.id)).toEqual(providers.map((provider) => provider.id));
		const nodeTypes = written.map((pkg) => `${pkg.packageName}.${pkg.nodeName}`);
		expect(new Set([...nodeTypes, NODE_TYPE]).size).toBe(providers.length + 1);
		written.forEach((pkg, index) => {
			expect(pkg.packageName).toBe(`${manifest.name}-${providers[index].id}`);
			expect(pkg.packageName).toMatch(/^n8n-nodes-[a-z0-9-]+$/);
			expect(pkg.credentialType).toBe(providers[index].credentialType);
			expect(pkg.tarball).toBe(join(root, `${pkg.packageName}-${manifest.version}.tgz`));
		});
	});

	test.each(providers.map((provider) => [provider.id]))(
		'%s: its provider, its credential and icons, nothing of the others',
		(id) => {
			const pkg = packageOf(providers.find((provider) => provider.id === id)!, root);
			const files = filesUnder(pkg.dir);
			const nodeDir = `nodes/${pkg.nodeClass}`;
			expect(files).toEqual(
				expect.arrayContaining([
					`${nodeDir}/${pkg.nodeClass}.node.ts`,
					`${nodeDir}/${pkg.nodeClass}.node.json`,
					`${nodeDir}/description.ts`,
					`${nodeDir}/providers/${id}/index.ts`,
					`credentials/${pkg.credentialClass}.credentials.ts`,
					`icons/${id}.svg`,
					`icons/${id}.dark.svg`,
					'package.json',
					'tsconfig.json',
					'eslint.config.mjs',
					'README.md',
					'LICENSE.md',
				]),
			);
			const providerFolders = readdirSync(join(pkg.dir, nodeDir, 'providers'));
			expect(providerFolders).toEqual([id]);
			expect(readdirSync(join(pkg.dir, 'credentials'))).toEqual([
				`${pkg.credentialClass}.credentials.ts`,
			]);
			expect(readdirSync(join(pkg.dir, 'icons')).sort()).toEqual([`${id}.dark.svg`, `${id}.svg`]);
			// the credential imports its provider from the package's own node folder
			const credential = readFileSync(
				join(pkg.dir, 'credentials', `${pkg.credentialClass}.credentials.ts`),
				'utf8',
			);
			expect(credential).not.toContain('nodes/CreateConversation/');
			for (const [, target] of credential.matchAll(/from '(\.[^']+)'/g))
				expect(
					[`${target}.ts`, join(target, 'index.ts')].some((candidate) =>
						existsSync(join(pkg.dir, 'credentials', candidate)),
					),
				).toBe(true);
		},
	);

	test.each(providers.map((provider) => [provider.id]))(
		'%s: a package.json and eslint config that n8n verification accepts',
		(id) => {
			const pkg = packageOf(providers.find((provider) => provider.id === id)!, root);
			const json = JSON.parse(readFileSync(join(pkg.dir, 'package.json'), 'utf8'));
			expect(json).toMatchObject({
				name: pkg.packageName,
				version: manifest.version,
				files: ['dist'],
				n8n: {
					n8nNodesApiVersion: 1,
					strict: true,
					credentials: [`dist/credentials/${pkg.credentialClass}.credentials.js`],
					nodes: [`dist/nodes/${pkg.nodeClass}/${pkg.nodeClass}.node.js`],
				},
				peerDependencies: { 'n8n-workflow': '*' },
				scripts: {
					build: 'n8n-node build',
					lint: 'n8n-node lint',
					release: 'n8n-node release',
					prepublishOnly: 'n8n-node prerelease',
				},
			});
			expect(json.keywords).toEqual(expect.arrayContaining(['n8n-community-node-package', id]));
			expect(json).not.toHaveProperty('dependencies');
			expect(readFileSync(join(pkg.dir, 'eslint.config.mjs'), 'utf8')).toBe(
				readFileSync(
					join(
						ROOT,
						'node_modules/@n8n/node-cli/dist/template/templates/shared/default/eslint.config.mjs',
					),
					'utf8',
				),
			);
		},
	);

	test.each(providers.map((provider) => [provider.id]))(
		'%s: its node is that provider alone, and its README says how to install it beside the combined one',
		(id) => {
			const provider = providers.find((candidate) => candidate.id === id)!;
			const pkg = packageOf(provider, root);
			const source = readFileSync(
				join(pkg.dir, 'nodes', pkg.nodeClass, `${pkg.nodeClass}.node.ts`),
				'utf8',
			);
			expect(source).toContain(`export class ${pkg.nodeClass} implements INodeType`);
			expect(source).toContain(`name: '${pkg.nodeName}'`);
			expect(source).toContain(`from './providers/${id}'`);
			for (const other of providers.filter((candidate) => candidate.id !== id))
				expect(source).not.toContain(`providers/${other.id}`);
			const readme = readFileSync(join(pkg.dir, 'README.md'), 'utf8');
			expect(readme).toMatch(new RegExp(`^# ${pkg.packageName}\\n`));
			expect(readme).toContain(`\`${pkg.credentialType}\``);
			expect(readme).toContain(manifest.name);
			// the provider's own README section: its credential line, its field table, one level up
			const section = readFileSync(
				join(ROOT, 'nodes/CreateConversation/providers', id, 'README.md'),
				'utf8',
			);
			const credentialLine = section.match(/^\*\*Credential: .+$/m);
			expect(credentialLine).not.toBeNull();
			expect(readme).toContain(credentialLine![0]);
			expect(readme).toMatch(
				new RegExp(`^## ${provider.displayName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'),
			);
		},
	);
});
