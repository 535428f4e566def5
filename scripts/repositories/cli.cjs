#!/usr/bin/env node
'use strict';
// The dedicated repositories' commands (TypeScript, run through scripts/ts-require.cjs):
//   node scripts/repositories/cli.cjs check                    npm run check:repositories
//   node scripts/repositories/cli.cjs split --remote <pattern>  npm run release:split -- …
require('../ts-require.cjs');

const [command, ...args] = process.argv.slice(2);
if (command === 'check') {
	require('./check.ts')
		.checkRepositories()
		.catch((error) => {
			process.stderr.write(`check:repositories: ${error.message}\n`);
			process.exitCode = 1;
		});
} else if (command === 'split') {
	require('./split.ts').main(args);
} else {
	process.stderr.write(
		'usage: node scripts/repositories/cli.cjs check | split --remote <pattern>\n',
	);
	process.exitCode = 2;
}
