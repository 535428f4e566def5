import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { listOrganisations } from './request';
import { organisationsFrom } from './response';

export const REEVOO_CREDENTIAL_TYPE = 'reevooConversationApi';

/** The retailers this API key may use, for the Retailer list; filtered by trkref or name. */
export async function reevooSearchRetailers(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const body: unknown = await this.helpers.httpRequestWithAuthentication.call(this, REEVOO_CREDENTIAL_TYPE, {
		method: listOrganisations.method,
		url: listOrganisations.path,
		headers: { Accept: 'application/json' },
		json: true,
		disableFollowRedirect: true,
	});
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
			name: organisation.name ? `${organisation.name} (${organisation.trkref})` : organisation.trkref,
			value: organisation.trkref,
		}));
	return { results };
}
