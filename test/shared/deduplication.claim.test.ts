/**
 * The Deduplication Key's claim across processes, in simulated time, against a model of n8n's
 * processed-data store that loses updates as n8n 2.41.1's does: each call reads the node's row,
 * waits a database round trip, and writes the whole row back. Several processes (each its own
 * lane) claim the same keys at random moments while unrelated writers rewrite the row.
 * - While no write waits longer than the settle time between its read and its write, exactly one
 *   claim of a key wins, whatever the timing; every other one is a duplicate, and the winner's key
 *   survives every later write.
 * - The assumption is real: a writer that stalls longer than the settle time lets two claims win
 *   (the control case), which is why the settle time follows the store's call times.
 */
import fc from 'fast-check';

import { DuplicateKeyError, KeyClaim } from '../../nodes/CreateConversation/shared/deduplication';
import { Lane, type KeyStore } from '../../nodes/CreateConversation/shared/deduplication/store';
import { SimulatedClock } from '../support/simulatedClock';

/** n8n's row, read and written back whole; `gapMs()` is each call's read-to-write time. */
class LossyRow {
	entries = new Set<string>();

	constructor(
		private readonly clock: SimulatedClock,
		private readonly gapMs: () => number,
	) {}

	store(): KeyStore {
		return {
			record: async (entries) => {
				const read = new Set(this.entries);
				await this.clock.sleep(this.gapMs());
				const already = new Set(entries.filter((entry) => read.has(entry)));
				for (const entry of entries) read.add(entry);
				this.entries = read;
				return already;
			},
			remove: async (entries) => {
				const read = new Set(this.entries);
				await this.clock.sleep(this.gapMs());
				for (const entry of entries) read.delete(entry);
				this.entries = read;
			},
		};
	}
}

type Result = 'won' | 'duplicate' | 'error';

interface Scenario {
	processes: number;
	claims: Array<{ process: number; startMs: number; key: number }>;
	/** Unrelated writes (other keys) by other processes, at these moments. */
	noise: number[];
	gaps: number[];
}

async function play(
	scenario: Scenario,
	foreignGapMs?: number,
): Promise<{ results: Array<{ key: number; result: Result }>; row: Set<string> }> {
	const clock = new SimulatedClock();
	let gapIndex = 0;
	const row = new LossyRow(clock, () => scenario.gaps[gapIndex++ % scenario.gaps.length]);
	const lanes = Array.from({ length: scenario.processes }, () => new Lane(clock));
	const store = row.store();
	const results: Array<{ key: number; result: Result }> = [];
	const runs = scenario.claims.map(async ({ process, startMs, key }) => {
		await clock.sleep(startMs);
		const claim = new KeyClaim({
			lane: lanes[process],
			store,
			clock,
			entry: `production:key-${key}`,
			done: () => undefined,
			signal: new AbortController().signal,
			retry: false,
		});
		try {
			await claim.acquire();
			results.push({ key, result: 'won' });
		} catch (error) {
			results.push({ key, result: error instanceof DuplicateKeyError ? 'duplicate' : 'error' });
		}
	});
	// Another process (no lane of ours) writing unrelated entries, possibly slowly.
	const foreign = foreignGapMs === undefined ? store : new LossyRow(clock, () => 0).store();
	const noise = scenario.noise.map(async (atMs, index) => {
		await clock.sleep(atMs);
		if (foreignGapMs === undefined) {
			await foreign.record([`other-${index}`]);
			return;
		}
		const read = new Set(row.entries);
		await clock.sleep(foreignGapMs);
		read.add(`other-${index}`);
		row.entries = read;
	});
	const all = Promise.all([...runs, ...noise]);
	let finished = false;
	void all.then(() => (finished = true));
	for (let step = 0; step < 100_000 && !finished; step++) await clock.advance(10);
	expect(finished).toBe(true);
	return { results, row: row.entries };
}

const scenarioArb = fc.integer({ min: 2, max: 4 }).chain((processes) =>
	fc.record({
		processes: fc.constant(processes),
		claims: fc.array(
			fc.record({
				process: fc.integer({ min: 0, max: processes - 1 }),
				startMs: fc.integer({ min: 0, max: 1500 }),
				key: fc.integer({ min: 0, max: 3 }),
			}),
			{ minLength: 2, maxLength: 14 },
		),
		noise: fc.array(fc.integer({ min: 0, max: 2500 }), { maxLength: 20 }),
		// Round trips of up to 60 ms: well under the 300 ms settle time.
		gaps: fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 8 }),
	}),
);

test('whatever the timing, exactly one claim of a key wins and its key survives every later write', async () => {
	await fc.assert(
		fc.asyncProperty(scenarioArb, async (scenario) => {
			const { results, row } = await play(scenario);
			const keys = new Set(scenario.claims.map(({ key }) => key));
			for (const key of keys) {
				const mine = results.filter((each) => each.key === key);
				expect(mine.filter((each) => each.result === 'won')).toHaveLength(1);
				expect(mine.filter((each) => each.result === 'error')).toHaveLength(0);
				expect(row.has(`production:key-${key}`)).toBe(true);
			}
		}),
		{ numRuns: 150 },
	);
});

test('control: a writer that stalls longer than the settle time between read and write lets two claims win', async () => {
	// A third process reads the row at 50 ms and writes it back 2 s later, dropping the claim that
	// process 0 made at 100 ms and checked at about 410 ms; process 1 then claims the key anew.
	const { results } = await play(
		{
			processes: 2,
			claims: [
				{ process: 0, startMs: 100, key: 0 },
				{ process: 1, startMs: 2_200, key: 0 },
			],
			noise: [50],
			gaps: [5],
		},
		2_000,
	);
	expect(results.filter((each) => each.result === 'won')).toHaveLength(2);
});
