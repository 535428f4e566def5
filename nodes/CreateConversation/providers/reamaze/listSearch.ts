import {
	NodeOperationError,
	type IHttpRequestOptions,
	type ILoadOptionsFunctions,
	type INodeListSearchResult,
} from 'n8n-workflow';

import { listChannels } from './request';
import { readChannelPage } from './response';

export const REAMAZE_CREDENTIAL_TYPE = 'reamazeConversationApi';

/** The message of the error behind a failed lookup, without anything from the request. */
function reason(error: unknown): string {
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current; depth++) {
		const candidate = current as { name?: unknown; message?: unknown; cause?: unknown };
		if (candidate.name === 'CredentialConfigurationError' && typeof candidate.message === 'string') return candidate.message;
		current = candidate.cause;
	}
	const { httpCode, message } = error as { httpCode?: unknown; message?: unknown };
	if (httpCode === '401') return 'Re:amaze rejected the credential (HTTP 401): check the login email and API token.';
	return typeof message === 'string' ? message : 'unknown error';
}

/**
 * "From List" of the Channel field: one page of `GET /channels` per call, filtered by name or
 * slug; n8n asks for the next page with the returned token.
 */
export async function reamazeSearchChannels(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const page = Math.max(1, Number(paginationToken) || 1);
	const call = listChannels(page);
	const request: IHttpRequestOptions = {
		method: call.method,
		url: call.path,
		qs: call.qs,
		json: true,
		disableFollowRedirect: true,
	};
	let body: unknown;
	try {
		body = await this.helpers.httpRequestWithAuthentication.call(this, REAMAZE_CREDENTIAL_TYPE, request);
	} catch (error) {
		throw new NodeOperationError(this.getNode(), `Could not list the Re:amaze channels: ${reason(error)}`);
	}
	const { channels, pageCount } = readChannelPage(body);
	const needle = filter?.trim().toLowerCase();
	const results = channels
		.filter(
			(channel) =>
				!needle || channel.slug.toLowerCase().includes(needle) || (channel.name ?? '').toLowerCase().includes(needle),
		)
		.map((channel) => ({
			name: channel.name && channel.name !== channel.slug ? `${channel.name} (${channel.slug})` : channel.slug,
			value: channel.slug,
		}));
	return {
		results,
		paginationToken: pageCount !== undefined && page < pageCount ? String(page + 1) : undefined,
	};
}

export const reamazeListSearch = { reamazeSearchChannels };
