import { GUID_PATTERN, DNS_LABEL_PATTERN, hostRulePattern } from '../../shared/hosts';
import { AUTHORITY_RULE, DYNAMICS_DEFAULT_AUTHORITY, MESSAGING_RULE, TEMPLATES } from './host';

/**
 * The Dynamics credential's hidden expressions (token URL, scope, the test request's host),
 * generated from host.ts: its templates, its field rules and its host rules. n8n-core runs no
 * code for OAuth2 credentials, so these strings are where the rules must live at run time; being
 * generated, they cannot drift from what the node checks.
 *
 * Expressions cannot throw: when a field breaks a rule they produce a URL under `invalid.invalid`
 * (a reserved name that never resolves), so the client secret and the token are never sent to a
 * host typed as free text.
 */

/** `$self` in the credential's own properties, `$credentials` in its test request. */
type Source = '$self' | '$credentials';

const field = (name: string, source: Source) => `String(${source}["${name}"] ?? "").trim()`;
const lower = (name: string, source: Source) => `${field(name, source)}.toLowerCase()`;
const regex = (pattern: string, flags = '') => `/${pattern}/${flags}`;
const GUID = regex(GUID_PATTERN.source, 'i');
const DNS_LABEL = regex(DNS_LABEL_PATTERN.source);
/** The field's URL (or its default) without trailing slashes. */
const urlOf = (name: string, fallback: string, source: Source) =>
	`(${field(name, source)} || "${fallback}").replace(/\\/+$/, "")`;

/** A template as a string concatenation of expressions. */
function templateExpression(template: string, parts: Record<string, string>): string {
	return template
		.split(/(\{\w+\})/)
		.filter(Boolean)
		.map((piece) => {
			const name = /^\{(\w+)\}$/.exec(piece)?.[1];
			return name ? `(${parts[name]})` : JSON.stringify(piece);
		})
		.join(' + ');
}

function parts(source: Source): Record<string, string> {
	return {
		authority: urlOf('authorityHost', DYNAMICS_DEFAULT_AUTHORITY, source),
		tenantId: lower('tenantId', source),
		organizationId: lower('organizationId', source),
		organizationIdCompact: `${lower('organizationId', source)}.replace(/-/g, "")`,
		scopeZone: lower('scopeZone', source),
		messagingGeo: lower('messagingGeo', source),
	};
}

const invalid = (reason: string) => JSON.stringify(`https://invalid.invalid/${reason}`);

export const DYNAMICS_ACCESS_TOKEN_URL_EXPRESSION = (() => {
	const p = parts('$self');
	const safe = `${regex(hostRulePattern(AUTHORITY_RULE), 'i')}.test(${p.authority}) && ${GUID}.test(${p.tenantId})`;
	return `={{ ${safe} ? ${templateExpression(TEMPLATES.tokenUrl, p)} : ${invalid('dynamics-credential-needs-a-tenant-id-guid-and-a-microsoft-authority-host')} }}`;
})();

export const DYNAMICS_SCOPE_EXPRESSION = (() => {
	const p = parts('$self');
	const override = field('scopeOverride', '$self');
	const safe = `${GUID}.test(${p.organizationId}) && ${DNS_LABEL}.test(${p.scopeZone})`;
	return `={{ ${override} ? ${override} : ${safe} ? ${templateExpression(TEMPLATES.scope, p)} : ${invalid('dynamics-credential-needs-an-organization-id-guid-and-a-scope-zone/.default')} }}`;
})();

/** The messaging host for the credential test request. */
export function dynamicsMessagingBaseUrlExpression(source: Source): string {
	const p = parts(source);
	const override = urlOf('baseUrl', '', source);
	const safeOverride = `${regex(hostRulePattern(MESSAGING_RULE), 'i')}.test(${override})`;
	const safeParts = `${GUID}.test(${p.organizationId}) && ${DNS_LABEL}.test(${p.messagingGeo})`;
	return (
		`={{ ${field('baseUrl', source)} ? (${safeOverride} ? ${override} : ${invalid('dynamics-base-url-override-must-be-a-microsoft-messaging-host')}) ` +
		`: ${safeParts} ? ${templateExpression(TEMPLATES.messagingBaseUrl, p)} : ${invalid('dynamics-credential-needs-an-organization-id-guid-and-a-messaging-geo')} }}`
	);
}
