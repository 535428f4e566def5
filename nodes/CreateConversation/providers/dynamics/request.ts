import type { IDataObject } from 'n8n-workflow';

import type { HttpCall } from '../../shared/provider';
import type { DynamicsParams } from './schema';

/**
 * Pure builders: validated parameters in, the documented HTTP call out. Paths are relative to the
 * messaging host, which the transport takes from the credential (`credentialTarget`).
 */

export const DYNAMICS_API = '/api/v1.0/consumer';

export function createConversation(params: DynamicsParams): HttpCall {
	const body: IDataObject = {};
	if (Object.keys(params.customer).length > 0) body.customercontext = { ...params.customer };
	if (Object.keys(params.context).length > 0)
		body.conversationcontext = params.context as unknown as IDataObject;
	if (params.conversationRequestId !== undefined)
		body.conversationrequestid = params.conversationRequestId;
	if (params.startMessage !== undefined) {
		body.startmessage = {
			message: params.startMessage,
			...(params.senderDisplayName !== undefined ? { displayname: params.senderDisplayName } : {}),
		};
	}
	if (params.skipDeflectionBot !== undefined) body.skipdeflectionbot = params.skipDeflectionBot;
	return {
		method: 'POST',
		// Singular "conversation": the request document and the 2025 docs said `conversations/create`.
		path: `${DYNAMICS_API}/conversation/create`,
		// With no field set the body is `{}`, which the transport still sends as JSON.
		body,
		purpose: 'create the Dynamics 365 conversation',
		creates: true,
		startsConversation: true,
	};
}

/** A conversation ID from Dynamics goes into a path: it must not be able to change the path. */
export function isSafeConversationId(id: string): boolean {
	return /^[A-Za-z0-9._~-]{1,128}$/.test(id) && id !== '.' && id !== '..';
}

/** The message activity Microsoft's conversation endpoint documents. */
export function sendMessage(conversationId: string, channelId: string, text: string): HttpCall {
	return {
		method: 'POST',
		path: `${DYNAMICS_API}/conversation/${encodeURIComponent(conversationId)}`,
		body: { type: 'message', channelId, conversation: { id: conversationId }, text },
		purpose: 'send the start message to the existing Dynamics 365 conversation',
		creates: true,
		startsConversation: true,
	};
}
