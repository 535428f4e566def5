import type { INodeProperties } from 'n8n-workflow';

/**
 * Everything that turns credential fields into a host. Credentials call these from their
 * `authenticate`, so a secret is only ever sent to a host built from validated parts.
 */

/** Raised when a credential's fields cannot form a safe host; its message is shown as is. */
export class CredentialConfigurationError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'CredentialConfigurationError';
	}
}

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isDnsLabel(value: unknown): value is string {
	return typeof value === 'string' && DNS_LABEL.test(value);
}

export function isGuid(value: unknown): value is string {
	return typeof value === 'string' && GUID.test(value);
}

function isLoopbackHost(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

function parseUrl(text: string): URL | undefined {
	try {
		return new URL(text);
	} catch {
		return undefined;
	}
}

/**
 * Reads the advanced "Base URL Override" of a credential. Empty means the provider's real host.
 * Accepted: HTTPS anywhere (an API gateway), or plain HTTP to a loopback address (the local
 * emulator). Never credentials, a query or a fragment in the URL.
 */
export function resolveBaseUrl(override: unknown, providerDefault: string): string {
	const text = typeof override === 'string' ? override.trim() : '';
	if (!text) return providerDefault;
	const url = parseUrl(text);
	if (!url) {
		throw new CredentialConfigurationError(
			`The credential's Base URL Override "${text.slice(0, 80)}" is not a URL. Leave it empty to use the provider's own host.`,
		);
	}
	const secure = url.protocol === 'https:';
	const loopback = url.protocol === 'http:' && isLoopbackHost(url.hostname);
	if (!secure && !loopback) {
		throw new CredentialConfigurationError(
			'The credential\'s Base URL Override must start with https:// (plain http:// is only allowed for 127.0.0.1 or localhost).',
		);
	}
	if (url.username || url.password || url.search || url.hash) {
		throw new CredentialConfigurationError(
			'The credential\'s Base URL Override must not contain a user name, password, query or fragment.',
		);
	}
	return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * Pins a credentialed request to the credential's own host. A relative URL is resolved against
 * `baseURL`; an absolute URL is only accepted when it already points there (n8n's HTTP Request
 * node sends absolute URLs), so a token is never sent to a host the credential did not choose.
 */
export function pinToHost<T extends { url: string; baseURL?: string }>(requestOptions: T, baseURL: string): T {
	if (/^[a-z][a-z0-9+.-]*:/i.test(requestOptions.url)) {
		const target = new URL(requestOptions.url);
		const allowed = new URL(baseURL);
		if (target.origin !== allowed.origin) {
			throw new CredentialConfigurationError(
				`This credential only sends its secret to ${allowed.origin}, not to ${target.origin}.`,
			);
		}
	}
	return { ...requestOptions, baseURL };
}

/**
 * The advanced "Base URL Override" every credential has, read by `resolveBaseUrl`: empty means
 * the provider's real host (`realHost`, as the user should read it).
 */
export function baseUrlOverrideProperty(options: {
	realHost: string;
	placeholder: string;
	description?: string;
}): INodeProperties {
	return {
		displayName: 'Base URL Override (Advanced)',
		name: 'baseUrl',
		type: 'string',
		default: '',
		placeholder: options.placeholder,
		description:
			options.description ??
			`Leave empty to use ${options.realHost}. Only for API gateways or a local emulator: must be https://, or http:// to 127.0.0.1/localhost.`,
	};
}
