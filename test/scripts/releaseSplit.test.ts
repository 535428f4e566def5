/**
 * `npm run release:split` against local bare repositories: the first run creates them with one
 * commit each, a run with no change adds nothing, a changed shared file adds exactly one commit to
 * each (on top of the history, naming the source commit), a tag is pushed once and never moved, and
 * a token given for the push never shows in what the script prints or throws.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { providers } from '../../nodes/CreateConversation/providers/registry';
import { repositories } from '../../scripts/repositories/generate';
import { splitRelease, type SplitOptions } from '../../scripts/repositories/split';

const git = (dir: string, ...args: string[]) =>
	execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
const commitsOf = (remote: string) => git(remote, 'rev-list', '--count', 'main');

let work: string;
let lines: string[];
const generated = repositories(providers);
const split = (options: Partial<SplitOptions> = {}) =>
	splitRelease({
		remote: join(work, '{name}.git'),
		sourceCommit: 'abc123',
		generated,
		log: (line) => lines.push(line),
		...options,
	});

beforeEach(() => {
	lines = [];
});
beforeAll(() => {
	work = mkdtempSync(join(tmpdir(), 'release-split-test-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

test('a first run creates each repository with one commit naming the source commit, and tags it', () => {
	const results = split({ tag: '0.2.0' });
	expect(results).toHaveLength(providers.length);
	for (const result of results) {
		expect(result.commit).not.toBeNull();
		expect(commitsOf(result.remote)).toBe('1');
		expect(git(result.remote, 'log', '-1', '--format=%s', 'main')).toContain('abc123');
		expect(git(result.remote, 'rev-parse', '0.2.0')).toBe(result.head);
		// the commit holds the generated repository, package.json at its root
		const manifest = JSON.parse(git(result.remote, 'show', 'main:package.json'));
		expect(manifest.name).toBe(result.packageName);
	}
});

test('a second run with no change adds no commit and leaves the tag', () => {
	const before = split({ tag: '0.2.0' });
	for (const result of before) {
		expect(result.commit).toBeNull();
		expect(result.tagged).toBe(false);
		expect(commitsOf(result.remote)).toBe('1');
	}
	expect(lines.every((line) => line.includes('no change'))).toBe(true);
});

test('a changed shared file adds exactly one commit to each, on top of its history', () => {
	const changed = generated.map(({ repo, files }) => ({
		repo,
		files: files.map((file) =>
			file.path.endsWith('/shared/execute.ts')
				? { ...file, content: `${file.content}// a change\n` }
				: file,
		),
	}));
	const results = split({ generated: changed, sourceCommit: 'def456' });
	for (const result of results) {
		expect(commitsOf(result.remote)).toBe('2');
		expect(git(result.remote, 'log', '-1', '--format=%s', 'main')).toContain('def456');
		expect(git(result.remote, 'diff', '--name-only', 'main~1', 'main')).toMatch(
			/^nodes\/[A-Za-z]+\/shared\/execute\.ts$/,
		);
	}
});

test('a tag that already names another commit stops the release before anything is pushed', () => {
	const moved = generated.map(({ repo, files }) => ({
		repo,
		files: [...files, { path: 'NOTE.md', content: 'another change\n' }],
	}));
	expect(() => split({ generated: moved, tag: '0.2.0' })).toThrow(/never moves a tag/);
	for (const { repo } of generated)
		expect(commitsOf(join(work, `${repo.packageName}.git`))).toBe('2');
});

test('the push token is sent as a header and masked in any failure', () => {
	const token = 'ghp_secretTOKEN1234567890';
	let message = '';
	try {
		split({ remote: 'https://127.0.0.1:9/{name}.git', env: { RELEASE_SPLIT_TOKEN: token } });
	} catch (error) {
		message = (error as Error).message;
	}
	expect(message).toMatch(/git clone/);
	expect(message).not.toContain(token);
	expect(message).not.toContain(Buffer.from(`x-access-token:${token}`).toString('base64'));
	expect(lines.join('\n')).not.toContain(token);
});
