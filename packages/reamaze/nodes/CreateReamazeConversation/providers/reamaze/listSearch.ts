import type { INodeListSearchResult } from 'n8n-workflow';

import type { ProviderClient } from '../../shared/provider';
import { listChannels } from './request';
import { readChannelPage } from './response';

/**
 * "From List" of the Channel field: one page of `GET /channels` per call, filtered by name or
 * slug; n8n asks for the next page with the returned token.
 */
export async function reamazeSearchChannels(
	client: ProviderClient,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const page = Math.max(1, Number(paginationToken) || 1);
	const { body } = await client.send(listChannels(page));
	const { channels, pageCount } = readChannelPage(body);
	const needle = filter?.trim().toLowerCase();
	const results = channels
		.filter(
			(channel) =>
				!needle ||
				channel.slug.toLowerCase().includes(needle) ||
				(channel.name ?? '').toLowerCase().includes(needle),
		)
		.map((channel) => ({
			name:
				channel.name && channel.name !== channel.slug
					? `${channel.name} (${channel.slug})`
					: channel.slug,
			value: channel.slug,
		}));
	return {
		results,
		paginationToken: pageCount !== undefined && page < pageCount ? String(page + 1) : undefined,
	};
}
