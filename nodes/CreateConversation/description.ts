import type { INodeCredentialDescription, INodeProperties } from 'n8n-workflow';

import { PROVIDER_PARAMETER } from './shared/parameters';
import type { ProviderDefinition } from './shared/provider';
import { requestOptionsProperty } from './shared/requestOptions';

/** Adds "only for this provider" to a panel field, keeping the field's own conditions. */
function forProvider(property: INodeProperties, providerId: string): INodeProperties {
	const displayOptions = property.displayOptions ?? {};
	return {
		...property,
		displayOptions: {
			...displayOptions,
			show: { ...displayOptions.show, [PROVIDER_PARAMETER]: [providerId] },
		},
	};
}

/**
 * One credential per provider, each shown only while its provider is selected.
 *
 * Written as "hidden for every other provider" rather than "shown for this one" on purpose:
 * n8n's editor treats a parameter that credentials `show` on as the node's authentication
 * choice and removes it from the panel, which would hide the Provider selector and leave the
 * credential dropdown as the only way to switch provider. `hide` means the same at run time.
 */
export function providerCredentials(providers: readonly ProviderDefinition[]): INodeCredentialDescription[] {
	return providers.map((provider) => ({
		name: provider.credentialType,
		required: true,
		displayOptions: {
			hide: {
				[PROVIDER_PARAMETER]: providers.filter((other) => other.id !== provider.id).map((other) => other.id),
			},
		},
	}));
}

/** The Provider selector, every provider's panel, and the shared request options. */
export function providerProperties(providers: readonly ProviderDefinition[]): INodeProperties[] {
	const firstProvider = providers[0].id;
	const providerSelector: INodeProperties = {
		displayName: 'Provider',
		name: PROVIDER_PARAMETER,
		type: 'options',
		noDataExpression: true,
		required: true,
		default: firstProvider,
		options: providers.map((provider) => ({
			name: provider.displayName,
			value: provider.id,
			description: provider.description,
		})),
		description: 'The helpdesk or messaging platform to open the conversation in',
	};
	return [
		providerSelector,
		...providers.flatMap((provider) => provider.properties.map((property) => forProvider(property, provider.id))),
		requestOptionsProperty,
	];
}

/** "in Intercom": the chosen provider's name under the node, not its internal id. */
export function providerSubtitle(providers: readonly ProviderDefinition[]): string {
	const names = Object.fromEntries(providers.map((provider) => [provider.id, provider.displayName]));
	return `={{"in " + (${JSON.stringify(names)}[$parameter["${PROVIDER_PARAMETER}"]] ?? $parameter["${PROVIDER_PARAMETER}"])}}`;
}
