/**
 * The release path (.github/): nothing here can run GitHub Actions, so `npm run lint:workflows`
 * (actionlint) checks the workflow files' syntax and expressions, and this suite checks they do
 * what the README and the n8n starter promise: CI runs the README's test command on the Node.js
 * versions n8n supports, a version tag publishes the combined package with npm provenance and
 * splits the per-provider ones into their dedicated repositories, and a plain
 * `npm publish` is refused.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parse } from 'yaml';

import { ROOT } from '../scripts/derived';
import { runProcess } from '../scripts/n8n/n8n-driver.cjs';

/* eslint-disable @typescript-eslint/no-explicit-any -- parsed YAML, checked by shape */
const yamlOf = (file: string): any => parse(readFileSync(join(ROOT, file), 'utf8'));
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The test command "The two commands" prints: the line under "# Run every check and test". */
function readmeTestCommand(): string {
	const command = readme.match(/^# Run every check and test[^\n]*\n([^\n#]+)$/m);
	if (!command)
		throw new Error('the README prints no test command under "# Run every check and test"');
	return command[1].trim();
}

const runs = (job: any): string[] =>
	job.steps.flatMap((step: any) => (typeof step.run === 'string' ? [step.run] : []));

test('.ci/run runs exactly the README test command', () => {
	const script = readFileSync(join(ROOT, '.ci/run'), 'utf8');
	const commands = script.split('\n').filter((line) => line && !/^(#|set |cd )/.test(line));
	expect(commands).toEqual([readmeTestCommand()]);
});

test('CI runs the README test command on pushes and pull requests, from Node 22 and 24, with n8n cached', () => {
	const ci = yamlOf('.github/workflows/ci.yml');
	expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
	const [job] = Object.values(ci.jobs) as any[];
	expect(job.strategy.matrix.node).toEqual([22, 24]);
	expect(runs(job)).toContain(readmeTestCommand());
	const setup = job.steps.find((step: any) => String(step.uses).startsWith('actions/setup-node@'));
	expect(setup.with['node-version']).toBe('${{ matrix.node }}');
	const cache = job.steps.find((step: any) => String(step.uses).startsWith('actions/cache@'));
	expect(cache.with.path).toBe('~/.cache/n8n-nodes-create-conversation');
});

test('a version tag builds and scans the combined package, then publishes it unless npm has it, with provenance', () => {
	const publish = yamlOf('.github/workflows/publish.yml');
	expect(publish.on).toEqual({ push: { tags: ['*.*.*'] } });
	const [job] = Object.values(publish.jobs) as any[];
	expect(job.permissions).toEqual({ 'id-token': 'write', contents: 'read' });
	const setup = job.steps.find((step: any) => String(step.uses).startsWith('actions/setup-node@'));
	expect(setup.with['registry-url']).toBe('https://registry.npmjs.org');
	const steps: string[] = runs(job);
	const checks = steps.findIndex((run) => run.includes('npm run verify'));
	const publishes = steps.findIndex((run) => run.includes('npm run release'));
	expect(checks).toBeGreaterThanOrEqual(0);
	expect(publishes).toBeGreaterThan(checks);
	// skipping what npm already has at this version, so a re-run after a failure finishes
	expect(steps[publishes]).toMatch(/npm view "\$name@\$GITHUB_REF_NAME"/);
});

test('the same tag proves every dedicated repository, then pushes each its commit and the tag', () => {
	const split = yamlOf('.github/workflows/split.yml');
	expect(split.on).toEqual({ push: { tags: ['*.*.*'] } });
	const [job] = Object.values(split.jobs) as any[];
	const steps: string[] = runs(job);
	const proves = steps.findIndex((run) => run.includes('npm run check:repositories'));
	const pushes = steps.findIndex((run) => run.includes('npm run release:split -- --remote'));
	expect(proves).toBeGreaterThanOrEqual(0);
	expect(pushes).toBeGreaterThan(proves);
	expect(steps[pushes]).toContain('--tag "$GITHUB_REF_NAME"');
	// the one setting names the repositories; the token comes from a secret, never the address
	expect(steps[pushes]).toContain('config.dedicatedRepository');
	const step = job.steps.find((candidate: any) => String(candidate.run).includes('release:split'));
	expect(step.env.RELEASE_SPLIT_TOKEN).toBe('${{ secrets.RELEASE_SPLIT_TOKEN }}');
});

describe('a plain npm publish is refused, as in the n8n starter', () => {
	const n8nNode = join(ROOT, 'node_modules/.bin/n8n-node');
	const withoutReleaseMode = { ...process.env };
	delete withoutReleaseMode.RELEASE_MODE;

	test('prepublishOnly runs n8n-node prerelease, which refuses without RELEASE_MODE', async () => {
		expect(manifest.scripts).toMatchObject({
			release: 'n8n-node release',
			prepublishOnly: 'n8n-node prerelease',
		});
		const refused = await runProcess('npm', ['publish', '--dry-run'], {
			cwd: ROOT,
			env: withoutReleaseMode,
		});
		expect(refused.code).not.toBe(0);
		expect(`${refused.stdout}${refused.stderr}`).toContain('npm run release');
	});

	test('n8n-node release sets RELEASE_MODE, which lets prerelease through', async () => {
		const allowed = await runProcess(n8nNode, ['prerelease'], {
			cwd: ROOT,
			env: { ...withoutReleaseMode, RELEASE_MODE: 'true' },
		});
		expect(allowed.code).toBe(0);
	});
});

test('npm run check proves the dedicated repositories and validates the workflows', () => {
	const steps = (manifest.scripts.check as string).split(' && ');
	for (const step of ['npm run lint:workflows', 'npm run verify', 'npm run check:repositories'])
		expect(steps).toContain(step);
});

test('dependabot updates npm and the workflow actions', () => {
	const dependabot = yamlOf('.github/dependabot.yml');
	expect(dependabot.version).toBe(2);
	expect(dependabot.updates.map((update: any) => update['package-ecosystem']).sort()).toEqual([
		'github-actions',
		'npm',
	]);
});
