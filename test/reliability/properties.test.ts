/**
 * Generated hostile parameters, per provider.
 *
 * 1. At the boundary that decides it (10,000 parameter sets per provider): the provider's zod
 *    schema (`validateParameters`) and, when it accepts, the provider's pure request builders.
 *    Either every request is one the provider's own validator accepts (its official OpenAPI
 *    document where there is one, else the emulator's route and validator), at a path that stays
 *    where it belongs after URL parsing, or the item fails with a NodeOperationError naming a
 *    field of that provider. Never a TypeError or any other exception.
 * 2. Through the real engine (a smaller run): hostile values mapped with expressions never make
 *    a request reach another host, never cause an unhandled rejection, and every item ends with
 *    a result or an error item.
 */
import fc from 'fast-check';
import { NodeOperationError, type INode, type INodeProperties } from 'n8n-workflow';

import { validateParameters } from '../../nodes/CreateConversation/shared/validation';
import { createEmulator, type Emulator } from '../../sandbox/index';
import { jsonOf, runNode } from '../support/runNode';
import { anything, type Boundary } from './generators';
import {
	everythingVisible,
	leakedSecrets,
	PROVIDERS,
	recordOutgoingHosts,
	SETUPS,
} from './support';

/** `test/providers/<id>/properties.ts`, by the registry's id: a provider without one fails here. */
function boundaryOf(id: string): Boundary {
	// eslint-disable-next-line @typescript-eslint/no-require-imports -- found by the registry's id
	const loaded = require(`../providers/${id}/properties`) as { boundary?: Boundary };
	if (!loaded.boundary)
		throw new Error(`test/providers/${id}/properties.ts exports no \`boundary\``);
	return loaded.boundary;
}

/** Parameter sets per provider at the boundary; FC_RUNS raises it, FC_SEED picks another sequence. */
const RUNS = Math.max(10_000, Number(process.env.FC_RUNS ?? 0));
const ENGINE_RUNS = 60;

jest.setTimeout(120_000);
const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : 20_260_131;

const NODE: INode = {
	id: 'n',
	name: 'Create Conversation',
	type: 'CUSTOM.createConversation',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/** Display names of a provider's fields, top level and nested. */
function displayNames(properties: INodeProperties[]): Set<string> {
	const names = new Set<string>();
	for (const property of properties) names.add(property.displayName);
	return names;
}

const counts: Record<string, { runs: number; accepted: number; refused: number }> = {};

afterAll(() => {
	if (process.env.RELIABILITY_REPORT)
		process.stdout.write(`property counts: ${JSON.stringify(counts)}\n`);
});

describe.each(PROVIDERS.map((provider) => [provider.id, provider] as const))(
	'%s parameters at the boundary',
	(id, { definition }) => {
		const boundary = boundaryOf(id);
		const fields = displayNames(definition.properties);

		test(`${RUNS} generated parameter sets: a request the provider accepts, or a NodeOperationError naming one of its fields`, () => {
			const tally = (counts[id] = { runs: 0, accepted: 0, refused: 0 });
			fc.assert(
				fc.property(boundary.raw, (raw) => {
					tally.runs += 1;
					let params: unknown;
					try {
						params = validateParameters(NODE, definition.schema, definition.properties, raw, 0);
					} catch (error) {
						expect(error).toBeInstanceOf(NodeOperationError);
						const { message, description } = error as NodeOperationError;
						const named = [...fields].some(
							(name) => message.startsWith(`Invalid "${name}`) && /" in item 0: \S/.test(message),
						);
						expect({ namesAFieldOfTheProvider: named, message }).toEqual({
							namesAFieldOfTheProvider: true,
							message,
						});
						expect(description).toBeTruthy();
						tally.refused += 1;
						return;
					}
					boundary.check(params);
					tally.accepted += 1;
				}),
				{ numRuns: RUNS, seed: SEED },
			);
			expect(tally.runs).toBeGreaterThanOrEqual(RUNS);
			// Both outcomes are exercised, so the generator is neither all-valid nor all-garbage.
			expect(tally.accepted).toBeGreaterThan(RUNS / 100);
			expect(tally.refused).toBeGreaterThan(RUNS / 100);
		});
	},
);

// --- through the engine ----------------------------------------------------------------------

describe('through the engine, hostile values mapped with expressions', () => {
	let emulator: Emulator;
	const rejections: unknown[] = [];
	const onRejection = (reason: unknown) => void rejections.push(reason);

	beforeAll(async () => {
		emulator = await createEmulator().start();
		process.on('unhandledRejection', onRejection);
	});
	afterAll(async () => {
		process.off('unhandledRejection', onRejection);
		await emulator.stop();
	});

	const hostileItem = fc.record(
		{ a: anything, b: anything, c: anything, d: anything, e: anything, f: anything },
		{ requiredKeys: [] },
	);

	test.each(PROVIDERS.map(({ id }) => id))(
		`%s: ${ENGINE_RUNS} executions reach no other host, reject nothing unhandled, lose no item, leak no secret`,
		async (id) => {
			const setup = SETUPS[id];
			const emulatorHost = new URL(emulator.url).host;
			let executions = 0;
			await fc.assert(
				fc.asyncProperty(fc.array(hostileItem, { minLength: 1, maxLength: 3 }), async (items) => {
					emulator.reset();
					setup.seed(emulator);
					const outgoing = recordOutgoingHosts();
					let result;
					try {
						result = await runNode({
							credentials: setup.credentials(emulator),
							continueOnFail: true,
							items: items as never,
							parameters: { ...setup.parameters, ...setup.mapped },
						});
					} finally {
						outgoing.stop();
					}
					executions += 1;
					expect(result.error).toBeUndefined();
					const output = jsonOf(result.output);
					expect(output).toHaveLength(items.length);
					expect(result.output!.map((item) => item.pairedItem)).toEqual(
						items.map((_, item) => ({ item })),
					);
					for (const json of output)
						expect(typeof json.error === 'string' || typeof json.status === 'string').toBe(true);
					expect(
						outgoing.hosts.filter((host) => host !== emulatorHost && host !== 'socket:127.0.0.1'),
					).toEqual([]);
					expect(leakedSecrets(everythingVisible(result), setup.secrets(emulator))).toEqual([]);
				}),
				{ numRuns: ENGINE_RUNS, seed: SEED },
			);
			expect(executions).toBe(ENGINE_RUNS);
			await new Promise((resolve) => setImmediate(resolve));
			expect(rejections).toEqual([]);
		},
	);
});
