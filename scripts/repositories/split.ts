/**
 * Release by split: commits each provider's generated repository (generate.ts) to its dedicated
 * repository, as one new commit on top of that repository's history (never a force-push), plus the
 * release tag. The dedicated repository's own publish workflow then publishes from that tag with
 * npm provenance, so the commit n8n's verification downloads holds exactly the generated source,
 * and its message names the source commit here.
 *
 *   npm run release:split -- --remote <pattern> [--tag <tag>] [--branch main]
 *
 * `<pattern>` is the address of each dedicated repository with `{name}` for the package name, e.g.
 * `https://github.com/n8n-nodes-create-conversation/{name}.git`, or a local folder (tests: a bare
 * repository is created there when missing). A token for the push is read from
 * RELEASE_SPLIT_TOKEN and sent as an HTTP header, never in the address; nothing printed contains it.
 * A run with nothing changed adds no commit; a tag that already exists is kept as it is, and one
 * that names another commit stops the release.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';

import {
	ROOT,
	repositories,
	writeRepositoryFiles,
	type ProviderRepository,
	type RepositoryFile,
} from './generate';

export interface SplitOptions {
	/** Address pattern with `{name}`. */
	remote: string;
	tag?: string;
	branch?: string;
	/** The source commit named in each commit message (default: HEAD here). */
	sourceCommit?: string;
	/** What to commit (default: every registered provider's repository). */
	generated?: Array<{ repo: ProviderRepository; files: RepositoryFile[] }>;
	/** For RELEASE_SPLIT_TOKEN; the tests pass their own. */
	env?: NodeJS.ProcessEnv;
	log?: (line: string) => void;
}

export interface SplitResult {
	packageName: string;
	remote: string;
	/** The new commit, or null when nothing changed. */
	commit: string | null;
	head: string;
	tagged: boolean;
}

const isLocal = (address: string) =>
	!/^[a-z+]+:\/\//i.test(address) && !/^[^/]+@[^:]+:/.test(address);

/** Runs git; a failure's message has the token (and its base64 form) masked. */
function git(args: string[], options: { cwd?: string; secrets?: string[]; auth?: string[] } = {}) {
	try {
		return execFileSync('git', [...(options.auth ?? []), ...args], {
			cwd: options.cwd,
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'pipe'],
			env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
		}).trim();
	} catch (error) {
		const { stderr, stdout } = error as { stderr?: string; stdout?: string };
		let text = `git ${args.join(' ')} failed: ${stderr || stdout || (error as Error).message}`;
		for (const secret of options.secrets ?? []) if (secret) text = text.replaceAll(secret, '***');
		throw new Error(text);
	}
}

/** `-c http.extraHeader=…` for a token, so it is never part of an address git may print. */
function authArgs(token: string | undefined): { auth: string[]; secrets: string[] } {
	if (!token) return { auth: [], secrets: [] };
	const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
	return {
		auth: ['-c', `http.extraHeader=Authorization: Basic ${basic}`],
		secrets: [token, basic],
	};
}

function sourceCommitHere(): string {
	const commit = git(['rev-parse', 'HEAD'], { cwd: ROOT });
	const dirty = git(['status', '--porcelain'], { cwd: ROOT }) !== '';
	return dirty ? `${commit} (with uncommitted changes)` : commit;
}

/** Everything in `dir` but .git. */
function clearWorkTree(dir: string) {
	for (const entry of readdirSync(dir))
		if (entry !== '.git') rmSync(join(dir, entry), { recursive: true, force: true });
}

export function splitRelease(options: SplitOptions): SplitResult[] {
	const branch = options.branch ?? 'main';
	const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
	const { auth, secrets } = authArgs((options.env ?? process.env).RELEASE_SPLIT_TOKEN);
	const run = (args: string[], cwd?: string) => git(args, { cwd, auth, secrets });
	const source = options.sourceCommit ?? sourceCommitHere();
	const generated = options.generated ?? repositories();
	const work = mkdtempSync(join(tmpdir(), 'release-split-'));
	try {
		// every repository is committed and its tag checked before anything is pushed, so a release
		// that stops (a tag that names another commit) pushes nothing
		const prepared = generated.map(({ repo, files }) => {
			const remote = options.remote.replaceAll('{name}', repo.packageName);
			const address = isLocal(remote) && !isAbsolute(remote) ? resolve(remote) : remote;
			if (isLocal(address) && !existsSync(address)) {
				mkdirSync(dirname(address), { recursive: true });
				git(['init', '--quiet', '--bare', `--initial-branch=${branch}`, address]);
			}
			const dir = join(work, repo.packageName);
			run(['clone', '--quiet', '--no-checkout', address, dir]);
			const remoteHead = run(['ls-remote', '--heads', 'origin', branch], dir);
			if (remoteHead) run(['checkout', '--quiet', branch], dir);
			else run(['checkout', '--quiet', '--orphan', branch], dir);

			clearWorkTree(dir);
			writeRepositoryFiles(dir, files);
			run(['add', '--all'], dir);
			let commit: string | null = null;
			if (!remoteHead || run(['status', '--porcelain'], dir) !== '') {
				const version = JSON.parse(
					files.find((file) => file.path === 'package.json')?.content ?? '{}',
				).version;
				run(
					[
						'-c',
						'user.name=n8n-nodes-create-conversation release',
						'-c',
						'user.email=release@n8n-nodes-create-conversation.dev',
						'commit',
						'--quiet',
						'--allow-empty',
						'-m',
						`Release ${version}: generated from n8n-nodes-create-conversation ${source}`,
						'-m',
						`Generated by \`npm run release:split\` from the source repository's registry at ${source}. Do not edit here: change the source repository and release again.`,
					],
					dir,
				);
				commit = run(['rev-parse', 'HEAD'], dir);
			}
			const head = run(['rev-parse', 'HEAD'], dir);
			let tagged = false;
			if (options.tag) {
				const existing = run(['ls-remote', '--tags', 'origin', `refs/tags/${options.tag}`], dir);
				if (!existing) {
					run(['tag', options.tag, head], dir);
					tagged = true;
				} else if (!existing.startsWith(head)) {
					throw new Error(
						`${repo.packageName}: tag ${options.tag} already names another commit in ${remote}; a release never moves a tag, so nothing was pushed`,
					);
				}
			}
			return { repo, remote, address, dir, commit, head, tagged };
		});
		return prepared.map(({ repo, remote, address, dir, commit, head, tagged }) => {
			if (commit) run(['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`], dir);
			if (tagged) run(['push', '--quiet', 'origin', `refs/tags/${options.tag}`], dir);
			log(
				`${repo.packageName}: ${commit ? `committed ${commit.slice(0, 12)}` : 'no change'}${tagged ? `, tagged ${options.tag}` : ''} → ${remote}`,
			);
			return { packageName: repo.packageName, remote: address, commit, head, tagged };
		});
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
}

/** `--name value` from argv. */
function argument(argv: string[], name: string): string | undefined {
	const index = argv.indexOf(`--${name}`);
	return index === -1 ? undefined : argv[index + 1];
}

export function main(argv = process.argv.slice(2)) {
	const remote = argument(argv, 'remote');
	if (!remote || !remote.includes('{name}')) {
		process.stderr.write(
			'usage: npm run release:split -- --remote <address with {name}> [--tag <tag>] [--branch main]\n',
		);
		process.exitCode = 2;
		return;
	}
	try {
		splitRelease({ remote, tag: argument(argv, 'tag'), branch: argument(argv, 'branch') });
	} catch (error) {
		process.stderr.write(`release:split: ${(error as Error).message}\n`);
		process.exitCode = 1;
	}
}
