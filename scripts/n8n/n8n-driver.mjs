// ESM entry of n8n-driver.cjs (the implementation is CommonJS so that Jest tests, which run
// without --experimental-vm-modules, can require() it too). Same exports.
import { createRequire } from 'node:module';

const cjs = createRequire(import.meta.url)('./n8n-driver.cjs');

export const {
	DEFAULT_CLI_TIMEOUT_MS,
	DEFAULT_START_TIMEOUT_MS,
	OWNER,
	killAll,
	getFreePort,
	newId,
	runProcess,
	createUserFolder,
	removeUserFolder,
	n8nEnv,
	buildEnv,
	runN8n,
	installCommunityPackage,
	importCredentials,
	importWorkflow,
	extractRunData,
	executeWorkflow,
	nodeItems,
	nodeError,
	exportNodes,
	startN8n,
	testCredential,
} = cjs;
