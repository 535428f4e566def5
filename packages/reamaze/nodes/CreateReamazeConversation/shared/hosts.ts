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

export const DNS_LABEL_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isDnsLabel(value: unknown): value is string {
	return typeof value === 'string' && DNS_LABEL_PATTERN.test(value);
}

export function isGuid(value: unknown): value is string {
	return typeof value === 'string' && GUID_PATTERN.test(value);
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
 * Where a credential may send its secret: the provider's own domains, or loopback (the local
 * sandbox and tests). `anyHttps` is for a documented free host (a provider's self-hosted deployment).
 */
export interface HostRule {
	/** The field as the user sees it, e.g. "Base URL Override". */
	field: string;
	/** The provider's domains: a host must be one of them or end in "." + one of them. */
	domains?: readonly string[];
	/** Exact host names allowed besides the domains (e.g. Microsoft's sign-in hosts). */
	hosts?: readonly string[];
	/** Any https:// host (only where the provider documents self-hosted deployments). */
	anyHttps?: boolean;
}

function allowedHost(rule: HostRule, hostname: string): boolean {
	const host = hostname.toLowerCase();
	if (rule.hosts?.includes(host)) return true;
	return (rule.domains ?? []).some((domain) => host === domain || host.endsWith(`.${domain}`));
}

function describeAllowed(rule: HostRule): string {
	if (rule.anyHttps) return 'an https:// address';
	const names = [...(rule.hosts ?? []), ...(rule.domains ?? []).map((domain) => `*.${domain}`)];
	return `an https:// address on ${names.join(', ')}`;
}

/**
 * Reads an advanced host field of a credential ("Base URL Override", an OAuth2 "Authority Host").
 * Empty means the provider's real host. Accepted: the provider's own hosts over https, or a
 * loopback address over http or https (the local sandbox). Anything else is refused before any
 * request, so whoever may edit a shared credential cannot point its secret at their own server.
 * Never credentials, a query or a fragment in the URL.
 */
export function resolveBaseUrl(override: unknown, providerDefault: string, rule: HostRule): string {
	const text = typeof override === 'string' ? override.trim() : '';
	if (!text) return providerDefault;
	const url = parseUrl(text);
	if (!url) {
		throw new CredentialConfigurationError(
			`The credential's ${rule.field} "${text.slice(0, 80)}" is not a URL. Leave it empty to use the provider's own host.`,
		);
	}
	const loopback =
		(url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHost(url.hostname);
	const allowed =
		loopback || (url.protocol === 'https:' && (rule.anyHttps || allowedHost(rule, url.hostname)));
	if (!allowed) {
		throw new CredentialConfigurationError(
			`The credential's ${rule.field} must be ${describeAllowed(rule)}, or http:// to 127.0.0.1 or localhost for a local sandbox; "${url.origin.slice(0, 80)}" is not allowed. The credential's secret is only sent to those hosts.`,
		);
	}
	if (url.username || url.password || url.search || url.hash) {
		throw new CredentialConfigurationError(
			`The credential's ${rule.field} must not contain a user name, password, query or fragment.`,
		);
	}
	return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * Pins a credentialed request to the credential's own host. A relative URL is resolved against
 * `baseURL`; an absolute URL is only accepted when it already points there (n8n's HTTP Request
 * node sends absolute URLs), so a token is never sent to a host the credential did not choose.
 */
export function pinToHost<T extends { url: string; baseURL?: string }>(
	requestOptions: T,
	baseURL: string,
): T {
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

export const BASE_URL_OVERRIDE = 'Base URL Override';

/**
 * The advanced "Base URL Override" every credential has, read by `resolveBaseUrl`: empty means
 * the provider's real host (`realHost`, as the user should read it).
 */
export function baseUrlOverrideProperty(options: {
	realHost: string;
	placeholder: string;
	/** Where an override may point, e.g. "*.example-helpdesk.io". */
	allowed: string;
	description?: string;
}): INodeProperties {
	return {
		displayName: `${BASE_URL_OVERRIDE} (Advanced)`,
		name: 'baseUrl',
		type: 'string',
		default: '',
		placeholder: options.placeholder,
		description:
			options.description ??
			`Leave empty to use ${options.realHost}. Only for another host of the provider (${options.allowed}, over https://) or the local sandbox (http:// to 127.0.0.1 or localhost). Other hosts are refused: the credential's secret is only sent to these.`,
	};
}

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * The URLs `resolveBaseUrl` accepts for a rule, as the source of a case-insensitive regular
 * expression (origin plus plain path segments), for credentials whose hosts n8n computes from
 * expressions (OAuth2): one definition of the allowed hosts serves both.
 */
export function hostRulePattern(rule: HostRule): string {
	const port = '(:[0-9]{1,5})?';
	const loopback = `https?:\\/\\/(localhost|127(\\.[0-9]{1,3}){3}|\\[::1\\])${port}`;
	const names = [
		...(rule.hosts ?? []).map(escapeRegExp),
		...(rule.domains ?? []).map((domain) => `([a-z0-9-]+\\.)*${escapeRegExp(domain)}`),
	];
	const allowed = rule.anyHttps
		? `https:\\/\\/[a-z0-9.-]+${port}`
		: `https:\\/\\/(${names.join('|')})${port}`;
	return `^(${loopback}|${allowed})(\\/[a-z0-9._~-]+)*$`;
}
