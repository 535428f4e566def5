/** Dynamics 365 Contact Center in the sandbox: its credential, example and suite set-ups. */
import type { ProviderFixtures } from '../../fixtures';
import { DYNAMICS_TEST, DynamicsEmulator } from './emulator';

const basic = (user: string, password: string) =>
	Buffer.from(`${user}:${password}`).toString('base64');

export const fixtures: ProviderFixtures<DynamicsEmulator> = {
	createEmulator: () => new DynamicsEmulator(),
	credential: (url) => ({
		tenantId: DYNAMICS_TEST.tenantId,
		clientId: DYNAMICS_TEST.clientId,
		clientSecret: DYNAMICS_TEST.clientSecret,
		organizationId: DYNAMICS_TEST.organizationId,
		messagingGeo: DYNAMICS_TEST.messagingGeo,
		scopeZone: DYNAMICS_TEST.scopeZone,
		channelId: DYNAMICS_TEST.channelId,
		// Entra's token endpoint is emulated too: the sign-in host is the one other host
		authorityHost: `${url}/dynamics-login`,
		baseUrl: `${url}/dynamics`,
	}),
	credentialId: 'ccSandboxDynamic',
	credentialName: 'Dynamics sandbox',
	secretField: 'clientSecret',
	realHost: `https://m-${DYNAMICS_TEST.organizationId}.eu.omnichannelengagementhub.com`,
	signatureField: 'Customer ID',
	example: {
		workflowId: 'ccExampleFormDyn',
		formTitle: 'Chat with us (Dynamics 365 Contact Center)',
		fields: [
			{ fieldLabel: 'Customer ID', fieldType: 'text', requiredField: true, placeholder: 'crm-42' },
			{ fieldLabel: 'First Name', fieldType: 'text', requiredField: false },
			{ fieldLabel: 'Email', fieldType: 'email', requiredField: false },
			{ fieldLabel: 'Message', fieldType: 'textarea', requiredField: true },
		],
		parameters: {
			provider: 'dynamics',
			dynamicsCustomerId: '={{ $json["Customer ID"] }}',
			dynamicsStartMessage: '={{ $json.Message }}',
			dynamicsCustomerDetails: {
				firstName: '={{ $json["First Name"] }}',
				email: '={{ $json.Email }}',
			},
		},
		submission: {
			values: ['crm-42', 'Ann', 'ann@example.com', 'Hello from the Dynamics form example'],
			marker: 'Hello from the Dynamics form example',
		},
	},
	e2e: {
		parameters: {
			provider: 'dynamics',
			dynamicsCustomerId: '={{ $json.customer }}',
			dynamicsStartMessage: '={{ $json.message }}',
			dynamicsCustomerDetails: { email: '={{ $json.email }}', firstName: '={{ $json.first }}' },
		},
		goodItems: () => [
			{ customer: 'e2e-crm-1', message: 'e2e dynamics 1', email: 'ann@example.com', first: 'Ann' },
			{ customer: 'e2e-crm-2', message: 'e2e dynamics 2', email: 'bob@example.com', first: 'Bob' },
			{ customer: 'e2e-crm-3', message: 'e2e dynamics 3', email: 'cat@example.com', first: 'Cat' },
		],
		mixedItems: () => [
			{
				customer: 'e2e-crm-4',
				message: 'e2e dynamics continue 1',
				email: 'dan@example.com',
				first: 'Dan',
			},
			{
				customer: 'x'.repeat(201),
				message: 'e2e dynamics continue bad',
				email: 'x@example.com',
				first: 'X',
			},
			{
				customer: 'e2e-crm-5',
				message: 'e2e dynamics continue 3',
				email: 'eve@example.com',
				first: 'Eve',
			},
		],
		badIndex: 1,
		badError: /Invalid "Customer ID" in item 1/,
		createPath: '/dynamics/api/v1.0/consumer/conversation/create',
		expectedBody: (item) => ({
			customercontext: { customerid: item.customer, firstname: item.first, email: item.email },
			startmessage: { message: item.message },
		}),
		expectedOutput: (_item, response) => ({
			provider: 'dynamics',
			status: 'created',
			conversationId: (response as { conversationId?: string }).conversationId,
			isNew: true,
			messageId: (response as { messageId?: string }).messageId,
			startMessageDelivered: true,
		}),
	},
	reliability: {
		// n8n-core's OAuth2 client requests the token itself and follows redirects.
		credentialStep: { pathPrefix: '/dynamics-login/', n8nFollowsRedirects: true },
		createPath: '/dynamics/api/v1.0/consumer/conversation/create',
		parameters: { provider: 'dynamics', dynamicsStartMessage: '={{ $json.text }}' },
		seed: () => undefined,
		secrets: (emulator) => [
			DYNAMICS_TEST.clientSecret,
			basic(DYNAMICS_TEST.clientId, DYNAMICS_TEST.clientSecret),
			...emulator.provider<DynamicsEmulator>('dynamics').tokens.keys(),
		],
		mapped: {
			dynamicsCustomerId: '={{ $json.a }}',
			dynamicsStartMessage: '={{ $json.b }}',
			dynamicsContextMode: 'json',
			dynamicsContextJson: '={{ $json.c }}',
			dynamicsOptions: { conversationRequestId: '={{ $json.d }}' },
		},
	},
};
