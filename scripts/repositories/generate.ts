/**
 * One complete, standalone repository per provider, generated from the registry: n8n verifies
 * packages that integrate one service, n8n Cloud and n8n 3.0 install only verified ones, and n8n's
 * publication scanner wants a single-package repository. Each is laid out like n8n's starter:
 * package.json with its own devDependencies and lockfile, tsconfig, the template's eslint and
 * prettier configs, .gitignore, GitHub workflows (CI; publish with provenance), dependabot, the
 * provider's node, credential and icons, the shared code, a README of that provider alone, a
 * CHANGELOG, the licence and the provider's example workflow.
 *
 * Nothing here is committed in this repository: `npm run check` writes the repositories under
 * repositories/ (gitignored) and proves each stands alone (scripts/repositories/check.ts); on a
 * version tag, `npm run release:split` commits them to their dedicated repositories
 * (scripts/repositories/split.ts), whose own publish workflow then publishes with provenance, so
 * the commit n8n's verification downloads holds exactly these files.
 *
 * Names: the node is `Create<Provider>Conversation` in a package `n8n-nodes-create-conversation-<id>`
 * (n8n prefixes node types with the package, so it never meets the combined node's type); the
 * credential keeps the combined package's type name, so saved credentials work with either package.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

import { codexFor, nodeDescription } from '../../nodes/CreateConversation/description';
import { providers as registered } from '../../nodes/CreateConversation/providers/registry';
import type { ProviderDefinition } from '../../nodes/CreateConversation/shared/provider';
import { NODE_TYPE, sandboxProviders } from '../../sandbox';
import { exampleText, formExample } from '../../sandbox/examples';
import { lockfileFor, type Lockfile, type RootManifest } from './lockfile';

export const ROOT = join(__dirname, '..', '..');
const SOURCE = 'nodes/CreateConversation';
const TEMPLATE_DIR = 'node_modules/@n8n/node-cli/dist/template/templates/shared/default';
/** Where `npm run check` writes the repositories (gitignored). */
export const REPOSITORIES_DIR = join(ROOT, 'repositories');
/**
 * The tools a dedicated repository installs, at this repository's versions (its lockfile is cut
 * from ours). release-it, which the starter adds for interactive local releases, is left out:
 * versions are bumped here and a dedicated repository only publishes from its workflow.
 */
const DEV_DEPENDENCIES = [
	'@n8n/node-cli',
	// luxon's types: shared/dates.ts imports luxon, which n8n provides at run time (through
	// n8n-workflow); here they come through n8n-core, which a dedicated repository does not install
	'@types/luxon',
	'eslint',
	'n8n-workflow',
	'prettier',
	'typescript',
	'zod',
];

interface Manifest extends RootManifest {
	author: unknown;
	homepage: string;
	repository: unknown;
	/** `dedicatedRepository`: the web address of each provider's repository, `{name}` its package name. */
	config: { dedicatedRepository: string };
}

export interface ProviderRepository {
	id: string;
	/** The repository's folder: repositories/<packageName>. */
	dir: string;
	packageName: string;
	/** The dedicated repository's web address, from package.json's config.dedicatedRepository. */
	url: string;
	/** The node's class, folder and file name, e.g. CreateIntercomConversation. */
	nodeClass: string;
	/** The node's type name inside its package, e.g. createIntercomConversation. */
	nodeName: string;
	displayName: string;
	credentialClass: string;
	credentialType: string;
	/** What `npm run check` packs: repositories/<packageName>-<version>.tgz. */
	tarball: string;
}

export interface RepositoryFile {
	/** Relative to the repository's root. */
	path: string;
	content: string;
}

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const manifest = (): Manifest => JSON.parse(read('package.json'));

/** `acmeConversationApi` → `AcmeConversationApi`, the class and file name of the credential. */
const classOf = (type: string) => type.charAt(0).toUpperCase() + type.slice(1);

export function repositoryOf(
	provider: ProviderDefinition,
	root = REPOSITORIES_DIR,
): ProviderRepository {
	const credentialClass = classOf(provider.credentialType);
	const pascal = credentialClass.replace(/Conversation(OAuth2)?Api$/, '');
	const { name, version, config } = manifest();
	const packageName = `${name}-${provider.id}`;
	return {
		id: provider.id,
		dir: join(root, packageName),
		packageName,
		url: config.dedicatedRepository.replaceAll('{name}', packageName),
		nodeClass: `Create${pascal}Conversation`,
		nodeName: `create${pascal}Conversation`,
		displayName: `Create ${provider.displayName} Conversation`,
		credentialClass,
		credentialType: provider.credentialType,
		tarball: join(root, `${packageName}-${version}.tgz`),
	};
}

