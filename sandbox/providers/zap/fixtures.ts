/** ZAP in the sandbox: its credential, example and suite set-ups. */
import type { ProviderFixtures } from '../../fixtures';
import { type Emulator } from '../../server';
import {
	ZAP_TEST_ACCESS_TOKEN,
	ZAP_TEST_IDENTITY,
	ZAP_TEST_PASSWORD,
	ZapEmulator,
} from './emulator';

const zap = (emulator: Emulator) => emulator.provider<ZapEmulator>('zap');

/** The customer the reliability set-up opens conversations for. */
const RELIABILITY_CUSTOMER_ID = '64b7f0c2a1d3e4f5a6b7c8d9';

export const fixtures: ProviderFixtures<ZapEmulator> = {
	createEmulator: () => new ZapEmulator(),
	credential: (url) => ({
		environment: 'production',
		authMode: 'accessToken',
		accessToken: ZAP_TEST_ACCESS_TOKEN,
		baseUrl: `${url}/zap`,
	}),
	credentialId: 'ccSandboxZap0001',
	credentialName: 'ZAP sandbox',
	secretField: 'accessToken',
	realHost: 'https://api.zap.africa',
	signatureField: 'User ID',
	example: {
		workflowId: 'ccExampleFormZap',
		formTitle: 'Open a ZAP support conversation',
		fields: [
			{
				fieldLabel: "ZAP User ID (empty: the credential's own account)",
				fieldType: 'text',
				requiredField: false,
				placeholder: '64b7f0c2a1d3e4f5a6b7c8d9',
			},
		],
		parameters: {
			provider: 'zap',
			zapUserId: '={{ $json["ZAP User ID (empty: the credential\'s own account)"] }}',
		},
	},
	e2e: {
		parameters: { provider: 'zap', zapUserId: '={{ $json.user }}' },
		goodItems: (emulator) =>
			[1, 2, 3].map((n) => ({ user: zap(emulator).addUser({ name: `E2E customer ${n}` }).id })),
		mixedItems: (emulator) => [
			{ user: zap(emulator).addUser().id },
			{ user: zap(emulator).addUser().id },
			{ user: 'not-a-user-id' },
		],
		badIndex: 2,
		badError: /Invalid "User ID" in item 2/,
		createPath: '/zap/v1/support/conversations',
		expectedBody: (item) => ({ userId: item.user }),
		expectedOutput: (item, response) => ({
			provider: 'zap',
			status: 'created',
			conversationId: (response as { data: { id: string } }).data.id,
			userId: item.user,
			userIdSource: 'given',
		}),
	},
	reliability: {
		// The login credential: a password, a session token and a refresh token are in play.
		credential: (url) => ({
			environment: 'production',
			authMode: 'login',
			identity: ZAP_TEST_IDENTITY,
			password: ZAP_TEST_PASSWORD,
			baseUrl: `${url}/zap`,
		}),
		credentialStep: { pathPrefix: '/zap/v1/login' },
		createPath: '/zap/v1/support/conversations',
		parameters: {
			provider: 'zap',
			zapUserId: RELIABILITY_CUSTOMER_ID,
			zapOptions: { guestId: '={{ $json.text }}' },
		},
		seed: (emulator) => void zap(emulator).addUser({ id: RELIABILITY_CUSTOMER_ID }),
		secrets: (emulator) => [
			ZAP_TEST_PASSWORD,
			...zap(emulator).sessionTokens(),
			...zap(emulator).refreshTokens.keys(),
		],
		readFirst: { parameters: { provider: 'zap', zapUserId: '' }, path: '/zap/v1/users/token' },
		mapped: {
			zapUserId: '={{ $json.a }}',
			zapOptions: { guestId: '={{ $json.b }}', isGuest: '={{ $json.c }}' },
		},
	},
};
