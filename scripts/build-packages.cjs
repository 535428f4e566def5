#!/usr/bin/env node
'use strict';
// `npm run build:packages`: builds each provider's own package under packages/<id>/ (its sources
// are committed, written by `npm run sync`: see scripts/packages.ts) with its own `npm run build`
// (n8n-node build), lints it with its own `npm run lint` (n8n-node lint, strict: the template's
// rules and config, as n8n's verification asks) and packs it into packages/<name>-<version>.tgz.
// It refuses to build sources that differ from what the registry makes, so what is built and
// published is what git holds. Run after `npm install`; it does not need the root build.
// `npm run verify:packages` then scans each one.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

require('./ts-require.cjs');
const { ROOT, unsyncedFiles } = require('./derived.ts');
const { PACKAGES_DIR, packageOf } = require('./packages.ts');
const { providers } = require('../nodes/CreateConversation/providers/registry.ts');

const unsynced = unsyncedFiles();
const outOfDate = [...unsynced.write.map((file) => file.path), ...unsynced.remove].filter((file) =>
	file.startsWith('packages/'),
);
if (outOfDate.length > 0) {
	process.stderr.write(
		`build:packages: packages/ is not what the sources make (${outOfDate.slice(0, 5).join(', ')}${outOfDate.length > 5 ? ', …' : ''}): run \`npm run sync\` and commit the result\n`,
	);
	process.exit(1);
}

const started = Date.now();
for (const provider of providers) {
	const pkg = packageOf(provider);
	// the tools (n8n-node, tsc, eslint) and types come from this repository's install
	const modules = path.join(pkg.dir, 'node_modules');
	if (!fs.existsSync(modules))
		fs.symlinkSync(path.relative(pkg.dir, path.join(ROOT, 'node_modules')), modules, 'dir');
	fs.rmSync(path.join(pkg.dir, 'dist'), { recursive: true, force: true });
	for (const [command, args] of [
		['npm', ['run', 'build', '--silent']],
		['npm', ['run', 'lint', '--silent']],
		['npm', ['pack', '--pack-destination', PACKAGES_DIR, '--loglevel=error']],
	]) {
		const result = spawnSync(command, args, { cwd: pkg.dir, encoding: 'utf8', env: process.env });
		if (result.status !== 0) {
			process.stderr.write(
				`${pkg.packageName}: ${command} ${args.join(' ')} failed\n${result.stdout}\n${result.stderr}\n`,
			);
			process.exit(1);
		}
	}
	process.stdout.write(`built ${pkg.packageName} (${pkg.nodeClass}, ${pkg.credentialType})\n`);
}
process.stdout.write(`packages/ built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
