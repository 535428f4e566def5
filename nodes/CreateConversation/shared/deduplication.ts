import { NodeOperationError, randomString, sleep, type IExecuteFunctions } from 'n8n-workflow';

/**
 * Deduplication Key: at most one conversation per key and node, across items, executions,
 * re-runs, retries and processes.
 *
 * ## The store, and why it is safe under concurrency
 * Keys live in n8n's own database, in the processed-data store the Remove Duplicates node uses
 * (`helpers.checkProcessedAndRecord` / `removeProcessed`, scope `node`): one JSON row per workflow
 * and node holding md5 hashes of the keys, shared by every process of the instance (main, workers)
 * and never sent to the provider. n8n 2.41.1 updates that row by read-modify-write without a lock
 * (`DeduplicationHelper` in packages/cli): two writers at once can lose each other's entries, and
 * two first writers can collide on the insert. n8n-core gives nodes no read-only check. So:
 * 1. **In one process** every store call of a node goes through one queue (`Lane`), one call at a
 *    time: our own writers never overwrite each other. Calls waiting together are merged into one
 *    (group commit), so a burst costs a few store calls, not one per item; under load the lane
 *    pauses briefly between calls, which keeps the row idle most of the time, so the writes of two
 *    processes rarely overlap (an overlap only costs a claim one more round). Two items with one key
 *    in one process never race in the store either: the second waits for the first's outcome
 *    (`inFlight`) and is its duplicate when it was kept.
 * 2. **Across processes** (queue mode) a claim records the key *and* a token unique to the claim,
 *    waits the settle time (`settleMs`: at least 300 ms, and four times the slowest recent store call,
 *    so it stays longer than one store call's read-to-write gap as load grows), then records both again and
 *    reads the answer: if its token survived, every concurrent writer has seen its key and the claim
 *    holds. If the token was lost, a concurrent write from another process replaced the row: when
 *    the key is there, another claim of the same key won (this item is a duplicate); when it is not,
 *    the claim is re-made and checked again. Two claims of one key cannot both keep their token
 *    unless one wrote after reading the other's, and then it saw the key and stopped.
 *    What remains is a write delayed between its read and its write for longer than the settle time.
 * 3. A claim is made only at the moment the create request is about to go out, after rate-limit
 *    pacing (the transport calls `acquire`): a long wait for the quota holds no key, and a run
 *    cancelled or failed before sending releases it.
 * 4. After the provider answers, the key is recorded once more (`keep`): a stale write of another
 *    process that dropped it in between is repaired.
 * 5. Right before sending, a "sending" mark is recorded. A retry of an execution n8n marked as
 *    crashed (mode `retry`) that finds the key claimed but no mark takes the key over and creates:
 *    the crashed claimant died before its request left. With the mark, the outcome is unknown and
 *    the item is a duplicate. Other executions never take a key over.
 *
 * Keys are bounded: the row keeps the newest `MAX_ENTRIES` entries (three per key), older ones are
 * dropped by n8n's store. Editor runs (manual mode) use their own key space, so keys recorded
 * while building a workflow never make a production delivery a duplicate.
 */

/** The least a claim waits before checking that no other process's write replaced it. */
export const SETTLE_MS = 300;
/** The settle time is this many times the slowest recent store call of this process... */
const SETTLE_FACTOR = 4;
/** ...up to this much. */
const MAX_SETTLE_MS = 10_000;
/** Durations (ms) of this process's latest store calls, newest last. */
const recentCalls: number[] = [];

/**
 * How long a claim waits: at least `SETTLE_MS`, and four times the slowest of this process's last
 * 50 store calls. A store call's read-to-write gap grows with the database's load (n8n's
 * connection pool is small, 2 for Postgres by default); the other processes of the instance work
 * under the same load, so a settle time that grows with it keeps the margin over their gaps.
 */
