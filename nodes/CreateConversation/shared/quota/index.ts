/**
 * The process-wide provider quota: small policies (policies/), composed by one scheduler that owns
 * the waiting line and the timer (scheduler.ts), kept per credential and host (registry.ts), on an
 * injected clock (clock.ts).
 */
export { realClock, type Clock } from './clock';
export { quotaCount, quotaFor, QUOTA_REGISTRY_SIZE, type QuotaKey } from './registry';
export { Quota, type QuotaOptions } from './scheduler';
export {
	MAX_CONCURRENCY,
	QuotaWaitExpired,
	type AcquireOptions,
	type Observation,
	type Policy,
	type Ticket,
} from './types';
