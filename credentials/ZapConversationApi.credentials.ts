import { createHash } from 'crypto';
import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { baseUrlOverrideProperty, CredentialConfigurationError, pinToHost, resolveBaseUrl } from '../nodes/CreateConversation/shared/hosts';

/** ZAP's own API hosts; every path is under /v1. */
export const ZAP_ENVIRONMENT_HOSTS: Record<string, string> = {
	production: 'https://api.zap.africa',
	test: 'https://test-api.zap.africa',
};

/** Where a credential sends its secret: chosen environment, or the validated base URL. */
export function zapBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	const environment = String(credentials.environment ?? 'production');
	const override = typeof credentials.baseUrl === 'string' ? credentials.baseUrl.trim() : '';
	if (environment === 'custom') {
		if (!override) {
			throw new CredentialConfigurationError(
				'Environment is "Custom Deployment": enter your deployment\'s address (https://…) in Base URL.',
			);
		}
		return resolveBaseUrl(override, '');
	}
	const host = ZAP_ENVIRONMENT_HOSTS[environment];
	if (!host) {
		throw new CredentialConfigurationError(
			`Unknown ZAP environment "${environment}": choose Production, Test or Custom Deployment.`,
		);
	}
	return resolveBaseUrl(override, host);
}

/**
 * Ties a stored session token to the host and login it was issued for. When any of them changes,
 * the stored token no longer matches, is not sent, and n8n logs in again after the 401.
 */
function loginFingerprint(credentials: ICredentialDataDecryptedObject, baseUrl: string): string {
	return createHash('sha256')
		.update(JSON.stringify([baseUrl, String(credentials.identity ?? ''), String(credentials.password ?? '')]))
		.digest('hex')
		.slice(0, 16);
}

/** The JWT from a login answer: `data.token`, `data.data.token` or a top-level `token`. */
export function tokenFromLogin(body: unknown): string | undefined {
	const root = body as { token?: unknown; data?: { token?: unknown; data?: { token?: unknown } } } | undefined;
	const candidates = [root?.data?.token, root?.data?.data?.token, root?.token];
	const token = candidates.find((value) => typeof value === 'string' && value.trim() !== '');
	return typeof token === 'string' ? token.trim() : undefined;
}

function loginMessage(body: unknown): string | undefined {
	const message = (body as { message?: unknown; error?: unknown } | undefined)?.message ?? (body as { error?: unknown })?.error;
	if (typeof message === 'string' && message.trim()) return message.trim().slice(0, 200);
	if (Array.isArray(message) && typeof message[0] === 'string') return message[0].slice(0, 200);
	return undefined;
}

interface LoginAnswer {
	statusCode: number;
	body: unknown;
}

/**
 * Logins in flight, by login fingerprint (host, identity and password, hashed). Items that run in parallel all find an
 * empty token at once; they share one login instead of each opening a session.
 */
const loginsInFlight = new Map<string, Promise<string>>();

async function login(helper: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject, baseUrl: string): Promise<string> {
	const identity = String(credentials.identity ?? '').trim();
	const password = String(credentials.password ?? '');
	if (!identity || !password) {
		throw new CredentialConfigurationError('Enter the ZAP email/username and password, or switch Authentication to Access Token.');
	}
	const post = async (body: IDataObject): Promise<LoginAnswer> => {
		try {
			const response = (await helper.helpers.httpRequest({
				method: 'POST',
				url: `${baseUrl}/v1/login`,
				body,
				json: true,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				disableFollowRedirect: true,
				timeout: 30_000,
				headers: { Accept: 'application/json' },
			})) as { statusCode?: number; body?: unknown };
			return { statusCode: response.statusCode ?? 200, body: response.body };
		} catch (error) {
			// The failed request carries the password in its body: report only the reason.
			const code = (error as { code?: unknown; cause?: { code?: unknown } })?.cause?.code ?? (error as { code?: unknown })?.code;
			throw new CredentialConfigurationError(
				`Could not log in to ZAP at ${baseUrl}: ${typeof code === 'string' ? code : 'network error'}. Check the Environment / Base URL.`,
			);
		}
	};

	let answer = await post({ identity, password });
	// An older version of the login documents `email` instead of `identity`.
	if ((answer.statusCode === 400 || answer.statusCode === 422) && identity.includes('@')) {
		const legacy = await post({ email: identity, password });
		if (legacy.statusCode < 300 || legacy.statusCode === 401) answer = legacy;
	}
	const token = answer.statusCode >= 200 && answer.statusCode < 300 ? tokenFromLogin(answer.body) : undefined;
	if (!token) {
		const reason = loginMessage(answer.body);
		throw new CredentialConfigurationError(
			answer.statusCode >= 200 && answer.statusCode < 300
				? 'ZAP login succeeded but the answer had no token (looked for data.token and data.data.token).'
				: `ZAP login failed (HTTP ${answer.statusCode})${reason ? `: ${reason}` : ''}. Check the email/username and password.`,
		);
	}
	return token;
}

