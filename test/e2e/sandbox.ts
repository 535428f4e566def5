/**
 * Sandbox credentials for all five providers, pointing at a running emulator. Shared by the
 * end-to-end suite (ts-jest) and `npm run dev` (scripts/dev.mjs, Node 24 type stripping), so it
 * only uses erasable TypeScript and `.ts` imports.
 */
import { DYNAMICS_TEST } from '../emulator/dynamics.ts';
import { INTERCOM_TEST_TOKEN } from '../emulator/intercom.ts';
import { REAMAZE_TEST_EMAIL, REAMAZE_TEST_TOKEN } from '../emulator/reamaze.ts';
import { REEVOO_TEST_KEY, REEVOO_TEST_SECRET } from '../emulator/reevoo.ts';
import { ZAP_TEST_ACCESS_TOKEN } from '../emulator/zap.ts';

export const PACKAGE_NAME = 'n8n-nodes-create-conversation';
/** The node type as n8n names it after a Community Nodes install. */
export const NODE_TYPE = `${PACKAGE_NAME}.createConversation`;

export const PROVIDERS = ['intercom', 'reamaze', 'reevoo', 'zap', 'dynamics'] as const;
export type ProviderId = (typeof PROVIDERS)[number];

export const CREDENTIAL_TYPES: Record<ProviderId, string> = {
	intercom: 'intercomConversationApi',
	reamaze: 'reamazeConversationApi',
	reevoo: 'reevooConversationApi',
	zap: 'zapConversationApi',
	dynamics: 'dynamicsMessagingOAuth2Api',
};

/** Fixed ids, so the example workflows (examples/*.json) find the sandbox credentials by id. */
export const SANDBOX_CREDENTIAL_IDS: Record<ProviderId, string> = {
	intercom: 'ccSandboxIntercm',
	reamaze: 'ccSandboxReamaze',
	reevoo: 'ccSandboxReevoo1',
	zap: 'ccSandboxZap0001',
	dynamics: 'ccSandboxDynamic',
};

export const SANDBOX_CREDENTIAL_NAMES: Record<ProviderId, string> = {
	intercom: 'Intercom sandbox',
	reamaze: 'Re:amaze sandbox',
	reevoo: 'Reevoo sandbox',
	zap: 'ZAP sandbox',
	dynamics: 'Dynamics sandbox',
};

/** Credential data (as typed into n8n's credential modal) for one provider's emulator. */
export function sandboxCredentialData(provider: ProviderId, emulatorUrl: string): Record<string, string> {
	const baseUrl = `${emulatorUrl}/${provider}`;
	switch (provider) {
		case 'intercom':
			return { accessToken: INTERCOM_TEST_TOKEN, region: 'us', apiVersion: '2.16', baseUrl };
		case 'reamaze':
			return { brand: 'acme', email: REAMAZE_TEST_EMAIL, apiToken: REAMAZE_TEST_TOKEN, baseUrl };
		case 'reevoo':
			return { apiKey: REEVOO_TEST_KEY, apiSecret: REEVOO_TEST_SECRET, baseUrl };
		case 'zap':
			return { environment: 'production', authMode: 'accessToken', accessToken: ZAP_TEST_ACCESS_TOKEN, baseUrl };
		case 'dynamics':
			return {
				tenantId: DYNAMICS_TEST.tenantId,
				clientId: DYNAMICS_TEST.clientId,
				clientSecret: DYNAMICS_TEST.clientSecret,
				organizationId: DYNAMICS_TEST.organizationId,
				messagingGeo: DYNAMICS_TEST.messagingGeo,
				scopeZone: DYNAMICS_TEST.scopeZone,
				channelId: DYNAMICS_TEST.channelId,
				authorityHost: `${emulatorUrl}/dynamics-login`,
				baseUrl,
			};
	}
}

/** The secret field of each credential and a wrong value for it. */
export const SECRET_FIELDS: Record<ProviderId, string> = {
	intercom: 'accessToken',
	reamaze: 'apiToken',
	reevoo: 'apiSecret',
	zap: 'accessToken',
	dynamics: 'clientSecret',
};

/** The five sandbox credentials in `n8n import:credentials` form. */
export function sandboxCredentials(emulatorUrl: string): Array<{ id: string; name: string; type: string; data: Record<string, string> }> {
	return PROVIDERS.map((provider) => ({
		id: SANDBOX_CREDENTIAL_IDS[provider],
		name: SANDBOX_CREDENTIAL_NAMES[provider],
		type: CREDENTIAL_TYPES[provider],
		data: sandboxCredentialData(provider, emulatorUrl),
	}));
}

/** A node's `credentials` entry for the sandbox credential of a provider. */
export function credentialRef(provider: ProviderId): Record<string, { id: string; name: string }> {
	return { [CREDENTIAL_TYPES[provider]]: { id: SANDBOX_CREDENTIAL_IDS[provider], name: SANDBOX_CREDENTIAL_NAMES[provider] } };
}
