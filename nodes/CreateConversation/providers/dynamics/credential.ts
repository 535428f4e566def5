import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { CredentialConfigurationError, isDnsLabel, isGuid, resolveBaseUrl } from '../../shared/hosts';
import type { CredentialTarget } from '../../shared/provider';

export const DYNAMICS_DEFAULT_AUTHORITY = 'https://login.microsoftonline.com';

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
}

function text(value: unknown): string {
	return typeof value === 'string' ? value.trim() : '';
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

function label(credentials: ICredentialDataDecryptedObject, field: string, name: string, example: string): string {
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
 * and derives the messaging host. The expressions only make a bad credential fail safely; this
 * makes it fail clearly, before any request (token or API) is sent.
 */
export function dynamicsCredentialParts(credentials: ICredentialDataDecryptedObject): DynamicsCredentialParts {
	const tenantId = guid(credentials, 'tenantId', 'Tenant ID');
	const organizationId = guid(credentials, 'organizationId', 'Organization ID');
	const channelId = guid(credentials, 'channelId', 'Custom Messaging Channel ID');
	const messagingGeo = label(credentials, 'messagingGeo', 'Messaging Geo', 'eu');
	const scopeOverride = text(credentials.scopeOverride);
	const scopeZone = scopeOverride ? text(credentials.scopeZone).toLowerCase() : label(credentials, 'scopeZone', 'Scope Zone', 'crm4');
	// eslint-disable-next-line no-control-regex
	if (/[\u0000-\u001f\u007f]/.test(scopeOverride)) {
		throw new CredentialConfigurationError('The credential\'s Scope Override must be one line of scopes separated by spaces.');
	}
	const authority = resolveAuthority(credentials.authorityHost);
	const baseUrl = resolveBaseUrl(
		credentials.baseUrl,
		`https://m-${organizationId}.${messagingGeo}.omnichannelengagementhub.com`,
	);
	return {
		tenantId,
		organizationId,
		channelId,
		messagingGeo,
		scopeZone,
		authority,
		baseUrl,
		scope: scopeOverride || `https://${organizationId.replace(/-/g, '')}-c.${scopeZone}.dynamics.com/.default`,
	};
}

/** The shared host rules, with messages that name the Authority Host field. */
function resolveAuthority(value: unknown): string {
	let problem: string | undefined;
	try {
		return resolveBaseUrl(value, DYNAMICS_DEFAULT_AUTHORITY);
	} catch (error) {
		problem = (error as Error).message;
	}
	throw new CredentialConfigurationError(problem.replace(/Base URL Override/g, 'Authority Host'));
}

/** The `credentialTarget` hook: messaging host plus the two routing headers every call needs. */
export function dynamicsCredentialTarget(credentials: ICredentialDataDecryptedObject): CredentialTarget {
	const parts = dynamicsCredentialParts(credentials);
	return {
		baseUrl: parts.baseUrl,
		headers: { 'channel-id': parts.channelId, 'organization-id': parts.organizationId },
	};
}
