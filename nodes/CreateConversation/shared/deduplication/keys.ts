import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { realClock, type Clock } from '../quota/clock';
import { KeyClaim, type ClaimOutcome } from './claim';
import { Lane, processedDataStore, type KeyStore } from './store';

/**
 * The Deduplication Key of one execution: at most one conversation per key and node, across
 * items, executions, re-runs, retries and processes. Keys live in n8n's processed-data store
 * (store.ts); a claim is made when the create request is next (claim.ts).
 *
 * Editor runs (manual mode) use a key space of their own: a key recorded while building the
 * workflow never makes a production delivery a duplicate, and the output names the space.
 */
export const DEDUPLICATION_KEY_OPTION = 'Request Options › Deduplication Key';
export const FORGET_OPTION = 'Request Options › Forget Deduplication Keys';
export const MAX_KEY_LENGTH = 1000;

/** Keys this process kept, remembered to answer duplicates without a store call, with their ID. */
const MEMORY_SIZE = 10_000;
const MEMORY_TTL_MS = 10 * 60_000;

export interface DuplicateInfo {
	conversationId: string | null;
	/** The earlier attempt's outcome is unknown (timeout, 5xx, crash): it may not exist. */
	unknown: boolean;
}

export type KeySpace = 'editor' | 'production';

/** The store calls of one node in this process take turns in one lane. */
const lanes = new Map<string, Lane>();
/** Keys of this process being created now, by lane and entry: a second item waits for the first. */
const inFlight = new Map<string, Promise<ClaimOutcome>>();
const memory = new Map<string, { info: DuplicateInfo; at: number }>();

function remember(id: string, info: DuplicateInfo, now: number): void {
	memory.delete(id);
	memory.set(id, { info, at: now });
	if (memory.size > MEMORY_SIZE) memory.delete(memory.keys().next().value as string);
}

function recalled(id: string, now: number): DuplicateInfo | undefined {
	const entry = memory.get(id);
	if (entry && now - entry.at <= MEMORY_TTL_MS) return entry.info;
	memory.delete(id);
	return undefined;
}

export class Deduplication {
	private readonly laneId: string;
	private readonly lane: Lane;
	private readonly store: KeyStore;
	readonly space: KeySpace;

	constructor(
		private readonly context: IExecuteFunctions,
		private readonly clock: Clock = realClock,
	) {
		const node = context.getNode();
		const workflowId = context.getWorkflow().id;
		if (!workflowId) {
			throw new NodeOperationError(
				node,
				`${DEDUPLICATION_KEY_OPTION} needs a saved workflow: keys are stored per workflow and node`,
				{ description: 'Save the workflow, then run it again.' },
			);
		}
		this.laneId = `${workflowId}\u0000${node.id}`;
		let lane = lanes.get(this.laneId);
		if (!lane) {
			lane = new Lane(clock);
			lanes.set(this.laneId, lane);
		}
		this.lane = lane;
		this.store = processedDataStore(context.helpers);
		this.space = context.getMode() === 'manual' ? 'editor' : 'production';
	}

	private entry(key: string, space: KeySpace = this.space): string {
		return `${space}:${key}`;
	}

	/**
	 * Starts one item: waits while an item of this process holds the same key; a key this process
	 * kept lately is a duplicate at once, without a store call. Otherwise returns the item's claim,
	 * which the transport acquires before the create request waits for the quota.
	 */
	async begin(key: string): Promise<{ duplicate: DuplicateInfo } | { claim: KeyClaim }> {
		const entry = this.entry(key);
		const id = `${this.laneId}\u0000${entry}`;
		for (;;) {
			const known = recalled(id, this.clock.now());
			if (known) return { duplicate: known };
			const pending = inFlight.get(id);
			if (!pending) break;
			const outcome = await pending;
			if (outcome.kind !== 'released') return { duplicate: outcome };
		}
		let settle!: (outcome: ClaimOutcome) => void;
		inFlight.set(id, new Promise<ClaimOutcome>((resolve) => (settle = resolve)));
		const done = (outcome: ClaimOutcome) => {
			inFlight.delete(id);
			if (outcome.kind === 'kept') remember(id, outcome, this.clock.now());
			settle(outcome);
		};
		const signal = this.context.getExecutionCancelSignal() ?? new AbortController().signal;
		return {
			claim: new KeyClaim({
				lane: this.lane,
				store: this.store,
				clock: this.clock,
				entry,
				done,
				signal,
				retry: this.context.getMode() === 'retry',
			}),
		};
	}

	/**
	 * Forgets keys in both key spaces, so that the next run with them creates again. Removed once
	 * more after the settle time, in case another process's write that read the row before the
	 * removal put them back.
	 */
	async forget(keys: string[]): Promise<void> {
		const entries = keys.flatMap((key) => [
			this.entry(key, 'editor'),
			this.entry(key, 'production'),
		]);
		for (const entry of entries) memory.delete(`${this.laneId}\u0000${entry}`);
		await this.lane.remove(this.store, entries);
		await this.clock.sleep(this.lane.settleMs(), new AbortController().signal);
		await this.lane.remove(this.store, entries);
	}
}
