import type { IDataObject } from 'n8n-workflow';

import type { HttpCall } from '../../shared/provider';
import type { ReamazeParams } from './schema';

/** Pure builders: validated parameters in, the exact HTTP call Re:amaze documents out. */

export function createConversation(params: ReamazeParams): HttpCall {
	const message: IDataObject = {
		body: params.body,
		...(params.recipients !== undefined ? { recipients: params.recipients } : {}),
		// Re:amaze's own pages spell this flag both ways (the conversation page in one copy and the
		// request document: suppress_notification; another copy and the messages endpoint:
		// suppress_notifications). Both are sent with the same value.
		...(params.suppressNotification !== undefined
			? {
					suppress_notification: params.suppressNotification,
					suppress_notifications: params.suppressNotification,
				}
			: {}),
		...(params.suppressAutoresolve !== undefined
			? { suppress_autoresolve: params.suppressAutoresolve }
			: {}),
		...(params.attachmentUrl !== undefined ? { attachment: params.attachmentUrl } : {}),
	};
	const user: IDataObject = {
		name: params.customer.name,
		email: params.customer.email,
		...(params.userData !== undefined ? { data: params.userData as IDataObject } : {}),
	};
	return {
		method: 'POST',
		path: '/conversations',
		body: {
			conversation: {
				subject: params.subject,
				category: params.channel,
				...(params.tags !== undefined ? { tag_list: params.tags } : {}),
				// 0 (Open) is a real status: test for "not set", never for falsy.
				...(params.status !== undefined ? { status: params.status } : {}),
				...(params.conversationData !== undefined
					? { data: params.conversationData as IDataObject }
					: {}),
				message,
				user,
			},
		},
		purpose: 'create the Re:amaze conversation',
		creates: true,
		startsConversation: true,
	};
}

export function listChannels(page: number): HttpCall {
	return {
		method: 'GET',
		path: '/channels',
		qs: { page },
		purpose: 'list the Re:amaze channels',
		creates: false,
	};
}
