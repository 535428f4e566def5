import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { zoneDateFields } from './dates';
import {
	DEDUPLICATION_KEY_OPTION,
	Deduplication,
	DuplicateKeyError,
	duplicateItem,
	FORGET_OPTION,
	keyOptionSet,
	readKey,
	withKeyVerdict,
	type KeyClaim,
} from './deduplication';
import { PROVIDER_PARAMETER } from './parameters';
import type { ConversationOutcome, ProviderDefinition } from './provider';
import { MAX_CONCURRENCY } from './quota';
import {
	REQUEST_OPTIONS_PARAMETER,
	requestOptionsProperty,
	requestOptionsParameterSchema,
	toExecutionSettings,
	type ExecutionSettings,
} from './requestOptions';
import { ExecutionScope, ProviderTransport } from './transport';
import { validateParameters } from './validation';

/**
 * Reads the provider panel's parameters for one item. Only parameters n8n kept for the current
 * settings are read: a field hidden by its display conditions is simply absent. Dates without a
 * zone are read in the workflow's time zone.
 */
function readPanel(
	context: IExecuteFunctions,
	properties: INodeProperties[],
	itemIndex: number,
): Record<string, unknown> {
	const present = context.getNode().parameters;
	const raw: Record<string, unknown> = {};
	for (const property of properties) {
		if (!(property.name in present)) continue;
		raw[property.name] = context.getNodeParameter(property.name, itemIndex, undefined, {
			extractValue: property.type === 'resourceLocator',
		});
	}
	return zoneDateFields(raw, properties, context.getTimezone());
}

function readSettings(context: IExecuteFunctions): ExecutionSettings {
	const raw = {
		[REQUEST_OPTIONS_PARAMETER]: context.getNodeParameter(REQUEST_OPTIONS_PARAMETER, 0, {}),
	};
	const parsed = validateParameters(
		context.getNode(),
		requestOptionsParameterSchema,
		[requestOptionsProperty],
		raw,
		0,
	);
	return toExecutionSettings(parsed[REQUEST_OPTIONS_PARAMETER]);
}

/** Gives every failure an item index, including programming errors that are not n8n errors. */
function asItemError(context: IExecuteFunctions, error: unknown, itemIndex: number): Error {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(context.getNode(), error as Error, { itemIndex });
}

type Prepared<P> = { params: P } | { error: Error };

function errorItem(error: Error, itemIndex: number, provider: string): INodeExecutionData {
	const json: IDataObject = { provider, error: error.message };
	const { description, httpCode } = error as {
		description?: string | null;
		httpCode?: string | null;
	};
	if (description) json.errorDescription = description;
	if (httpCode) json.httpCode = httpCode;
	return { json, pairedItem: { item: itemIndex } };
}

interface CreatedItem {
	itemIndex: number;
	outcome: ConversationOutcome;
}

function describeCreated({ itemIndex, outcome }: CreatedItem): string {
	if (outcome.status === 'accepted') return `item ${itemIndex} → accepted, no ID yet`;
	if (outcome.status === 'reused')
		return `item ${itemIndex} → existing conversation ${outcome.conversationId}`;
	return `item ${itemIndex} → conversation ${outcome.conversationId}`;
}

/**
 * The error that stops the run says what the run already created, so a user who fixes the data
 * and runs again knows which items would be created a second time.
 */
function withCreatedItems(error: Error, created: CreatedItem[], keyed: boolean): Error {
	if (created.length === 0) return error;
	const sorted = [...created].sort((a, b) => a.itemIndex - b.itemIndex);
	const count = sorted.filter(({ outcome }) => outcome.status !== 'reused').length;
	const shown = sorted.slice(0, 50).map(describeCreated);
	if (sorted.length > shown.length) shown.push(`and ${sorted.length - shown.length} more`);
	const note = [
		`Before it stopped, this run already created ${count} ${count === 1 ? 'conversation' : 'conversations'}: ${shown.join('; ')}.`,
		keyed
			? `Running the workflow again with the same input does not create those again: their ${DEDUPLICATION_KEY_OPTION} is kept, so they come out as "duplicate".`
			: 'Running the workflow again with the same input creates those again: remove the items listed here first, set Request Options › Deduplication Key, or turn on Settings › On Error › Continue so that only the failing items stop.',
	].join('\n');
	const target = error as Error & { description?: string | null; context?: IDataObject };
	target.description = target.description ? `${target.description}\n\n${note}` : note;
	target.context = {
		...target.context,
		createdItems: sorted.map(({ itemIndex, outcome }) => ({
			itemIndex,
			status: outcome.status,
			conversationId: outcome.conversationId,
		})),
	};
	return error;
}

/**
 * Runs `work` for every index with at most `limit` in flight. Stops handing out new indexes
 * after the first failure and rethrows it once the ones already running have settled, so no
 * request is left dangling when the node fails.
 */
async function runBounded(
	indexes: number[],
	limit: number,
	work: (index: number) => Promise<void>,
): Promise<void> {
	let next = 0;
	let failure: { error: unknown } | undefined;
	const worker = async () => {
		while (!failure && next < indexes.length) {
			const index = indexes[next++];
			try {
				await work(index);
			} catch (error) {
				failure ??= { error };
			}
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, indexes.length)) }, worker));
	if (failure) throw failure.error;
}

