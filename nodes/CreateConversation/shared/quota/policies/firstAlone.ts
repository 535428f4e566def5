import type { Flow, Observation } from '../types';

/**
 * The very first request of a credential goes alone, the others once it is answered (see
 * `Policy.firstRequestAlone`): n8n-core then fetches one OAuth2 token, not one per request.
 */
export class FirstRequestAlone {
	private answered = false;

	constructor(private readonly enabled: boolean) {}

	/** `now`, or Infinity: wait until a request ends. */
	nextStartAt(flow: Flow, now: number): number {
		return this.enabled && !this.answered && flow.inFlight > 0 ? Number.POSITIVE_INFINITY : now;
	}

	observe(observation: Observation): void {
		if (observation.status !== undefined) this.answered = true;
	}
}
