import type { ICredentialTestRequest, ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

import { DYNAMICS_DEFAULT_AUTHORITY } from '../nodes/CreateConversation/providers/dynamics/credential';
import { baseUrlOverrideProperty } from '../nodes/CreateConversation/shared/hosts';

/**
 * Microsoft Dynamics 365 Contact Center Messaging API: Microsoft Entra client credentials.
 *
 * n8n-core fetches and caches the token itself (OAuth2 credential types run no custom
 * `authenticate`), so the token URL and the scope are hidden expressions computed from the
 * fields below. Expressions cannot throw: when a field is not a GUID / DNS label, or the
 * authority host is neither HTTPS nor loopback HTTP, they produce a URL under `invalid.invalid`
 * (a reserved name that never resolves), so the client secret is never sent anywhere. The node
 * validates every field again (nodes/CreateConversation/providers/dynamics/credential.ts) and
 * builds the messaging host from validated parts only.
 */


/** Regex literals shared by the expressions (no `}}` may appear inside them). */
const GUID = '/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/';
const DNS_LABEL = '/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/';
/** HTTPS anywhere, or HTTP to a loopback address; optional port and plain path segments. */
const SAFE_BASE =
	'/^(https:\\/\\/[A-Za-z0-9.-]+|http:\\/\\/(localhost|127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}|\\[::1\\]))(:[0-9]{1,5})?(\\/[A-Za-z0-9._~-]+)*$/';

/** `$self` in the credential's own properties, `$credentials` in its test request. */
type Source = '$self' | '$credentials';
const trimmed = (field: string, source: Source = '$self') => `String(${source}["${field}"] ?? "").trim()`;
const lowerTrimmed = (field: string, source: Source = '$self') => `${trimmed(field, source)}.toLowerCase()`;
const baseOf = (field: string, fallback: string, source: Source = '$self') =>
	`(${trimmed(field, source)} || "${fallback}").replace(/\\/+$/, "")`;

/** `{authority}/{tenantId}/oauth2/v2.0/token`, or an unresolvable URL when a part is unsafe. */
export const DYNAMICS_ACCESS_TOKEN_URL_EXPRESSION =
	`={{ ${SAFE_BASE}.test(${baseOf('authorityHost', DYNAMICS_DEFAULT_AUTHORITY)}) && ${GUID}.test(${trimmed('tenantId')}) ` +
	`? ${baseOf('authorityHost', DYNAMICS_DEFAULT_AUTHORITY)} + "/" + ${lowerTrimmed('tenantId')} + "/oauth2/v2.0/token" ` +
	`: "https://invalid.invalid/dynamics-credential-needs-a-tenant-id-guid-and-an-https-authority-host" }}`;

/** `https://{org id without dashes}-c.{zone}.dynamics.com/.default` unless overridden. */
export const DYNAMICS_SCOPE_EXPRESSION =
	`={{ ${trimmed('scopeOverride')} ? ${trimmed('scopeOverride')} ` +
	`: ${GUID}.test(${trimmed('organizationId')}) && ${DNS_LABEL}.test(${lowerTrimmed('scopeZone')}) ` +
	`? "https://" + ${lowerTrimmed('organizationId')}.replace(/-/g, "") + "-c." + ${lowerTrimmed('scopeZone')} + ".dynamics.com/.default" ` +
	`: "https://invalid.invalid/dynamics-credential-needs-an-organization-id-guid-and-a-scope-zone/.default" }}`;

/** `https://m-{org id}.{geo}.omnichannelengagementhub.com`, or the validated override. */
export const dynamicsMessagingBaseUrlExpression = (source: Source) =>
	`={{ ${trimmed('baseUrl', source)} ` +
	`? (${SAFE_BASE}.test(${baseOf('baseUrl', '', source)}) ? ${baseOf('baseUrl', '', source)} : "https://invalid.invalid/dynamics-base-url-override-must-be-https") ` +
	`: ${GUID}.test(${trimmed('organizationId', source)}) && ${DNS_LABEL}.test(${lowerTrimmed('messagingGeo', source)}) ` +
	`? "https://m-" + ${lowerTrimmed('organizationId', source)} + "." + ${lowerTrimmed('messagingGeo', source)} + ".omnichannelengagementhub.com" ` +
	`: "https://invalid.invalid/dynamics-credential-needs-an-organization-id-guid-and-a-messaging-geo" }}`;

export class DynamicsMessagingOAuth2Api implements ICredentialType {
	name = 'dynamicsMessagingOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Microsoft Dynamics 365 Contact Center Messaging OAuth2 API';

	icon: Icon = { light: 'file:../icons/dynamics.svg', dark: 'file:../icons/dynamics.dark.svg' };

	documentationUrl = 'https://learn.microsoft.com/en-us/dynamics365/contact-center/extend/messaging-api';

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
			description: 'Application (client) ID of the app registration allowed to use the Messaging API',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'A client secret of that app registration: Certificates & secrets → Client secrets (the Value, not the Secret ID)',
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
				'Microsoft Entra sign-in host. Change only for a national cloud (e.g. https://login.microsoftonline.us) or a local emulator: must be https://, or http:// to 127.0.0.1/localhost.',
		},
		baseUrlOverrideProperty({
			realHost: 'https://m-{organization ID}.{geo}.omnichannelengagementhub.com',
			placeholder: 'https://messaging-gateway.example.com',
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
				'organization-id': '={{ String($credentials["organizationId"] ?? "").trim().toLowerCase() }}',
			},
		},
	};
}
