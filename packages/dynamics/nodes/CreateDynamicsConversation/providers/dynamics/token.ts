import { causeChain } from '../../shared/thrown';

/**
 * n8n-core could not get an Entra token (`Failed to acquire OAuth2 access token`, or the token
 * endpoint's `AuthError` when renewing after a 401). Nothing reached the Messaging API then.
 * Returns the token endpoint's own explanation (e.g. `invalid_client: AADSTS7000215: Invalid
 * client secret provided.`, without Entra's trace lines), which never contains the secret.
 */
export function entraTokenProblem(error: unknown): string | undefined {
	const chain = causeChain(error);
	const authError = chain.find((link) => link.code === 'EAUTH');
	if (authError) {
		const body = (authError.body ?? {}) as { error?: unknown; error_description?: unknown };
		const description =
			typeof body.error_description === 'string'
				? body.error_description.split(/\r?\n| Trace ID:/)[0].trim()
				: undefined;
		return [
			typeof body.error === 'string' ? body.error : undefined,
			description ?? String(authError.message ?? ''),
		]
			.filter(Boolean)
			.join(': ');
	}
	const failed = chain.find(
		(link) =>
			typeof link.message === 'string' &&
			link.message.startsWith('Failed to acquire OAuth2 access token'),
	);
	return failed ? String(failed.message) : undefined;
}

/** The `credentialLayerFailure` hook of the Dynamics provider. */
export function dynamicsCredentialLayerFailure(
	error: unknown,
): { message: string; description: string } | undefined {
	const problem = entraTokenProblem(error);
	if (!problem) return undefined;
	return {
		message: `Microsoft Dynamics 365 Contact Center: could not get an access token (${problem})`,
		description:
			"Microsoft Entra refused the credential's token request, so nothing was sent to Dynamics 365. Check the credential's Tenant ID, Client ID and Client Secret (the secret's Value, not its ID).",
	};
}
