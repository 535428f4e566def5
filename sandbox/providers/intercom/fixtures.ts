/** Intercom in the sandbox: its credential, example, suite set-ups, quota and bench. */
import type { ProviderFixtures } from '../../fixtures';
import { WindowLimiter, type Emulator } from '../../server';
import { INTERCOM_TEST_TOKEN, INTERCOM_TEST_TOKEN_2, IntercomEmulator } from './emulator';

const intercom = (emulator: Emulator) => emulator.provider<IntercomEmulator>('intercom');
const lower = (value: unknown) => String(value).toLowerCase();

/** The contact the reliability set-up writes as. */
const RELIABILITY_USER_ID = '0123456789abcdefABCDEF01';

const credential = (baseUrl: string, token = INTERCOM_TEST_TOKEN) => ({
	accessToken: token,
	region: 'us',
	apiVersion: '2.16',
	baseUrl,
});

/** The one contact the quota and bench runs write as (created on first use). */
function quotaContact(emulator: Emulator): string {
	const existing = intercom(emulator).contacts.find(
		(contact) => contact.email === 'quota@example.com',
	);
	return (existing ?? intercom(emulator).addContact({ role: 'user', email: 'quota@example.com' }))
		.id;
}

export const fixtures: ProviderFixtures<IntercomEmulator> = {
	createEmulator: () => new IntercomEmulator(),
	credential: (url) => credential(`${url}/intercom`),
	credentialId: 'ccSandboxIntercm',
	credentialName: 'Intercom sandbox',
	secretField: 'accessToken',
	realHost: 'https://api.intercom.io',
	signatureField: 'Identify Contact By',
	example: {
		workflowId: 'ccExampleFormInt',
		formTitle: 'Contact support (Intercom)',
		fields: [
			{
				fieldLabel: 'Email',
				fieldType: 'email',
				requiredField: true,
				placeholder: 'you@example.com',
			},
			{ fieldLabel: 'Name', fieldType: 'text', requiredField: false },
			{ fieldLabel: 'Message', fieldType: 'textarea', requiredField: true },
		],
		parameters: {
			provider: 'intercom',
			intercomContactMode: 'email',
			intercomEmail: '={{ $json.Email }}',
			intercomBody: '={{ $json.Message }}',
			intercomOptions: { contactName: '={{ $json.Name }}' },
		},
		submission: {
			values: ['form.example@example.com', 'Form User', 'Hello from the form example'],
			marker: 'Hello from the form example',
		},
		tool: {
			prompt: {
				text: 'I need to talk to a human about my late order. My email is agent.example@example.com.',
				email: 'agent.example@example.com',
			},
			systemMessage:
				'You are a support assistant. When the user wants to talk to a human, ask for their email address and a short description, then call the Create Conversation tool once. Tell them the conversation ID it returns.',
			parameters: {
				provider: 'intercom',
				intercomContactMode: 'email',
				intercomEmail: "={{ $fromAI('email', 'The customer\\'s email address', 'string') }}",
				intercomBody:
					"={{ $fromAI('message', 'What the customer needs, in their words', 'string') }}",
			},
		},
	},
	e2e: {
		parameters: {
			provider: 'intercom',
			intercomContactMode: 'email',
			intercomEmail: '={{ $json.email }}',
			intercomBody: '={{ $json.message }}',
			intercomOptions: { contactName: '={{ $json.name }}' },
		},
		goodItems: () => [
			{
				email: 'ann.e2e@example.com',
				name: 'Ann E2E',
				message: 'e2e intercom 1: where is my parcel?',
			},
			{ email: 'bob.e2e@example.com', name: 'Bob E2E', message: 'e2e intercom 2: refund please' },
			{
				email: 'cat.e2e@example.com',
				name: 'Cat E2E',
				message: 'e2e intercom 3: change my address',
			},
		],
		mixedItems: () => [
			{ email: 'dan.e2e@example.com', name: 'Dan', message: 'e2e intercom continue 1' },
			{ email: 'not-an-email', name: 'Bad', message: 'e2e intercom continue bad' },
			{ email: 'eve.e2e@example.com', name: 'Eve', message: 'e2e intercom continue 3' },
		],
		badIndex: 1,
		badError: /Invalid "Email" in item 1/,
		createPath: '/intercom/conversations',
		expectedBody: (item, emulator) => {
			const contact = intercom(emulator).contacts.find(
				(candidate) => lower(candidate.email) === lower(item.email),
			);
			return { from: { type: 'user', id: contact?.id }, body: item.message };
		},
		expectedOutput: (item, response, emulator) => {
			const contact = intercom(emulator).contacts.find(
				(candidate) => lower(candidate.email) === lower(item.email),
			);
			return {
				provider: 'intercom',
				status: 'created',
				conversationId: (response as { conversation_id?: string }).conversation_id,
				contactId: contact?.id,
				contactType: 'user',
				contactSource: 'created',
			};
		},
	},
	reliability: {
		createPath: '/intercom/conversations',
		parameters: {
			provider: 'intercom',
			intercomContactMode: 'id',
			intercomContactId: RELIABILITY_USER_ID,
			intercomBody: '={{ $json.text }}',
		},
		seed: (emulator) =>
			void intercom(emulator).addContact({ role: 'user', id: RELIABILITY_USER_ID }),
		secrets: () => [INTERCOM_TEST_TOKEN],
		readFirst: {
			parameters: {
				provider: 'intercom',
				intercomContactMode: 'email',
				intercomEmail: 'someone@example.com',
				intercomBody: 'x',
			},
			path: '/intercom/contacts/search',
		},
		mapped: {
			intercomContactMode: 'email',
			intercomEmail: '={{ $json.a }}',
			intercomBody: '={{ $json.b }}',
			intercomOptions: {
				subject: '={{ $json.c }}',
				attachmentUrls: '={{ $json.d }}',
				createdAt: '={{ $json.e }}',
			},
		},
	},
	quota: {
		limitEachCredential: (emulator, limit, windowMs) =>
			void (intercom(emulator).perTokenLimit = { limit, windowMs }),
		unlimit: (emulator) => void (intercom(emulator).perTokenLimit = undefined),
		otherCredential: (emulator) => credential(emulator.baseUrl('intercom'), INTERCOM_TEST_TOKEN_2),
		parameters: (emulator, from) => ({
			provider: 'intercom',
			intercomContactMode: 'id',
			intercomContactId: quotaContact(emulator),
			intercomBody: from === 'webhook' ? '={{ $json.body.message }}' : '={{ $json.message }}',
		}),
		createdMessages: (emulator) =>
			intercom(emulator).created.map(
				(conversation) => (conversation.request as { body: string }).body,
			),
		rejected: (emulator) => intercom(emulator).rejected,
	},
	bench: {
		createPath: '/intercom/conversations',
		seed: (emulator, count) =>
			Array.from(
				{ length: count },
				(_, index) =>
					intercom(emulator).addContact({ role: 'user', email: `bench${index}@example.com` }).id,
			),
		parameters: {
			provider: 'intercom',
			intercomContactMode: 'id',
			intercomContactType: 'user',
			intercomContactId: '={{ $json.target }}',
			intercomBody: '={{ $json.message }}',
		},
		httpRequest: (emulator) => ({
			url: `${emulator.baseUrl('intercom')}/conversations`,
			token: INTERCOM_TEST_TOKEN,
			headers: { 'Intercom-Version': '2.16', Accept: 'application/json' },
			jsonBody:
				'={{ JSON.stringify({ from: { type: "user", id: $json.target }, body: $json.message }) }}',
			body: (item) => ({ from: { type: 'user', id: item.target }, body: item.message }),
		}),
		// Intercom always sends its quota headers; "no limit" is a quota that is never reached.
		limit: (emulator, limit = 1_000_000_000, windowMs = 10_000) =>
			void (intercom(emulator).limiter = new WindowLimiter(limit, windowMs)),
		messageOf: {
			node: (json) => (json.response as { body?: unknown } | undefined)?.body,
			httpRequest: (json) => json.body,
		},
	},
};
