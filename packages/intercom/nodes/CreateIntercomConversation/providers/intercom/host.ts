import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import {
	BASE_URL_OVERRIDE,
	CredentialConfigurationError,
	resolveBaseUrl,
} from '../../shared/hosts';
import type { CredentialTarget } from '../../shared/provider';

/** Intercom serves each workspace from its region's host; a token only works against its own. */
export const INTERCOM_REGION_HOSTS: Record<string, string> = {
	us: 'https://api.intercom.io',
	eu: 'https://api.eu.intercom.io',
	au: 'https://api.au.intercom.io',
};

/** Where the access token may go: Intercom's own API hosts. */
export const INTERCOM_DOMAINS = ['intercom.io'] as const;

/** The credential's host: its region's, or an override on Intercom's own domain (or loopback). */
export function intercomTarget(credentials: ICredentialDataDecryptedObject): CredentialTarget {
	const regionHost = INTERCOM_REGION_HOSTS[String(credentials.region ?? 'us')];
	if (!regionHost) {
		throw new CredentialConfigurationError(
			`Unknown Intercom region "${String(credentials.region)}": choose US, EU or Australia.`,
		);
	}
	return {
		baseUrl: resolveBaseUrl(credentials.baseUrl, regionHost, {
			field: BASE_URL_OVERRIDE,
			domains: INTERCOM_DOMAINS,
		}),
	};
}
