import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { baseUrlOverrideProperty, CredentialConfigurationError, isDnsLabel, pinToHost, resolveBaseUrl } from '../nodes/CreateConversation/shared/hosts';

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

export function reamazeBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	// The brand is checked even when the override is set, so a bad value never goes unnoticed.
	const brand = reamazeBrand(credentials.brand);
	return resolveBaseUrl(credentials.baseUrl, `https://${brand}.reamaze.io/api/v1`);
}

export class ReamazeConversationApi implements ICredentialType {
	name = 'reamazeConversationApi';

	displayName = 'Reamaze (Create Conversation) API';

	icon: Icon = { light: 'file:../icons/reamaze.svg', dark: 'file:../icons/reamaze.dark.svg' };

	documentationUrl = 'https://www.reamaze.com/api';

	properties: INodeProperties[] = [
		{
			displayName: 'Brand',
			name: 'brand',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'acme',
			description:
				'The name in front of .reamaze.io in your Re:amaze address, e.g. "acme" for https://acme.reamaze.io (pasting the address works too). A custom help-centre domain does not serve the API.',
		},
		{
			displayName: 'Login Email',
			name: 'email',
			type: 'string',
			placeholder: 'name@email.com',
			required: true,
			default: '',
			description: 'The email address of the Re:amaze staff user the API token belongs to',
		},
		{
			displayName: 'API Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Your personal API token: Re:amaze → Settings → Developer → API Token',
		},
		baseUrlOverrideProperty({
			realHost: 'https://{brand}.reamaze.io/api/v1',
			placeholder: 'https://reamaze-gateway.example.com/api/v1',
		}),
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		// The host comes from the validated brand alone, so the token cannot be sent elsewhere.
		const pinned = pinToHost(requestOptions, reamazeBaseUrl(credentials));
		return {
			...pinned,
			auth: { username: String(credentials.email ?? '').trim(), password: String(credentials.apiToken ?? '') },
			headers: {
				...requestOptions.headers,
				Accept: 'application/json',
			},
		};
	}

	test: ICredentialTestRequest = {
		request: {
			method: 'GET',
			url: '/conversations',
			qs: { page: 1 },
		},
	};
}
