import type { Clock } from '../../nodes/CreateConversation/shared/quota';

interface Timer {
	at: number;
	order: number;
	resolve(): void;
}

/**
 * A clock whose time moves only when a test says so: `sleep` registers a timer, `advance` fires the
 * timers that fall due in order and lets every promise they release run before the next one. No
 * real time passes, so windows of seconds and holds of minutes run in milliseconds.
 */
export class SimulatedClock implements Clock {
	private time: number;

	private order = 0;

	private readonly timers: Timer[] = [];

	constructor(start = 1_800_000_000_000) {
		this.time = start;
	}

	now(): number {
		return this.time;
	}

	async sleep(ms: number, signal?: AbortSignal): Promise<void> {
		return await new Promise<void>((resolve, reject) => {
			if (signal?.aborted) {
				reject(new Error('aborted'));
				return;
			}
			const timer: Timer = { at: this.time + Math.max(0, ms), order: this.order++, resolve };
			this.timers.push(timer);
			signal?.addEventListener(
				'abort',
				() => {
					const index = this.timers.indexOf(timer);
					if (index >= 0) this.timers.splice(index, 1);
					reject(new Error('aborted'));
				},
				{ once: true },
			);
		});
	}

	/** Timers not yet fired. */
	get pending(): number {
		return this.timers.length;
	}

	/** Lets every callback already queued run (promise chains included); no time passes. */
	async settle(): Promise<void> {
		await new Promise((resolve) => setImmediate(resolve));
	}

	/** Moves time forward by `ms`, firing each timer at its own time. */
	async advance(ms: number): Promise<void> {
		await this.advanceTo(this.time + ms);
	}

	async advanceTo(target: number): Promise<void> {
		await this.settle();
		for (;;) {
			const next = this.nextTimer();
			if (!next || next.at > target) break;
			this.timers.splice(this.timers.indexOf(next), 1);
			this.time = Math.max(this.time, next.at);
			next.resolve();
			await this.settle();
		}
		this.time = Math.max(this.time, target);
		await this.settle();
	}

	/**
	 * Fires timers until `done()` holds or none is left; false when time ran past `limit` or more
	 * than `maxTimers` fired first (code that re-arms a timer for the same instant forever).
	 */
	async runUntil(
		done: () => boolean,
		limit = Number.POSITIVE_INFINITY,
		maxTimers = 100_000,
	): Promise<boolean> {
		await this.settle();
		for (let fired = 0; !done(); fired++) {
			const next = this.nextTimer();
			if (!next || next.at > limit || fired >= maxTimers) return false;
			await this.advanceTo(next.at);
		}
		return true;
	}

	private nextTimer(): Timer | undefined {
		let first: Timer | undefined;
		for (const timer of this.timers)
			if (!first || timer.at < first.at || (timer.at === first.at && timer.order < first.order))
				first = timer;
		return first;
	}
}
