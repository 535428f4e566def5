import type { Observation } from '../types';

/** After a 429, nobody sends before the time the provider asked everyone to wait. */
export class Hold {
	private until = 0;

	get holdUntil(): number {
		return this.until;
	}

	nextStartAt(now: number): number {
		return Math.max(now, this.until);
	}

	observe(observation: Observation, now: number): void {
		if (observation.status === 429 && observation.holdMs !== undefined)
			this.until = Math.max(this.until, now + observation.holdMs);
	}
}
