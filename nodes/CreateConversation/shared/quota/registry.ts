import { Quota } from './scheduler';
import type { Policy } from './types';

/** Where a quota applies: the credential (by id, never by secret) and the host it sends to. */
export interface QuotaKey {
	credentialType: string;
	credentialId?: string;
	host: string;
}

/** Enough for every credential a busy instance uses at once; idle ones beyond it are dropped. */
export const QUOTA_REGISTRY_SIZE = 500;

/**
 * Per process: a node class is loaded once per process, so in queue mode each worker has its own
 * registry, and workers coordinate only through what the provider's answers say.
 */
const registry = new Map<string, Quota>();

/**
 * The process-wide quota for one credential and host, created on first use. The registry keeps
 * the most recently used entries; when it is full, the least recently used idle one is dropped.
 */
export function quotaFor(key: QuotaKey, policy: Policy): Quota {
	const name = `${key.credentialType}\u0000${key.credentialId ?? ''}\u0000${key.host}`;
	let quota = registry.get(name);
	if (quota) {
		registry.delete(name);
	} else {
		quota = new Quota(policy);
		for (const [oldName, old] of registry) {
			if (registry.size < QUOTA_REGISTRY_SIZE) break;
			if (old.idle) registry.delete(oldName);
		}
	}
	registry.set(name, quota);
	return quota;
}

/** How many quotas the process holds (for tests of the bound). */
export function quotaCount(): number {
	return registry.size;
}
