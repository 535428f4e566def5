import type { HttpResult } from './provider';

/**
 * n8n's request helpers throw (instead of returning) for the statuses we ask them to, for
 * network failures and for problems of the credential layer. These read what is worth knowing
 * out of such an error, however n8n wrapped it; credentials never leave them, because only
 * status, headers, body and messages are kept.
 */

/** The errors of a wrapped error, outermost first (at most a few levels). */
export function causeChain(error: unknown, depth = 6): Array<Record<string, unknown>> {
	const chain: Array<Record<string, unknown>> = [];
	for (let current = error; current && typeof current === 'object' && chain.length < depth; ) {
		const link = current as Record<string, unknown>;
		chain.push(link);
		current = link.cause;
	}
	return chain;
}

export function isHttpLike(
	value: unknown,
): value is { statusCode: number; headers?: unknown; body?: unknown } {
	return (
		typeof value === 'object' &&
		value !== null &&
		typeof (value as { statusCode?: unknown }).statusCode === 'number'
	);
}

/** The provider's answer inside a thrown error, when there was one. */
export function answerFromThrown(error: unknown): HttpResult | undefined {
	const candidate = error as {
		httpCode?: unknown;
		cause?: { response?: { status?: number; headers?: unknown; data?: unknown; body?: unknown } };
		response?: { status?: number; headers?: unknown; data?: unknown; body?: unknown };
	};
	const response = candidate?.cause?.response ?? candidate?.response;
	const status = response?.status ?? (candidate?.httpCode ? Number(candidate.httpCode) : undefined);
	if (!status || Number.isNaN(status)) return undefined;
	return {
		statusCode: status,
		headers: (response?.headers ?? {}) as HttpResult['headers'],
		body: response?.data ?? response?.body,
	};
}

/** A `CredentialConfigurationError` thrown by a credential's code, however n8n wrapped it. */
export function configurationProblem(error: unknown): string | undefined {
	const found = causeChain(error, 4).find((link) => link.name === 'CredentialConfigurationError');
	return typeof found?.message === 'string' ? found.message : undefined;
}

/** The network failure in words a user can act on. */
export function networkReason(error: unknown): string {
	const code = causeChain(error)
		.map((link) => link.code)
		.find((value): value is string => typeof value === 'string' && /^E[A-Z_]+$/.test(value));
	switch (code) {
		case 'ECONNABORTED':
		case 'ETIMEDOUT':
		case 'ESOCKETTIMEDOUT':
			return 'the request timed out';
		case 'ECONNRESET':
		case 'EPIPE':
			return 'the connection was reset';
		case 'ECONNREFUSED':
			return 'the connection was refused';
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return 'the host name could not be resolved';
		default:
			return code ? `a network error (${code})` : 'a network error';
	}
}
