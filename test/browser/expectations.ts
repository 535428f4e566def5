/**
 * What each provider's panel must show in n8n's editor, derived from the node description and the
 * registry's providers (the browser check reads them from the built package, the same files n8n
 * loads) and the sandbox fixtures. Pure, so the layout test can run it with a fake provider.
 */
import { NodeHelpers, type INodeProperties, type INodeTypeDescription } from 'n8n-workflow';

import type { ProviderDefinition } from '../../nodes/CreateConversation/shared/provider';
import type { SandboxProvider } from '../../sandbox';

export interface PanelExpectation {
	/** Top-level fields shown right after switching to the provider. */
	visible: string[];
	/** Top-level fields shown for the example workflow's parameters (the demo provider only). */
	example?: string[];
	/** Field names only other providers have. */
	foreign: string[];
	credentialDisplayName: string;
	foreignCredentialDisplayNames: string[];
	credentialName: string;
	foreignCredentialNames: string[];
	credentialId: string;
	providerName: string;
	/** The field that tells this provider's panel apart (from its fixtures). */
	signatureField: string;
}

const allNames = (properties: INodeProperties[]): string[] =>
	properties.flatMap((property) => [
		property.displayName,
		...(
			(property.options ?? []) as Array<INodeProperties & { values?: INodeProperties[] }>
		).flatMap((option) =>
			option.displayName && 'type' in option
				? allNames([option])
				: option.values
					? allNames(option.values)
					: [],
		),
	]);

export function panelExpectations(input: {
	description: INodeTypeDescription;
	/** The registry's providers (each provider's own fields, before the node adds its display condition). */
	definitions: readonly ProviderDefinition[];
	credentialDisplayNames: Record<string, string>;
	sandbox: SandboxProvider[];
	exampleParameters: Record<string, unknown>;
}): Record<string, PanelExpectation> {
	const { description, definitions, credentialDisplayNames, sandbox, exampleParameters } = input;
	const fixturesOf = (id: string) => {
		const found = sandbox.find((provider) => provider.id === id);
		if (!found) throw new Error(`provider ${id} has no sandbox fixtures`);
		return found.fixtures;
	};
	const others = (id: string) => definitions.filter((other) => other.id !== id);
	const result: Record<string, PanelExpectation> = {};
	for (const definition of definitions) {
		// top-level fields n8n shows for these parameter values
		const visibleFor = (raw: Record<string, unknown>) => {
			const parameters =
				NodeHelpers.getNodeParameters(
					description.properties,
					raw as never,
					true,
					false,
					{ typeVersion: 1 } as never,
					description,
				) ?? raw;
			return definition.properties
				.filter((property) => property.type !== 'hidden' && property.type !== 'notice')
				.filter((property) =>
					NodeHelpers.displayParameter(
						parameters as never,
						property,
						{ typeVersion: 1 } as never,
						description,
					),
				)
				.map((property) => property.displayName);
		};
		const own = new Set(allNames(definition.properties));
		const fixtures = fixturesOf(definition.id);
		result[definition.id] = {
			// after a switch the panel holds the provider's defaults
			visible: visibleFor({ provider: definition.id }),
			example:
				definition.id === exampleParameters.provider
					? visibleFor({ ...exampleParameters })
					: undefined,
			foreign: [
				...new Set(
					others(definition.id)
						.flatMap((other) => allNames(other.properties))
						.filter((name) => !own.has(name)),
				),
			],
			credentialDisplayName: credentialDisplayNames[definition.credentialType],
			foreignCredentialDisplayNames: others(definition.id).map(
				(other) => credentialDisplayNames[other.credentialType],
			),
			credentialName: fixtures.credentialName,
			foreignCredentialNames: others(definition.id).map(
				(other) => fixturesOf(other.id).credentialName,
			),
			credentialId: fixtures.credentialId,
			providerName: definition.displayName,
			signatureField: fixtures.signatureField,
		};
	}
	const selector = description.properties.find((property) => property.name === 'provider');
	const offered = ((selector?.options ?? []) as Array<{ name: string }>)
		.map((option) => option.name)
		.sort();
	const names = definitions.map((definition) => definition.displayName).sort();
	if (JSON.stringify(offered) !== JSON.stringify(names))
		throw new Error(
			`Provider options ${JSON.stringify(offered)} are not the providers' names ${JSON.stringify(names)}`,
		);
	return result;
}
