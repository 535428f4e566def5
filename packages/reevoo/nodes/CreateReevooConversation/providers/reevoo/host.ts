import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { BASE_URL_OVERRIDE, resolveBaseUrl } from '../../shared/hosts';
import type { CredentialTarget } from '../../shared/provider';

/** Reevoo's Platform API host; every path starts with /v4. */
export const REEVOO_DEFAULT_BASE_URL = 'https://api.reevoocloud.com';

/** Where the API key and secret may go: Reevoo's own hosts. */
export const REEVOO_DOMAINS = ['reevoocloud.com'] as const;

export function reevooTarget(credentials: ICredentialDataDecryptedObject): CredentialTarget {
	return {
		baseUrl: resolveBaseUrl(credentials.baseUrl, REEVOO_DEFAULT_BASE_URL, {
			field: BASE_URL_OVERRIDE,
			domains: REEVOO_DOMAINS,
		}),
	};
}
