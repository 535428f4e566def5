import { randomString } from 'n8n-workflow';

import type { Clock } from '../quota/clock';
import type { KeyStore, Lane } from './store';

/**
 * One item's claim of its key, made when its create request is next (after any lookups the
 * provider makes first), then kept or released. The claim waits its settle time while the request
 * waits for the quota; a wait that outlasts Rate-Limit Patience, or a cancelled run, releases it.
 *
 * Why a claim waits (Fischer's timed mutual exclusion): the store's row is rewritten by
 * read-modify-write without a lock, so another process that read the row just before our write
 * can write it back without our entries. A claim records the key and a token of its own, waits the
 * settle time, and records both again: when the token survived, every write that read the row
 * before the claim has landed, and every later one read it with the key. This holds as long as no
 * process takes longer than the settle time (`Lane.settleMs`) between its read and its write. When the token was lost but the key is there, another claim of the same key
 * won: this item is a duplicate. When both were lost, an unrelated write dropped them and the
 * claim is made again.
 *
 * A worker that dies between its claim and its request leaves a key whose conversation was never
 * created; one that dies after sending leaves one that was. Nothing in the store can tell the two
 * apart, so a retry of a crashed execution reports the key as a duplicate whose outcome is
 * unknown, never creates a second conversation, and says how to release the key.
 */
/** How many times a claim dropped by unrelated concurrent writes is made again. */
const MAX_CLAIM_ROUNDS = 10;

/** Thrown by `acquire` when another execution holds the key: nothing is sent for this item. */
export class DuplicateKeyError extends Error {
	constructor(
		readonly conversationId: string | null,
		/** The holder may have died before or after sending: the conversation may not exist. */
		readonly unknown: boolean,
	) {
		super('duplicate deduplication key');
		this.name = 'DuplicateKeyError';
	}
}

/** What became of a key in this process (shared with items of this process that wait on it). */
export type ClaimOutcome =
	| { kind: 'kept'; conversationId: string | null; unknown: boolean }
	| { kind: 'released' }
	| { kind: 'duplicate'; conversationId: string | null; unknown: boolean };

export interface ClaimSettings {
	lane: Lane;
	store: KeyStore;
	clock: Clock;
	/** The store entry of the key, in its key space. */
	entry: string;
	/** Called once with the outcome. */
	done(outcome: ClaimOutcome): void;
	/** The execution's cancel signal. */
	signal: AbortSignal;
	/** A retry of an earlier execution: a key held elsewhere may be its own crashed attempt. */
	retry: boolean;
}

export class KeyClaim {
	private claimed = false;
	private token?: string;
	/** The create request may have reached the provider without an answer (timeout, reset). */
	private maybeSent = false;
	/** Statuses the provider answered to the create request. */
	private readonly answers: number[] = [];
	private finished = false;

	constructor(private readonly settings: ClaimSettings) {}

	/**
	 * Claims the key; throws `DuplicateKeyError` when another execution holds it. Called by the
	 * transport right before the create request (again before each retry of it: a no-op then).
	 */
	async acquire(): Promise<void> {
		if (this.claimed) return;
		const { lane, store, clock, entry, signal } = this.settings;
		const token = `${entry}\u0000claim:${randomString(16)}`;
		this.token = token;
		let present = await lane.record(store, [entry, token]);
		for (let round = 1; ; round++) {
			if (present.has(entry) && !present.has(token)) throw this.duplicateError();
			// Recorded (or recorded again): wait for every write that read the row before it.
			this.claimed = true;
			await clock.sleep(lane.settleMs(), signal);
			if (signal.aborted)
				throw new Error('the execution was cancelled before the request was sent');
			present = await lane.record(store, [entry, token]);
			if (present.has(token)) return;
			this.claimed = false;
			if (round >= MAX_CLAIM_ROUNDS) {
				throw new Error(
					`could not record the deduplication key after ${MAX_CLAIM_ROUNDS} tries: other processes kept overwriting the node's record`,
				);
			}
			// `present` has the key without the token: another claim won. Neither: both were
			// dropped by an unrelated write and were just recorded again; the loop waits once more.
			if (present.has(entry)) throw this.duplicateError();
			present = new Set();
		}
	}

	private duplicateError(): DuplicateKeyError {
		return new DuplicateKeyError(null, this.settings.retry);
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

	/**
	 * The conversation was created (or accepted, or reused): the key stays. Returns a warning for
	 * the output when the key could not be recorded.
	 */
	async keep(conversationId: string | null): Promise<string | undefined> {
		if (this.finished) return undefined;
		this.finished = true;
		const outcome = { kind: 'kept', conversationId, unknown: false } as const;
		if (this.claimed) {
			this.settings.done(outcome);
			return undefined;
		}
		// The provider flow made no create request (it reused a conversation): claim now.
		try {
			await this.acquire();
			return undefined;
		} catch (error) {
			return error instanceof DuplicateKeyError
				? undefined
				: `the key could not be recorded: ${(error as Error).message}`;
		} finally {
			this.settings.done(outcome);
		}
	}

	/**
	 * The item failed. `released`: the provider certainly created nothing, the key is forgotten so
	 * a corrected run creates it. `kept`: the outcome is unknown. `none`: the key was never claimed.
	 */
	async fail(): Promise<'released' | 'kept' | 'none'> {
		if (this.finished) return 'none';
		this.finished = true;
		const { lane, store, clock, done, entry } = this.settings;
		if (!this.claimed) {
			done({ kind: 'released' });
			return 'none';
		}
		if (!this.nothingCreated) {
			done({ kind: 'kept', conversationId: null, unknown: true });
			return 'kept';
		}
		done({ kind: 'released' });
		try {
			await lane.remove(store, [entry, this.token!]);
			// A write of another process that read the row before the removal puts the key back;
			// removing it once more after the settle time undoes that.
			await clock.sleep(lane.settleMs(), new AbortController().signal);
			await lane.remove(store, [entry, this.token!]);
		} catch {
			return 'kept';
		}
		return 'released';
	}

	/** Another execution holds the key. */
	markDuplicate(conversationId: string | null, unknown: boolean): void {
		if (this.finished) return;
		this.finished = true;
		this.settings.done({ kind: 'duplicate', conversationId, unknown });
	}
}
