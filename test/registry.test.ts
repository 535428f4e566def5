import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { NodeHelpers, Workflow, type INodeProperties } from 'n8n-workflow';

import { CreateConversation } from '../nodes/CreateConversation/CreateConversation.node';
import { providers } from '../nodes/CreateConversation/providers/registry';
import { HarnessNodeTypes } from './harness';
import { NODE_TYPE, packageCredentialTypes } from './support/runNode';

const manifest = JSON.parse(readFileSync(resolve(__dirname, '..', 'package.json'), 'utf8'));
const description = new CreateConversation().description;

test('the package has no runtime dependencies and n8n-workflow as its only peer', () => {
	expect(manifest.dependencies ?? {}).toEqual({});
	expect(manifest.peerDependencies).toEqual({ 'n8n-workflow': '*' });
	expect(manifest.keywords).toContain('n8n-community-node-package');
});

test('every provider credential is declared in package.json, and nothing else is', () => {
	const declared = packageCredentialTypes()
		.map((type) => type.name)
		.sort();
	expect(declared).toEqual(providers.map((provider) => provider.credentialType).sort());
});

test('credential names follow one pattern: <provider>Conversation[OAuth2]Api, "<Product> (Create Conversation) …API"', () => {
	for (const [index, compiled] of (manifest.n8n.credentials as string[]).entries()) {
		const credential = packageCredentialTypes()[index];
		const className = credential.name.charAt(0).toUpperCase() + credential.name.slice(1);
		expect(compiled).toBe(`dist/credentials/${className}.credentials.js`);
		expect(credential.constructor.name).toBe(className);
	}
	for (const provider of providers) {
		const credential = packageCredentialTypes().find(
			(type) => type.name === provider.credentialType,
		)!;
		const oauth2 = credential.extends?.includes('oAuth2Api') === true;
		expect(provider.credentialType).toBe(`${provider.id}Conversation${oauth2 ? 'OAuth2' : ''}Api`);
		expect(credential.displayName).toMatch(
			oauth2 ? / \(Create Conversation\) OAuth2 API$/ : / \(Create Conversation\) API$/,
		);
		// The provider's README (and so the package README) names it as the editor shows it.
		const readme = readFileSync(
			resolve(__dirname, '..', 'nodes/CreateConversation/providers', provider.id, 'README.md'),
			'utf8',
		);
		expect(readme.replace(/\s+/g, ' ')).toContain(
			`**Credential: ${credential.displayName}** (type \`${credential.name}\`)`,
		);
	}
});

test('the node offers every provider, each with its own credential shown only for it', () => {
	const selector = description.properties.find((property) => property.name === 'provider')!;
	expect(selector.noDataExpression).toBe(true);
	expect(selector.options).toEqual(
		providers.map((provider) => expect.objectContaining({ value: provider.id })),
	);
	for (const selected of providers) {
		const shown = description.credentials!.filter((credential) =>
			NodeHelpers.displayParameter({ provider: selected.id }, credential, null, null),
		);
		expect(shown.map((credential) => credential.name)).toEqual([selected.credentialType]);
	}
	// `show` on Provider would make n8n's editor hide the Provider selector as an auth field.
	expect(description.credentials!.every((credential) => !credential.displayOptions?.show)).toBe(
		true,
	);
});

test('panel fields are prefixed with their provider, unique, and shown only for it', () => {
	const names = new Set<string>();
	for (const provider of providers) {
		for (const property of provider.properties) {
			expect(property.name.startsWith(provider.id)).toBe(true);
			expect(names.has(property.name)).toBe(false);
			names.add(property.name);
			const inNode = description.properties.find(
				(candidate: INodeProperties) => candidate.name === property.name,
			)!;
			expect(inNode.displayOptions?.show?.provider).toEqual([provider.id]);
		}
	}
});

test('the node is usable as an AI tool and says it is not idempotent', () => {
	expect(description.usableAsTool).toBe(true);
	expect(description.description).toMatch(/not idempotent/i);
});

test("as an AI tool, the agent reads the chosen provider's own description; the regular panel has no such field", () => {
	// n8n names the tool variant of a node `<name>Tool`; `@tool` conditions look at that name.
	const asTool = { ...description, name: `${description.name}Tool` };
	const node = {
		id: 'n',
		name: 'Create Conversation',
		type: `x.${asTool.name}`,
		typeVersion: 1,
		position: [0, 0] as [number, number],
		parameters: {},
	};
	for (const provider of providers) {
		expect(provider.toolDescription).toMatch(/not idempotent/i);
		expect(provider.toolDescription).toContain(provider.displayName);
		for (const other of providers.filter((candidate) => candidate !== provider)) {
			expect(provider.toolDescription).not.toContain(other.displayName);
		}
		const values = { provider: provider.id };
		const inTool = NodeHelpers.getNodeParameters(
			asTool.properties,
			values,
			true,
			false,
			node,
			asTool,
		)!;
		expect(inTool.toolDescription).toBe(provider.toolDescription);
		const parameters = { ...node, parameters: inTool };
		expect(
			NodeHelpers.getToolDescriptionForNode(parameters, { description: asTool } as never),
		).toBe(provider.toolDescription);
		const inPanel = NodeHelpers.getNodeParameters(
			description.properties,
			values,
			true,
			false,
			node,
			description,
		)!;
		expect(inPanel).not.toHaveProperty('toolDescription');
	}
});

