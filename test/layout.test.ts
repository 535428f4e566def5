/**
 * One provider, one folder: a provider is its folder, its credential, its icons, its sandbox
 * emulator and fixtures, its property test and one registry line (plus its credential's path in
 * package.json, which n8n reads). Everything else is derived from the registry. This suite proves
 * it: the derived files are up to date, no other file names a provider, every provider has its
 * parts, and a fake provider registered here shows up everywhere the real ones do.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { NodeHelpers, type INodeTypeDescription } from 'n8n-workflow';
import { z } from 'zod';

import { CreateConversation } from '../nodes/CreateConversation/CreateConversation.node';
import {
	codexFor,
	nodeDescription,
	providerCredentials,
	providerProperties,
	providerSubtitle,
} from '../nodes/CreateConversation/description';
import { providers } from '../nodes/CreateConversation/providers/registry';
import type { ProviderDefinition } from '../nodes/CreateConversation/shared/provider';
import {
	createEmulator,
	fixturesOf,
	sandboxCredentials,
	sandboxProviders,
	type SandboxProvider,
} from '../sandbox';
import { exampleFiles } from '../sandbox/examples';
import type { ProviderFixtures } from '../sandbox/fixtures';
import type { ProviderEmulator } from '../sandbox/server';
import { packageTable, ROOT, unsyncedFiles } from '../scripts/derived';
import { repositoryOf } from '../scripts/repositories/generate';
import { panelExpectations } from './browser/expectations';
import { setupsFor } from './reliability/support';

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
	n8n: { credentials: string[] };
};

/** The credentials file that declares a credential type (`name = '<type>'`). */
function credentialFileOf(type: string): string {
	const file = readdirSync(join(ROOT, 'credentials')).find((name) =>
		readFileSync(join(ROOT, 'credentials', name), 'utf8').includes(`name = '${type}';`),
	);
	if (!file) throw new Error(`no credentials/ file declares ${type}`);
	return `credentials/${file}`;
}

/** Everything a provider consists of, by convention (the registry line and package.json entry aside). */
function partsOf(
	provider: ProviderDefinition,
	credentialFile = credentialFileOf(provider.credentialType),
): string[] {
	return [
		`nodes/CreateConversation/providers/${provider.id}/index.ts`,
		`nodes/CreateConversation/providers/${provider.id}/README.md`,
		credentialFile,
		`icons/${provider.id}.svg`,
		`icons/${provider.id}.dark.svg`,
		`sandbox/providers/${provider.id}/emulator.ts`,
		`sandbox/providers/${provider.id}/fixtures.ts`,
		`test/providers/${provider.id}/properties.ts`,
	];
}

/** Where a provider may be named: its own parts. */
function ownPlaces(provider: ProviderDefinition): string[] {
	return [
		`nodes/CreateConversation/providers/${provider.id}/`,
		credentialFileOf(provider.credentialType),
		`icons/${provider.id}.`,
		`sandbox/providers/${provider.id}/`,
		`test/providers/${provider.id}/`,
	];
}

/** The repository's own files: what git keeps, without what .gitignore leaves out. */
function repositoryFiles(folder = ''): string[] {
	const ignored = new Set([
		'.git',
		'node_modules',
		'dist',
		'coverage',
		'test-artifacts',
		'bench-results',
		'.n8n-cache',
	]);
	return readdirSync(join(ROOT, folder), { withFileTypes: true }).flatMap((entry) => {
		const path = folder ? `${folder}/${entry.name}` : entry.name;
		// repositories/ holds the generated per-provider repositories (gitignored)
		if (path === 'repositories') return [];
		if (entry.isDirectory()) return ignored.has(entry.name) ? [] : repositoryFiles(path);
		return entry.isFile() && !entry.name.endsWith('.tgz') ? [path] : [];
	});
}

test('every file derived from the registry is up to date (npm run sync writes them)', () => {
	const { write, remove } = unsyncedFiles();
	expect(write.map((file) => file.path)).toEqual([]);
	// and nothing in examples/ that no provider makes any more
	expect(remove).toEqual([]);
});

