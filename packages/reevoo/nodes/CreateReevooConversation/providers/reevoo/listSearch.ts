import type { INodeListSearchResult } from 'n8n-workflow';

import type { ProviderClient } from '../../shared/provider';
import { listOrganisations } from './request';
import { organisationsFrom } from './response';

/** The retailers this API key may use, for the Retailer list; filtered by trkref or name. */
export async function reevooSearchRetailers(
	client: ProviderClient,
	filter?: string,
): Promise<INodeListSearchResult> {
	const { body } = await client.send(listOrganisations);
	const wanted = filter?.trim().toLowerCase() ?? '';
	const results = organisationsFrom(body)
		.filter(
			(organisation) =>
				!wanted ||
				organisation.trkref.toLowerCase().includes(wanted) ||
				(organisation.name ?? '').toLowerCase().includes(wanted),
		)
		.sort((a, b) => (a.name ?? a.trkref).localeCompare(b.name ?? b.trkref))
		.map((organisation) => ({
			name: organisation.name
				? `${organisation.name} (${organisation.trkref})`
				: organisation.trkref,
			value: organisation.trkref,
		}));
	return { results };
}
