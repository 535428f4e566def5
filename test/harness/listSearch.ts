/**
 * Runs a node's `methods.listSearch` function (a "From List" dropdown of the editor) inside
 * n8n-core's own `LoadOptionsContext`, with the harness credentials helper: the request goes
 * through n8n-core's `httpRequestWithAuthentication` and the credential's `authenticate`, as when
 * the editor opens the dropdown.
 */
import './env';

import { LoadOptionsContext } from 'n8n-core';
import {
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type INode,
	type INodeListSearchResult,
	type INodeParameters,
	type INodeType,
} from 'n8n-workflow';

import { createAdditionalData } from './additionalData';
import { CredentialStore } from './credentialStore';
import { HarnessCredentialsHelper } from './credentialsHelper';
import { HarnessCredentialTypes } from './credentialTypes';
import { HarnessNodeTypes, latestVersion } from './nodeTypes';
import { fillStore } from './runWorkflow';

export interface ListSearchOptions {
	nodeType: string;
	type: INodeType;
	credentialTypes: ICredentialType[];
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	credentialStore?: CredentialStore;
	nodeParameters: INodeParameters;
	method: string;
	filter?: string;
	paginationToken?: string;
}

export async function runListSearch(options: ListSearchOptions): Promise<INodeListSearchResult> {
	const store = options.credentialStore ?? new CredentialStore();
	fillStore(store, options.credentials);
	const credentialsHelper = new HarnessCredentialsHelper(
		new HarnessCredentialTypes(options.credentialTypes),
		store,
	);
	const nodeTypes = new HarnessNodeTypes({ [options.nodeType]: options.type });
	const declared = (options.type.description.credentials ?? []).map(
		(credential) => credential.name,
	);
	const node: INode = {
		id: 'list-search',
		name: 'Node Under Test',
		type: options.nodeType,
		typeVersion: latestVersion(options.type),
		position: [0, 0],
		parameters: options.nodeParameters,
		credentials: Object.fromEntries(
			store
				.all()
				.filter((credential) => declared.includes(credential.type))
				.map((credential) => [credential.type, { id: credential.id, name: credential.name }]),
		),
	};
	const workflow = new Workflow({
		id: 'harness-workflow',
		name: 'Harness workflow',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes,
		settings: { executionOrder: 'v1' },
	});
	const context = new LoadOptionsContext(
		workflow,
		node,
		createAdditionalData(credentialsHelper, undefined, 'list-search'),
		'parameters',
	);
	const search = options.type.methods?.listSearch?.[options.method];
	if (!search) throw new Error(`no listSearch method ${options.method}`);
	return await search.call(context, options.filter, options.paginationToken);
}
