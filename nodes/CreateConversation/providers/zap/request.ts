import type { HttpCall } from '../../shared/provider';
import type { ZapParams } from './schema';

/** Pure builders: validated parameters in, the exact HTTP call ZAP documents out. */

export const currentUser: HttpCall = {
	method: 'GET',
	path: '/v1/users/token',
	purpose: 'read the ZAP account of the credential',
	creates: false,
};

export function createConversation(params: ZapParams, userId: string): HttpCall {
	return {
		method: 'POST',
		path: '/v1/support/conversations',
		...(params.isGuest !== undefined ? { qs: { isGuest: params.isGuest ? 'true' : 'false' } } : {}),
		...(params.guestId !== undefined ? { headers: { 'guest-id': params.guestId } } : {}),
		body: { userId },
		purpose: 'create the ZAP support conversation',
		creates: true,
		startsConversation: true,
	};
}
