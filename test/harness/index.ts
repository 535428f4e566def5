/**
 * A small test harness that runs workflows on the real n8n-core engine (WorkflowExecute)
 * with real credential handling, so `this.helpers.httpRequestWithAuthentication` behaves as
 * in n8n: `authenticate` (generic or function), `preAuthentication` with an `expirable`
 * hidden property (fetched when empty, refreshed after a 401, persisted), OAuth2
 * (`extends: ['oAuth2Api']`, client credentials: token fetched, cached and renewed by
 * n8n-core), plus `testCredential`, an approximation of the credential "Test" button.
 *
 * One file per concern: nodeTypes.ts, credentialTypes.ts, credentialStore.ts,
 * credentialsHelper.ts, additionalData.ts, runWorkflow.ts and testCredential.ts. Import from
 * here (`test/harness`), which loads env.ts before n8n-core.
 *
 * Nothing here is provider-specific. See README.md in this folder.
 */
import './env';

export { createAdditionalData } from './additionalData';
export { CredentialStore } from './credentialStore';
export type { CredentialUpdate, StoredCredential } from './credentialStore';
export { HarnessCredentialsHelper } from './credentialsHelper';
export { HarnessCredentialTypes, HarnessOAuth2Api } from './credentialTypes';
export {
	DEFAULT_NODE_UNDER_TEST_NAME,
	EMIT_ITEMS_NODE_NAME,
	EMIT_ITEMS_NODE_TYPE,
	HarnessNodeTypes,
	START_NODE_NAME,
	START_NODE_TYPE,
	latestVersion,
} from './nodeTypes';
export { fillStore, runWorkflow } from './runWorkflow';
export type { RunWorkflowOptions, RunWorkflowResult } from './runWorkflow';
export { testCredential } from './testCredential';
export type { TestCredentialOptions, TestCredentialResult } from './testCredential';
