#!/usr/bin/env node
'use strict';
// `npm run sync`: writes the files derived from the provider registry (scripts/derived.ts): the
// examples, the README's provider table and sections, package.json's description and keywords,
// and each provider's own package under packages/ (deleting files in examples/ and packages/
// that nothing makes).
// `--check` only reports what is out of date (exit 1), as test/layout.test.ts does.
const fs = require('node:fs');
const path = require('node:path');

require('./ts-require.cjs');
const { ROOT, unsyncedFiles } = require('./derived.ts');

const check = process.argv.includes('--check');
const { write, remove } = unsyncedFiles();
if (!check) {
	for (const file of write) {
		const target = path.join(ROOT, file.path);
		fs.mkdirSync(path.dirname(target), { recursive: true });
		fs.writeFileSync(target, file.content);
	}
	for (const file of remove) fs.rmSync(path.join(ROOT, file));
}
const stale = [
	...write.map((file) => file.path),
	...remove.map((file) => `${file} (no provider makes it)`),
];
process.stdout.write(
	stale.length
		? `${check ? 'out of date' : 'wrote'}: ${stale.join(', ')}\n`
		: 'derived files are up to date\n',
);
if (check && stale.length) process.exitCode = 1;
