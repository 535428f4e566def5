/** Re:amaze in the sandbox: its credential, example and suite set-ups. */
import type { ProviderFixtures } from '../../fixtures';
import { REAMAZE_TEST_EMAIL, REAMAZE_TEST_TOKEN, ReamazeEmulator } from './emulator';

const basic = (user: string, password: string) =>
	Buffer.from(`${user}:${password}`).toString('base64');

export const fixtures: ProviderFixtures<ReamazeEmulator> = {
	createEmulator: () => new ReamazeEmulator(),
	credential: (url) => ({
		brand: 'acme',
		email: REAMAZE_TEST_EMAIL,
		apiToken: REAMAZE_TEST_TOKEN,
		baseUrl: `${url}/reamaze`,
	}),
	credentialId: 'ccSandboxReamaze',
	credentialName: 'Re:amaze sandbox',
	secretField: 'apiToken',
	realHost: 'https://acme.reamaze.io',
	signatureField: 'Channel',
	example: {
		workflowId: 'ccExampleFormRea',
		formTitle: 'Contact support (Re:amaze)',
		fields: [
			{ fieldLabel: 'Name', fieldType: 'text', requiredField: true },
			{ fieldLabel: 'Email', fieldType: 'email', requiredField: true },
			{ fieldLabel: 'Subject', fieldType: 'text', requiredField: true },
			{ fieldLabel: 'Message', fieldType: 'textarea', requiredField: true },
		],
		parameters: {
			provider: 'reamaze',
			reamazeSubject: '={{ $json.Subject }}',
			reamazeChannel: { __rl: true, mode: 'id', value: 'support' },
			reamazeBody: '={{ $json.Message }}',
			reamazeCustomerName: '={{ $json.Name }}',
			reamazeCustomerEmail: '={{ $json.Email }}',
			reamazeOptions: { tags: 'web-form' },
		},
		submission: {
			values: [
				'Form User',
				'form.example@example.com',
				'Order 42',
				'Hello from the Re:amaze form example',
			],
			marker: 'Hello from the Re:amaze form example',
		},
	},
	e2e: {
		parameters: {
			provider: 'reamaze',
			reamazeSubject: '={{ $json.subject }}',
			reamazeChannel: {
				__rl: true,
				mode: 'list',
				value: 'support',
				cachedResultName: 'Support Email',
			},
			reamazeBody: '={{ $json.message }}',
			reamazeCustomerName: '={{ $json.name }}',
			reamazeCustomerEmail: '={{ $json.email }}',
			reamazeOptions: { tags: '={{ $json.tags }}' },
		},
		goodItems: () => [
			{
				subject: 'Order 1',
				message: 'e2e reamaze 1',
				name: 'Ann',
				email: 'ann@example.com',
				tags: 'vip, e2e',
			},
			{
				subject: 'Order 2',
				message: 'e2e reamaze 2',
				name: 'Bob',
				email: 'bob@example.com',
				tags: 'e2e',
			},
			{
				subject: 'Order 3',
				message: 'e2e reamaze 3',
				name: 'Cat',
				email: 'cat@example.com',
				tags: 'billing\ne2e',
			},
		],
		mixedItems: () => [
			{
				subject: 'C1',
				message: 'e2e reamaze continue 1',
				name: 'Dan',
				email: 'dan@example.com',
				tags: 'x',
			},
			{
				subject: 'C2',
				message: 'e2e reamaze continue 2',
				name: 'Eve',
				email: 'eve@example.com',
				tags: 'x',
			},
			{ subject: 'C3', message: 'e2e reamaze continue bad', name: 'Bad', email: 'nope', tags: 'x' },
		],
		badIndex: 2,
		badError: /Invalid "Customer Email" in item 2/,
		createPath: '/reamaze/conversations',
		expectedBody: (item) => ({
			conversation: {
				subject: item.subject,
				category: 'support',
				tag_list: String(item.tags)
					.split(/[,\n]/)
					.map((tag) => tag.trim()),
				message: { body: item.message },
				user: { name: item.name, email: item.email },
			},
		}),
		expectedOutput: (_item, response) => ({
			provider: 'reamaze',
			status: 'created',
			conversationId: (response as { slug?: string }).slug,
			conversationUrl: (response as { perma_url?: string }).perma_url,
		}),
	},
	reliability: {
		createPath: '/reamaze/conversations',
		parameters: {
			provider: 'reamaze',
			reamazeSubject: 'Order 42',
			reamazeChannel: { __rl: true, mode: 'id', value: 'support' },
			reamazeBody: '={{ $json.text }}',
			reamazeCustomerName: 'Ann Smith',
			reamazeCustomerEmail: 'ann@example.com',
		},
		seed: () => undefined,
		secrets: () => [REAMAZE_TEST_TOKEN, basic(REAMAZE_TEST_EMAIL, REAMAZE_TEST_TOKEN)],
		mapped: {
			reamazeSubject: '={{ $json.a }}',
			reamazeChannel: { __rl: true, mode: 'id', value: '={{ $json.b }}' },
			reamazeBody: '={{ $json.c }}',
			reamazeCustomerEmail: '={{ $json.d }}',
			reamazeOptions: { tags: '={{ $json.e }}', attachmentUrl: '={{ $json.f }}' },
		},
	},
};
