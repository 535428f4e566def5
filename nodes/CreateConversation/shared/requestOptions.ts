import type { INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import { KEYS_KEPT } from './deduplication/store';
import { MAX_CONCURRENCY } from './quota';

export const REQUEST_OPTIONS_PARAMETER = 'requestOptions';

export const DEFAULT_PATIENCE_SECONDS = 300;
export const DEDUPLICATION_KEY_PARAMETER = 'deduplicationKey';
export const FORGET_KEYS_PARAMETER = 'forgetDeduplicationKeys';

/**
 * Options every provider shares. They apply to the whole execution, read from the first item,
 * except the Deduplication Key, which is read for every item.
 */
export const requestOptionsProperty: INodeProperties = {
	displayName: 'Request Options',
	name: REQUEST_OPTIONS_PARAMETER,
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	description:
		'How requests are paced, how long they may take, and how duplicates are prevented. They apply to every item of the execution; the Deduplication Key is read for each item.',
	options: [
		{
			displayName: 'Concurrency',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY },
			default: 5,
			description: `A fixed number of conversations created at the same time by this execution. Leave this option out to let the node adapt: it starts at a safe number for the provider and raises it (up to ${MAX_CONCURRENCY}) while the provider's answers show room, shared by every execution using the same credential.`,
		},
		{
			displayName: 'Deduplication Key',
			name: DEDUPLICATION_KEY_PARAMETER,
			type: 'string',
			default: '',
			placeholder: 'e.g. {{ $json.submissionId }}',
			description: `What identifies the request in your business, read for every item: an expression such as the submission ID of a form or the event ID of a webhook. This node then creates at most one conversation per key, across items, executions, re-runs, retries and n8n processes: a key seen before gives an item with status "duplicate" and sends nothing. Keys are kept in n8n's database (the last ${KEYS_KEPT.toLocaleString('en-US')} per node), never sent to the provider. Runs from the editor keep their own keys, apart from production executions. Leave out for no deduplication.`,
		},
		{
			displayName: 'Forget Deduplication Keys',
			name: FORGET_KEYS_PARAMETER,
			type: 'boolean',
			default: false,
			description:
				'Whether to forget the Deduplication Key of every item instead of creating conversations (editor and production keys alike), so that the next run with those keys creates them. Nothing is sent to the provider. Use it after checking the provider when a create ended with an unknown outcome.',
		},
		{
			displayName: 'Rate-Limit Patience (Seconds)',
			name: 'rateLimitPatienceSeconds',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 3600 },
			default: DEFAULT_PATIENCE_SECONDS,
			description:
				'How long one item may wait in total for its turn under the provider\'s rate limit (quota pacing and 429 "Too Many Requests" answers) before it fails. A 429 means nothing was created, so waiting never makes duplicates. If the provider asks for a longer wait than this at once, the item fails at once.',
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeoutSeconds',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 600 },
			default: 30,
			description:
				'How long to wait for the provider to answer one request. A create that times out is not sent again, because it may have been processed.',
		},
	],
};

export const requestOptionsSchema = z
	.object({
		concurrency: z.number().int().min(1).max(MAX_CONCURRENCY).optional(),
		// Read per item by the item loop (deduplication.ts); item 0's value only passes through here.
		deduplicationKey: z.unknown().optional(),
		forgetDeduplicationKeys: z.boolean().default(false),
		rateLimitPatienceSeconds: z.number().min(1).max(3600).optional(),
		timeoutSeconds: z.number().min(1).max(600).default(30),
		// Options of version 0.1. n8n drops options a node no longer declares when it loads a saved
		// workflow, so these never arrive from n8n itself; they are accepted (and ignored) only so
		// that parameters built outside n8n with them are not refused.
		maxRateLimitWaitSeconds: z.number().min(0).max(3600).optional(),
		maxRateLimitRetries: z.number().optional(),
	})
	.strict();

export const requestOptionsParameterSchema = z.object({
	[REQUEST_OPTIONS_PARAMETER]: requestOptionsSchema.default({}),
});

export interface ExecutionSettings {
	/** Undefined: adaptive, shared by every execution using the credential. */
	concurrency?: number;
	patienceMs: number;
	timeoutMs: number;
	/** Forget the items' Deduplication Keys instead of creating. */
	forgetKeys: boolean;
}

export function toExecutionSettings(
	options: z.infer<typeof requestOptionsSchema>,
): ExecutionSettings {
	return {
		concurrency: options.concurrency,
		patienceMs: (options.rateLimitPatienceSeconds ?? DEFAULT_PATIENCE_SECONDS) * 1000,
		timeoutMs: options.timeoutSeconds * 1000,
		forgetKeys: options.forgetDeduplicationKeys,
	};
}