/** Every field of the node, collections and fixed collections included. */
function allFields(properties: INodeProperties[]): INodeProperties[] {
	return properties.flatMap((property) => {
		const nested = (property.options ?? []).flatMap((option) => {
			if (typeof option !== 'object' || option === null) return [];
			if ('values' in option && Array.isArray(option.values))
				return allFields(option.values as INodeProperties[]);
			return 'type' in option ? allFields([option as INodeProperties]) : [];
		});
		return [property, ...nested];
	});
}

test('labels fit the panel: no field name is cut off', () => {
	const long = allFields(description.properties)
		.map((field) => field.displayName)
		.filter((name) => name.length > 30);
	expect(long).toEqual([]);
});

test("every number field's default is a value the editor can hold (within its min and max)", () => {
	const outside = allFields(description.properties)
		.filter((field) => field.type === 'number')
		.filter((field) => {
			const value = field.default as number;
			const { minValue, maxValue } = (field.typeOptions ?? {}) as {
				minValue?: number;
				maxValue?: number;
			};
			return (
				(minValue !== undefined && value < minValue) || (maxValue !== undefined && value > maxValue)
			);
		})
		.map((field) => `${field.displayName}: ${String(field.default)}`);
	expect(outside).toEqual([]);
});

test('the subtitle shows the chosen provider by name, not by id', () => {
	// evaluated by n8n's own expression engine, as the editor does for the canvas
	const subtitle = (provider: string) => {
		const node = {
			id: 'n',
			name: 'Create Conversation',
			type: NODE_TYPE,
			typeVersion: 1,
			position: [0, 0] as [number, number],
			parameters: { provider },
		};
		const workflow = new Workflow({
			nodes: [node],
			connections: {},
			active: false,
			nodeTypes: new HarnessNodeTypes({ [NODE_TYPE]: new CreateConversation() }),
		});
		return workflow.expression.getSimpleParameterValue(node, description.subtitle!, 'internal', {});
	};
	for (const provider of providers)
		expect(subtitle(provider.id)).toBe(`in ${provider.displayName}`);
});

/**
 * Conventions the generated per-provider repositories rely on (scripts/repositories/generate.ts),
 * each failing with the CONTRIBUTING.md step that sets it.
 */
describe('what a provider must follow for its own package', () => {
	test.each(providers.map((provider) => [provider.id, provider] as const))(
		'%s: its folder exports its definition as <id>Provider',
		(id, provider) => {
			// eslint-disable-next-line @typescript-eslint/no-require-imports -- read by name, as the generated node imports it
			const exported = require(`../nodes/CreateConversation/providers/${id}`)[`${id}Provider`];
			if (exported !== provider)
				throw new Error(
					`CONTRIBUTING.md step 1: nodes/CreateConversation/providers/${id}/index.ts must export its definition as \`${id}Provider\`: the node of its own package imports it by that name`,
				);
		},
	);

	test.each(providers.map((provider) => [provider.id, provider] as const))(
		'%s: its list searches are named after it',
		(id, provider) => {
			const misnamed = Object.keys(provider.listSearch ?? {}).filter(
				(name) => !name.startsWith(id),
			);
			if (misnamed.length > 0)
				throw new Error(
					`CONTRIBUTING.md step 1: list searches ${misnamed.join(', ')} must start with "${id}": every provider's searches are merged into one node's methods`,
				);
		},
	);

	test.each(providers.map((provider) => [provider.id, provider] as const))(
		'%s: its credential reaches the node folder only through ../nodes/CreateConversation/',
		(_id, provider) => {
			const className =
				provider.credentialType.charAt(0).toUpperCase() + provider.credentialType.slice(1);
			const file = `credentials/${className}.credentials.ts`;
			const source = readFileSync(resolve(__dirname, '..', file), 'utf8');
			const elsewhere = [...source.matchAll(/from '(\.[^']+)'/g)]
				.map((match) => match[1])
				.filter((path) => !path.startsWith('../nodes/CreateConversation/'));
			if (elsewhere.length > 0)
				throw new Error(
					`CONTRIBUTING.md step 2: ${file} imports ${elsewhere.join(', ')}; import from the node's folder as '../nodes/CreateConversation/…', the one path its own package rewrites`,
				);
		},
	);
});
