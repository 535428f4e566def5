/**
 * The release path (.github/): nothing here can run GitHub Actions, so `npm run lint:workflows`
 * (actionlint) checks the workflow files' syntax and expressions, and this suite checks they do
 * what the README and the n8n starter promise: CI runs the README's test command on the Node.js
 * versions n8n supports, a version tag publishes every package with npm provenance, and a plain
 * `npm publish` is refused.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parse } from 'yaml';

import { ROOT } from '../scripts/derived';

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

test('CI runs the README test command on pushes and pull requests, on Node 22 and 24, with n8n cached', () => {
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

test('a version tag publishes the combined package and every per-provider package with provenance', () => {
	const publish = yamlOf('.github/workflows/publish.yml');
	expect(publish.on).toEqual({ push: { tags: ['*.*.*'] } });
	const [job] = Object.values(publish.jobs) as any[];
	expect(job.permissions).toEqual({ 'id-token': 'write', contents: 'read' });
	const setup = job.steps.find((step: any) => String(step.uses).startsWith('actions/setup-node@'));
	expect(setup.with['registry-url']).toBe('https://registry.npmjs.org');
	const script = runs(job).join('\n');
	// n8n-node release, inside GitHub Actions: lint, build, npm publish with provenance
	const release = script.indexOf('npm run release');
	const build = script.indexOf('npm run build:packages');
	const perPackage = script.indexOf('for dir in packages/*/');
	expect(release).toBeGreaterThanOrEqual(0);
	expect(build).toBeGreaterThan(release);
	expect(perPackage).toBeGreaterThan(build);
	expect(script.slice(perPackage)).toContain('npm run release');
});

test('release and prepublishOnly are the starter scripts, so a plain npm publish is refused', () => {
	expect(manifest.scripts).toMatchObject({
		release: 'n8n-node release',
		prepublishOnly: 'n8n-node prerelease',
	});
});

test('npm run check builds, lints and scans the per-provider packages and validates the workflows', () => {
	const steps = (manifest.scripts.check as string).split(' && ');
	for (const step of [
		'npm run lint:workflows',
		'npm run verify',
		'npm run build:packages',
		'npm run verify:packages',
	])
		expect(steps).toContain(step);
	expect(steps.indexOf('npm run verify:packages')).toBeGreaterThan(
		steps.indexOf('npm run build:packages'),
	);
});

test('dependabot updates npm and the workflow actions', () => {
	const dependabot = yamlOf('.github/dependabot.yml');
	expect(dependabot.version).toBe(2);
	expect(dependabot.updates.map((update: any) => update['package-ecosystem']).sort()).toEqual([
		'github-actions',
		'npm',
	]);
});
