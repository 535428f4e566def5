/**
 * The files of the repository that are derived from the provider registry rather than written by
 * hand: the example workflows, the provider and per-provider package tables and the provider
 * sections of the README (each section from its provider's folder), every provider's own package
 * under packages/ (scripts/packages.ts), and the description and keywords of package.json. `npm run sync`
 * writes them; test/layout.test.ts fails when one is out of date.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { exampleFiles, exampleText } from '../sandbox/examples';
import { sandboxProviders, type SandboxProvider } from '../sandbox';
import { filesOfPackageDir, packageFiles, packageOf, PACKAGES_DIR } from './packages';

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

/** The README's table of per-provider packages (npm run build:packages). */
export function packageTable(providers: SandboxProvider[]): string {
	return [
		'| Provider | Package | Node | Credential type |',
		'| --- | --- | --- | --- |',
		...providers.map(({ definition }) => {
			const pkg = packageOf(definition);
			return `| ${definition.displayName} | \`${pkg.packageName}\` | ${pkg.displayName} | \`${pkg.credentialType}\` |`;
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
		...providers.flatMap(({ id, definition }) =>
			packageFiles(definition).map((file) => ({
				path: `packages/${id}/${file.path}`,
				content: file.content,
			})),
		),
	];
}

/**
 * Files under packages/ that no provider makes any more (a file removed from a provider's folder,
 * a provider removed from the registry): `npm run sync` deletes them, the layout test lists them.
 */
export function stalePackageFiles(providers: SandboxProvider[] = sandboxProviders()): string[] {
	if (!existsSync(PACKAGES_DIR)) return [];
	const made = new Set(
		derivedFiles(providers)
			.map((file) => file.path)
			.filter((path) => path.startsWith('packages/')),
	);
	return readdirSync(PACKAGES_DIR, { withFileTypes: true })
		.filter((entry) => entry.isDirectory())
		.flatMap((entry) =>
			filesOfPackageDir(join(PACKAGES_DIR, entry.name)).map(
				(path) => `packages/${entry.name}/${path}`,
			),
		)
		.filter((path) => !made.has(path));
}
