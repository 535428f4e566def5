/**
 * The end-to-end suite (test/e2e/*.e2e.ts): a real n8n 2.41.1, so its own file pattern (plain
 * `npm test` does not pick it up) and long timeouts. `npm run test:e2e` runs it alone;
 * `npm run check` runs it together with every other suite (jest.check.config.js).
 */
const path = require('node:path');
const base = require('../../jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
	displayName: 'e2e',
	rootDir: path.resolve(__dirname, '..', '..'),
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.ts'],
	transform: base.transform,
	testTimeout: 5 * 60_000,
	reporters: base.reporters,
};
