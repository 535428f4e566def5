import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import {
	BASE_URL_OVERRIDE,
	CredentialConfigurationError,
	resolveBaseUrl,
} from '../../shared/hosts';
import type { CredentialTarget } from '../../shared/provider';

/** ZAP's own API hosts; every path is under /v1. */
export const ZAP_ENVIRONMENT_HOSTS: Record<string, string> = {
	production: 'https://api.zap.africa',
	test: 'https://test-api.zap.africa',
};

/** Where the password or token may go, unless the user chose a Custom Deployment. */
export const ZAP_DOMAINS = ['zap.africa'] as const;

/**
 * Where the credential sends its secret: the chosen environment (an override only on ZAP's own
 * domain or loopback), or, for a Custom Deployment, the https:// address the user typed: the one
 * documented case of a free host, chosen explicitly.
 */
export function zapTarget(credentials: ICredentialDataDecryptedObject): CredentialTarget {
	const environment = String(credentials.environment ?? 'production');
	const override = typeof credentials.baseUrl === 'string' ? credentials.baseUrl.trim() : '';
	if (environment === 'custom') {
		if (!override) {
			throw new CredentialConfigurationError(
				'Environment is "Custom Deployment": enter your deployment\'s address (https://…) in Base URL Override.',
			);
		}
		return { baseUrl: resolveBaseUrl(override, '', { field: BASE_URL_OVERRIDE, anyHttps: true }) };
	}
	const host = ZAP_ENVIRONMENT_HOSTS[environment];
	if (!host) {
		throw new CredentialConfigurationError(
			`Unknown ZAP environment "${environment}": choose Production, Test or Custom Deployment.`,
		);
	}
	return {
		baseUrl: resolveBaseUrl(override, host, { field: BASE_URL_OVERRIDE, domains: ZAP_DOMAINS }),
	};
}
