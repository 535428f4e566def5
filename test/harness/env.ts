/**
 * Process environment for running n8n-core inside a test process.
 *
 * Imported for its side effects, first, by index.ts and by every harness file that imports
 * n8n-core, BEFORE n8n-core is loaded, because some n8n packages read configuration (and the
 * user folder) when they are first used.
 * Everything is set only when the caller has not set it already.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

function setDefault(name: string, value: string): void {
	if (process.env[name] === undefined) process.env[name] = value;
}

// Never read or write the developer's real ~/.n8n (InstanceSettings would create a config
// file with an encryption key there).
if (process.env.N8N_USER_FOLDER === undefined) {
	const folder = mkdtempSync(path.join(tmpdir(), 'n8n-harness-'));
	process.env.N8N_USER_FOLDER = folder;
	const cleanup = () => rmSync(folder, { recursive: true, force: true });
	// jest: remove it after the test file; plain node: on exit
	if (typeof afterAll === 'function') afterAll(cleanup);
	else process.once('exit', cleanup);
}
setDefault('N8N_DIAGNOSTICS_ENABLED', 'false');
setDefault('N8N_VERSION_NOTIFICATIONS_ENABLED', 'false');
setDefault('N8N_LOG_LEVEL', 'silent');
// Requests go to 127.0.0.1: keep any configured proxy out of the way.
for (const name of ['NO_PROXY', 'no_proxy']) {
	const current = process.env[name];
	if (current === undefined || current === '') process.env[name] = '127.0.0.1,localhost';
	else if (!current.includes('127.0.0.1')) process.env[name] = `${current},127.0.0.1,localhost`;
}

export const harnessUserFolder = process.env.N8N_USER_FOLDER as string;
