#!/usr/bin/env node
'use strict';
// `npm run build:packages`: one n8n community package per provider under packages/<id>/ (see
// scripts/packages.ts), each built with its own `npm run build` (n8n-node build), linted with its
// own `npm run lint` (n8n-node lint, strict: the template's rules and config, as n8n's
// verification asks) and packed into packages/<name>-<version>.tgz. Run after `npm install`; it
// does not need the root build. `npm run verify:packages` then scans each one.
const { spawnSync } = require('node:child_process');

require('./ts-require.cjs');
const { PACKAGES_DIR, writePackages } = require('./packages.ts');

const started = Date.now();
for (const pkg of writePackages()) {
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
process.stdout.write(`packages/ ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
