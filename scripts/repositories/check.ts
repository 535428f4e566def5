/**
 * Proves that each generated repository stands alone, as its own CI and n8n's verification will
 * see it (part of `npm run check`):
 * 1. writes every provider's repository to repositories/<name>/ (to read; gitignored);
 * 2. commits them with the release split (split.ts) to bare repositories in an empty temporary
 *    folder, nothing of this repository beside them;
 * 3. in a clone of each: `npm install`, `npm run build`, `npm run lint` (strict: the template's
 *    config), then n8n's scanner on the clone's `git archive HEAD` (package.json at the root) and
 *    on its packed tarball (scripts/verify-package.mjs), keeping the tarball in repositories/
 *    for the real-n8n suite (test/e2e/packages.e2e.ts).
 * `npm install` stands for the generated workflow's `npm ci`, which the registry reachable here
 * refuses for lockfiles that name other platforms' optional packages; both install the lockfile.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

import {
	REPOSITORIES_DIR,
	ROOT,
	repositories,
	writeRepositoryFiles,
	type ProviderRepository,
} from './generate';
import { splitRelease } from './split';

const run = promisify(execFile);

/**
 * The environment of a command in a clone: without the npm_* state of the enclosing `npm run` and
 * without this repository's node_modules/.bin on PATH, so nothing of this repository is used.
 */
function standaloneEnv(): NodeJS.ProcessEnv {
	const env = Object.fromEntries(
		Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)),
	);
	env.PATH = (process.env.PATH ?? '')
		.split(delimiter)
		.filter((entry) => !entry.startsWith(ROOT))
		.join(delimiter);
	return env;
}

async function step(repo: ProviderRepository, cwd: string, command: string, args: string[]) {
	const started = Date.now();
	try {
		await run(command, args, { cwd, env: standaloneEnv(), maxBuffer: 64 * 1024 * 1024 });
	} catch (error) {
		const { stdout, stderr } = error as { stdout?: string; stderr?: string };
		throw new Error(
			`${repo.packageName}: ${command} ${args.join(' ')} failed\n${stdout ?? ''}\n${stderr ?? ''}`,
		);
	}
	return Date.now() - started;
}

/** Runs `work` for every entry, at most `limit` at once. */
async function eachLimited<T>(entries: T[], limit: number, work: (entry: T) => Promise<void>) {
	let next = 0;
	await Promise.all(
		Array.from({ length: Math.min(limit, entries.length) }, async () => {
			while (next < entries.length) await work(entries[next++]);
		}),
	);
}

export async function checkRepositories({ concurrency = 3 } = {}): Promise<void> {
	const started = Date.now();
	const generated = repositories();
	rmSync(REPOSITORIES_DIR, { recursive: true, force: true });
	for (const { repo, files } of generated) writeRepositoryFiles(repo.dir, files);

	const work = mkdtempSync(join(tmpdir(), 'repositories-check-'));
	try {
		const log = (line: string) => process.stdout.write(`${line}\n`);
		const split = splitRelease({ remote: join(work, 'remotes', '{name}.git'), generated, log });
		const seconds = (ms: number) => `${(ms / 1000).toFixed(0)} s`;
		await eachLimited(split, concurrency, async (result) => {
			const { repo } = generated.find((entry) => entry.repo.packageName === result.packageName)!;
			const clone = join(work, 'clones', repo.packageName);
			await step(repo, work, 'git', ['clone', '--quiet', result.remote, clone]);
			const install = await step(repo, clone, 'npm', [
				'install',
				'--no-audit',
				'--no-fund',
				'--prefer-offline',
				'--loglevel=error',
			]);
			const build = await step(repo, clone, 'npm', ['run', 'build', '--silent']);
			const lint = await step(repo, clone, 'npm', ['run', 'lint', '--silent']);
			log(
				`${repo.packageName}: standalone npm install ${seconds(install)}, build ${seconds(build)}, strict lint ${seconds(lint)}`,
			);
		});
		// the scanner, once for all five: source, tarball and `git archive HEAD` of each clone
		const clones = split.map((result) => join(work, 'clones', result.packageName));
		const scan = await run(
			process.execPath,
			[join(ROOT, 'scripts', 'verify-package.mjs'), '--out', REPOSITORIES_DIR, ...clones],
			{ cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
		).catch((error: { stdout?: string }) => {
			throw new Error(`n8n's scanner failed on a generated repository:\n${error.stdout ?? ''}`);
		});
		process.stdout.write(scan.stdout);
		log(
			`${generated.length} repositories generated and proven in ${seconds(Date.now() - started)}`,
		);
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
}
