import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import type { ProviderDefinition } from './provider';
import { ExecutionScope, LIST_SEARCH_SETTINGS, ProviderTransport } from './transport';

/**
 * The node's `methods.listSearch`: every provider's searches, each run through the same transport
 * as the item loop (timeouts, 429 handling, the shared quota, errors without secrets).
 */
export function listSearchMethods(
	providers: readonly ProviderDefinition[],
): Record<
	string,
	(
		this: ILoadOptionsFunctions,
		filter?: string,
		paginationToken?: string,
	) => Promise<INodeListSearchResult>
> {
	return Object.fromEntries(
		providers.flatMap((provider) =>
			Object.entries(provider.listSearch ?? {}).map(([name, search]) => [
				name,
				async function (this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) {
					const client = new ProviderTransport(
						this,
						new ExecutionScope(this, provider),
						LIST_SEARCH_SETTINGS,
						0,
					);
					return await search(client, filter, paginationToken);
				},
			]),
		),
	);
}
