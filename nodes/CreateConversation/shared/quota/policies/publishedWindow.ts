import type { Policy } from '../types';

/**
 * The provider's documented limit (`Policy.window`): at most `requests` start in any `perMs`.
 * It applies only until the provider's own quota headers are seen (the scheduler stops asking).
 */
export class PublishedWindow {
	/** Start times within the last `perMs`. */
	private readonly starts: number[] = [];

	constructor(private readonly window: Policy['window']) {}

	nextStartAt(now: number): number {
		const window = this.window;
		if (!window) return now;
		while (this.starts.length > 0 && this.starts[0] <= now - window.perMs) this.starts.shift();
		return this.starts.length >= window.requests ? this.starts[0] + window.perMs : now;
	}

	onStart(now: number): void {
		if (this.window) this.starts.push(now);
	}
}