export class ZapConversationApi implements ICredentialType {
	name = 'zapConversationApi';

	displayName = 'ZAP (Create Conversation) API';

	icon: Icon = { light: 'file:../icons/zap.svg', dark: 'file:../icons/zap.dark.svg' };

	documentationUrl = 'https://zap.africa';

	properties: INodeProperties[] = [
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			default: 'production',
			options: [
				{ name: 'Production (api.zap.africa)', value: 'production' },
				{ name: 'Test (test-api.zap.africa)', value: 'test' },
				{ name: 'Custom Deployment (Base URL Below)', value: 'custom' },
			],
			description: 'Which ZAP API to use. Accounts and tokens only work in their own environment.',
		},
		{
			displayName: 'Authentication',
			name: 'authMode',
			type: 'options',
			default: 'accessToken',
			options: [
				{
					name: 'Access Token',
					value: 'accessToken',
					description: 'Paste a token (JWT) you already have',
				},
				{
					name: 'Email/Username and Password',
					value: 'login',
					description: 'n8n logs in and renews the token when it expires',
				},
			],
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'The bearer token (JWT) of the ZAP account that opens conversations. It expires after about one day.',
			displayOptions: { show: { authMode: ['accessToken'] } },
		},
		{
			displayName: 'Email, Username or Phone',
			name: 'identity',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'support@example.com',
			description: 'What you type in ZAP\'s login form',
			displayOptions: { show: { authMode: ['login'] } },
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			displayOptions: { show: { authMode: ['login'] } },
		},
		{
			displayName: 'Session Token',
			name: 'sessionToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		baseUrlOverrideProperty({
			realHost: 'the chosen environment',
			placeholder: 'https://zap-api.example.com',
			description:
				'Required for a Custom Deployment: its API address (https://, without /v1). Otherwise leave empty to use the chosen environment; set it only for an API gateway or a local emulator (https://, or http:// to 127.0.0.1/localhost).',
		}),
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject): Promise<IDataObject> {
		// Access tokens are used as typed; nothing to store.
		if (credentials.authMode !== 'login') return {};
		const baseUrl = zapBaseUrl(credentials);
		const fingerprint = loginFingerprint(credentials, baseUrl);
		const key = fingerprint;
		let pending = loginsInFlight.get(key);
		if (!pending) {
			pending = login(this, credentials, baseUrl);
			loginsInFlight.set(key, pending);
			const forget = () => loginsInFlight.delete(key);
			pending.then(forget, forget);
		}
		const token = await pending;
		return { sessionToken: `${fingerprint}:${token}` };
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		// The host comes from the credential alone, so the token cannot be sent elsewhere.
		const baseUrl = zapBaseUrl(credentials);
		const pinned = pinToHost(requestOptions, baseUrl);
		let token: string;
		if (credentials.authMode === 'login') {
			const stored = String(credentials.sessionToken ?? '');
			const separator = stored.indexOf(':');
			// A token issued for another host or login is not sent: the 401 makes n8n log in again.
			token = separator > 0 && stored.slice(0, separator) === loginFingerprint(credentials, baseUrl) ? stored.slice(separator + 1) : '';
		} else {
			token = String(credentials.accessToken ?? '').trim();
		}
		const headers: Record<string, string> = { ...(requestOptions.headers as Record<string, string>), Accept: 'application/json' };
		if (token) headers.Authorization = `Bearer ${token}`;
		return { ...pinned, headers };
	}

	test: ICredentialTestRequest = {
		request: {
			method: 'GET',
			url: '/v1/users/token',
		},
	};
}