/**
 * The item loop shared by every provider: one conversation per input item.
 * 1. Every item's parameters are read and validated before any request is sent, so a bad item
 *    fails the run before good items are created (unless Continue On Fail is on, when it becomes
 *    an error item and the others go on).
 * 2. Valid items are sent concurrently: as many as the user chose, or as many as the credential's
 *    process-wide quota lets through (quota.ts). Output keeps the input's order.
 */
export async function createConversations(
	context: IExecuteFunctions,
	providers: readonly ProviderDefinition[],
	continueOnFail: boolean,
): Promise<INodeExecutionData[][]> {
	const items = context.getInputData();
	const node = context.getNode();
	const providerId = context.getNodeParameter(PROVIDER_PARAMETER, 0) as string;
	const provider = providers.find((candidate) => candidate.id === providerId);
	if (!provider) {
		throw new NodeOperationError(node, `Unknown provider "${providerId}"`, {
			description: `Choose one of: ${providers.map((candidate) => candidate.displayName).join(', ')}.`,
		});
	}
	const settings = readSettings(context);
	const keyed = keyOptionSet(context);
	if (settings.forgetKeys && !keyed) {
		throw new NodeOperationError(node, `${FORGET_OPTION} needs a ${DEDUPLICATION_KEY_OPTION}`, {
			description: 'Set the Deduplication Key whose recorded keys should be forgotten.',
		});
	}
	const keys: Array<string | undefined> = new Array(items.length);

	const prepared: Array<Prepared<unknown>> = items.map((_, itemIndex) => {
		try {
			if (keyed) keys[itemIndex] = readKey(context, itemIndex);
			if (settings.forgetKeys) return { params: undefined };
			const raw = readPanel(context, provider.properties, itemIndex);
			return {
				params: validateParameters(node, provider.schema, provider.properties, raw, itemIndex),
			};
		} catch (error) {
			if (!continueOnFail) throw asItemError(context, error, itemIndex);
			return { error: asItemError(context, error, itemIndex) };
		}
	});

	const output: INodeExecutionData[] = new Array(items.length);
	const deduplication = keyed ? new Deduplication(context) : undefined;
	const runnable: number[] = [];
	prepared.forEach((entry, itemIndex) => {
		if ('error' in entry) output[itemIndex] = errorItem(entry.error, itemIndex, provider.id);
		else runnable.push(itemIndex);
	});

	if (settings.forgetKeys && deduplication) {
		await deduplication.forget(runnable.map((itemIndex) => keys[itemIndex]!));
		for (const itemIndex of runnable) {
			output[itemIndex] = {
				json: { provider: provider.id, status: 'released', deduplicationKey: keys[itemIndex]! },
				pairedItem: { item: itemIndex },
			};
		}
		return [output];
	}
	const scope = new ExecutionScope(context, provider);

	const transportSettings = {
		patienceMs: settings.patienceMs,
		timeoutMs: settings.timeoutMs,
		fixedConcurrency: settings.concurrency !== undefined,
	};
	const created: CreatedItem[] = [];
	try {
		await runBounded(runnable, settings.concurrency ?? MAX_CONCURRENCY, async (itemIndex) => {
			const { params } = prepared[itemIndex] as { params: unknown };
			const key = keys[itemIndex];
			let claim: KeyClaim | undefined;
			if (deduplication && key !== undefined) {
				const start = await deduplication.begin(key);
				if ('duplicate' in start) {
					output[itemIndex] = duplicateItem(
						provider,
						key,
						deduplication.space,
						start.duplicate,
						itemIndex,
					);
					return;
				}
				claim = start.claim;
			}
			const client = new ProviderTransport(context, scope, transportSettings, itemIndex, claim);
			try {
				const outcome = await provider.createConversation(client, params);
				const warning = await claim?.keep(outcome.conversationId);
				created.push({ itemIndex, outcome });
				output[itemIndex] = {
					json: {
						provider: provider.id,
						status: outcome.status,
						conversationId: outcome.conversationId,
						conversationUrl: outcome.conversationUrl ?? null,
						...(key !== undefined
							? { deduplicationKey: key, deduplicationKeySpace: deduplication!.space }
							: {}),
						...(warning ? { deduplicationWarning: warning } : {}),
						...outcome.extra,
						response: outcome.response as IDataObject,
					},
					pairedItem: { item: itemIndex },
				};
			} catch (error) {
				if (error instanceof DuplicateKeyError && key !== undefined) {
					claim?.markDuplicate(error.conversationId, error.unknown);
					output[itemIndex] = duplicateItem(
						provider,
						key,
						deduplication!.space,
						{ conversationId: error.conversationId, unknown: error.unknown },
						itemIndex,
					);
					return;
				}
				const verdict = (await claim?.fail()) ?? 'none';
				const itemError = withKeyVerdict(
					asItemError(context, error, itemIndex),
					verdict,
					key ?? '',
					provider.displayName,
				);
				if (!continueOnFail || context.getExecutionCancelSignal()?.aborted) throw itemError;
				output[itemIndex] = errorItem(itemError, itemIndex, provider.id);
			}
		});
	} catch (error) {
		throw withCreatedItems(error as Error, created, keyed);
	}

	return [output];
}
