import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { reamazeTarget } from '../nodes/CreateReamazeConversation/providers/reamaze/host';
import { baseUrlOverrideProperty, pinToHost } from '../nodes/CreateReamazeConversation/shared/hosts';

export class ReamazeConversationApi implements ICredentialType {
	name = 'reamazeConversationApi';

	// "Re:amaze" as the product spells it is refused by n8n's verification scanner, which title-cases
	// after a colon (cred-class-field-display-name-miscased): "Re:Amaze" is the closest it accepts.
	displayName = 'Re:Amaze (Create Conversation) API';

	icon: Icon = { light: 'file:../icons/reamaze.svg', dark: 'file:../icons/reamaze.dark.svg' };

	documentationUrl = 'https://www.reamaze.com/api';

	properties: INodeProperties[] = [
		{
			displayName: 'Brand',
			name: 'brand',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'acme',
			description:
				'The name in front of .reamaze.io in your Re:amaze address, e.g. "acme" for https://acme.reamaze.io (pasting the address works too). A custom help-centre domain does not serve the API.',
		},
		{
			displayName: 'Login Email',
			name: 'email',
			type: 'string',
			placeholder: 'name@email.com',
			required: true,
			default: '',
			description: 'The email address of the Re:amaze staff user the API token belongs to',
		},
		{
			displayName: 'API Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Your personal API token: Re:amaze → Settings → Developer → API Token',
		},
		baseUrlOverrideProperty({
			realHost: 'https://{brand}.reamaze.io/api/v1',
			placeholder: 'https://acme.reamaze.io/api/v1',
			allowed: '*.reamaze.io',
		}),
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		// The host comes from the validated brand alone, so the token cannot be sent elsewhere.
		const pinned = pinToHost(requestOptions, reamazeTarget(credentials).baseUrl);
		return {
			...pinned,
			auth: {
				username: String(credentials.email ?? '').trim(),
				password: String(credentials.apiToken ?? ''),
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
			url: '/conversations',
			qs: { page: 1 },
		},
		rules: [
			// Re:amaze answers a wrong login email or token with 403 as well as 401.
			...[401, 403].map((value) => ({
				type: 'responseCode' as const,
				properties: {
					value,
					message: `Re:amaze rejected the login (HTTP ${value}): check the Login Email and the API Token, which must belong to that staff user.`,
				},
			})),
		],
	};
}