/** A TypeScript string literal in single quotes. */
const quote = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * The node of one provider: CreateConversation.node.ts's shape with that provider alone. Written
 * out, not built by a shared function, because n8n's lint and verification scanner read the
 * description's literal fields (icon, subtitle, usableAsTool, …) in the node file itself.
 */
function nodeSource(provider: ProviderDefinition, repo: ProviderRepository): string {
	return `// Generated from ${manifest().name}'s provider registry: edit the sources there.
import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { nodeDescription, providerCredentials, providerProperties } from './description';
import { ${provider.id}Provider } from './providers/${provider.id}';
import { createConversations } from './shared/execute';
import { listSearchMethods } from './shared/listSearch';
import type { ProviderDefinition } from './shared/provider';

const providers: readonly ProviderDefinition[] = [${provider.id}Provider as ProviderDefinition];

export class ${repo.nodeClass} implements INodeType {
	description: INodeTypeDescription = {
		displayName: ${quote(repo.displayName)},
		name: '${repo.nodeName}',
		icon: {
			light: 'file:../../icons/${provider.id}.svg',
			dark: 'file:../../icons/${provider.id}.dark.svg',
		},
		group: ['output'],
		version: 1,
		subtitle: 'One conversation per item',
		description: nodeDescription(providers),
		defaults: { name: ${quote(repo.displayName)} },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: providerCredentials(providers),
		properties: providerProperties(providers),
	};

	methods = {
		listSearch: listSearchMethods(providers),
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		// Read here, in the node itself: n8n's community lint (require-continue-on-fail) looks for it
		// in execute(); the item loop turns failing items into error items when it is on.
		return await createConversations(this, providers, this.continueOnFail());
	}
}
`;
}

const json = (value: unknown, indent: string | number = 2) =>
	`${JSON.stringify(value, null, indent)}\n`;

function packageManifest(
	provider: ProviderDefinition,
	repo: ProviderRepository,
	rootLock: Lockfile,
): RootManifest & { [field: string]: unknown } {
	const root = manifest();
	const pinned = (name: string) => {
		const version =
			root.devDependencies[name] ?? rootLock.packages[`node_modules/${name}`]?.version;
		if (!version) throw new Error(`package-lock.json has no ${name}`);
		return [name, version];
	};
	return {
		name: repo.packageName,
		version: root.version,
		description: `n8n community node: ${nodeDescription([provider])}`,
		keywords: [
			'n8n-community-node-package',
			'n8n',
			provider.id,
			...(provider.searchAliases ?? []).map((alias) => alias.toLowerCase()),
			'conversation',
		].filter((keyword, index, all) => all.indexOf(keyword) === index),
		license: root.license,
		author: root.author,
		homepage: `${repo.url}#readme`,
		repository: { type: 'git', url: `git+${repo.url}.git` },
		bugs: { url: `${repo.url}/issues` },
		engines: root.engines,
		scripts: {
			build: 'n8n-node build',
			'build:watch': 'tsc --watch',
			dev: 'n8n-node dev',
			lint: 'n8n-node lint',
			'lint:fix': 'n8n-node lint --fix',
			release: 'n8n-node release',
			prepublishOnly: 'n8n-node prerelease',
		},
		files: ['dist'],
		n8n: {
			n8nNodesApiVersion: 1,
			strict: true,
			credentials: [`dist/credentials/${repo.credentialClass}.credentials.js`],
			nodes: [`dist/nodes/${repo.nodeClass}/${repo.nodeClass}.node.js`],
		},
		devDependencies: Object.fromEntries(DEV_DEPENDENCIES.map(pinned)),
		peerDependencies: root.peerDependencies,
	};
}

/**
 * npm 11 runs a dependency's install scripts only when `allowScripts` allows them: the same
 * choices as this repository for the packages the repository's lockfile holds (none of its tools
 * needs one; eslint-plugin-n8n-nodes-base's preinstall refuses npm outright).
 */
function allowScripts(lock: Lockfile): Record<string, boolean> {
	const chosen = (manifest() as { allowScripts?: Record<string, boolean> }).allowScripts ?? {};
	const names = Object.entries(lock.packages)
		.filter(([path, entry]) => path && entry.hasInstallScript)
		.map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
	return Object.fromEntries(
		[...new Set(names)].sort().map((name) => [name, chosen[name] ?? false]),
	);
}

