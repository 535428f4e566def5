import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { z } from 'zod';

import type { ProviderDefinition } from '../provider';
import {
	DEDUPLICATION_KEY_PARAMETER,
	REQUEST_OPTIONS_PARAMETER,
	requestOptionsProperty,
} from '../requestOptions';
import { validateParameters } from '../validation';
import { FORGET_OPTION, MAX_KEY_LENGTH, type DuplicateInfo, type KeySpace } from './keys';

/** What the Deduplication Key adds to the item loop: reading keys, and the items and notes it outputs. */

/** Whether the Deduplication Key option is set (to anything but an empty text). */
export function keyOptionSet(context: IExecuteFunctions): boolean {
	const options = context.getNode().parameters[REQUEST_OPTIONS_PARAMETER] as
		| IDataObject
		| undefined;
	const value = options?.[DEDUPLICATION_KEY_PARAMETER];
	return value !== undefined && value !== null && value !== '';
}

const keySchema = z.object({
	[REQUEST_OPTIONS_PARAMETER]: z.object({
		[DEDUPLICATION_KEY_PARAMETER]: z.union([
			z.string().trim().min(1).max(MAX_KEY_LENGTH),
			z.number().finite(),
		]),
	}),
});

/** One item's Deduplication Key: text or a number, never empty (a missing key would turn it off silently). */
export function readKey(context: IExecuteFunctions, itemIndex: number): string {
	const value = context.getNodeParameter(
		`${REQUEST_OPTIONS_PARAMETER}.${DEDUPLICATION_KEY_PARAMETER}`,
		itemIndex,
		'',
	);
	const parsed = validateParameters(
		context.getNode(),
		keySchema,
		[requestOptionsProperty],
		{ [REQUEST_OPTIONS_PARAMETER]: { [DEDUPLICATION_KEY_PARAMETER]: value } },
		itemIndex,
	);
	return String(parsed[REQUEST_OPTIONS_PARAMETER][DEDUPLICATION_KEY_PARAMETER]);
}

/** Tells the user what became of a failed item's key, and how to create it again. */
export function withKeyVerdict(
	error: Error,
	verdict: 'released' | 'kept' | 'none',
	key: string,
	providerName: string,
): Error {
	if (verdict === 'none') return error;
	const note =
		verdict === 'released'
			? `Deduplication Key "${key}" was released: ${providerName} created nothing, so running this item again (corrected) creates it.`
			: `Deduplication Key "${key}" is kept, because ${providerName} may have created the conversation: runs with this key come out as "duplicate". Check ${providerName}; if nothing was created, run this item once with ${FORGET_OPTION} on, then again without it.`;
	const target = error as Error & { description?: string | null };
	target.description = target.description ? `${target.description}\n\n${note}` : note;
	return error;
}

export function duplicateItem(
	provider: Pick<ProviderDefinition, 'id' | 'displayName'>,
	key: string,
	space: KeySpace,
	info: DuplicateInfo,
	itemIndex: number,
): INodeExecutionData {
	const note = info.unknown
		? `An earlier attempt with this key ended without a clear answer (a timeout, a 5xx, a crash), so the conversation may not exist: check ${provider.displayName}, and use ${FORGET_OPTION} to create it again.`
		: info.conversationId === null
			? 'Another execution created (or is creating) the conversation for this key; its ID is not stored with the key.'
			: 'The conversation for this key was already created; nothing was sent.';
	return {
		json: {
			provider: provider.id,
			status: 'duplicate',
			deduplicationKey: key,
			deduplicationKeySpace: space,
			conversationId: info.conversationId,
			conversationUrl: null,
			note,
		},
		pairedItem: { item: itemIndex },
	};
}
