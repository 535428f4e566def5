import type { IDataObject } from 'n8n-workflow';

import type { ProviderClient, ProviderDefinition } from '../../shared/provider';
import { dynamicsProperties } from './description';
import { dynamicsTarget } from './host';
import * as requests from './request';
import { parseDynamicsError, readCreatedConversation, readSentMessageId } from './response';
import { dynamicsSchema, type DynamicsParams } from './schema';
import { dynamicsCredentialLayerFailure } from './token';

interface Delivery {
	delivered: boolean;
	messageId?: string;
	response?: unknown;
}

/**
 * When Dynamics returns the customer's active conversation (`isNew: false`) it does not deliver
 * the start message. The node then sends it with the message endpoint, so nothing is lost.
 */
async function deliverToExisting(
	client: ProviderClient,
	params: DynamicsParams,
	conversationId: string,
): Promise<Delivery> {
	if (params.startMessage === undefined || !params.deliverToExisting) return { delivered: false };
	const target = await client.credentialTarget();
	const channelId = target.headers?.['channel-id'];
	if (!channelId)
		throw client.failure('The Dynamics 365 credential has no Custom Messaging Channel ID');
	try {
		const sent = await client.send(
			requests.sendMessage(conversationId, channelId, params.startMessage),
		);
		return { delivered: true, messageId: readSentMessageId(sent.body), response: sent.body };
	} catch (error) {
		const cause = error as Error & { description?: string | null };
		throw client.failure(
			`Dynamics 365 returned the customer's active conversation ${conversationId}, but the start message could not be delivered: ${cause.message}`,
			[
				cause.description,
				`The conversation exists (ID ${conversationId}); only the start message is missing. Running the item again sends it again.`,
			]
				.filter(Boolean)
				.join('\n'),
		);
	}
}

export const dynamicsProvider: ProviderDefinition<DynamicsParams> = {
	id: 'dynamics',
	displayName: 'Microsoft Dynamics 365 Contact Center',
	description: 'Start a conversation on a custom messaging channel of Dynamics 365 Contact Center',
	toolDescription:
		'Starts a Microsoft Dynamics 365 Contact Center conversation with the customer\'s first message, for a representative to pick up, and returns its conversationId. Needs the start message and, to recognise the customer, their ID. While that customer has an active conversation the message goes there instead (status "reused"). Not idempotent: every call sends the message, so call it once per request (when the workflow sets a Deduplication Key, a repeated key returns status "duplicate" and sends nothing).',
	searchAliases: ['Dynamics 365', 'Microsoft Dynamics', 'Omnichannel'],
	credentialType: 'dynamicsConversationOAuth2Api',
	properties: dynamicsProperties,
	schema: dynamicsSchema,
	// No documented quota; 429s carry Retry-After and are waited out by the shared transport.
	// The first request goes alone: one Entra token for every execution of the process instead
	// of one per concurrent first request.
	rateLimit: { defaultConcurrency: 4, firstRequestAlone: true },
	errorHints: {
		credential:
			'the token was refused: check the Tenant ID, Client ID and Client Secret, and that the app registration may use the Custom Messaging Channel ID',
		host: 'Organization ID, Messaging Geo or Base URL Override',
	},
	credentialTarget: dynamicsTarget,
	// n8n-core fetches a new Entra token and resends after a 401 by itself (OAuth2 credentials).
	usesOAuth2: true,
	credentialLayerFailure: dynamicsCredentialLayerFailure,
	parseError: parseDynamicsError,
	async createConversation(client, params) {
		const created = await client.send(requests.createConversation(params));
		const { conversationId, isNew, messageId } = readCreatedConversation(created.body);
		if (!conversationId) {
			throw client.unconfirmed(created, 'the expected JSON with a conversationId');
		}
		const reused = isNew === false;
		if (reused && !requests.isSafeConversationId(conversationId)) {
			throw client.failure(
				`Dynamics 365 returned an unexpected conversation ID "${conversationId.slice(0, 80)}"`,
			);
		}
		const delivery: Delivery = reused
			? await deliverToExisting(client, params, conversationId)
			: { delivered: params.startMessage !== undefined, messageId };
		const extra: IDataObject = {
			isNew: isNew ?? null,
			messageId: messageId ?? null,
			startMessageDelivered: delivery.delivered,
		};
		if (reused && delivery.delivered) {
			extra.startMessageId = delivery.messageId ?? null;
			extra.startMessageResponse = (delivery.response ?? null) as IDataObject;
		}
		return {
			status: reused ? 'reused' : 'created',
			conversationId,
			extra,
			response: created.body,
		};
	},
};
