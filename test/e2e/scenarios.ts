/* eslint-disable @typescript-eslint/no-explicit-any -- JSON from n8n's REST API and the emulator's log; the assertions check its shape */
/**
 * What the end-to-end suite runs per provider inside a real n8n: three good items (different data,
 * parameters as expressions) and a batch with one bad item under On Error → Continue. Each
 * scenario says exactly what the provider must receive and what the node must output.
 */
import type { Emulator } from '../emulator/index.ts';
import type { ZapEmulator } from '../emulator/zap.ts';
import type { ProviderId } from './sandbox.ts';

export interface Scenario {
	provider: ProviderId;
	/** Node parameters (expressions read the Code node's items). */
	parameters: Record<string, unknown>;
	/** Called before the run, with the emulator the credentials point at; returns the 3 good items. */
	goodItems(emulator: Emulator): Array<Record<string, unknown>>;
	/** Items for the On Error → Continue run; `badIndex` is the invalid one. */
	mixedItems(emulator: Emulator): Array<Record<string, unknown>>;
	badIndex: number;
	/** The error text the bad item must carry (names the field as the user sees it). */
	badError: RegExp;
	/** Emulator path of the create call. */
	createPath: (item: Record<string, unknown>) => string;
	/** The exact JSON body the provider must receive for one input item. */
	expectedBody(item: Record<string, unknown>, emulator: Emulator): unknown;
	/** The normalised output fields for one input item, given the create call's recorded response. */
	expectedOutput(item: Record<string, unknown>, response: any, emulator: Emulator): Record<string, unknown>;
}

const lower = (value: unknown) => String(value).toLowerCase();