/** The root build's compiler options, writing to the repository's own dist/. */
function tsconfig(): string {
	const base = JSON.parse(read('tsconfig.json')) as { compilerOptions: Record<string, unknown> };
	// what only the root's type-check needs (test globals, no emit, .ts imports, plain JS files)
	const options = { ...base.compilerOptions };
	for (const typeCheckOnly of [
		'types',
		'noEmit',
		'allowImportingTsExtensions',
		'allowJs',
		'checkJs',
		'isolatedModules',
	])
		delete options[typeCheckOnly];
	return json(
		{
			compilerOptions: { ...options, types: [], outDir: './dist/' },
			include: ['credentials/**/*', 'nodes/**/*', 'nodes/**/*.json'],
		},
		'\t',
	);
}

/** The starter's workflow templates, rendered for npm as `n8n-node new` renders them. */
function workflowTemplate(name: string): string {
	const text = read(`${TEMPLATE_DIR}/.github/workflows/${name}`)
		.replaceAll('{{packageManager.name}}', 'npm')
		.replaceAll('{{packageManager.installCommand}}', 'ci');
	if (text.includes('{{packageManager'))
		throw new Error(`${name}: a template placeholder is left unfilled`);
	return text;
}

const DEPENDABOT = `# Weekly updates of the tools and of the actions. n8n-workflow and zod are pinned to what n8n
# ships; they move with the source repository, which generates this one.
version: 2
updates:
  - package-ecosystem: npm
    directory: /
    schedule:
      interval: weekly
    ignore:
      - dependency-name: n8n-workflow
      - dependency-name: zod
  - package-ecosystem: github-actions
    directory: /
    schedule:
      interval: weekly
`;

/** A `## Title` section of the combined README (up to the next heading of the same or a higher level). */
export function readmeSection(title: string, level = 3): string {
	const lines = read('README.md').split('\n');
	const start = lines.findIndex((line) => line === `${'#'.repeat(level)} ${title}`);
	if (start === -1) throw new Error(`README.md has no "${title}" section`);
	const end = lines.findIndex(
		(line, index) => index > start && /^#{1,6} /.test(line) && line.indexOf(' ') <= level,
	);
	return lines
		.slice(start + 1, end === -1 ? undefined : end)
		.join('\n')
		.trim();
}

