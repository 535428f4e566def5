import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import {
	BASE_URL_OVERRIDE,
	CredentialConfigurationError,
	isDnsLabel,
	resolveBaseUrl,
} from '../../shared/hosts';
import type { CredentialTarget } from '../../shared/provider';

/**
 * The brand as typed or pasted: `acme`, `acme.reamaze.io` or `https://acme.reamaze.io/...`.
 * A path after the reamaze.io host is ignored; anything else around the name is refused, so the
 * host can only ever be `<DNS label>.reamaze.io`.
 */
const PASTED_BRAND = /^(?:https?:\/\/)?([^./\s]+)(?:\.reamaze\.io(?:[/?#].*)?)?$/;

/** Reduces the credential's Brand to the one DNS label of `{brand}.reamaze.io`, or throws. */
export function reamazeBrand(value: unknown): string {
	const text = typeof value === 'string' ? value.trim().toLowerCase() : '';
	if (!text) {
		throw new CredentialConfigurationError(
			'The Re:amaze credential has no Brand: enter the name in front of .reamaze.io, e.g. "acme" for acme.reamaze.io.',
		);
	}
	const label = PASTED_BRAND.exec(text)?.[1];
	if (!isDnsLabel(label)) {
		throw new CredentialConfigurationError(
			`The Re:amaze credential's Brand "${text.slice(0, 60)}" is not a Re:amaze brand name. Enter only the name in front of .reamaze.io (letters, digits and hyphens), e.g. "acme" for https://acme.reamaze.io.`,
		);
	}
	return label;
}

/** Where the login and token may go: Re:amaze's own hosts. */
export const REAMAZE_DOMAINS = ['reamaze.io'] as const;

export function reamazeTarget(credentials: ICredentialDataDecryptedObject): CredentialTarget {
	// The brand is checked even when the override is set, so a bad value never goes unnoticed.
	const brand = reamazeBrand(credentials.brand);
	return {
		baseUrl: resolveBaseUrl(credentials.baseUrl, `https://${brand}.reamaze.io/api/v1`, {
			field: BASE_URL_OVERRIDE,
			domains: REAMAZE_DOMAINS,
		}),
	};
}
