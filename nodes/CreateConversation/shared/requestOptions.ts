import type { INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import type { TransportSettings } from './transport';

export const REQUEST_OPTIONS_PARAMETER = 'requestOptions';

/** Options every provider shares; they apply to the whole execution, read from the first item. */
export const requestOptionsProperty: INodeProperties = {
	displayName: 'Request Options',
	name: REQUEST_OPTIONS_PARAMETER,
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	description: 'How requests are paced and retried. They apply to every item of the execution.',
	options: [
		{
			displayName: 'Concurrency',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 50 },
			default: 0,
			description:
				'How many conversations are created at the same time. 0 uses a safe default for the provider.',
		},
		{
			displayName: 'Max Rate-Limit Retries',
			name: 'maxRateLimitRetries',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 20 },
			default: 5,
			description:
				'How many times one request is sent again after the provider answers 429 (Too Many Requests). A 429 means nothing was created, so this never makes duplicates.',
		},
		{
			displayName: 'Max Rate-Limit Wait (Seconds)',
			name: 'maxRateLimitWaitSeconds',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 3600 },
			default: 60,
			description:
				'The longest wait accepted when the provider asks to slow down. If it asks for longer, the item fails with a clear error instead of stalling the workflow.',
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
		concurrency: z.number().int().min(0).max(50).default(0),
		maxRateLimitRetries: z.number().int().min(0).max(20).default(5),
		maxRateLimitWaitSeconds: z.number().min(0).max(3600).default(60),
		timeoutSeconds: z.number().min(1).max(600).default(30),
	})
	.strict();

export const requestOptionsParameterSchema = z.object({
	[REQUEST_OPTIONS_PARAMETER]: requestOptionsSchema.default({}),
});

export interface ExecutionSettings extends TransportSettings {
	/** 0 means "the provider's default". */
	concurrency: number;
}

export function toExecutionSettings(options: z.infer<typeof requestOptionsSchema>): ExecutionSettings {
	return {
		concurrency: options.concurrency,
		maxRateLimitRetries: options.maxRateLimitRetries,
		maxRateLimitWaitMs: options.maxRateLimitWaitSeconds * 1000,
		timeoutMs: options.timeoutSeconds * 1000,
	};
}
