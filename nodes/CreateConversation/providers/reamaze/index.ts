import type { ProviderDefinition } from '../../shared/provider';
import { reamazeProperties } from './description';
import { reamazeListSearch, REAMAZE_CREDENTIAL_TYPE } from './listSearch';
import * as requests from './request';
import { parseReamazeError, readConversation } from './response';
import { reamazeSchema, type ReamazeParams } from './schema';

export const reamazeProvider: ProviderDefinition<ReamazeParams> = {
	id: 'reamaze',
	displayName: 'Re:amaze',
	description: 'Open a Re:amaze conversation in a channel, from a customer found or created by email',
	credentialType: REAMAZE_CREDENTIAL_TYPE,
	properties: reamazeProperties,
	schema: reamazeSchema,
	// Re:amaze limits each API token per minute without publishing the number: stay gentle.
	rateLimit: { defaultConcurrency: 3 },
	parseError: parseReamazeError,
	listSearch: reamazeListSearch,
	async createConversation(client, params) {
		const response = await client.send(requests.createConversation(params));
		const conversation = readConversation(response.body);
		return {
			status: 'created',
			conversationId: typeof conversation.slug === 'string' ? conversation.slug : null,
			conversationUrl: typeof conversation.perma_url === 'string' ? conversation.perma_url : null,
			response: response.body,
		};
	},
};
