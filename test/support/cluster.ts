/**
 * A queue-mode cluster in one process, in simulated time: each worker process has its own quota
 * (as each n8n process has its own registry) and runs `slots` executions at once, pulled from
 * one shared queue; every execution sends one create. They all spend one provider window
 * (`limit` per `windowMs`, fixed windows, quota headers on every answer, 429 with the reset
 * beyond). Lets the sharing of a window between processes be tuned in seconds, not minutes.
 */
import { Quota, type Observation } from '../../nodes/CreateConversation/shared/quota';
import { retryDecision } from '../../nodes/CreateConversation/shared/retry';
import { SimulatedClock } from './simulatedClock';

export interface ClusterOptions {
	workers: number;
	/** Executions each worker runs at once (n8n's `--concurrency`, default 10). */
	slots: number;
	executions: number;
	limit: number;
	windowMs: number;
	/** Each request's round trip, ms; varies by up to `jitterMs` more. */
	latencyMs: number;
	jitterMs?: number;
	defaultConcurrency?: number;
	seed?: number;
}

export interface ClusterResult {
	wallMs: number;
	floorMs: number;
	ofFloor: number;
	status429: number;
	failed: number;
	created: number;
}

/** A small deterministic generator, so a run can be repeated exactly. */
function generator(seed: number): () => number {
	let state = seed >>> 0 || 1;
	return () => {
		state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
		return state / 2 ** 32;
	};
}

export async function simulateCluster(options: ClusterOptions): Promise<ClusterResult> {
	const { workers, slots, executions, limit, windowMs, latencyMs } = options;
	const random = generator(options.seed ?? 1);
	// Start just after a window boundary, as the bench's real bursts do.
	const clock = new SimulatedClock(Math.ceil(1_800_000_000_000 / windowMs) * windowMs + 5);
	const t0 = clock.now();
	const counted = new Map<number, number>();
	let status429 = 0;
	let failed = 0;
	let created = 0;
	let next = 0;
	let lastAnswerAt = t0;

	const answer = (): Observation => {
		const now = clock.now();
		const index = Math.floor(now / windowMs);
		const resetAt = (index + 1) * windowMs;
		const used = counted.get(index) ?? 0;
		if (used >= limit) {
			status429++;
			return { status: 429, signal: { remaining: 0, resetAt, limit } };
		}
		counted.set(index, used + 1);
		return { status: 200, signal: { remaining: limit - used - 1, resetAt, limit } };
	};

	const slot = async (quota: Quota) => {
		while (next < executions) {
			next++;
			const arrivedAt = clock.now();
			const patienceMs = 300_000;
			for (let attempt = 0; ; attempt++) {
				let ticket;
				try {
					ticket = await quota.acquire({ arrivedAt, deadline: arrivedAt + patienceMs });
				} catch {
					failed++;
					break;
				}
				await clock.sleep(latencyMs + Math.floor(random() * (options.jitterMs ?? 0)));
				const observation = answer();
				const now = clock.now();
				lastAnswerAt = now;
				const decision = retryDecision(
					{
						statusCode: observation.status!,
						retryAfterMs:
							observation.status === 429
								? Math.max(0, observation.signal!.resetAt - now)
								: undefined,
					},
					attempt,
					{ patienceMs, waitedMs: now - arrivedAt, leftMs: arrivedAt + patienceMs - now },
					'Provider',
				);
				ticket.release({ ...observation, holdMs: decision.holdMs });
				if (decision.send === 'done') {
					created++;
					break;
				}
				if (decision.send === 'never') {
					failed++;
					break;
				}
				if (decision.afterMs > decision.holdMs)
					await clock.sleep(decision.afterMs - decision.holdMs);
			}
		}
	};

	let running = 0;
	const all: Array<Promise<void>> = [];
	for (let worker = 0; worker < workers; worker++) {
		const quota = new Quota(
			{ defaultConcurrency: options.defaultConcurrency ?? 5 },
			{ clock, random },
		);
		for (let index = 0; index < slots; index++) {
			running++;
			all.push(slot(quota).finally(() => running--));
		}
	}
	await clock.runUntil(() => running === 0, t0 + 3_600_000, 10_000_000);
	await Promise.all(all);
	const floorMs = (Math.ceil(executions / limit) - 1) * windowMs + latencyMs;
	const wallMs = lastAnswerAt - t0;
	return {
		wallMs,
		floorMs,
		ofFloor: Math.round((wallMs / floorMs) * 1000) / 1000,
		status429,
		failed,
		created,
	};
}
