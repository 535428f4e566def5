import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { intercomTarget } from '../nodes/CreateIntercomConversation/providers/intercom/host';
import { baseUrlOverrideProperty, pinToHost } from '../nodes/CreateIntercomConversation/shared/hosts';

export const INTERCOM_DEFAULT_API_VERSION = '2.16';

const API_VERSIONS = ['2.7', '2.8', '2.9', '2.10', '2.11', '2.12', '2.13', '2.14', '2.15', '2.16'];

export class IntercomConversationApi implements ICredentialType {
	name = 'intercomConversationApi';

	displayName = 'Intercom (Create Conversation) API';

	icon: Icon = { light: 'file:../icons/intercom.svg', dark: 'file:../icons/intercom.dark.svg' };

	documentationUrl =
		'https://developers.intercom.com/docs/build-an-integration/learn-more/authentication';

	properties: INodeProperties[] = [
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'The access token of your Intercom app: Developer Hub → your app → Configure → Authentication',
		},
		{
			displayName: 'Region',
			name: 'region',
			type: 'options',
			default: 'us',
			options: [
				{ name: 'United States (api.intercom.io)', value: 'us' },
				{ name: 'Europe (api.eu.intercom.io)', value: 'eu' },
				{ name: 'Australia (api.au.intercom.io)', value: 'au' },
			],
			description: 'Where your Intercom workspace is hosted. A token only works in its own region.',
		},
		{
			displayName: 'API Version',
			name: 'apiVersion',
			type: 'options',
			default: INTERCOM_DEFAULT_API_VERSION,
			options: API_VERSIONS.map((version) => ({ name: version, value: version })),
			description: 'Sent as the Intercom-Version header. Brand ID needs 2.16 or later.',
		},
		baseUrlOverrideProperty({
			realHost: "the region's Intercom host",
			placeholder: 'https://api.intercom.io',
			allowed: '*.intercom.io',
		}),
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		// The host comes from the credential alone, so the token cannot be sent elsewhere.
		const pinned = pinToHost(requestOptions, intercomTarget(credentials).baseUrl);
		return {
			...pinned,
			headers: {
				...requestOptions.headers,
				Authorization: `Bearer ${String(credentials.accessToken ?? '')}`,
				'Intercom-Version': String(credentials.apiVersion || INTERCOM_DEFAULT_API_VERSION),
				Accept: 'application/json',
			},
		};
	}

	test: ICredentialTestRequest = {
		request: {
			method: 'GET',
			url: '/me',
		},
	};
}