export function settleMs(): number {
	const slowest = recentCalls.length ? Math.max(...recentCalls) : 0;
	return Math.min(MAX_SETTLE_MS, Math.max(SETTLE_MS, SETTLE_FACTOR * slowest));
}

function noteCall(ms: number): void {
	recentCalls.push(ms);
	if (recentCalls.length > 50) recentCalls.shift();
}
/** Entries n8n keeps in the node's row: three per key (the key, its claim token, its sending mark). */
export const MAX_ENTRIES = 30_000;
export const KEYS_KEPT = MAX_ENTRIES / 3;
/** How many times a claim lost to an unrelated concurrent write is made again. */
const MAX_CLAIM_ROUNDS = 10;
/**
 * While calls are waiting, a lane pauses this long (plus up to as much again, at random) between
 * store calls: waiting calls merge into one, and the node's row is busy a small part of the time,
 * so the writes of two processes rarely overlap (each overlap costs one of them a round).
 */
const LANE_GAP_MS = 40;
/** Keys this process kept, remembered to answer duplicates without a request and with their ID. */
const MEMORY_SIZE = 10_000;
const MEMORY_TTL_MS = 10 * 60_000;
export const MAX_KEY_LENGTH = 1000;

export const DEDUPLICATION_KEY_OPTION = 'Request Options › Deduplication Key';
export const FORGET_OPTION = 'Request Options › Forget Deduplication Keys';

const STORE_OPTIONS = { mode: 'entries', maxEntries: MAX_ENTRIES } as const;

type Helpers = IExecuteFunctions['helpers'];

interface StoreFns {
	/** Records entries; returns those that were already there. */
	record(entries: string[]): Promise<Set<string>>;
	remove(entries: string[]): Promise<void>;
}

