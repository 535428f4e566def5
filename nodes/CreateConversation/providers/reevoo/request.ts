import type { IDataObject } from 'n8n-workflow';

import type { HttpCall } from '../../shared/provider';
import type { ReevooParams } from './schema';

/** Pure builders: validated parameters in, the exact HTTP call Reevoo documents out. */

export const listOrganisations: HttpCall = {
	method: 'GET',
	path: '/v4/organisations',
	purpose: 'list the Reevoo retailers',
	creates: false,
};

export function conversationBody(params: ReevooParams): IDataObject {
	const product: IDataObject =
		params.product.mode === 'sku'
			? { sku: params.product.sku }
			: {
					manufacturer: params.product.manufacturer,
					model: params.product.model,
					// Only what the user set; 0 and false are real values and are kept.
					...Object.fromEntries(
						Object.entries(params.product.attributes).filter(([, value]) => value !== undefined),
					),
				};
	return {
		...product,
		// Left out when empty, so Reevoo applies its own default ("A shopper").
		...(params.firstName !== undefined ? { first_name: params.firstName } : {}),
		email: params.email,
		question: params.question,
	};
}

export function createConversation(params: ReevooParams): HttpCall {
	return {
		method: 'POST',
		path: `/v4/organisations/${encodeURIComponent(params.trkref)}/conversations`,
		body: conversationBody(params),
		purpose: 'create the Reevoo conversation',
		creates: true,
		startsConversation: true,
		// Both are answered with a message naming the retailer or product (see index.ts).
		acceptStatuses: [404],
	};
}
