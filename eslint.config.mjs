import { config } from '@n8n/node-cli/eslint';

/**
 * n8n's template config, unchanged for everything that ships: nodes/, credentials/ and
 * package.json (what n8n's verification scanner checks) get every rule.
 *
 * Test and tooling code runs in plain Node.js, not in n8n's node sandbox: the provider emulator
 * is an HTTP server (node:http), the engine harness sets environment variables (process) and
 * the tests hold fake secrets on purpose. Only those three sandbox rules are relaxed there, and for
 * the tooling (scripts/, test/) two more: it spawns git and npm and throws plain errors.
 * Because this file differs from the template, package.json sets "n8n.strict": false. The
 * per-provider repositories (repositories/, generated) carry the template file unchanged and are
 * linted in strict mode by their own `n8n-node lint` (npm run check:repositories).
 */
export default [
	{ ignores: ['repositories/'] },
	...config,
	{
		files: ['test/**/*.ts', 'scripts/**/*.ts', 'sandbox/**/*.ts'],
		rules: {
			'@n8n/community-nodes/no-restricted-imports': 'off',
			'@n8n/community-nodes/no-restricted-globals': 'off',
			'@n8n/community-nodes/no-hardcoded-secrets': 'off',
		},
	},
	{
		// tooling runs git and npm (release split, repository check) and throws plain errors: it is
		// not node code, and n8n's error classes need a node
		files: ['test/**/*.ts', 'scripts/**/*.ts'],
		rules: {
			'@n8n/community-nodes/no-dangerous-functions': 'off',
			'@n8n/community-nodes/require-node-api-error': 'off',
		},
	},
];
