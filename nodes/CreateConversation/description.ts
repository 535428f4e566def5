import type { INodeCredentialDescription, INodeProperties } from 'n8n-workflow';

import { PROVIDER_PARAMETER, TOOL_DESCRIPTION_PARAMETER } from './shared/parameters';
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
export function providerCredentials(
	providers: readonly ProviderDefinition[],
): INodeCredentialDescription[] {
	return providers.map((provider) => ({
		name: provider.credentialType,
		required: true,
		displayOptions: {
			hide: {
				[PROVIDER_PARAMETER]: providers
					.filter((other) => other.id !== provider.id)
					.map((other) => other.id),
			},
		},
	}));
}

/**
 * The Provider selector, every provider's panel, and the shared request options. A node of one
 * provider (a per-provider package) keeps the parameter, hidden, so its panels and saved
 * workflows read the same.
 */
export function providerProperties(providers: readonly ProviderDefinition[]): INodeProperties[] {
	const firstProvider = providers[0].id;
	const providerSelector: INodeProperties =
		providers.length === 1
			? {
					displayName: 'Provider',
					name: PROVIDER_PARAMETER,
					type: 'hidden',
					default: firstProvider,
				}
			: {
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
		...providers.map(toolDescriptionProperty),
		...providers.flatMap((provider) =>
			provider.properties.map((property) => forProvider(property, provider.id)),
		),
		requestOptionsProperty,
	];
}

/**
 * The Description field of the node used as an AI tool, per provider: n8n adds a generic one
 * (the node's description, which lists every provider) unless the node has its own, and the
 * `@tool` condition keeps it out of the node's regular panel.
 */
function toolDescriptionProperty({ id, toolDescription }: ProviderDefinition): INodeProperties {
	return {
		displayName: 'Description',
		name: TOOL_DESCRIPTION_PARAMETER,
		type: 'string',
		typeOptions: { rows: 3 },
		required: true,
		default: toolDescription,
		description:
			'What the AI agent reads about this tool to decide when and how to call it. Keep that it is not idempotent (unless the node sets a Deduplication Key).',
		displayOptions: { show: { [PROVIDER_PARAMETER]: [id], '@tool': [true] } },
	};
}

/** "in <provider name>": the chosen provider's name under the node, not its internal id. */
export function providerSubtitle(providers: readonly ProviderDefinition[]): string {
	const names = Object.fromEntries(
		providers.map((provider) => [provider.id, provider.displayName]),
	);
	return `={{"in " + (${JSON.stringify(names)}[$parameter["${PROVIDER_PARAMETER}"]] ?? $parameter["${PROVIDER_PARAMETER}"])}}`;
}

/** Words people search the node panel with besides the providers' names. */
const GENERIC_ALIASES = ['helpdesk', 'ticket', 'support', 'chat'];

/**
 * The node's codex (`CreateConversation.node.json`, which n8n reads beside the node for the node
 * panel's categories and search), written into dist by the build (gulpfile.js) from this.
 */
export function codexFor(
	providers: readonly ProviderDefinition[],
	packageName: string,
	homepage: string,
	nodeName = 'createConversation',
) {
	const page = homepage.replace(/#.*$/, '');
	return {
		node: `${packageName}.${nodeName}`,
		nodeVersion: '1.0',
		codexVersion: '1.0',
		categories: ['Communication'],
		alias: [
			...new Set([
				...providers.flatMap((provider) => [
					provider.displayName,
					...(provider.searchAliases ?? []),
				]),
				...GENERIC_ALIASES,
			]),
		],
		resources: {
			credentialDocumentation: [{ url: `${page}#providers` }],
			primaryDocumentation: [{ url: `${page}#readme` }],
		},
	};
}

/** The node's description line: what it does, with every provider's name. */
export function nodeDescription(providers: readonly ProviderDefinition[]): string {
	if (providers.length === 1)
		return `${providers[0].description}. Creates one conversation per input item. Not idempotent unless Request Options › Deduplication Key is set: without it, running it again creates another conversation.`;
	const names = providers.map((provider) => provider.displayName);
	const list =
		names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : names.join('');
	return `Opens a new conversation in a helpdesk or customer-messaging platform: ${list}. Creates one conversation per input item. Not idempotent unless Request Options › Deduplication Key is set: without it, running it again creates another conversation.`;
}
