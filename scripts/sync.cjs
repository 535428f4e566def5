#!/usr/bin/env node
'use strict';
// `npm run sync`: writes the files derived from the provider registry (scripts/derived.ts): the
// examples, the README's provider table and sections, package.json's description and keywords,
// and each provider's own package under packages/ (deleting files there that nothing makes).
// `--check` only reports what is out of date (exit 1), as test/layout.test.ts does.
const fs = require('node:fs');
const path = require('node:path');

require('./ts-require.cjs');
const { derivedFiles, ROOT, stalePackageFiles } = require('./derived.ts');

const check = process.argv.includes('--check');
const stale = [];
for (const file of derivedFiles()) {
	const target = path.join(ROOT, file.path);
	const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : undefined;
	if (current === file.content) continue;
	stale.push(file.path);
	if (check) continue;
	fs.mkdirSync(path.dirname(target), { recursive: true });
	fs.writeFileSync(target, file.content);
}
for (const file of stalePackageFiles()) {
	stale.push(`${file} (no provider makes it)`);
	if (!check) fs.rmSync(path.join(ROOT, file));
}
const examples = new Set(
	derivedFiles()
		.filter((file) => file.path.startsWith('examples/'))
		.map((file) => path.basename(file.path)),
);
for (const file of fs.readdirSync(path.join(ROOT, 'examples'))) {
	if (file.endsWith('.json') && !examples.has(file)) {
		stale.push(`examples/${file} (no provider makes it)`);
		if (!check) fs.rmSync(path.join(ROOT, 'examples', file));
	}
}
process.stdout.write(
	stale.length
		? `${check ? 'out of date' : 'wrote'}: ${stale.join(', ')}\n`
		: 'derived files are up to date\n',
);
if (check && stale.length) process.exitCode = 1;
