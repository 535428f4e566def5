import { sleep } from 'n8n-workflow';

/**
 * Where the quota reads the time and waits. Production uses the wall clock and n8n's own `sleep`
 * (node code may keep no timers of its own); tests pass a simulated clock, so hours of windows and
 * holds run in milliseconds and the order of events is exact.
 */
export interface Clock {
	/** Epoch ms. */
	now(): number;
	/** Resolves after `ms`; settles early (resolves or rejects) when `signal` aborts. */
	sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
	now: () => Date.now(),
	sleep: async (ms, signal) => await sleep(ms, signal),
};
