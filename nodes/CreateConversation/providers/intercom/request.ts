import type { HttpCall } from '../../shared/provider';
import type { ContactReference, IntercomParams } from './schema';

/** Pure builders: validated parameters in, the exact HTTP call Intercom documents out. */

export function searchContacts(field: 'email' | 'external_id', value: string): HttpCall {
	return {
		method: 'POST',
		path: '/contacts/search',
		body: {
			query: { field, operator: '=', value },
			pagination: { per_page: 50 },
		},
		purpose: `search Intercom contacts by ${field === 'email' ? 'email' : 'external ID'}`,
		creates: false,
	};
}

export function createContact(contact: Extract<ContactReference, { mode: 'lookup' }>): HttpCall {
	return {
		method: 'POST',
		path: '/contacts',
		body: {
			role: contact.role,
			[contact.field]: contact.value,
			...(contact.name !== undefined ? { name: contact.name } : {}),
		},
		purpose: 'create the Intercom contact',
		creates: true,
	};
}

export function createConversation(
	params: IntercomParams,
	from: { type: 'user' | 'lead' | 'contact'; id: string },
): HttpCall {
	return {
		method: 'POST',
		path: '/conversations',
		body: {
			from,
			body: params.body,
			...(params.createdAt !== undefined ? { created_at: params.createdAt } : {}),
			...(params.attachmentUrls !== undefined ? { attachment_urls: params.attachmentUrls } : {}),
			...(params.subject !== undefined ? { subject: params.subject } : {}),
			...(params.brandId !== undefined ? { brand_id: params.brandId } : {}),
		},
		purpose: 'create the Intercom conversation',
		creates: true,
		startsConversation: true,
	};
}
