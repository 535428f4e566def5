/**
 * The sandbox: every provider the node registers, served by its emulator under `/<id>`, with its
 * fixtures. Providers come from the node's registry and their sandbox parts from
 * `sandbox/providers/<id>/` by that id, so a provider added to the registry is here too (and a
 * missing emulator or fixture fails loudly) without any list to update.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { providers as registered } from '../nodes/CreateConversation/providers/registry';
import type { ProviderDefinition } from '../nodes/CreateConversation/shared/provider';
import type { ProviderFixtures, QuotaFixtures } from './fixtures';
import { MODEL_API_KEY, MODEL_PATH, ScriptedModel } from './model';
import { Emulator, type EmulatorOptions } from './server';

export { Emulator } from './server';

export interface SandboxProvider {
	id: string;
	definition: ProviderDefinition;
	fixtures: ProviderFixtures;
}

/** `sandbox/providers/<id>/fixtures.ts`, by convention. */
export function fixturesOf(id: string): ProviderFixtures {
	// eslint-disable-next-line @typescript-eslint/no-require-imports -- found by the registry's id
	const loaded = require(`./providers/${id}/fixtures`) as { fixtures?: ProviderFixtures };
	if (!loaded.fixtures)
		throw new Error(`sandbox/providers/${id}/fixtures.ts exports no \`fixtures\``);
	return loaded.fixtures;
}

/** Every registered provider with its sandbox fixtures, in the registry's order. */
export function sandboxProviders(
	definitions: readonly ProviderDefinition[] = registered,
	load: (id: string) => ProviderFixtures = fixturesOf,
): SandboxProvider[] {
	return definitions.map((definition) => ({
		id: definition.id,
		definition,
		fixtures: load(definition.id),
	}));
}

/**
 * An emulator serving every provider, each under `/<provider id>`, and the scripted stand-in
 * for OpenAI under `/model/v1` (`emulator.provider<ScriptedModel>('model')`).
 */
export function createEmulator(
	options: EmulatorOptions = {},
	providers: SandboxProvider[] = sandboxProviders(),
): Emulator {
	return new Emulator(
		[
			...providers.map(({ id, fixtures }) => {
				const emulator = fixtures.createEmulator();
				if (emulator.name !== id)
					throw new Error(`the emulator of ${id} calls itself ${emulator.name}`);
				return emulator;
			}),
			new ScriptedModel(),
		],
		options,
	);
}

const ROOT = join(__dirname, '..');
export const PACKAGE_NAME = (
	JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string }
).name;
/** The node type as n8n names it after a Community Nodes install. */
export const NODE_TYPE = `${PACKAGE_NAME}.createConversation`;

/** The bearer token MCP clients send to the MCP example's trigger in the sandbox. */
export const MCP_TOKEN = 'sandbox-mcp-client-token';

/**
 * The credentials the AI examples use besides a provider's: n8n's OpenAI credential pointing at
 * the scripted model, and the bearer token the MCP Server Trigger asks its clients for.
 */
export const AGENT_CREDENTIALS = {
	model: {
		id: 'ccSandboxModel01',
		name: 'Scripted model (sandbox stand-in for OpenAI)',
		type: 'openAiApi',
	},
	mcp: {
		id: 'ccSandboxMcpAuth',
		name: 'MCP clients (sandbox bearer token)',
		type: 'httpBearerAuth',
	},
} as const;

/** The sandbox credentials in `n8n import:credentials` form. */
export function sandboxCredentials(url: string, providers: SandboxProvider[] = sandboxProviders()) {
	return [
		...providers.map(({ definition, fixtures }) => ({
			id: fixtures.credentialId,
			name: fixtures.credentialName,
			type: definition.credentialType,
			data: fixtures.credential(url) as Record<string, unknown>,
		})),
		{ ...AGENT_CREDENTIALS.model, data: { apiKey: MODEL_API_KEY, url: `${url}${MODEL_PATH}` } },
		{ ...AGENT_CREDENTIALS.mcp, data: { token: MCP_TOKEN } },
	];
}

/** A node's `credentials` entry for the sandbox credential of a provider. */
export function credentialRef(
	provider: SandboxProvider,
): Record<string, { id: string; name: string }> {
	return {
		[provider.definition.credentialType]: {
			id: provider.fixtures.credentialId,
			name: provider.fixtures.credentialName,
		},
	};
}

/** The provider with this id. */
export function sandboxProvider(
	id: string,
	providers: SandboxProvider[] = sandboxProviders(),
): SandboxProvider {
	const found = providers.find((provider) => provider.id === id);
	if (!found) throw new Error(`no provider ${id} in the sandbox`);
	return found;
}

/** The first provider whose fixtures say how to set its quota (one that sends quota headers). */
export function quotaProvider(
	providers: SandboxProvider[] = sandboxProviders(),
): SandboxProvider & { quota: QuotaFixtures } {
	const provider = providers.find(({ fixtures }) => fixtures.quota);
	if (!provider)
		throw new Error('no provider has quota fixtures (sandbox/providers/<id>/fixtures.ts › quota)');
	return { ...provider, quota: provider.fixtures.quota! };
}
