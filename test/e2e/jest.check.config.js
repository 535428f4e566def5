/**
 * `npm run check`: every unit/engine suite (the root jest.config.js) and the end-to-end suite
 * (test/e2e/jest.config.js) in ONE jest run, so the last lines printed are one summary of all tests.
 */
const path = require('node:path');
const unit = require('../../jest.config.js');
const e2e = require('./jest.config.js');

const rootDir = path.resolve(__dirname, '..', '..');

/** Options jest only accepts globally: taken from the root config, left out of the projects. */
const GLOBAL_ONLY = [
	'testTimeout',
	'reporters',
	'maxWorkers',
	'bail',
	'collectCoverage',
	'coverageReporters',
	'verbose',
];
const project = (config, displayName) =>
	Object.fromEntries(
		Object.entries({ ...config, rootDir, displayName }).filter(
			([key]) => !GLOBAL_ONLY.includes(key),
		),
	);

/** @type {import('jest').Config} */
module.exports = {
	rootDir,
	testTimeout: unit.testTimeout,
	reporters: unit.reporters,
	projects: [project(unit, 'unit'), project(e2e, 'e2e')],
};
