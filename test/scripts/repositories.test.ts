/**
 * The dedicated repositories (scripts/repositories/generate.ts), as generated: each holds its
 * provider and nothing of the others, names its node so it never meets the combined node, keeps
 * the combined package's credential type, and is a starter-shaped project n8n's verification
 * accepts (strict, the template's eslint config, its own lockfile, no runtime dependencies, its
 * repository's address). Installing, building, strict lint and the scanner in an empty folder are
 * `npm run check:repositories`'s; a real n8n run is test/e2e/packages.e2e.ts's.
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
import { lockfileFor, type Lockfile } from '../../scripts/repositories/lockfile';
import {
	repositories,
	repositoryOf,
	writeRepositoryFiles,
	type ProviderRepository,
} from '../../scripts/repositories/generate';

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
	name: string;
	version: string;
	config: { dedicatedRepository: string };
};

/** Writes every provider's repository under `root`, as check:repositories does. */
function writeRepositories(root: string): ProviderRepository[] {
	return repositories(providers).map(({ files }, index) => {
		const repo = repositoryOf(providers[index], root);
		writeRepositoryFiles(repo.dir, files);
		return repo;
	});
}

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

describe('one repository per provider', () => {
	let root: string;
	let written: ProviderRepository[];

	beforeAll(() => {
		root = mkdtempSync(join(tmpdir(), 'cc-repositories-'));
		written = writeRepositories(root);
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
			const pkg = repositoryOf(providers.find((provider) => provider.id === id)!, root);
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
					'package-lock.json',
					'tsconfig.json',
					'eslint.config.mjs',
					'.prettierrc.js',
					'.gitignore',
					'.github/workflows/ci.yml',
					'.github/workflows/publish.yml',
					'.github/dependabot.yml',
					`examples/form-to-${id}.json`,
					'README.md',
					'CHANGELOG.md',
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
			const pkg = repositoryOf(providers.find((provider) => provider.id === id)!, root);
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
			// its own repository, from the one setting (n8n's no-monorepo: never a repository.directory)
			const url = manifest.config.dedicatedRepository.replace('{name}', pkg.packageName);
			expect(json.repository).toEqual({ type: 'git', url: `git+${url}.git` });
			expect(json.homepage).toBe(`${url}#readme`);
			expect(json.bugs).toEqual({ url: `${url}/issues` });
			expect(json.license).toBe('MIT');
			// the tools it builds and lints with, at this repository's versions, and a lockfile of them
			expect(Object.keys(json.devDependencies)).toEqual(
				expect.arrayContaining(['@n8n/node-cli', 'eslint', 'typescript', 'n8n-workflow', 'zod']),
			);
			const lock = JSON.parse(readFileSync(join(pkg.dir, 'package-lock.json'), 'utf8'));
			expect(lock.packages[''].devDependencies).toEqual(json.devDependencies);
			for (const name of Object.keys(json.devDependencies))
				expect(lock.packages[`node_modules/${name}`]).toBeDefined();
			// the publish workflow is the starter's: provenance from GitHub Actions on a version tag
			const publish = readFileSync(join(pkg.dir, '.github/workflows/publish.yml'), 'utf8');
			expect(publish).toContain('id-token: write');
			expect(publish).toContain('npm run release');
			expect(publish).not.toContain('{{packageManager');
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
			const pkg = repositoryOf(provider, root);
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

describe('a repository lockfile is cut from this one', () => {
	const lock = (packages: Lockfile['packages']): Lockfile => ({
		name: 'root',
		version: '1.0.0',
		lockfileVersion: 3,
		packages: { '': {}, ...packages },
	});

	test('what the devDependencies reach, at the same paths; nothing else', () => {
		const source = lock({
			'node_modules/tool': { version: '1.0.0', dependencies: { shared: '^1', nested: '^2' } },
			'node_modules/tool/node_modules/nested': { version: '2.0.0' },
			'node_modules/nested': { version: '1.0.0' },
			'node_modules/shared': { version: '1.1.0', optionalDependencies: { 'other-os': '1' } },
			'node_modules/unrelated': { version: '9.0.0' },
		});
		const cut = lockfileFor(source, {
			name: 'repo',
			version: '0.2.0',
			devDependencies: { tool: '1.0.0' },
		});
		expect(Object.keys(cut.packages)).toEqual([
			'',
			'node_modules/shared',
			'node_modules/tool',
			'node_modules/tool/node_modules/nested',
		]);
		expect(cut.packages['']).toEqual({
			name: 'repo',
			version: '0.2.0',
			devDependencies: { tool: '1.0.0' },
		});
	});

	test('a devDependency the lockfile lacks is named', () => {
		expect(() =>
			lockfileFor(lock({}), { name: 'repo', version: '1.0.0', devDependencies: { gone: '1' } }),
		).toThrow(/lacks gone/);
	});
});

/**
 * n8n's newest community-node rules (docs/verification.md has the table) that read our sources in
 * ways the lint cannot: the descriptions are built by functions, so these check the result.
 */
describe("n8n's community-node rules, on what the node and the repositories hold", () => {
	const allProperties = (properties: INodeProperties[]): INodeProperties[] =>
		properties.flatMap((property) => [
			property,
			...allProperties(
				((property.options ?? []) as INodeProperties[]).filter(
					(option) => typeof option === 'object' && 'type' in option,
				),
			),
		]);

	test('options-sorted-alphabetically: every options list is sorted by name', () => {
		const unsorted = allProperties(providerProperties(providers))
			.filter((property) => property.type === 'options' || property.type === 'multiOptions')
			.filter((property) => property.name !== 'provider')
			.filter((property) => {
				const names = (property.options as Array<{ name: string }>).map((option) => option.name);
				const sorted = [...names].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' }));
				return names.join('\n') !== sorted.join('\n');
			})
			.map((property) => property.name);
		expect(unsorted).toEqual([]);
	});

	/** Parameters nested in collections (option objects that have a type) and fixed collections. */
	const nested = (property: INodeProperties): INodeProperties[] =>
		((property.options ?? []) as Array<INodeProperties | { values?: INodeProperties[] }>).flatMap(
			(option) =>
				'type' in option
					? [option as INodeProperties]
					: ((option as { values?: INodeProperties[] }).values ?? []),
		);
	const everyParameter = (properties: INodeProperties[]): INodeProperties[] =>
		properties.flatMap((property) => [property, ...everyParameter(nested(property))]);
	const parameters = everyParameter(providerProperties(providers));

	test('require-param-default: every parameter has a default', () => {
		const withoutDefault = parameters.filter(
			(property) => (property as Partial<INodeProperties>).default === undefined,
		);
		expect(withoutDefault.map((property) => property.name)).toEqual([]);
	});

	test('hint-max-length and no-duplicate-param-options', () => {
		expect(parameters.filter((property) => (property.hint ?? '').length > 120)).toEqual([]);
		for (const property of parameters.filter((p) => p.type === 'options')) {
			const options = property.options as Array<{ name: string; value: unknown }>;
			expect(new Set(options.map((option) => option.name)).size).toBe(options.length);
			expect(new Set(options.map((option) => String(option.value))).size).toBe(options.length);
		}
	});

	test('non-required-fields-in-collection: the optional top-level fields are the ones docs/verification.md explains', () => {
		const kept = new Set(['collection', 'fixedCollection', 'notice', 'callout', 'hidden']);
		const optionalTopLevel = providerProperties(providers)
			.filter((property) => !property.required && !kept.has(property.type))
			.map((property) => property.name)
			.sort();
		// a new optional field goes into its provider's Additional Fields, or is added here and
		// explained in docs/verification.md
		expect(optionalTopLevel).toEqual(
			[
				'dynamicsContextJson',
				'dynamicsContextJsonDisplayable',
				'dynamicsCustomerId',
				'dynamicsDeliverToExisting',
				'dynamicsSenderDisplayName',
				'dynamicsStartMessage',
				'intercomCreateIfMissing',
				'reevooFirstName',
				'zapUserId',
			].sort(),
		);
	});

	test('no-codex-subcategories and valid-node-categories: the codex has categories from the list only', () => {
		for (const codex of [
			codexFor(providers, manifest.name, 'https://example.com'),
			...providers.map((provider) => codexFor([provider], 'n8n-nodes-x', 'https://example.com')),
		]) {
			expect(codex).not.toHaveProperty('subcategories');
			expect(codex.categories).toEqual(['Communication']);
		}
	});

	test("require-continue-on-fail: every node's execute() reads this.continueOnFail() itself", () => {
		const nodeFiles = [
			readFileSync(join(ROOT, 'nodes/CreateConversation/CreateConversation.node.ts'), 'utf8'),
			...repositories(providers).map(
				({ repo, files }) =>
					files.find((file) => file.path === `nodes/${repo.nodeClass}/${repo.nodeClass}.node.ts`)!
						.content,
			),
		];
		for (const source of nodeFiles) {
			const execute = source.slice(source.indexOf('async execute('));
			expect(execute).toMatch(/this\.continueOnFail\(\)/);
		}
	});
});