function readme(provider: ProviderDefinition, repo: ProviderRepository): string {
	const root = manifest();
	const section = read(`${SOURCE}/providers/${provider.id}/README.md`)
		// the provider's section starts at level 3 in the combined README; here it is the page
		.replace(/^(#{2,6}) /gm, (_, hashes: string) => `${hashes.slice(1)} `)
		.replace(/^# .*\n/, '');
	const sourceUrl = root.homepage.replace(/#.*$/, '');
	return `# ${repo.packageName}

An n8n community node, **${repo.displayName}**: ${provider.description.charAt(0).toLowerCase()}${provider.description.slice(1)}. One conversation per input item; usable as an AI-agent tool. Requires n8n 2.10 or later.

This repository is generated from [${root.name}](${sourceUrl}), which holds one node for every
provider it supports; each release commit here names the source commit it was made from. Report
problems and send changes there.

## Install

- **n8n Cloud and n8n 3.0:** once n8n has verified this package, open the nodes panel, search for
  *${repo.displayName}* and install it. n8n 3.0 installs only verified packages unless the instance
  owner sets \`N8N_UNVERIFIED_PACKAGES_ENABLED=true\`.
- **Self-hosted n8n 2.x:** Settings → Community Nodes → Install → \`${repo.packageName}\`; or
  \`npm install ${repo.packageName}\` in \`~/.n8n/nodes\` and restart n8n.
- **Docker:** the same from the editor, with \`/home/node/.n8n\` on a volume; or pin it at start
  with \`N8N_COMMUNITY_PACKAGES_MANAGED_BY_ENV=true\` and
  \`N8N_COMMUNITY_PACKAGES=[{"name":"${repo.packageName}","version":"${root.version}"}]\`.
- **Queue mode:** every process (main, workers, webhook processes) needs the same version.
- **Beside ${root.name}:** both use the credential type \`${repo.credentialType}\`, so a credential
  saved for one works with the other. Install the same version of both.

${section.trim()}

## Request Options

${readmeSection('Request Options (all providers)')}

## Deduplication Key

${readmeSection('Deduplication Key (exactly once per key)')}

## Output of every item

${readmeSection('Output')}

## Example

[\`examples/form-to-${provider.id}.json\`](examples/form-to-${provider.id}.json): an n8n Form whose
submissions open ${provider.displayName} conversations. Import it with ⋯ → Import from File… (or
\`n8n import:workflow --input=examples/form-to-${provider.id}.json\`) and pick your credential in the node.

## Licence

[MIT](LICENSE.md)
`;
}

function changelog(repo: ProviderRepository): string {
	const root = manifest();
	const source = read('CHANGELOG.md').replace(/^# Changelog\n/, '');
	return `# Changelog

${repo.packageName} is released from [${root.name}](${root.homepage.replace(/#.*$/, '')}) at the
same version; its changelog, which covers every provider, follows.
${source}`;
}

/** The provider's form example, with this package's node type. */
function example(provider: ProviderDefinition, repo: ProviderRepository): string {
	const sandbox = sandboxProviders().find((candidate) => candidate.id === provider.id);
	if (!sandbox) throw new Error(`no sandbox for ${provider.id}`);
	const file = formExample(sandbox);
	const text = exampleText(file).replaceAll(
		`"${NODE_TYPE}"`,
		`"${repo.packageName}.${repo.nodeName}"`,
	);
	return text.replace(/"Create Conversation"/g, JSON.stringify(repo.displayName));
}

/** Every file under `dir`, relative to `base`, sorted. */
function filesIn(dir: string, base = dir): string[] {
	return readdirSync(dir, { withFileTypes: true })
		.flatMap((entry) => {
			const path = join(dir, entry.name);
			return entry.isDirectory() ? filesIn(path, base) : [relative(base, path)];
		})
		.sort();
}

/** The files of one provider's repository, the lockfile included. */
export function repositoryFiles(provider: ProviderDefinition): RepositoryFile[] {
	const repo = repositoryOf(provider);
	const nodeDir = `nodes/${repo.nodeClass}`;
	const copied = (from: string, to: string, path: string): RepositoryFile => ({
		path: `${to}/${path}`,
		content: read(`${from}/${path}`),
	});
	const credentialFile = `${repo.credentialClass}.credentials.ts`;
	const codex = codexFor([provider], repo.packageName, `${repo.url}#readme`, repo.nodeName);
	const rootLock = JSON.parse(read('package-lock.json')) as Lockfile;
	const pkg = packageManifest(provider, repo, rootLock);
	const lock = lockfileFor(rootLock, pkg);
	pkg.allowScripts = allowScripts(lock);
	return [
		...filesIn(join(ROOT, SOURCE, 'shared')).map((path) =>
			copied(`${SOURCE}/shared`, `${nodeDir}/shared`, path),
		),
		copied(SOURCE, nodeDir, 'description.ts'),
		...filesIn(join(ROOT, SOURCE, 'providers', provider.id))
			.filter((path) => !path.endsWith('README.md'))
			.map((path) =>
				copied(`${SOURCE}/providers/${provider.id}`, `${nodeDir}/providers/${provider.id}`, path),
			),
		{ path: `${nodeDir}/${repo.nodeClass}.node.ts`, content: nodeSource(provider, repo) },
		{ path: `${nodeDir}/${repo.nodeClass}.node.json`, content: json(codex, '\t') },
		{
			// the one import path into the node's folder that differs between the two layouts
			path: `credentials/${credentialFile}`,
			content: read(`credentials/${credentialFile}`).replaceAll(`${SOURCE}/`, `${nodeDir}/`),
		},
		copied('icons', 'icons', `${provider.id}.svg`),
		copied('icons', 'icons', `${provider.id}.dark.svg`),
		{ path: 'package.json', content: json(pkg) },
		{ path: 'package-lock.json', content: json(lock) },
		{ path: 'tsconfig.json', content: tsconfig() },
		copied(TEMPLATE_DIR, '.', 'eslint.config.mjs'),
		copied(TEMPLATE_DIR, '.', '.prettierrc.js'),
		{ path: '.gitignore', content: read(`${TEMPLATE_DIR}/gitignore`) },
		{ path: '.github/workflows/ci.yml', content: workflowTemplate('ci.yml') },
		{ path: '.github/workflows/publish.yml', content: workflowTemplate('publish.yml') },
		{ path: '.github/dependabot.yml', content: DEPENDABOT },
		{ path: `examples/form-to-${provider.id}.json`, content: example(provider, repo) },
		{ path: 'README.md', content: readme(provider, repo) },
		{ path: 'CHANGELOG.md', content: changelog(repo) },
		copied('.', '.', 'LICENSE.md'),
	].map((file) => ({ ...file, path: file.path.replace(/^\.\//, '') }));
}

/** Every registered provider's repository, in the registry's order. */
export const repositories = (providers: readonly ProviderDefinition[] = registered) =>
	providers.map((provider) => ({ repo: repositoryOf(provider), files: repositoryFiles(provider) }));

/** Writes a repository's files under `dir` (its folder, a clone's work tree, a test's temp folder). */
export function writeRepositoryFiles(dir: string, files: RepositoryFile[]): void {
	for (const file of files) {
		mkdirSync(dirname(join(dir, file.path)), { recursive: true });
		writeFileSync(join(dir, file.path), file.content);
	}
}
