import type { ProviderDefinition } from '../../shared/provider';
import { reamazeProperties } from './description';
import { reamazeTarget } from './host';
import { reamazeSearchChannels } from './listSearch';
import * as requests from './request';
import { parseReamazeError, readConversation } from './response';
import { reamazeSchema, type ReamazeParams } from './schema';

export const reamazeProvider: ProviderDefinition<ReamazeParams> = {
	id: 'reamaze',
	displayName: 'Re:amaze',
	description:
		'Open a Re:amaze conversation in a channel, from a customer found or created by email',
	toolDescription:
		'Opens a new Re:amaze conversation from a customer in a channel and returns its slug as conversationId. Needs the customer\'s name and email, a subject and the message. Not idempotent: every call opens another conversation, so call it once per request (when the workflow sets a Deduplication Key, a repeated key returns status "duplicate" and creates nothing).',
	searchAliases: ['Reamaze'],
	credentialType: 'reamazeConversationApi',
	properties: reamazeProperties,
	schema: reamazeSchema,
	// Re:amaze limits each API token per minute without publishing the number: stay gentle.
	rateLimit: { defaultConcurrency: 3 },
	errorHints: {
		credential:
			'the login email or the API token is wrong (Re:amaze answers 403 for a bad login, like 401)',
		host: 'Brand or Base URL Override',
		// An API client documents "403 (bad username/password)" for Re:amaze.
		credentialRejectedStatuses: [401, 403],
	},
	credentialTarget: reamazeTarget,
	parseError: parseReamazeError,
	listSearch: { reamazeSearchChannels },
	async createConversation(client, params) {
		const response = await client.send(requests.createConversation(params));
		const conversation = readConversation(response.body);
		if (!conversation)
			throw client.unconfirmed(response, 'the expected JSON conversation with a slug');
		return {
			status: 'created',
			conversationId: typeof conversation.slug === 'string' ? conversation.slug : null,
			conversationUrl: typeof conversation.perma_url === 'string' ? conversation.perma_url : null,
			response: response.body,
		};
	},
};
