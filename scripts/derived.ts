/**
 * The files of the repository that are derived from the provider registry rather than written by
 * hand: the example workflows, the provider and per-provider package tables and the provider
 * sections of the README (each section from its provider's folder), and the description and
 * keywords of package.json. `npm run sync` writes them; test/layout.test.ts fails when one is out of
 * date. The per-provider repositories are generated, never committed here
 * (scripts/repositories/generate.ts).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { exampleFiles, exampleText } from '../sandbox/examples';
import { sandboxProviders, type SandboxProvider } from '../sandbox';
import { repositoryOf } from './repositories/generate';

export const ROOT = join(__dirname, '..');

export interface DerivedFile {
	/** Path relative to the repository root. */
	path: string;
	content: string;
}

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** Replaces what lies between `<!-- generated: NAME … -->` and `<!-- /generated: NAME -->`. */
export function replaceBlock(text: string, name: string, content: string): string {
	const open = new RegExp(
		`(<!-- generated: ${name}[^>]*-->\\n)[\\s\\S]*?(<!-- /generated: ${name} -->)`,
	);
	if (!open.test(text)) throw new Error(`the README has no "${name}" block`);
	return text.replace(
		open,
		(_, start: string, end: string) => `${start}${content}${content ? '\n' : ''}${end}`,
	);
}

export const providerReadmePath = (provider: SandboxProvider) =>
	`nodes/CreateConversation/providers/${provider.id}/README.md`;

/** The README's table of per-provider packages, each from its dedicated repository. */
export function packageTable(providers: SandboxProvider[]): string {
	return [
		'| Provider | Package (repository) | Node | Credential type |',
		'| --- | --- | --- | --- |',
		...providers.map(({ definition }) => {
			const repo = repositoryOf(definition);
			return `| ${definition.displayName} | [\`${repo.packageName}\`](${repo.url}) | ${repo.displayName} | \`${repo.credentialType}\` |`;
		}),
	].join('\n');
}

function readme(providers: SandboxProvider[]): string {
	const table = [
		'| Provider | What "create conversation" means there | Credential type |',
		'| --- | --- | --- |',
		...providers.map(
			({ definition }) =>
				`| ${definition.displayName} | ${definition.description} | \`${definition.credentialType}\` |`,
		),
	].join('\n');
	const sections = providers
		.map((provider) => read(providerReadmePath(provider)).trim())
		.join('\n\n');
	let text = replaceBlock(read('README.md'), 'provider table', table);
	text = replaceBlock(text, 'package table', packageTable(providers));
	return replaceBlock(text, 'provider sections', sections);
}

/** "A, B or C". */
const either = (names: string[]) =>
	names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : names.join('');

const BASE_KEYWORDS = ['n8n-community-node-package', 'n8n', 'helpdesk', 'conversation'];

function packageJson(providers: SandboxProvider[]): string {
	const manifest = JSON.parse(read('package.json')) as Record<string, unknown>;
	const names = providers.map(({ definition }) => definition.displayName);
	manifest.description = `n8n community node that opens a conversation in ${either(names)}. Requires n8n 2.10 or later (tested on 2.41.1).`;
	manifest.keywords = [
		...BASE_KEYWORDS.slice(0, 2),
		...providers.map(({ id }) => id),
		...BASE_KEYWORDS.slice(2),
	];
	return `${JSON.stringify(manifest, null, 2)}\n`;
}

export function derivedFiles(providers: SandboxProvider[] = sandboxProviders()): DerivedFile[] {
	return [
		...exampleFiles(providers).map((example) => ({
			path: `examples/${example.file}`,
			content: exampleText(example),
		})),
		{ path: 'README.md', content: readme(providers) },
		{ path: 'package.json', content: packageJson(providers) },
	];
}

/** Every file below `dir`, relative to the repository root. */
function filesBelow(dir: string): string[] {
	if (!existsSync(join(ROOT, dir))) return [];
	return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
		const path = `${dir}/${entry.name}`;
		if (entry.isDirectory()) return filesBelow(path);
		return entry.isFile() ? [path] : [];
	});
}

export interface Unsynced {
	/** Derived files missing or different on disk. */
	write: DerivedFile[];
	/** Files under examples/ that nothing makes any more (a removed provider). */
	remove: string[];
}

/** What `npm run sync` would change. The layout test expects nothing. */
export function unsyncedFiles(providers: SandboxProvider[] = sandboxProviders()): Unsynced {
	const derived = derivedFiles(providers);
	const made = new Set(derived.map((file) => file.path));
	const write = derived.filter(
		(file) => !existsSync(join(ROOT, file.path)) || read(file.path) !== file.content,
	);
	const remove = filesBelow('examples').filter((path) => path.endsWith('.json') && !made.has(path));
	return { write, remove };
}
