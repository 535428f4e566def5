import type { INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import { MAX_CONCURRENCY } from './quota';

export const REQUEST_OPTIONS_PARAMETER = 'requestOptions';

export const DEFAULT_PATIENCE_SECONDS = 300;

/** Options every provider shares; they apply to the whole execution, read from the first item. */
export const requestOptionsProperty: INodeProperties = {
	displayName: 'Request Options',
	name: REQUEST_OPTIONS_PARAMETER,
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	description:
		'How requests are paced and how long they may take. They apply to every item of the execution.',
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
}

export function toExecutionSettings(
	options: z.infer<typeof requestOptionsSchema>,
): ExecutionSettings {
	return {
		concurrency: options.concurrency,
		patienceMs: (options.rateLimitPatienceSeconds ?? DEFAULT_PATIENCE_SECONDS) * 1000,
		timeoutMs: options.timeoutSeconds * 1000,
	};
}
