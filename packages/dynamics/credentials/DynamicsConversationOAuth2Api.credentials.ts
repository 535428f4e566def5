import type { ICredentialTestRequest, ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

import {
	DYNAMICS_ACCESS_TOKEN_URL_EXPRESSION,
	DYNAMICS_SCOPE_EXPRESSION,
	dynamicsMessagingBaseUrlExpression,
} from '../nodes/CreateDynamicsConversation/providers/dynamics/credentialExpressions';
import { DYNAMICS_DEFAULT_AUTHORITY } from '../nodes/CreateDynamicsConversation/providers/dynamics/host';
import { baseUrlOverrideProperty } from '../nodes/CreateDynamicsConversation/shared/hosts';

/**
 * Microsoft Dynamics 365 Contact Center Messaging API: Microsoft Entra client credentials.
 *
 * n8n-core fetches and caches the token itself (OAuth2 credential types run no custom
 * `authenticate`), so the token URL, the scope and the test request's host are hidden
 * expressions. They are generated from the provider's host rules
 * (nodes/CreateDynamicsConversation/providers/dynamics/host.ts), which the node also checks before any
 * request, so a field that breaks a rule fails clearly there and safely here.
 */
export class DynamicsConversationOAuth2Api implements ICredentialType {
	name = 'dynamicsConversationOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Microsoft Dynamics 365 Contact Center (Create Conversation) OAuth2 API';

	icon: Icon = { light: 'file:../icons/dynamics.svg', dark: 'file:../icons/dynamics.dark.svg' };

	documentationUrl =
		'https://learn.microsoft.com/en-us/dynamics365/contact-center/extend/messaging-api';

	properties: INodeProperties[] = [
		{ displayName: 'Grant Type', name: 'grantType', type: 'hidden', default: 'clientCredentials' },
		{
			displayName: 'Tenant ID',
			name: 'tenantId',
			type: 'string',
			required: true,
			default: '',
			placeholder: '00000000-0000-0000-0000-000000000000',
			description:
				'Directory (tenant) ID of your Microsoft Entra tenant: Entra admin center → App registrations → your app → Overview',
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			required: true,
			default: '',
			placeholder: '00000000-0000-0000-0000-000000000000',
			description:
				'Application (client) ID of the app registration allowed to use the Messaging API',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'A client secret of that app registration: Certificates & secrets → Client secrets (the Value, not the Secret ID)',
		},
		{
			displayName: 'Organization ID',
			name: 'organizationId',
			type: 'string',
			required: true,
			default: '',
			placeholder: '00000000-0000-0000-0000-000000000000',
			description:
				'The Dynamics 365 organization ID: Power Platform admin center → your environment → Organization ID (also in Copilot Service admin center → Customer settings → Developer resources)',
		},
		{
			displayName: 'Messaging Geo',
			name: 'messagingGeo',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'eu',
			description:
				'The region label of your messaging host https://m-{organization ID}.{geo}.omnichannelengagementhub.com, e.g. eu',
		},
		{
			displayName: 'Scope Zone',
			name: 'scopeZone',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'crm4',
			description:
				'The zone of the token scope https://{organization ID without dashes}-c.{zone}.dynamics.com/.default, as shown for your region in the Messaging API setup',
		},
		{
			displayName: 'Custom Messaging Channel ID',
			name: 'channelId',
			type: 'string',
			required: true,
			default: '',
			placeholder: '00000000-0000-0000-0000-000000000000',
			description:
				'ID of the custom messaging channel the conversations arrive on, sent as the channel-id header',
		},
		{
			displayName: 'Scope Override (Advanced)',
			name: 'scopeOverride',
			type: 'string',
			default: '',
			description:
				'Leave empty to use https://{organization ID without dashes}-c.{zone}.dynamics.com/.default. Set only if Microsoft gave you a different scope.',
		},
		{
			displayName: 'Authority Host (Advanced)',
			name: 'authorityHost',
			type: 'string',
			default: DYNAMICS_DEFAULT_AUTHORITY,
			description:
				'Microsoft Entra sign-in host. Change only for a national cloud: https://login.microsoftonline.us (US Government), https://login.chinacloudapi.cn or https://login.partner.microsoftonline.cn (China), or http:// to 127.0.0.1/localhost for the local sandbox. Other hosts are refused: the client secret is only sent to these.',
		},
		baseUrlOverrideProperty({
			realHost: 'https://m-{organization ID}.{geo}.omnichannelengagementhub.com',
			placeholder: 'https://m-00000000-0000-0000-0000-000000000000.eu.omnichannelengagementhub.com',
			allowed: '*.omnichannelengagementhub.com',
		}),
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: DYNAMICS_ACCESS_TOKEN_URL_EXPRESSION,
		},
		{ displayName: 'Scope', name: 'scope', type: 'hidden', default: DYNAMICS_SCOPE_EXPRESSION },
		{ displayName: 'Authentication', name: 'authentication', type: 'hidden', default: 'body' },
	];

	test: ICredentialTestRequest = {
		request: {
			method: 'GET',
			baseURL: dynamicsMessagingBaseUrlExpression('$credentials'),
			url: '/api/v1.0/consumer/conversations?PageSize=1',
			headers: {
				'channel-id': '={{ String($credentials["channelId"] ?? "").trim().toLowerCase() }}',
				'organization-id':
					'={{ String($credentials["organizationId"] ?? "").trim().toLowerCase() }}',
			},
		},
	};
}
