import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import {
	REEVOO_DEFAULT_BASE_URL,
	reevooTarget,
} from '../nodes/CreateReevooConversation/providers/reevoo/host';
import { baseUrlOverrideProperty, pinToHost } from '../nodes/CreateReevooConversation/shared/hosts';

export class ReevooConversationApi implements ICredentialType {
	name = 'reevooConversationApi';

	displayName = 'Reevoo (Create Conversation) API';

	icon: Icon = { light: 'file:../icons/reevoo.svg', dark: 'file:../icons/reevoo.dark.svg' };

	documentationUrl = 'https://reevoo.github.io/docs/platform-api/';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'The API key Reevoo issued to you (sent as the HTTP Basic user name)',
		},
		{
			displayName: 'API Secret',
			name: 'apiSecret',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'The API secret Reevoo issued with the key (sent as the HTTP Basic password)',
		},
		baseUrlOverrideProperty({
			realHost: REEVOO_DEFAULT_BASE_URL,
			placeholder: REEVOO_DEFAULT_BASE_URL,
			allowed: '*.reevoocloud.com',
		}),
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		// The host comes from the credential alone, so the key and secret cannot be sent elsewhere.
		const pinned = pinToHost(requestOptions, reevooTarget(credentials).baseUrl);
		return {
			...pinned,
			auth: {
				username: String(credentials.apiKey ?? ''),
				password: String(credentials.apiSecret ?? ''),
			},
			headers: {
				...requestOptions.headers,
				Accept: 'application/json',
			},
		};
	}

	test: ICredentialTestRequest = {
		request: {
			method: 'GET',
			url: '/v4/organisations',
		},
	};
}
