import type { ProviderDefinition } from '../../shared/provider';
import { REEVOO_SEARCH_RETAILERS, reevooProperties } from './description';
import { reevooTarget } from './host';
import { reevooSearchRetailers } from './listSearch';
import * as requests from './request';
import { describeNotFound, parseReevooError } from './response';
import { reevooSchema, type ReevooParams } from './schema';

export const reevooProvider: ProviderDefinition<ReevooParams> = {
	id: 'reevoo',
	displayName: 'Reevoo',
	description: "Ask a Reevoo retailer's owners a question about a product (queued, no ID returned)",
	toolDescription:
		'Sends a customer\'s question about a product to people who own it, through Reevoo. Reevoo queues it and returns no conversation ID (status "accepted"). Needs the retailer, the product (SKU, or manufacturer and model), the customer\'s email and the question. Not idempotent: every call sends the question again, so call it once per question (when the workflow sets a Deduplication Key, a repeated key returns status "duplicate" and sends nothing).',
	credentialType: 'reevooConversationApi',
	properties: reevooProperties,
	schema: reevooSchema,
	// Reevoo publishes no rate limit; a few in flight, and 429s are waited out as asked.
	rateLimit: { defaultConcurrency: 3 },
	errorHints: { credential: 'the API key or the API secret is wrong', host: 'Base URL Override' },
	credentialTarget: reevooTarget,
	parseError: parseReevooError,
	listSearch: { [REEVOO_SEARCH_RETAILERS]: reevooSearchRetailers },
	async createConversation(client, params) {
		const call = requests.createConversation(params);
		const result = await client.send(call);
		if (result.statusCode === 404) {
			// Reevoo uses one 404 for an unknown trkref, an unknown product and a retailer the key
			// may not use: say which one as far as its message tells.
			const error = client.reject(call, result) as Error & { description?: string | null };
			const { message, description } = describeNotFound(result, params);
			error.message = message;
			error.description = description;
			throw error;
		}
		// 202 Accepted: the question is queued and processed later; Reevoo returns no ID.
		const body = result.body === '' || result.body === undefined ? null : result.body;
		return {
			status: 'accepted',
			conversationId: null,
			extra: {
				accepted: true,
				httpStatus: result.statusCode,
				trkref: params.trkref,
				...(params.product.mode === 'sku'
					? { sku: params.product.sku }
					: { manufacturer: params.product.manufacturer, model: params.product.model }),
			},
			response: body,
		};
	},
};
