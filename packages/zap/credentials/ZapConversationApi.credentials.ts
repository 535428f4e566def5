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

import { zapTarget } from '../nodes/CreateZapConversation/providers/zap/host';
import {
	baseUrlOverrideProperty,
	CredentialConfigurationError,
	pinToHost,
} from '../nodes/CreateZapConversation/shared/hosts';

/**
 * Ties a stored session token to the host and login it was issued for. When any of them changes,
 * the stored token no longer matches, is not sent, and n8n logs in again after the 401.
 */
function loginFingerprint(credentials: ICredentialDataDecryptedObject, baseUrl: string): string {
	return createHash('sha256')
		.update(
			JSON.stringify([
				baseUrl,
				String(credentials.identity ?? ''),
				String(credentials.password ?? ''),
			]),
		)
		.digest('hex')
		.slice(0, 16);
}

/** The JWT from a login answer: `data.token`, `data.data.token` or a top-level `token`. */
export function tokenFromLogin(body: unknown): string | undefined {
	const root = body as
		| { token?: unknown; data?: { token?: unknown; data?: { token?: unknown } } }
		| undefined;
	const candidates = [root?.data?.token, root?.data?.data?.token, root?.token];
	const token = candidates.find((value) => typeof value === 'string' && value.trim() !== '');
	return typeof token === 'string' ? token.trim() : undefined;
}

function loginMessage(body: unknown): string | undefined {
	const message =
		(body as { message?: unknown; error?: unknown } | undefined)?.message ??
		(body as { error?: unknown })?.error;
	if (typeof message === 'string' && message.trim()) return message.trim().slice(0, 200);
	if (Array.isArray(message) && typeof message[0] === 'string') return message[0].slice(0, 200);
	return undefined;
}

interface LoginAnswer {
	statusCode: number;
	body: unknown;
}

/**
 * Session tokens of the logins this process made, by login fingerprint (host, identity and
 * password, hashed), while pending and after. Executions that start together all find an empty
 * token in the stored credential, and one that starts after another logged in may still read the
 * credential as it was: they all use one login instead of each opening a session. Bounded; the
 * oldest entries go first.
 */
const sessions = new Map<string, Promise<string>>();
const MAX_SESSIONS = 100;

/** The stored token, if it was issued for this host and login. */
function storedToken(credentials: ICredentialDataDecryptedObject, fingerprint: string): string {
	const stored = String(credentials.sessionToken ?? '');
	const separator = stored.indexOf(':');
	return separator > 0 && stored.slice(0, separator) === fingerprint
		? stored.slice(separator + 1)
		: '';
}

/**
 * One login per fingerprint per process. n8n calls `preAuthentication` when the stored token is
 * empty, after a 401 (the stored token was rejected) and for the credential test: a cached token
 * equal to the rejected one is dropped and a fresh login made; a different cached one (another
 * execution renewed it already) is used as is.
 */
async function sessionToken(
	helper: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
	baseUrl: string,
	fingerprint: string,
): Promise<string> {
	const rejected = storedToken(credentials, fingerprint);
	const cached = sessions.get(fingerprint);
	if (cached) {
		const token = await cached.catch(() => undefined);
		if (token && token !== rejected && sessions.get(fingerprint) === cached) return token;
		if (sessions.get(fingerprint) === cached) sessions.delete(fingerprint);
	}
	let pending = sessions.get(fingerprint);
	if (!pending) {
		pending = login(helper, credentials, baseUrl);
		sessions.set(fingerprint, pending);
		const created = pending;
		pending.catch(() => {
			if (sessions.get(fingerprint) === created) sessions.delete(fingerprint);
		});
		for (const oldest of sessions.keys()) {
			if (sessions.size <= MAX_SESSIONS) break;
			sessions.delete(oldest);
		}
	}
	return await pending;
}

async function login(
	helper: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
	baseUrl: string,
): Promise<string> {
	const identity = String(credentials.identity ?? '').trim();
	const password = String(credentials.password ?? '');
	if (!identity || !password) {
		throw new CredentialConfigurationError(
			'Enter the ZAP email/username and password, or switch Authentication to Access Token.',
		);
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
			const code =
				(error as { code?: unknown; cause?: { code?: unknown } })?.cause?.code ??
				(error as { code?: unknown })?.code;
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
	const token =
		answer.statusCode >= 200 && answer.statusCode < 300 ? tokenFromLogin(answer.body) : undefined;
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
			description:
				'The bearer token (JWT) of the ZAP account that opens conversations. It expires after about one day.',
			displayOptions: { show: { authMode: ['accessToken'] } },
		},
		{
			displayName: 'Email, Username or Phone',
			name: 'identity',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'support@example.com',
			description: "What you type in ZAP's login form",
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
			placeholder: 'https://api.zap.africa',
			allowed: '*.zap.africa',
			description:
				'Required for a Custom Deployment: its API address (https://, without /v1). The password or token is sent to that host, so enter only your own deployment. Otherwise leave empty to use the chosen environment; set it only for another *.zap.africa host over https:// or the local sandbox (http:// to 127.0.0.1/localhost). Other hosts are refused.',
		}),
	];

	async preAuthentication(
		this: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
	): Promise<IDataObject> {
		// Access tokens are used as typed; nothing to store.
		if (credentials.authMode !== 'login') return {};
		const { baseUrl } = zapTarget(credentials);
		const fingerprint = loginFingerprint(credentials, baseUrl);
		const token = await sessionToken(this, credentials, baseUrl, fingerprint);
		return { sessionToken: `${fingerprint}:${token}` };
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		// The host comes from the credential alone, so the token cannot be sent elsewhere.
		const { baseUrl } = zapTarget(credentials);
		const pinned = pinToHost(requestOptions, baseUrl);
		let token: string;
		if (credentials.authMode === 'login') {
			// A token issued for another host or login is not sent: the 401 makes n8n log in again.
			token = storedToken(credentials, loginFingerprint(credentials, baseUrl));
		} else {
			token = String(credentials.accessToken ?? '').trim();
		}
		const headers: Record<string, string> = {
			...(requestOptions.headers as Record<string, string>),
			Accept: 'application/json',
		};
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
