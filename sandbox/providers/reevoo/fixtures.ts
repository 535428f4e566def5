/** Reevoo in the sandbox: its credential, example and suite set-ups. */
import type { ProviderFixtures } from '../../fixtures';
import { REEVOO_TEST_KEY, REEVOO_TEST_SECRET, ReevooEmulator } from './emulator';

const basic = (user: string, password: string) =>
	Buffer.from(`${user}:${password}`).toString('base64');

export const fixtures: ProviderFixtures<ReevooEmulator> = {
	createEmulator: () => new ReevooEmulator(),
	credential: (url) => ({
		apiKey: REEVOO_TEST_KEY,
		apiSecret: REEVOO_TEST_SECRET,
		baseUrl: `${url}/reevoo`,
	}),
	credentialId: 'ccSandboxReevoo1',
	credentialName: 'Reevoo sandbox',
	secretField: 'apiSecret',
	realHost: 'https://api.reevoocloud.com',
	signatureField: 'Retailer',
	example: {
		workflowId: 'ccExampleFormRee',
		formTitle: 'Ask about a product (Reevoo)',
		fields: [
			{
				fieldLabel: 'Product SKU',
				fieldType: 'text',
				requiredField: true,
				placeholder: 'AIPTPDV5700',
			},
			{ fieldLabel: 'Email', fieldType: 'email', requiredField: true },
			{ fieldLabel: 'First Name', fieldType: 'text', requiredField: false },
			{ fieldLabel: 'Question', fieldType: 'textarea', requiredField: true },
		],
		parameters: {
			provider: 'reevoo',
			reevooTrkref: { __rl: true, mode: 'id', value: 'D10' },
			reevooProductMode: 'sku',
			reevooSku: '={{ $json["Product SKU"] }}',
			reevooEmail: '={{ $json.Email }}',
			reevooQuestion: '={{ $json.Question }}',
			reevooFirstName: '={{ $json["First Name"] }}',
		},
		submission: {
			values: [
				'AIPTPDV5700',
				'form.example@example.com',
				'Ann',
				'Is it quiet? (Reevoo form example)',
			],
			marker: 'Is it quiet? (Reevoo form example)',
		},
	},
	e2e: {
		parameters: {
			provider: 'reevoo',
			reevooTrkref: {
				__rl: true,
				mode: 'list',
				value: 'D10',
				cachedResultName: 'Demo Electricals',
			},
			reevooProductMode: 'sku',
			reevooSku: '={{ $json.sku }}',
			reevooEmail: '={{ $json.email }}',
			reevooQuestion: '={{ $json.question }}',
			reevooFirstName: '={{ $json.firstName }}',
		},
		goodItems: () => [
			{
				sku: 'AIPTPDV5700',
				email: 'ann@example.com',
				question: 'e2e reevoo 1: is it quiet?',
				firstName: 'Ann',
			},
			{
				sku: 'TV-55-OLED',
				email: 'bob@example.com',
				question: 'e2e reevoo 2: wall mount?',
				firstName: 'Bob',
			},
			{
				sku: 'AIPTPDV5700',
				email: 'cat@example.com',
				question: 'e2e reevoo 3: warranty?',
				firstName: '',
			},
		],
		mixedItems: () => [
			{ sku: 'AIPTPDV5700', email: 'broken', question: 'e2e reevoo continue bad', firstName: 'X' },
			{
				sku: 'AIPTPDV5700',
				email: 'dan@example.com',
				question: 'e2e reevoo continue 2',
				firstName: 'Dan',
			},
			{
				sku: 'TV-55-OLED',
				email: 'eve@example.com',
				question: 'e2e reevoo continue 3',
				firstName: 'Eve',
			},
		],
		badIndex: 0,
		badError: /Invalid "Email" in item 0/,
		createPath: '/reevoo/v4/organisations/D10/conversations',
		expectedBody: (item) => ({
			sku: item.sku,
			email: item.email,
			question: item.question,
			...(item.firstName ? { first_name: item.firstName } : {}),
		}),
		expectedOutput: (item) => ({
			provider: 'reevoo',
			status: 'accepted',
			conversationId: null,
			conversationUrl: null,
			accepted: true,
			httpStatus: 202,
			trkref: 'D10',
			sku: item.sku,
			response: null,
		}),
	},
	reliability: {
		createPath: '/reevoo/v4/organisations/D10/conversations',
		parameters: {
			provider: 'reevoo',
			reevooTrkref: { __rl: true, mode: 'id', value: 'D10' },
			reevooProductMode: 'sku',
			reevooSku: 'AIPTPDV5700',
			reevooEmail: 'joe@example.com',
			reevooQuestion: '={{ $json.text }}',
		},
		// 202 Accepted, no body: the question is queued and processed later.
		outcome: 'accepted',
		seed: () => undefined,
		secrets: () => [REEVOO_TEST_SECRET, basic(REEVOO_TEST_KEY, REEVOO_TEST_SECRET)],
		mapped: {
			reevooTrkref: { __rl: true, mode: 'id', value: '={{ $json.a }}' },
			reevooSku: '={{ $json.b }}',
			reevooEmail: '={{ $json.c }}',
			reevooQuestion: '={{ $json.d }}',
		},
	},
};
