import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import {
	BASE_URL_OVERRIDE,
	CredentialConfigurationError,
	isDnsLabel,
	isGuid,
	resolveBaseUrl,
	type HostRule,
} from '../../shared/hosts';
import { textOf } from '../../shared/answers';
import type { CredentialTarget } from '../../shared/provider';

/**
 * Everything that turns the Dynamics credential's fields into hosts: the Entra token URL, the
 * token scope and the messaging host. It is the one definition of them: the node validates with
 * it, and the credential's hidden expressions (n8n-core runs no code for OAuth2 credentials) are
 * generated from the same templates and host rules (`credentialExpressions`).
 */

export const DYNAMICS_DEFAULT_AUTHORITY = 'https://login.microsoftonline.com';

/**
 * Microsoft Entra sign-in hosts of the public and national clouds (Microsoft's "National clouds"
 * page): the client secret is only ever sent to one of these (or to loopback, for the sandbox).
 */
export const ENTRA_AUTHORITY_HOSTS = [
	'login.microsoftonline.com',
	'login.microsoftonline.us',
	'login.chinacloudapi.cn',
	'login.partner.microsoftonline.cn',
] as const;

export const AUTHORITY_RULE: HostRule = { field: 'Authority Host', hosts: ENTRA_AUTHORITY_HOSTS };

/** The bearer token only goes to Microsoft's messaging hosts. */
export const MESSAGING_RULE: HostRule = {
	field: BASE_URL_OVERRIDE,
	domains: ['omnichannelengagementhub.com'],
};

/** `{name}` placeholders are filled with validated parts only. */
export const TEMPLATES = {
	tokenUrl: '{authority}/{tenantId}/oauth2/v2.0/token',
	scope: 'https://{organizationIdCompact}-c.{scopeZone}.dynamics.com/.default',
	messagingBaseUrl: 'https://m-{organizationId}.{messagingGeo}.omnichannelengagementhub.com',
} as const;

export function fillTemplate(template: string, values: Record<string, string>): string {
	return template.replace(/\{(\w+)\}/g, (_, name: string) => values[name]);
}

/** Non-secret credential fields, validated; the secret is never read here. */
export interface DynamicsCredentialParts {
	tenantId: string;
	organizationId: string;
	channelId: string;
	messagingGeo: string;
	scopeZone: string;
	authority: string;
	baseUrl: string;
	scope: string;
	tokenUrl: string;
}

/** A credential field as trimmed text ('' when empty). */
function text(value: unknown): string {
	return textOf(value) ?? '';
}

function guid(credentials: ICredentialDataDecryptedObject, field: string, label: string): string {
	const value = text(credentials[field]);
	if (!isGuid(value)) {
		throw new CredentialConfigurationError(
			`The credential's ${label} must be a GUID like 00000000-0000-0000-0000-000000000000${value ? '' : ' (it is empty)'}.`,
		);
	}
	return value.toLowerCase();
}

function label(
	credentials: ICredentialDataDecryptedObject,
	field: string,
	name: string,
	example: string,
): string {
	const value = text(credentials[field]).toLowerCase();
	if (!isDnsLabel(value)) {
		throw new CredentialConfigurationError(
			`The credential's ${name} must be one DNS label (letters, digits and hyphens), e.g. ${example}.`,
		);
	}
	return value;
}

/**
 * Checks every field the credential's hidden expressions also check, with the shared host rules,
 * and derives the hosts. The expressions only make a bad credential fail safely; this makes it
 * fail clearly, before any request (token or API) is sent.
 */
export function dynamicsCredentialParts(
	credentials: ICredentialDataDecryptedObject,
): DynamicsCredentialParts {
	const tenantId = guid(credentials, 'tenantId', 'Tenant ID');
	const organizationId = guid(credentials, 'organizationId', 'Organization ID');
	const channelId = guid(credentials, 'channelId', 'Custom Messaging Channel ID');
	const messagingGeo = label(credentials, 'messagingGeo', 'Messaging Geo', 'eu');
	const scopeOverride = text(credentials.scopeOverride);
	const scopeZone = scopeOverride
		? text(credentials.scopeZone).toLowerCase()
		: label(credentials, 'scopeZone', 'Scope Zone', 'crm4');
	// eslint-disable-next-line no-control-regex
	if (/[\u0000-\u001f\u007f]/.test(scopeOverride)) {
		throw new CredentialConfigurationError(
			"The credential's Scope Override must be one line of scopes separated by spaces.",
		);
	}
	const authority = resolveBaseUrl(
		credentials.authorityHost,
		DYNAMICS_DEFAULT_AUTHORITY,
		AUTHORITY_RULE,
	);
	const values = {
		authority,
		tenantId,
		organizationId,
		organizationIdCompact: organizationId.replace(/-/g, ''),
		scopeZone,
		messagingGeo,
	};
	return {
		tenantId,
		organizationId,
		channelId,
		messagingGeo,
		scopeZone,
		authority,
		baseUrl: resolveBaseUrl(
			credentials.baseUrl,
			fillTemplate(TEMPLATES.messagingBaseUrl, values),
			MESSAGING_RULE,
		),
		scope: scopeOverride || fillTemplate(TEMPLATES.scope, values),
		tokenUrl: fillTemplate(TEMPLATES.tokenUrl, values),
	};
}

/** The `credentialTarget` hook: messaging host plus the two routing headers every call needs. */
export function dynamicsTarget(credentials: ICredentialDataDecryptedObject): CredentialTarget {
	const parts = dynamicsCredentialParts(credentials);
	return {
		baseUrl: parts.baseUrl,
		headers: { 'channel-id': parts.channelId, 'organization-id': parts.organizationId },
	};
}