test('every provider consists of its own parts, and package.json declares its credential', () => {
	for (const provider of providers) {
		expect(partsOf(provider).filter((part) => !existsSync(join(ROOT, part)))).toEqual([]);
		const compiled = credentialFileOf(provider.credentialType)
			.replace(/^credentials\//, 'dist/credentials/')
			.replace(/\.ts$/, '.js');
		expect(manifest.n8n.credentials).toContain(compiled);
	}
	expect(manifest.n8n.credentials).toHaveLength(providers.length);
});

test("no file outside a provider's own parts names it (derived files are checked above; docs may)", () => {
	const files = repositoryFiles()
		.filter((file) => !/\.(md|png|svg)$/.test(file))
		.filter(
			(file) =>
				![
					'package.json',
					'package-lock.json',
					'nodes/CreateConversation/providers/registry.ts',
				].includes(file),
		)
		.filter((file) => !file.startsWith('examples/'));
	const found: string[] = [];
	for (const provider of providers) {
		const places = ownPlaces(provider);
		const names = [provider.id, provider.displayName, provider.credentialType].map((name) =>
			name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
		);
		const pattern = new RegExp(`(?<![A-Za-z0-9])(${names.join('|')})(?![A-Za-z0-9])`, 'i');
		for (const file of files) {
			if (places.some((place) => file.startsWith(place))) continue;
			const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
			lines.forEach((line, index) => {
				if (pattern.test(line))
					found.push(`${file}:${index + 1} names ${provider.id}: ${line.trim().slice(0, 100)}`);
			});
		}
	}
	expect(found).toEqual([]);
});

describe('a new provider is its folder, its credential, its sandbox parts and one registry line', () => {
	/** A minimal provider, as a contributor would add one. */
	const fakeDefinition: ProviderDefinition = {
		id: 'acmedesk',
		displayName: 'AcmeDesk',
		description: 'Open an AcmeDesk ticket',
		toolDescription: 'Opens an AcmeDesk ticket. Not idempotent.',
		credentialType: 'acmedeskConversationApi',
		properties: [
			{
				displayName: 'Ticket Title',
				name: 'acmedeskTitle',
				type: 'string',
				default: '',
				required: true,
			},
		],
		schema: z.object({ acmedeskTitle: z.string() }) as never,
		rateLimit: { defaultConcurrency: 2 },
		errorHints: { credential: 'the AcmeDesk key is wrong', host: 'Base URL Override' },
		credentialTarget: () => ({ baseUrl: 'http://127.0.0.1' }),
		parseError: () => ({}),
		createConversation: async () => ({ status: 'created', conversationId: 'T-1', response: {} }),
	};
	class FakeEmulator implements ProviderEmulator {
		readonly name = 'acmedesk';
		matches = (path: string) => path.startsWith('/acmedesk/');
		handle = () => ({ status: 201, body: { id: 'T-1' } });
		conversations = () => [];
		reset = () => undefined;
	}
	const fakeFixtures: ProviderFixtures = {
		...fixturesOf(providers[0].id),
		createEmulator: () => new FakeEmulator(),
		credential: (url) => ({ apiKey: 'acme-key', baseUrl: `${url}/acmedesk` }),
		credentialId: 'ccSandboxAcmeDsk',
		credentialName: 'AcmeDesk sandbox',
		signatureField: 'Ticket Title',
		example: {
			workflowId: 'ccExampleFormAcm',
			formTitle: 'Open a ticket',
			fields: [{ fieldLabel: 'Title', fieldType: 'text', requiredField: true }],
			parameters: { provider: 'acmedesk', acmedeskTitle: '={{ $json.Title }}' },
		},
		quota: undefined,
		bench: undefined,
	};
	const registry = [...providers, fakeDefinition];
	const sandbox = (): SandboxProvider[] =>
		sandboxProviders(registry, (id) => (id === fakeDefinition.id ? fakeFixtures : fixturesOf(id)));

	test('the node description: a Provider option, its panel, its credential, the subtitle, the description line and the codex', () => {
		const properties = providerProperties(registry);
		const selector = properties.find((property) => property.name === 'provider')!;
		expect(selector.options).toContainEqual(
			expect.objectContaining({ name: 'AcmeDesk', value: 'acmedesk' }),
		);
		expect(
			properties.find((property) => property.name === 'acmedeskTitle')?.displayOptions?.show
				?.provider,
		).toEqual(['acmedesk']);
		const credentials = providerCredentials(registry);
		const shown = credentials.filter((credential) =>
			NodeHelpers.displayParameter({ provider: 'acmedesk' }, credential, null, null),
		);
		expect(shown.map((credential) => credential.name)).toEqual(['acmedeskConversationApi']);
		expect(providerSubtitle(registry)).toContain('"acmedesk":"AcmeDesk"');
		expect(nodeDescription(registry)).toContain('AcmeDesk');
		expect(codexFor(registry, 'n8n-nodes-x', 'https://example.com/x').alias).toContain('AcmeDesk');
		// what an AI agent reads when the node is its tool
		const toolDescription = properties.find(
			(property) =>
				property.name === 'toolDescription' &&
				property.displayOptions?.show?.provider?.includes('acmedesk'),
		);
		expect(toolDescription?.default).toBe(fakeDefinition.toolDescription);
	});

	test('the sandbox serves its emulator, and its sandbox credential is imported with the others', async () => {
		const emulator = await createEmulator({}, sandbox()).start();
		try {
			const answer = await fetch(`${emulator.url}/acmedesk/tickets`, { method: 'POST' });
			expect(answer.status).toBe(201);
			expect(
				sandboxCredentials(emulator.url, sandbox()).map((credential) => credential.type),
			).toContain('acmedeskConversationApi');
		} finally {
			await emulator.stop();
		}
	});

	test('the end-to-end scenarios, the reliability set-ups, the examples and the browser checks pick it up', () => {
		const everything = sandbox();
		// the e2e suite runs one scenario per sandbox provider
		expect(everything.map(({ id }) => id)).toContain('acmedesk');
		expect(everything.find(({ id }) => id === 'acmedesk')!.fixtures.e2e).toBe(fakeFixtures.e2e);
		// the reliability, fault and error suites run each provider's set-up
		expect(Object.keys(setupsFor(everything))).toContain('acmedesk');
		// the property suite loads test/providers/<id>/properties.ts: a provider without one fails there
		// eslint-disable-next-line @typescript-eslint/no-require-imports -- the suite's own way of finding it
		expect(() => require(`./providers/${fakeDefinition.id}/properties`)).toThrow(
			/Cannot find module/,
		);
		// its form example
		expect(exampleFiles(everything).map((example) => example.file)).toContain(
			'form-to-acmedesk.json',
		);
		// the browser check's expectations for its panel
		const description: INodeTypeDescription = {
			...new CreateConversation().description,
			properties: providerProperties(registry),
			credentials: providerCredentials(registry),
		};
		const expected = panelExpectations({
			description,
			definitions: registry,
			credentialDisplayNames: Object.fromEntries(
				registry.map((provider) => [provider.credentialType, `${provider.displayName} API`]),
			),
			sandbox: everything,
			exampleParameters: { provider: providers[0].id },
		});
		expect(expected.acmedesk).toMatchObject({
			visible: ['Ticket Title'],
			providerName: 'AcmeDesk',
			signatureField: 'Ticket Title',
			credentialName: 'AcmeDesk sandbox',
		});
		expect(expected[providers[0].id].foreign).toContain('Ticket Title');
	});

	test('it gets a repository and package of its own (npm run check:repositories), named from its id and credential', () => {
		expect(repositoryOf(fakeDefinition, '/tmp/repositories')).toMatchObject({
			packageName: 'n8n-nodes-create-conversation-acmedesk',
			nodeClass: 'CreateAcmedeskConversation',
			nodeName: 'createAcmedeskConversation',
			displayName: 'Create AcmeDesk Conversation',
			credentialClass: 'AcmedeskConversationApi',
			credentialType: 'acmedeskConversationApi',
		});
		expect(packageTable(sandbox())).toContain(
			'| AcmeDesk | [`n8n-nodes-create-conversation-acmedesk`](https://github.com/n8n-nodes-create-conversation/n8n-nodes-create-conversation-acmedesk) | Create AcmeDesk Conversation | `acmedeskConversationApi` |',
		);
	});

	test('what it touches: its 8 files, its line in the registry (with the import) and its credential in package.json', () => {
		// the parts (checked above for every provider); every other file is derived or names no provider
		expect(partsOf(fakeDefinition, 'credentials/AcmedeskConversationApi.credentials.ts')).toEqual([
			'nodes/CreateConversation/providers/acmedesk/index.ts',
			'nodes/CreateConversation/providers/acmedesk/README.md',
			'credentials/AcmedeskConversationApi.credentials.ts',
			'icons/acmedesk.svg',
			'icons/acmedesk.dark.svg',
			'sandbox/providers/acmedesk/emulator.ts',
			'sandbox/providers/acmedesk/fixtures.ts',
			'test/providers/acmedesk/properties.ts',
		]);
		const registryLines = readFileSync(
			join(ROOT, 'nodes/CreateConversation/providers/registry.ts'),
			'utf8',
		).split('\n');
		for (const provider of providers) {
			const lines = registryLines.filter((line) =>
				new RegExp(`\\b${provider.id}(Provider\\b|')`).test(line),
			);
			expect({ provider: provider.id, lines: lines.length }).toEqual({
				provider: provider.id,
				lines: 2,
			});
		}
	});
});
