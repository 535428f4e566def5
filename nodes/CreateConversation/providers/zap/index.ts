import type { IDataObject } from 'n8n-workflow';

import type { ProviderClient, ProviderDefinition } from '../../shared/provider';
import { zapProperties } from './description';
import { zapTarget } from './host';
import * as requests from './request';
import { conversationIdOf, parseZapError, readConversation, userIdFromToken } from './response';
import { ZAP_USER_ID, zapSchema, type ZapParams } from './schema';

/** The credential's own user, read once per execution. */
async function authenticatedUserId(client: ProviderClient): Promise<string> {
	return await client.once('zap:users/token', async () => {
		const result = await client.send(requests.currentUser);
		const id = userIdFromToken(result.body);
		if (!id || !ZAP_USER_ID.test(id)) {
			throw client.failure(
				'ZAP did not say which user the credential belongs to',
				'GET /v1/users/token returned no 24-character data.id. Enter the User ID in the node instead.',
			);
		}
		return id;
	});
}

export const zapProvider: ProviderDefinition<ZapParams> = {
	id: 'zap',
	displayName: 'ZAP',
	description: 'Open a ZAP (Zap Africa) support conversation for a user or guest',
	toolDescription:
		'Opens a new ZAP (Zap Africa) support conversation and returns its conversationId. It is for the credential\'s own account unless a user ID is given. Not idempotent: every call opens another conversation, so call it once per request (when the workflow sets a Deduplication Key, a repeated key returns status "duplicate" and creates nothing).',
	searchAliases: ['Zap Africa'],
	credentialType: 'zapConversationApi',
	properties: zapProperties,
	schema: zapSchema,
	// ZAP publishes no rate limit; a few in flight, and 429s are learned from Retry-After.
	rateLimit: { defaultConcurrency: 3 },
	errorHints: {
		credential:
			'the access token may be wrong or expired (about a day), or the email/username and password wrong',
		host: 'Environment or Base URL Override',
	},
	credentialTarget: zapTarget,
	// A login's token expires after a day: n8n logs in again after a 401 and resends. A pasted
	// access token cannot be renewed, so its 401 is final and nothing is sent twice.
	renewsCredentialOn401: (credentials) => credentials.authMode === 'login',
	parseError: parseZapError,
	async createConversation(client, params) {
		const userId = params.userId ?? (await authenticatedUserId(client));
		const response = await client.send(requests.createConversation(params, userId));
		const conversation = readConversation(response.body);
		const conversationId = conversationIdOf(conversation);
		if (!conversationId) {
			throw client.unconfirmed(response, 'the expected JSON conversation with data.id');
		}
		return {
			status: 'created',
			conversationId,
			extra: {
				userId,
				userIdSource: params.userId ? 'given' : 'credential',
				...(params.isGuest !== undefined ? { isGuest: params.isGuest } : {}),
				conversation: (conversation ?? null) as IDataObject | null,
			},
			response: response.body,
		};
	},
};