function storeOf(helpers: Helpers): StoreFns {
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

interface Operation {
	kind: 'record' | 'remove';
	entries: string[];
	store: StoreFns;
	resolve(processed: Set<string>): void;
	reject(error: unknown): void;
}

/** One node's store calls in this process: one at a time, waiting calls merged into one. */
class Lane {
	private readonly queue: Operation[] = [];
	private running = false;

	async record(store: StoreFns, entries: string[]): Promise<Set<string>> {
		return await this.enqueue('record', store, entries);
	}

	async remove(store: StoreFns, entries: string[]): Promise<void> {
		await this.enqueue('remove', store, entries);
	}

	private async enqueue(
		kind: Operation['kind'],
		store: StoreFns,
		entries: string[],
	): Promise<Set<string>> {
		return await new Promise<Set<string>>((resolve, reject) => {
			this.queue.push({ kind, entries, store, resolve, reject });
			if (!this.running) void this.drain();
		});
	}

	private async drain(): Promise<void> {
		this.running = true;
		try {
			while (this.queue.length > 0) {
				const kind = this.queue[0].kind;
				let count = 0;
				while (count < this.queue.length && this.queue[count].kind === kind) count++;
				const batch = this.queue.splice(0, count);
				await this.run(kind, batch);
				if (this.queue.length > 0)
					await sleep(LANE_GAP_MS + Math.floor(Math.random() * LANE_GAP_MS));
			}
		} finally {
			this.running = false;
		}
	}

	private async run(kind: Operation['kind'], batch: Operation[]): Promise<void> {
		const unique = [...new Set(batch.flatMap((operation) => operation.entries))];
		const store = batch[0].store;
		const startedAt = Date.now();
		try {
			if (kind === 'remove') {
				await store.remove(unique);
				for (const operation of batch) operation.resolve(new Set());
				return;
			}
			const processed = await withRetry(async () => await store.record(unique));
			noteCall(Date.now() - startedAt);
			// Within one merged call, an entry new to the store belongs to the first operation
			// that asked for it; the later ones see it as already recorded.
			const seen = new Set(processed);
			for (const operation of batch) {
				const mine = new Set<string>();
				for (const entry of operation.entries) {
					if (seen.has(entry)) mine.add(entry);
				}
				for (const entry of operation.entries) seen.add(entry);
				operation.resolve(mine);
			}
		} catch (error) {
			for (const operation of batch) operation.reject(error);
		}
	}
}

/**
 * The first write of a node's row is an insert: two processes doing it at once collide on the
 * row's primary key, and the loser fails. Once the row exists it is an update, so one more try
 * (after a short random pause) succeeds.
 */
async function withRetry<T>(work: () => Promise<T>): Promise<T> {
	let failure: unknown;
	for (let attempt = 0; attempt < 3; attempt++) {
		if (attempt > 0) await sleep(20 + Math.floor(Math.random() * 80));
		try {
			return await work();
		} catch (error) {
			failure = error;
		}
	}
	throw failure as Error;
}

const lanes = new Map<string, Lane>();

function laneOf(id: string): Lane {
	let lane = lanes.get(id);
	if (!lane) {
		lane = new Lane();
		lanes.set(id, lane);
	}
	return lane;
}

/** What became of a key in this process. */
type LocalOutcome =
	| { kind: 'kept'; conversationId: string | null; unknown: boolean }
	| { kind: 'released' }
	| { kind: 'duplicate'; conversationId: string | null };

const inFlight = new Map<string, Promise<LocalOutcome>>();
const memory = new Map<string, { conversationId: string | null; unknown: boolean; at: number }>();

function remember(id: string, conversationId: string | null, unknown: boolean): void {
	memory.delete(id);
	memory.set(id, { conversationId, unknown, at: Date.now() });
	if (memory.size > MEMORY_SIZE) memory.delete(memory.keys().next().value as string);
}

function recalled(id: string): { conversationId: string | null; unknown: boolean } | undefined {
	const entry = memory.get(id);
	if (!entry) return undefined;
	if (Date.now() - entry.at > MEMORY_TTL_MS) {
		memory.delete(id);
		return undefined;
	}
	return entry;
}

/** Thrown by `acquire` when another execution holds the key: nothing is sent for this item. */
export class DuplicateKeyError extends Error {
	constructor(
		readonly conversationId: string | null,
		/** The holder got as far as sending; whether the provider created it is not known here. */
		readonly unknown: boolean,
	) {
		super('duplicate deduplication key');
		this.name = 'DuplicateKeyError';
	}
}

export interface DuplicateInfo {
	conversationId: string | null;
	/** The earlier attempt's outcome is unknown (timeout, 5xx): the conversation may not exist. */
	unknown: boolean;
}

/** The key space of an execution mode: editor runs never share keys with production. */
function spaceOf(mode: string): 'editor' | 'production' {
	return mode === 'manual' ? 'editor' : 'production';
}

/** The execution's view of the store: the node's lane and the key space of its mode. */
export class Deduplication {
	private readonly lane: Lane;
	private readonly laneId: string;
	private readonly store: StoreFns;
	readonly space: 'editor' | 'production';

	constructor(private readonly context: IExecuteFunctions) {
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
		this.lane = laneOf(this.laneId);
		this.store = storeOf(context.helpers);
		this.space = spaceOf(context.getMode());
	}

	private entry(key: string, space = this.space): string {
		return `${space}:${key}`;
	}

	/**
	 * Starts one item: waits while an item of this process holds the same key; a key this process
	 * kept lately is a duplicate at once, without a request. Otherwise returns the item's claim,
	 * which the transport acquires right before the create request.
	 */
	async begin(key: string): Promise<{ duplicate: DuplicateInfo } | { claim: KeyClaim }> {
		const entry = this.entry(key);
		const id = `${this.laneId}\u0000${entry}`;
		for (;;) {
			const known = recalled(id);
			if (known) return { duplicate: known };
			const pending = inFlight.get(id);
			if (!pending) break;
			const outcome = await pending.catch(() => ({ kind: 'released' }) as LocalOutcome);
			if (outcome.kind === 'kept')
				return {
					duplicate: { conversationId: outcome.conversationId, unknown: outcome.unknown },
				};
			if (outcome.kind === 'duplicate')
				return { duplicate: { conversationId: outcome.conversationId, unknown: false } };
		}
		let settle!: (outcome: LocalOutcome) => void;
		inFlight.set(
			id,
			new Promise<LocalOutcome>((resolve) => {
				settle = resolve;
			}),
		);
		const done = (outcome: LocalOutcome) => {
			inFlight.delete(id);
			if (outcome.kind === 'kept') remember(id, outcome.conversationId, outcome.unknown);
			settle(outcome);
		};
		return {
			claim: new KeyClaim(
				this.lane,
				this.store,
				entry,
				done,
				this.context,
				this.context.getMode() === 'retry',
			),
		};
	}

	/** Forgets keys in both key spaces, so that the next run with them creates again. */
	async forget(keys: string[]): Promise<void> {
		const keyEntries = keys.flatMap((key) => [
			this.entry(key, 'editor'),
			this.entry(key, 'production'),
		]);
		for (const entry of keyEntries) memory.delete(`${this.laneId}\u0000${entry}`);
		const entries = keyEntries.flatMap((entry) => [entry, `${entry}\u0000sending`]);
		await this.lane.remove(this.store, entries);
		await sleep(settleMs());
		await this.lane.remove(this.store, entries);
	}
}

/** One item's key: claimed right before its create request, then kept or released. */
export class KeyClaim {
	private claimed = false;
	private token?: string;
	/** The create request may have reached the provider without an answer (timeout, reset). */
	private maybeSent = false;
	/** Statuses the provider answered to the create request. */
	private readonly answers: number[] = [];
	private finished = false;

	constructor(
		private readonly lane: Lane,
		private readonly store: StoreFns,
		private readonly entry: string,
		private readonly done: (outcome: LocalOutcome) => void,
		private readonly context: IExecuteFunctions,
		/** A retry of an earlier execution (n8n's Retry): it may take over a claim that never sent. */
		private readonly takeover: boolean,
	) {}

	/** Recorded right before the create request leaves: the claimant got that far. */
	private get sending(): string {
		return `${this.entry}\u0000sending`;
	}

	/**
	 * Claims the key (see the module comment); throws `DuplicateKeyError` when another execution
	 * holds it. Called by the transport right before the create request, once per item.
	 */
	async acquire(): Promise<void> {
		if (this.claimed) return;
		const token = `${this.entry}\u0000claim:${randomString(16)}`;
		this.token = token;
		const present = await this.lane.record(this.store, [this.entry, token]);
		if (present.has(this.entry)) {
			if (!this.takeover) throw new DuplicateKeyError(null, false);
			// A retry of an execution n8n marked as crashed: its claim may have died before the
			// create request left. It did not when the sending mark is there.
			const marked = await this.lane.record(this.store, [this.sending, token]);
			if (marked.has(this.sending)) throw new DuplicateKeyError(null, true);
			this.claimed = true;
			await this.settleUntilHeld(this.sending, token);
			return;
		}
		this.claimed = true;
		await this.settleUntilHeld(this.entry, token);
		// One write, right before sending: after a crash from here on, a retry treats the outcome
		// as unknown; before it, a retry takes the key over and creates.
		const marked = await this.lane.record(this.store, [this.sending]);
		if (marked.has(this.sending)) {
			this.claimed = false;
			throw new DuplicateKeyError(null, true);
		}
		await this.settleUntilKept(this.sending);
	}

	/**
	 * Waits the settle time and checks that `mark` survived every write that read the row before
	 * it was recorded, recording it again when one dropped it. Without this, another process's
	 * lost update could drop the sending mark of a worker that then dies after sending, and the
	 * retry would take the key over and create a second conversation (seen in the queue-mode crash
	 * test).
	 */
	private async settleUntilKept(mark: string): Promise<void> {
		const signal = this.context.getExecutionCancelSignal();
		for (let round = 0; round < MAX_CLAIM_ROUNDS; round++) {
			await (signal ? sleep(settleMs(), signal) : sleep(settleMs()));
			const present = await this.lane.record(this.store, [mark]);
			if (present.has(mark)) return;
		}
		throw new Error(
			`could not record the deduplication key's sending mark after ${MAX_CLAIM_ROUNDS} tries: other processes kept overwriting the node's record`,
		);
	}

	/**
	 * Waits the settle time and checks that this claim's token survived every concurrent write;
	 * throws `DuplicateKeyError` when another claim of the same mark won.
	 */
	private async settleUntilHeld(mark: string, token: string): Promise<void> {
		const signal = this.context.getExecutionCancelSignal();
		for (let round = 0; ; round++) {
			await (signal ? sleep(settleMs(), signal) : sleep(settleMs()));
			const present = await this.lane.record(this.store, [mark, token]);
			if (present.has(token)) return;
			if (present.has(mark)) {
				// Another process claimed the same key at the same time and its claim survived.
				this.claimed = false;
				throw new DuplicateKeyError(null, false);
			}
			// An unrelated write of another process dropped the claim; it is recorded again now.
			if (round + 1 >= MAX_CLAIM_ROUNDS) {
				throw new Error(
					`could not record the deduplication key after ${MAX_CLAIM_ROUNDS} tries: other processes kept overwriting the node's record`,
				);
			}
		}
	}

	answered(status: number): void {
		this.answers.push(status);
	}

	/** The request left (or may have left) without an answer: a timeout, a reset, a cancel. */
	unanswered(): void {
		this.maybeSent = true;
	}

	/** Whether the provider certainly created nothing: never sent, or only 4xx answers. */
	private get nothingCreated(): boolean {
		return !this.maybeSent && this.answers.every((status) => status >= 400 && status < 500);
	}

	/** The conversation was created (or accepted, or reused): the key stays. */
	async keep(conversationId: string | null): Promise<string | undefined> {
		if (this.finished) return undefined;
		this.finished = true;
		if (!this.claimed) {
			// The provider flow made no create request (e.g. it reused a conversation): claim now.
			try {
				await this.acquire();
			} catch (error) {
				this.done({ kind: 'kept', conversationId, unknown: false });
				return error instanceof DuplicateKeyError
					? undefined
					: `the key could not be recorded: ${(error as Error).message}`;
			}
		}
		this.done({ kind: 'kept', conversationId, unknown: false });
		try {
			await this.lane.record(this.store, [this.entry, this.sending]);
			return undefined;
		} catch (error) {
			return `the key may not have been recorded again after creating: ${(error as Error).message}`;
		}
	}

	/**
	 * The item failed. Returns `'released'` when the provider certainly created nothing (the key is
	 * forgotten, so a corrected run creates it), `'kept'` when the outcome is unknown, `'none'` when
	 * the key was never claimed.
	 */
	async fail(): Promise<'released' | 'kept' | 'none'> {
		if (this.finished) return 'none';
		this.finished = true;
		if (!this.claimed) {
			this.done({ kind: 'released' });
			return 'none';
		}
		if (this.nothingCreated) {
			this.done({ kind: 'released' });
			try {
				await this.lane.remove(this.store, [this.entry, this.token!, this.sending]);
				// A write of another process that read the row before the removal puts the key back;
				// removing once more after the settle time undoes that.
				await sleep(settleMs());
				await this.lane.remove(this.store, [this.entry, this.token!, this.sending]);
			} catch {
				return 'kept';
			}
			return 'released';
		}
		this.done({ kind: 'kept', conversationId: null, unknown: true });
		return 'kept';
	}

	/** Another execution holds the key. */
	duplicate(conversationId: string | null): void {
		if (this.finished) return;
		this.finished = true;
		this.done({ kind: 'duplicate', conversationId });
	}
}