export const scenarios: Scenario[] = [
	{
		provider: 'intercom',
		parameters: {
			provider: 'intercom',
			intercomContactMode: 'email',
			intercomEmail: '={{ $json.email }}',
			intercomBody: '={{ $json.message }}',
			intercomOptions: { contactName: '={{ $json.name }}' },
		},
		goodItems: () => [
			{ email: 'ann.e2e@example.com', name: 'Ann E2E', message: 'e2e intercom 1: where is my parcel?' },
			{ email: 'bob.e2e@example.com', name: 'Bob E2E', message: 'e2e intercom 2: refund please' },
			{ email: 'cat.e2e@example.com', name: 'Cat E2E', message: 'e2e intercom 3: change my address' },
		],
		mixedItems: () => [
			{ email: 'dan.e2e@example.com', name: 'Dan', message: 'e2e intercom continue 1' },
			{ email: 'not-an-email', name: 'Bad', message: 'e2e intercom continue bad' },
			{ email: 'eve.e2e@example.com', name: 'Eve', message: 'e2e intercom continue 3' },
		],
		badIndex: 1,
		badError: /Invalid "Email" in item 1/,
		createPath: () => '/intercom/conversations',
		expectedBody: (item, emulator) => {
			const contact = emulator.provider<any>('intercom').contacts.find((c: any) => lower(c.email) === lower(item.email));
			return { from: { type: 'user', id: contact?.id }, body: item.message };
		},
		expectedOutput: (item, response, emulator) => {
			const contact = emulator.provider<any>('intercom').contacts.find((c: any) => lower(c.email) === lower(item.email));
			return {
				provider: 'intercom',
				status: 'created',
				conversationId: response.conversation_id,
				contactId: contact.id,
				contactType: 'user',
				contactSource: 'created',
			};
		},
	},
	{
		provider: 'reamaze',
		parameters: {
			provider: 'reamaze',
			reamazeSubject: '={{ $json.subject }}',
			reamazeChannel: { __rl: true, mode: 'list', value: 'support', cachedResultName: 'Support Email' },
			reamazeBody: '={{ $json.message }}',
			reamazeCustomerName: '={{ $json.name }}',
			reamazeCustomerEmail: '={{ $json.email }}',
			reamazeOptions: { tags: '={{ $json.tags }}' },
		},
		goodItems: () => [
			{ subject: 'Order 1', message: 'e2e reamaze 1', name: 'Ann', email: 'ann@example.com', tags: 'vip, e2e' },
			{ subject: 'Order 2', message: 'e2e reamaze 2', name: 'Bob', email: 'bob@example.com', tags: 'e2e' },
			{ subject: 'Order 3', message: 'e2e reamaze 3', name: 'Cat', email: 'cat@example.com', tags: 'billing\ne2e' },
		],
		mixedItems: () => [
			{ subject: 'C1', message: 'e2e reamaze continue 1', name: 'Dan', email: 'dan@example.com', tags: 'x' },
			{ subject: 'C2', message: 'e2e reamaze continue 2', name: 'Eve', email: 'eve@example.com', tags: 'x' },
			{ subject: 'C3', message: 'e2e reamaze continue bad', name: 'Bad', email: 'nope', tags: 'x' },
		],
		badIndex: 2,
		badError: /Invalid "Customer Email" in item 2/,
		createPath: () => '/reamaze/conversations',
		expectedBody: (item) => ({
			conversation: {
				subject: item.subject,
				category: 'support',
				tag_list: String(item.tags).split(/[,\n]/).map((tag) => tag.trim()),
				message: { body: item.message },
				user: { name: item.name, email: item.email },
			},
		}),
		expectedOutput: (_item, response) => ({
			provider: 'reamaze',
			status: 'created',
			conversationId: response.slug,
			conversationUrl: response.perma_url,
		}),
	},
	{
		provider: 'reevoo',
		parameters: {
			provider: 'reevoo',
			reevooTrkref: { __rl: true, mode: 'list', value: 'D10', cachedResultName: 'Demo Electricals' },
			reevooProductMode: 'sku',
			reevooSku: '={{ $json.sku }}',
			reevooEmail: '={{ $json.email }}',
			reevooQuestion: '={{ $json.question }}',
			reevooFirstName: '={{ $json.firstName }}',
		},
		goodItems: () => [
			{ sku: 'AIPTPDV5700', email: 'ann@example.com', question: 'e2e reevoo 1: is it quiet?', firstName: 'Ann' },
			{ sku: 'TV-55-OLED', email: 'bob@example.com', question: 'e2e reevoo 2: wall mount?', firstName: 'Bob' },
			{ sku: 'AIPTPDV5700', email: 'cat@example.com', question: 'e2e reevoo 3: warranty?', firstName: '' },
		],
		mixedItems: () => [
			{ sku: 'AIPTPDV5700', email: 'broken', question: 'e2e reevoo continue bad', firstName: 'X' },
			{ sku: 'AIPTPDV5700', email: 'dan@example.com', question: 'e2e reevoo continue 2', firstName: 'Dan' },
			{ sku: 'TV-55-OLED', email: 'eve@example.com', question: 'e2e reevoo continue 3', firstName: 'Eve' },
		],
		badIndex: 0,
		badError: /Invalid "Email" in item 0/,
		createPath: () => '/reevoo/v4/organisations/D10/conversations',
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
	{
		provider: 'zap',
		parameters: { provider: 'zap', zapUserId: '={{ $json.user }}' },
		goodItems: (emulator) => {
			const zap = emulator.provider<ZapEmulator>('zap');
			return [1, 2, 3].map((n) => ({ user: zap.addUser({ name: `E2E customer ${n}` }).id }));
		},
		mixedItems: (emulator) => {
			const zap = emulator.provider<ZapEmulator>('zap');
			return [{ user: zap.addUser().id }, { user: zap.addUser().id }, { user: 'not-a-user-id' }];
		},
		badIndex: 2,
		badError: /Invalid "User ID" in item 2/,
		createPath: () => '/zap/v1/support/conversations',
		expectedBody: (item) => ({ userId: item.user }),
		expectedOutput: (item, response) => ({
			provider: 'zap',
			status: 'created',
			conversationId: response.data.id,
			userId: item.user,
			userIdSource: 'given',
		}),
	},
	{
		provider: 'dynamics',
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
			{ customer: 'e2e-crm-4', message: 'e2e dynamics continue 1', email: 'dan@example.com', first: 'Dan' },
			{ customer: 'x'.repeat(201), message: 'e2e dynamics continue bad', email: 'x@example.com', first: 'X' },
			{ customer: 'e2e-crm-5', message: 'e2e dynamics continue 3', email: 'eve@example.com', first: 'Eve' },
		],
		badIndex: 1,
		badError: /Invalid "Customer ID" in item 1/,
		createPath: () => '/dynamics/api/v1.0/consumer/conversation/create',
		expectedBody: (item) => ({
			customercontext: { customerid: item.customer, firstname: item.first, email: item.email },
			startmessage: { message: item.message },
		}),
		expectedOutput: (_item, response) => ({
			provider: 'dynamics',
			status: 'created',
			conversationId: response.conversationId,
			isNew: true,
			messageId: response.messageId,
			startMessageDelivered: true,
		}),
	},
];

/** The text in each item that tells which create request belongs to it. */
export function marker(item: Record<string, unknown>): string {
	return String(item.message ?? item.question ?? item.user);
}
