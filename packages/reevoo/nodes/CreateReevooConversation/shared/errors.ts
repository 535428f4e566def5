import { NodeApiError, type INode, type JsonObject } from 'n8n-workflow';

import type { HttpCall, HttpResult, ProviderDefinition } from './provider';
import { headerValue } from './rateLimitHeaders';
import { redactCredentials } from './redaction';
import { networkReason } from './thrown';

/**
 * Errors for failed provider calls, worded by what the call was (one that creates something, or
 * one that only reads) and by the provider (what its credential and host consist of).
 */

type ErrorProvider = Pick<ProviderDefinition, 'displayName' | 'parseError' | 'errorHints'>;

function errorBodySummary(body: unknown): string | undefined {
	if (typeof body !== 'string') return undefined;
	const text = body
		.replace(/<[^>]*>/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	return text ? text.slice(0, 200) : undefined;
}

/** Whether this provider uses the status for "the credential is wrong". */
export function rejectsCredentialWith(
	provider: Pick<ProviderDefinition, 'errorHints'>,
	status: number,
): boolean {
	return (provider.errorHints.credentialRejectedStatuses ?? [401]).includes(status);
}

function headlineFor(provider: ErrorProvider, status: number, location?: string): string {
	if (status >= 300 && status < 400)
		return `unexpected redirect${location ? ` to ${location.replace(/[?#].*$/, '')}` : ''}; redirects are not followed with credentials`;
	if (rejectsCredentialWith(provider, status)) return 'the credential was rejected';
	if (status === 403) return 'access denied';
	if (status === 404) return 'not found';
	if (status === 429) return 'rate limit exceeded';
	if (status >= 500) return 'the provider had an internal error';
	return `request failed with HTTP ${status}`;
}

/** What a user can do about a failed call. */
export function hintFor(
	provider: ErrorProvider,
	call: HttpCall,
	status: number,
): string | undefined {
	if (rejectsCredentialWith(provider, status))
		return `Check the ${provider.displayName} credential: ${provider.errorHints.credential}.`;
	if (status === 403)
		return 'The credential is valid but lacks permission (or the plan does not include this API).';
	if (status >= 500) {
		return call.creates
			? 'It was not sent again: it may have been processed, and repeating it could create a duplicate.'
			: 'Nothing was created by this call; running the item again is safe.';
	}
	if (status >= 300 && status < 400)
		return `Check the credential's ${provider.errorHints.host}: it should point at the API itself.`;
	return undefined;
}

/** The error for a provider's non-2xx answer; `reason` replaces the headline (e.g. a rate-limit verdict). */
export function apiError(
	node: INode,
	provider: ErrorProvider,
	call: HttpCall,
	result: HttpResult,
	itemIndex: number,
	reason?: string,
): NodeApiError {
	const details = provider.parseError(result);
	const status = result.statusCode;
	const providerMessage = redactCredentials(details.message ?? errorBodySummary(result.body));
	const headline =
		reason ?? providerMessage ?? headlineFor(provider, status, headerValue(result, 'location'));
	const lines = [
		`${provider.displayName} answered HTTP ${status} to "${call.purpose}".`,
		providerMessage && reason ? `Provider message: ${providerMessage}` : undefined,
		details.code ? `Error code: ${redactCredentials(details.code)}` : undefined,
		details.requestId ? `Request ID: ${redactCredentials(details.requestId)}` : undefined,
		...(details.details ?? []).map((line) => redactCredentials(line)),
		hintFor(provider, call, status),
	].filter((line): line is string => Boolean(line));
	return new NodeApiError(
		node,
		{
			message: headline,
			httpCode: String(status),
			...(details.code ? { code: details.code } : {}),
			...(details.requestId ? { requestId: details.requestId } : {}),
		} as JsonObject,
		{
			message: `${provider.displayName}: ${headline}`,
			description: lines.join('\n'),
			httpCode: String(status),
			itemIndex,
		},
	);
}

/** The error for a call that got no answer (timeout, reset, refused, unknown host). */
export function networkError(
	node: INode,
	provider: ErrorProvider,
	call: HttpCall,
	error: unknown,
	itemIndex: number,
): NodeApiError {
	const reason = networkReason(error);
	const description = call.creates
		? `${provider.displayName} may or may not have processed it. It was not sent again, because repeating it could create a duplicate.`
		: `Nothing was created by this call. Check the credential's ${provider.errorHints.host} and the network between n8n and ${provider.displayName}.`;
	return new NodeApiError(node, { message: reason } as JsonObject, {
		message: `Could not ${call.purpose}: ${reason}`,
		description,
		itemIndex,
	});
}
