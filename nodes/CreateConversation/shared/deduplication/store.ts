import type { IExecuteFunctions } from 'n8n-workflow';

import type { Clock } from '../quota/clock';

/**
 * The keys' store: n8n's processed-data store, the one the Remove Duplicates node uses
 * (`helpers.checkProcessedAndRecord` / `removeProcessed`, scope `node`). It keeps one JSON row per
 * workflow and node holding md5 hashes of the entries, in n8n's database, so every process of the
 * instance (main, workers) shares it; nothing of it is sent to the provider.
 *
 * n8n 2.41.1 updates that row by read-modify-write without a lock (`DeduplicationHelper` in
 * packages/cli): two writers at once can lose each other's entries, and two first writers collide
 * on the row's insert. Within one process, `Lane` below makes our writers take turns; across
 * processes, `claim.ts` makes a claim wait and check that it survived.
 */
export interface KeyStore {
	/** Records entries; answers those that were already recorded. */
	record(entries: string[]): Promise<Set<string>>;
	remove(entries: string[]): Promise<void>;
}

/** Entries kept in the node's row; n8n drops the oldest beyond this. Two per key (key, claim). */
export const MAX_ENTRIES = 20_000;
export const KEYS_KEPT = MAX_ENTRIES / 2;

const STORE_OPTIONS = { mode: 'entries', maxEntries: MAX_ENTRIES } as const;

export function processedDataStore(helpers: IExecuteFunctions['helpers']): KeyStore {
	return {
		async record(entries) {
			const answer = await helpers.checkProcessedAndRecord(entries, 'node', STORE_OPTIONS);
			return new Set(answer.processed.map(String));
		},
		async remove(entries) {
			await helpers.removeProcessed(entries, 'node', STORE_OPTIONS);
		},
	};
}

/**
 * While calls wait, a lane pauses this long (plus up to as much again, at random) between store
 * calls: waiting calls merge into one, and the node's row is idle most of the time, so the writes
 * of two processes rarely overlap (an overlap costs one claim another round, never a key).
 */
const LANE_GAP_MS = 40;

export const SETTLE_MS = 300;
const SETTLE_FACTOR = 4;
const MAX_SETTLE_MS = 10_000;
const SETTLE_MEMORY_MS = 60_000;

interface Call {
	kind: 'record' | 'remove';
	/** The calling execution's view of the store (any execution's reaches the same row). */
	store: KeyStore;
	entries: string[];
	resolve(alreadyRecorded: Set<string>): void;
	reject(error: unknown): void;
}

/**
 * One node's store calls in this process, one at a time: our own read-modify-writes never
 * overwrite each other. Calls that wait together are merged into one (group commit), so a burst of
 * items costs a few store calls, not one per item.
 */
export class Lane {
	private readonly waiting: Call[] = [];
	private running = false;
	/** When the latest store calls ended and how long they took, oldest first. */
	private readonly durations: Array<{ at: number; ms: number }> = [];

	constructor(private readonly clock: Clock) {}

	async record(store: KeyStore, entries: string[]): Promise<Set<string>> {
		return await this.enqueue('record', store, entries);
	}

	async remove(store: KeyStore, entries: string[]): Promise<void> {
		await this.enqueue('remove', store, entries);
	}

	/**
	 * How long after one of our writes another process's read-modify-write that read the row
	 * before it may still land: four times the slowest of our store calls of the last minute, at
	 * least `SETTLE_MS`. A call's read-to-write gap grows with the database's load (n8n's Postgres
	 * pool has 2 connections by default, shared with saving executions), and the other processes
	 * of the instance work under the same load, so a settle time that follows it keeps its margin.
	 * The slowest, not a percentile: a write stalled in the pool is exactly the one that drops
	 * another process's claim (the queue-mode test created events twice with a 90th percentile).
	 * Calls older than a minute are forgotten, so one stall does not slow claims for long.
	 */
	settleMs(): number {
		const since = this.clock.now() - SETTLE_MEMORY_MS;
		while (this.durations.length > 0 && this.durations[0].at < since) this.durations.shift();
		const slowest = Math.max(0, ...this.durations.map((call) => call.ms));
		return Math.min(MAX_SETTLE_MS, Math.max(SETTLE_MS, SETTLE_FACTOR * slowest));
	}

	private async enqueue(
		kind: Call['kind'],
		store: KeyStore,
		entries: string[],
	): Promise<Set<string>> {
		return await new Promise<Set<string>>((resolve, reject) => {
			this.waiting.push({ kind, store, entries, resolve, reject });
			if (!this.running) void this.drain();
		});
	}

	private async drain(): Promise<void> {
		this.running = true;
		try {
			while (this.waiting.length > 0) {
				const kind = this.waiting[0].kind;
				let count = 0;
				while (count < this.waiting.length && this.waiting[count].kind === kind) count++;
				await this.run(kind, this.waiting.splice(0, count));
				if (this.waiting.length > 0) {
					const gap = LANE_GAP_MS + Math.floor(Math.random() * LANE_GAP_MS);
					await this.clock.sleep(gap, new AbortController().signal);
				}
			}
		} finally {
			this.running = false;
		}
	}

	private async run(kind: Call['kind'], batch: Call[]): Promise<void> {
		const entries = [...new Set(batch.flatMap((call) => call.entries))];
		const store = batch[0].store;
		const startedAt = this.clock.now();
		try {
			if (kind === 'remove') {
				await this.withRetry(async () => await store.remove(entries));
				for (const call of batch) call.resolve(new Set());
				return;
			}
			const recorded = await this.withRetry(async () => await store.record(entries));
			const now = this.clock.now();
			this.durations.push({ at: now, ms: now - startedAt });
			if (this.durations.length > 200) this.durations.shift();
			// Within one merged call, an entry new to the store belongs to the first call that asked
			// for it; later calls see it as already recorded.
			const seen = new Set(recorded);
			for (const call of batch) {
				call.resolve(new Set(call.entries.filter((entry) => seen.has(entry))));
				for (const entry of call.entries) seen.add(entry);
			}
		} catch (error) {
			for (const call of batch) call.reject(error);
		}
	}

	/**
	 * The first write of a node's row is an insert: two processes doing it at once collide on the
	 * row's primary key and the loser fails. The row exists then, so one more try (after a short
	 * random pause) is an update and succeeds.
	 */
	private async withRetry<T>(work: () => Promise<T>): Promise<T> {
		let failure: unknown;
		for (let attempt = 0; attempt < 3; attempt++) {
			if (attempt > 0)
				await this.clock.sleep(20 + Math.floor(Math.random() * 80), new AbortController().signal);
			try {
				return await work();
			} catch (error) {
				failure = error;
			}
		}
		throw failure as Error;
	}
}
