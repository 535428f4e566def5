/**
 * A small test harness that runs workflows on the real n8n-core engine (WorkflowExecute)
 * with real credential handling, so `this.helpers.httpRequestWithAuthentication` behaves as
 * in n8n: `authenticate` (generic or function), `preAuthentication` with an `expirable`
 * hidden property (fetched when empty, refreshed after a 401, persisted), OAuth2
 * (`extends: ['oAuth2Api']`, client credentials: token fetched, cached and renewed by
 * n8n-core), plus `testCredential`, an approximation of the credential "Test" button.
 *
 * Nothing here is provider-specific. See README.md in this folder.
 */
import './env';

import {
	ExecuteContext,
	ExecutionLifecycleHooks,
	RoutingNode,
	WorkflowExecute,
	getAdditionalKeys,
} from 'n8n-core';
import type {
	ExecutionError,
	ExecutionStatus,
	ICredentialDataDecryptedObject,
	ICredentialType,
	ICredentialTypes,
	ICredentials,
	ICredentialsDecrypted,
	ICredentialsExpressionResolveValues,
	ICredentialTestRequest,
	IDataObject,
	IExecuteData,
	IExecuteFunctions,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialTestResult,
	INodeCredentials,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeParameters,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IRequestOptionsSimplified,
	IRun,
	IRunData,
	IRunExecutionData,
	ITaskData,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowDataProxyAdditionalKeys,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import {
	ICredentialsHelper,
	NodeConnectionTypes,
	NodeHelpers,
	UnexpectedError,
	UserError,
	Workflow,
	createRunExecutionData,
	getCredentialOwnRequestAllowedDomains,
	isExpression,
} from 'n8n-workflow';

// ---------------------------------------------------------------------------------------------
// Node types
// ---------------------------------------------------------------------------------------------

/** Type name of the harness's start node (stands in for n8n-nodes-base.manualTrigger). */
export const START_NODE_TYPE = 'harness.start';
/** Type name of the harness's "emit items" node. */
export const EMIT_ITEMS_NODE_TYPE = 'harness.emitItems';

export const START_NODE_NAME = 'Start';
export const EMIT_ITEMS_NODE_NAME = 'Emit Items';
export const DEFAULT_NODE_UNDER_TEST_NAME = 'Node Under Test';

/** Outputs one empty item, like the Manual Trigger does when a workflow is run by hand. */
class HarnessStart implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Harness Start',
		name: START_NODE_TYPE,
		group: ['trigger'],
		version: 1,
		description: 'Test start node',
		defaults: { name: START_NODE_NAME },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [[{ json: {} }]];
	}
}

/** Outputs the given items (one run only), each with pairedItem pointing at the start item. */
function createEmitItemsNode(items: Array<IDataObject | INodeExecutionData>): INodeType {
	return {
		description: {
			displayName: 'Harness Emit Items',
			name: EMIT_ITEMS_NODE_TYPE,
			group: ['transform'],
			version: 1,
			description: 'Outputs the items given to the harness',
			defaults: { name: EMIT_ITEMS_NODE_NAME },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			properties: [],
		},
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			return [
				items.map((item) => {
					const asExecutionData =
						typeof item.json === 'object' && item.json !== null && !Array.isArray(item.json)
							? (item as INodeExecutionData)
							: ({ json: item } as INodeExecutionData);
					return {
						...structuredClone(asExecutionData),
						pairedItem: { item: 0 },
					};
				}),
			];
		},
	};
}

/** Minimal `INodeTypes`: a map from type name to node type (plain or versioned). */
export class HarnessNodeTypes implements INodeTypes {
	private readonly types = new Map<string, INodeType | IVersionedNodeType>();

	constructor(types: Record<string, INodeType | IVersionedNodeType> = {}) {
		for (const [name, type] of Object.entries(types)) this.types.set(name, type);
	}

	add(name: string, type: INodeType | IVersionedNodeType): this {
		this.types.set(name, type);
		return this;
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types.get(nodeType);
		if (!type) throw new UnexpectedError(`Unknown node type "${nodeType}"`);
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return Object.fromEntries(
			[...this.types.keys()].map((name) => [name, { className: name, sourcePath: '' }]),
		);
	}
}

// ---------------------------------------------------------------------------------------------
// Credential types
// ---------------------------------------------------------------------------------------------

/**
 * A minimal stand-in for n8n-nodes-base's `oAuth2Api` credential type (n8n-nodes-base is not
 * installed). It has the properties n8n-core's OAuth2 code reads; JWE and dynamic client
 * registration are left out. As in n8n, `doNotInherit` properties (ignoreSSLIssues,
 * tokenExpiredStatusCode) are not merged into credential types that extend it.
 */
export class HarnessOAuth2Api implements ICredentialType {
	name = 'oAuth2Api';

	displayName = 'OAuth2 API';

	genericAuth = true;

	properties: INodeProperties[] = [
		{
			displayName: 'Use Dynamic Client Registration',
			name: 'useDynamicClientRegistration',
			type: 'hidden',
			default: false,
		},
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'options',
			options: [
				{ name: 'Authorization Code', value: 'authorizationCode' },
				{ name: 'Client Credentials', value: 'clientCredentials' },
				{ name: 'PKCE', value: 'pkce' },
			],
			default: 'authorizationCode',
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'string',
			displayOptions: { show: { grantType: ['authorizationCode', 'pkce'] } },
			default: '',
			required: true,
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'string',
			default: '',
			required: true,
		},
		{ displayName: 'Client ID', name: 'clientId', type: 'string', default: '', required: true },
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{ displayName: 'Scope', name: 'scope', type: 'string', default: '' },
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'string',
			displayOptions: { show: { grantType: ['authorizationCode', 'pkce'] } },
			default: '',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			options: [
				{ name: 'Body', value: 'body', description: 'Send credentials in body' },
				{ name: 'Header', value: 'header', description: 'Send credentials as Basic Auth header' },
			],
			default: 'header',
		},
		{
			displayName: 'Send Additional Body Properties',
			name: 'sendAdditionalBodyProperties',
			type: 'boolean',
			default: false,
			displayOptions: { show: { grantType: ['clientCredentials'], authentication: ['body'] } },
		},
		{
			displayName: 'Additional Body Properties',
			name: 'additionalBodyProperties',
			type: 'json',
			displayOptions: {
				show: {
					grantType: ['clientCredentials'],
					authentication: ['body'],
					sendAdditionalBodyProperties: [true],
				},
			},
			default: '',
		},
		{
			displayName: 'Ignore SSL Issues (Insecure)',
			name: 'ignoreSSLIssues',
			type: 'boolean',
			default: false,
			doNotInherit: true,
		},
		// A status code, not a secret; the rule matches on the word "token".
		// eslint-disable-next-line @n8n/community-nodes/credential-password-field
		{
			displayName: 'Token Expired Status Code',
			name: 'tokenExpiredStatusCode',
			type: 'number',
			default: 401,
			doNotInherit: true,
		},
	];
}

/** Minimal `ICredentialTypes`, with `extends` resolution like n8n's CredentialTypes. */
export class HarnessCredentialTypes implements ICredentialTypes {
	private readonly types = new Map<string, ICredentialType>();

	constructor(types: ICredentialType[] = []) {
		this.add(new HarnessOAuth2Api());
		for (const type of types) this.add(type);
	}

	add(type: ICredentialType): this {
		this.types.set(type.name, type);
		return this;
	}

	recognizes(credentialType: string): boolean {
		return this.types.has(credentialType);
	}

	getByName(credentialType: string): ICredentialType {
		const type = this.types.get(credentialType);
		if (!type) throw new UnexpectedError(`Unknown credential type "${credentialType}"`);
		return type;
	}

	getSupportedNodes(): string[] {
		return [];
	}

	/** All ancestors, nearest first (n8n-core checks `.includes('oAuth2Api')`). */
	getParentTypes(typeName: string): string[] {
		const parents: string[] = [];
		for (const parent of this.types.get(typeName)?.extends ?? []) {
			parents.push(parent, ...this.getParentTypes(parent));
		}
		return parents;
	}

	/** Properties with `extends` merged in, as n8n's CredentialsHelper.getCredentialsProperties. */
	getProperties(typeName: string): INodeProperties[] {
		const type = this.getByName(typeName);
		if (type.extends === undefined) {
			if (['oAuth1Api', 'oAuth2Api'].includes(typeName)) {
				return [
					...type.properties,
					{
						displayName: 'oauthTokenData',
						name: 'oauthTokenData',
						type: 'json',
						required: false,
						default: {},
					},
				];
			}
			return type.properties;
		}
		const combined: INodeProperties[] = [];
		for (const parent of type.extends) {
			NodeHelpers.mergeNodeProperties(combined, this.getProperties(parent));
		}
		NodeHelpers.mergeNodeProperties(combined, type.properties);
		return combined;
	}
}

// ---------------------------------------------------------------------------------------------
// Credential store
// ---------------------------------------------------------------------------------------------

export interface StoredCredential {
	id: string;
	name: string;
	type: string;
	data: ICredentialDataDecryptedObject;
}

export interface CredentialUpdate {
	id: string;
	type: string;
	/** `updateCredentials` (preAuthentication) or `updateCredentialsOauthTokenData` (OAuth2). */
	via: 'updateCredentials' | 'updateCredentialsOauthTokenData';
	data: ICredentialDataDecryptedObject;
}

/**
 * Credential ids are unique across every store of the process, as in a real n8n (one database):
 * the node keeps per-credential state process-wide (its rate-limit quotas), so two tests must not
 * share an id by accident. Share a store to share a credential.
 */
let nextCredentialId = 1;

/** In-memory "database" of credentials (plain data; n8n would store it encrypted). */
export class CredentialStore {
	private readonly byId = new Map<string, StoredCredential>();

	/** Every write made by the credentials helper, in order (deep copies). */
	readonly updates: CredentialUpdate[] = [];

	add(type: string, data: ICredentialDataDecryptedObject, name?: string): StoredCredential {
		const id = String(nextCredentialId++);
		const credential: StoredCredential = {
			id,
			name: name ?? `${type} account ${id}`,
			type,
			data: structuredClone(data),
		};
		this.byId.set(id, credential);
		return credential;
	}

	get(id: string): StoredCredential | undefined {
		return this.byId.get(id);
	}

	/** The first stored credential of the given type. */
	getByType(type: string): StoredCredential | undefined {
		return [...this.byId.values()].find((credential) => credential.type === type);
	}

	/** A copy of the stored data of the first credential of this type. */
	dataOf(type: string): ICredentialDataDecryptedObject | undefined {
		const credential = this.getByType(type);
		return credential ? structuredClone(credential.data) : undefined;
	}

	all(): StoredCredential[] {
		return [...this.byId.values()];
	}

	/** Overwrites the data of a credential (what n8n's repository update does). */
	replaceData(id: string, data: ICredentialDataDecryptedObject): void {
		const credential = this.byId.get(id);
		if (!credential) throw new UnexpectedError(`Credential "${id}" not found`);
		credential.data = structuredClone(data);
	}
}

// ---------------------------------------------------------------------------------------------
// Credentials helper
// ---------------------------------------------------------------------------------------------

const mockNode: INode = {
	id: 'mock',
	name: '',
	typeVersion: 1,
	type: 'mock',
	position: [0, 0],
	parameters: {},
};

const mockNodeTypes: INodeTypes = {
	getByName: () => ({ description: { properties: [] } }) as unknown as INodeType,
	getByNameAndVersion: () => ({ description: { properties: [] } }) as unknown as INodeType,
	getKnownTypes: () => ({}),
};

/**
 * Gives a credential's preAuthentication hook only `httpRequest`, honouring the credential's
 * own domain allowlist, like n8n does.
 */
function restrictToCredentialDomains(
	helpers: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
): IHttpRequestHelper {
	return {
		helpers: {
			httpRequest: async (requestOptions: IHttpRequestOptions): Promise<unknown> => {
				const allowedDomains = getCredentialOwnRequestAllowedDomains(credentials);
				if (allowedDomains === undefined) return await helpers.helpers.httpRequest(requestOptions);
				if (requestOptions.allowedDomains !== undefined) {
					throw new UserError(
						'This credential restricts requests to specific domains, which cannot be combined with the domains its authentication step asks for.',
					);
				}
				return await helpers.helpers.httpRequest({ ...requestOptions, allowedDomains });
			},
		},
	};
}

/**
 * An `ICredentialsHelper` modelled on n8n's packages/cli/src/credentials-helper.ts, backed by
 * a `CredentialStore` instead of the database. No encryption, overwrites, external secrets or
 * dynamic credentials.
 */
export class HarnessCredentialsHelper extends ICredentialsHelper {
	/** Log of calls, handy in assertions. */
	readonly calls: Array<{
		method: 'preAuthentication' | 'authenticate';
		type: string;
		expired?: boolean;
	}> = [];

	constructor(
		readonly credentialTypes: HarnessCredentialTypes,
		readonly store: CredentialStore,
	) {
		super();
	}

	getParentTypes(name: string): string[] {
		return this.credentialTypes.getParentTypes(name);
	}

	isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
		if (!this.credentialTypes.recognizes(credentialType)) return true;
		const type = this.credentialTypes.getByName(credentialType);
		if (!type.restrictToSupportedNodes) return true;
		return (type.supportedNodes ?? []).some(
			(name) => nodeType === name || nodeType.endsWith(`.${name}`),
		);
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.credentialTypes.getProperties(type);
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incomingRequestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		this.calls.push({ method: 'authenticate', type: typeName });
		const requestOptions = incomingRequestOptions as IHttpRequestOptions & Record<string, unknown>;
		const credentialType = this.credentialTypes.getByName(typeName);
		if (typeof credentialType.authenticate === 'function') {
			// called as a method, like n8n does
			return await credentialType.authenticate(credentials, requestOptions);
		}
		const { authenticate } = credentialType;
		if (typeof authenticate === 'object') {
			if (!workflow || !node) {
				throw new UnexpectedError(
					'Workflow and node are required for declarative credential authentication',
				);
			}
			if (requestOptions.headers === undefined) requestOptions.headers = {};
			if (authenticate.type === 'generic') {
				for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
					for (const [key, value] of Object.entries(outerValue as Record<string, string>)) {
						const keyResolved = this.resolveValue(
							key,
							{ $credentials: credentials },
							workflow,
							node,
						);
						const valueResolved = this.resolveValue(
							value,
							{ $credentials: credentials },
							workflow,
							node,
						);
						if (!requestOptions[outerKey]) requestOptions[outerKey] = {};
						(requestOptions[outerKey] as Record<string, string>)[keyResolved] = valueResolved;
					}
				}
			}
		}
		return requestOptions;
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.credentialTypes.getByName(typeName);
		const expirableProperty = credentialType.properties.find(
			(property) => property.type === 'hidden' && property?.typeOptions?.expirable === true,
		);
		if (expirableProperty?.name === undefined) return undefined;

		// n8n's credential test runs with a mock NoOp node whose `temp` parameter is ''
		const isTestingCredentials =
			node?.parameters?.temp === '' && node?.type === 'n8n-nodes-base.noOp';

		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		if (
			!(credentials[expirableProperty.name] === '' || credentialsExpired || isTestingCredentials)
		) {
			return undefined;
		}
		this.calls.push({ method: 'preAuthentication', type: typeName, expired: credentialsExpired });
		const output = await credentialType.preAuthentication.call(
			restrictToCredentialDomains(helpers, credentials),
			credentials,
		);
		// the returned data must contain the expirable property, else nothing is stored
		if (output[expirableProperty.name] === undefined) return undefined;

		if (node.credentials) {
			const nodeCredentials = node.credentials[credentialType.name];
			const storedData = await (
				await this.getCredentials(nodeCredentials, credentialType.name)
			).getData();
			const dataToPersist: ICredentialDataDecryptedObject = { ...storedData };
			for (const [key, value] of Object.entries(output as ICredentialDataDecryptedObject)) {
				if (key === expirableProperty.name || !isExpression(storedData[key]))
					dataToPersist[key] = value;
			}
			await this.updateCredentials(nodeCredentials, credentialType.name, dataToPersist);
			return Object.assign(credentials, output as ICredentialDataDecryptedObject);
		}
		return undefined;
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.credentialTypes.getByName(typeName);
		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		const output = await credentialType.preAuthentication.call(
			restrictToCredentialDomains(helpers, credentials),
			credentials,
		);
		return (output as ICredentialDataDecryptedObject) ?? undefined;
	}

	private resolveValue(
		parameterValue: string,
		additionalKeys: IWorkflowDataProxyAdditionalKeys,
		workflow: Workflow,
		node: INode,
	): string {
		if (!isExpression(parameterValue)) return parameterValue;
		const returnValue = workflow.expression.getSimpleParameterValue(
			node,
			parameterValue,
			'internal',
			additionalKeys,
			undefined,
			'',
		);
		if (!returnValue) return '';
		return returnValue.toString();
	}

	private getStored(nodeCredentials: INodeCredentialsDetails, type: string): StoredCredential {
		if (!nodeCredentials?.id) {
			throw new UserError(`Credential "${nodeCredentials?.name}" of type "${type}" has no id`);
		}
		const credential = this.store.get(nodeCredentials.id);
		if (!credential || credential.type !== type) {
			throw new UserError(
				`Credential with ID "${nodeCredentials.id}" does not exist for type "${type}".`,
			);
		}
		return credential;
	}

	async getCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentials> {
		const stored = this.getStored(nodeCredentials, type);
		const store = this.store;
		const credentials = {
			id: stored.id,
			name: stored.name,
			type: stored.type,
			data: undefined,
			async getData() {
				return structuredClone(store.get(stored.id)!.data);
			},
			getDataToSave() {
				return {
					id: stored.id,
					name: stored.name,
					type: stored.type,
					data: JSON.stringify(store.get(stored.id)!.data),
				};
			},
			async setData(data: ICredentialDataDecryptedObject) {
				store.replaceData(stored.id, data);
			},
			async updateData(toUpdate: ICredentialDataDecryptedObject, toDelete: string[] = []) {
				const data = { ...store.get(stored.id)!.data, ...toUpdate };
				for (const key of toDelete) delete data[key];
				store.replaceData(stored.id, data);
			},
		};
		return credentials as unknown as ICredentials;
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = this.getStored(nodeCredentials, type);
		const data = structuredClone(stored.data);
		if (raw === true) return data;
		return await this.applyDefaultsAndOverwrites(
			additionalData,
			data,
			type,
			mode,
			executeData,
			expressionResolveValues,
		);
	}

	/** Defaults from the credential type's (merged) properties, then expression resolution. */
	async applyDefaultsAndOverwrites(
		additionalData: IWorkflowExecuteAdditionalData,
		decryptedDataOriginal: ICredentialDataDecryptedObject,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const credentialsProperties = this.getCredentialsProperties(type);
		let decryptedData = NodeHelpers.getNodeParameters(
			credentialsProperties,
			{ ...decryptedDataOriginal } as INodeParameters,
			true,
			false,
			null,
			null,
		) as ICredentialDataDecryptedObject;
		if (decryptedDataOriginal.oauthTokenData !== undefined) {
			decryptedData.oauthTokenData = decryptedDataOriginal.oauthTokenData;
		}
		for (const key of ['allowedHttpRequestDomains', 'allowedDomains']) {
			if (decryptedData[key] === undefined && decryptedDataOriginal[key] !== undefined) {
				decryptedData[key] = decryptedDataOriginal[key];
			}
		}

		const additionalKeys = getAdditionalKeys(additionalData, mode, null, { isCredential: true });
		if (expressionResolveValues) {
			try {
				decryptedData = expressionResolveValues.workflow.expression.getParameterValue(
					decryptedData as INodeParameters,
					expressionResolveValues.runExecutionData,
					expressionResolveValues.runIndex,
					expressionResolveValues.itemIndex,
					expressionResolveValues.node.name,
					expressionResolveValues.connectionInputData,
					mode,
					additionalKeys,
					executeData,
					false,
					decryptedData,
				) as ICredentialDataDecryptedObject;
			} catch (e) {
				const failure = e as Error;
				failure.message += ' [Error resolving credentials]';
				throw failure;
			}
		} else {
			const workflow = new Workflow({
				nodes: [mockNode],
				connections: {},
				active: false,
				nodeTypes: mockNodeTypes,
			});
			decryptedData = workflow.expression.getComplexParameterValue(
				mockNode,
				decryptedData as INodeParameters,
				mode,
				additionalKeys,
				undefined,
				undefined,
				decryptedData,
			) as ICredentialDataDecryptedObject;
		}
		return decryptedData;
	}

	async updateCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const stored = this.getStored(nodeCredentials, type);
		this.store.replaceData(stored.id, data);
		this.store.updates.push({
			id: stored.id,
			type,
			via: 'updateCredentials',
			data: structuredClone(data),
		});
	}

	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const stored = this.getStored(nodeCredentials, type);
		const updated = { ...stored.data, oauthTokenData: data.oauthTokenData };
		this.store.replaceData(stored.id, updated);
		this.store.updates.push({
			id: stored.id,
			type,
			via: 'updateCredentialsOauthTokenData',
			data: structuredClone(updated),
		});
	}
}

// ---------------------------------------------------------------------------------------------
// Additional data
// ---------------------------------------------------------------------------------------------

let executionCounter = 0;

function notAvailable(what: string) {
	return async () => {
		throw new UnexpectedError(`${what} is not available in the test harness`);
	};
}

export function createAdditionalData(
	credentialsHelper: ICredentialsHelper,
	hooks: ExecutionLifecycleHooks | undefined,
	executionId: string,
): IWorkflowExecuteAdditionalData {
	const base = 'http://127.0.0.1:5678';
	const additionalData = {
		credentialsHelper,
		hooks,
		executionId,
		userId: 'harness-user',
		workflowId: 'harness-workflow',
		restApiUrl: `${base}/rest`,
		instanceBaseUrl: base,
		formBaseUrl: `${base}/form`,
		formWaitingBaseUrl: `${base}/form-waiting`,
		formTestBaseUrl: `${base}/form-test`,
		webhookBaseUrl: `${base}/webhook`,
		webhookWaitingBaseUrl: `${base}/webhook-waiting`,
		webhookTestBaseUrl: `${base}/webhook-test`,
		mcpBaseUrl: `${base}/mcp`,
		mcpTestBaseUrl: `${base}/mcp-test`,
		currentNodeParameters: undefined,
		currentNodeExecutionIndex: 0,
		variables: {},
		executeWorkflow: notAvailable('executeWorkflow'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: notAvailable('startRunnerTask (Code node task runner)'),
	};
	return additionalData as unknown as IWorkflowExecuteAdditionalData;
}

// ---------------------------------------------------------------------------------------------
// runWorkflow
// ---------------------------------------------------------------------------------------------

export interface RunWorkflowOptions {
	/** Node types by type name, e.g. `{ 'CUSTOM.createConversation': new CreateConversation() }`. */
	nodeTypes: Record<string, INodeType | IVersionedNodeType>;
	/** Credential type instances (our credential classes). `oAuth2Api` is built in. */
	credentialTypes?: ICredentialType[];
	/** One credential per type, stored in a fresh store (ignored for types already in `credentialStore`). */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Reuse a store across runs (e.g. to see a cached token being reused). */
	credentialStore?: CredentialStore;
	/** Input items of the node under test (json objects, or full INodeExecutionData). Default `[{}]`. */
	items?: Array<IDataObject | INodeExecutionData>;
	/** Type name of the node under test (a key of `nodeTypes`). */
	nodeType: string;
	nodeTypeVersion?: number;
	nodeParameters: INodeParameters;
	nodeName?: string;
	/** Shortcut for node setting "On Error: Continue" (`onError: 'continueRegularOutput'`). */
	continueOnFail?: boolean;
	/** Any other INode fields (onError, retryOnFail, maxTries, waitBetweenTries, alwaysOutputData, ...). */
	nodeSettings?: Partial<Omit<INode, 'name' | 'type' | 'parameters' | 'id' | 'position'>>;
	/**
	 * Credentials to set on the node under test: type -> stored credential id. Default: every
	 * stored credential whose type the node description lists.
	 */
	nodeCredentials?: INodeCredentials;
	/** Aborting it cancels the running execution, like the "Stop" button. */
	signal?: AbortSignal;
	/** The workflow's time zone setting (Settings › Timezone); default: the instance's. */
	timezone?: string;
	/** Execution mode; default 'manual'. */
	mode?: WorkflowExecuteMode;
}

export interface RunWorkflowResult {
	/** First main output of the node under test (undefined if it did not run or failed). */
	output: INodeExecutionData[] | undefined;
	/** All outputs of the node under test. */
	outputs: Array<INodeExecutionData[] | null> | undefined;
	/** The workflow-level error (set when the node under test threw and did not continue). */
	error?: ExecutionError;
	/** The task data of the node under test (with `.error` if it failed). */
	task?: ITaskData;
	status: ExecutionStatus;
	runData: IRunData;
	run: IRun;
	credentialStore: CredentialStore;
	credentialsHelper: HarnessCredentialsHelper;
	nodeName: string;
}

export function latestVersion(type: INodeType | IVersionedNodeType): number {
	if ('nodeVersions' in type) return type.currentVersion;
	const { version } = type.description;
	return Array.isArray(version) ? Math.max(...version) : version;
}

export function fillStore(
	store: CredentialStore,
	credentials: Record<string, ICredentialDataDecryptedObject> | undefined,
): void {
	for (const [type, data] of Object.entries(credentials ?? {})) {
		if (!store.getByType(type)) store.add(type, data);
	}
}

/**
 * Runs Start → Emit Items → node under test on n8n-core's WorkflowExecute and returns the
 * output of the node under test.
 */
export async function runWorkflow(options: RunWorkflowOptions): Promise<RunWorkflowResult> {
	const credentialTypes = new HarnessCredentialTypes(options.credentialTypes);
	const store = options.credentialStore ?? new CredentialStore();
	fillStore(store, options.credentials);
	const credentialsHelper = new HarnessCredentialsHelper(credentialTypes, store);

	const nodeTypes = new HarnessNodeTypes(options.nodeTypes)
		.add(START_NODE_TYPE, new HarnessStart())
		.add(EMIT_ITEMS_NODE_TYPE, createEmitItemsNode(options.items ?? [{}]));

	const typeUnderTest = nodeTypes.getByName(options.nodeType);
	const typeVersion = options.nodeTypeVersion ?? latestVersion(typeUnderTest);
	const description = nodeTypes.getByNameAndVersion(options.nodeType, typeVersion).description;

	let nodeCredentials = options.nodeCredentials;
	if (nodeCredentials === undefined) {
		nodeCredentials = {};
		const declared = (description.credentials ?? []).map((credential) => credential.name);
		for (const credential of store.all()) {
			if (declared.includes(credential.type) && !nodeCredentials[credential.type]) {
				nodeCredentials[credential.type] = { id: credential.id, name: credential.name };
			}
		}
	}

	const nodeName = options.nodeName ?? DEFAULT_NODE_UNDER_TEST_NAME;
	const nodes: INode[] = [
		{
			id: 'start',
			name: START_NODE_NAME,
			type: START_NODE_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: 'emit',
			name: EMIT_ITEMS_NODE_NAME,
			type: EMIT_ITEMS_NODE_TYPE,
			typeVersion: 1,
			position: [200, 0],
			parameters: {},
		},
		{
			id: 'under-test',
			name: nodeName,
			type: options.nodeType,
			typeVersion,
			position: [400, 0],
			parameters: structuredClone(options.nodeParameters),
			credentials: nodeCredentials,
			...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
			...options.nodeSettings,
		},
	];
	const connections = {
		[START_NODE_NAME]: {
			main: [[{ node: EMIT_ITEMS_NODE_NAME, type: NodeConnectionTypes.Main, index: 0 }]],
		},
		[EMIT_ITEMS_NODE_NAME]: {
			main: [[{ node: nodeName, type: NodeConnectionTypes.Main, index: 0 }]],
		},
	};

	const workflow = new Workflow({
		id: 'harness-workflow',
		name: 'Harness workflow',
		nodes,
		connections,
		active: false,
		nodeTypes,
		settings: { executionOrder: 'v1', ...(options.timezone ? { timezone: options.timezone } : {}) },
	});

	const mode = options.mode ?? 'manual';
	const executionId = String(++executionCounter);
	const workflowData: IWorkflowBase = {
		id: 'harness-workflow',
		name: 'Harness workflow',
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes,
		connections,
		settings: { executionOrder: 'v1', ...(options.timezone ? { timezone: options.timezone } : {}) },
	};
	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
	let resolveRun!: (run: IRun) => void;
	let rejectRun!: (error: unknown) => void;
	const runPromise = new Promise<IRun>((resolve, reject) => {
		resolveRun = resolve;
		rejectRun = reject;
	});
	hooks.addHandler('workflowExecuteAfter', (fullRunData: IRun) => resolveRun(fullRunData));

	const additionalData = createAdditionalData(credentialsHelper, hooks, executionId);
	const runExecutionData: IRunExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{
					node: workflow.getNode(START_NODE_NAME)!,
					data: { main: [[{ json: {} }]] },
					source: null,
				},
			],
		},
	});

	const workflowExecute = new WorkflowExecute(additionalData, mode, runExecutionData);
	const execution = workflowExecute.processRunExecutionData(workflow);
	execution.catch((error: unknown) => rejectRun(error));

	const onAbort = () => execution.cancel();
	if (options.signal?.aborted) onAbort();
	else options.signal?.addEventListener('abort', onAbort, { once: true });

	let run: IRun;
	try {
		run = await runPromise;
	} finally {
		options.signal?.removeEventListener('abort', onAbort);
	}

	const runData = run.data.resultData.runData;
	const task = runData[nodeName]?.[0];
	const outputs = task?.data?.main;
	return {
		output: outputs?.[0] ?? undefined,
		outputs,
		error: run.data.resultData.error,
		task,
		status: run.status,
		runData,
		run,
		credentialStore: store,
		credentialsHelper,
		nodeName,
	};
}

// ---------------------------------------------------------------------------------------------
// testCredential
// ---------------------------------------------------------------------------------------------

export interface TestCredentialOptions {
	credentialTypes: ICredentialType[];
	/** Name of the credential type to test. */
	credentialType: string;
	/** The credential data as the user typed it. */
	data: ICredentialDataDecryptedObject;
	/** Store to save the credential in (n8n tests saved credentials); default a fresh one. */
	credentialStore?: CredentialStore;
}

export interface TestCredentialResult extends INodeCredentialTestResult {
	credentialStore: CredentialStore;
}

/**
 * Approximates n8n's CredentialsTester.testCredentials for credential types with
 * `test: ICredentialTestRequest`: defaults + expression resolution of the credential data,
 * then a declarative (RoutingNode) request from a temporary NoOp node, with the credential's
 * preAuthentication and authenticate applied by n8n-core, then `test.rules`.
 */
export async function testCredential(
	options: TestCredentialOptions,
): Promise<TestCredentialResult> {
	const credentialTypes = new HarnessCredentialTypes(options.credentialTypes);
	const store = options.credentialStore ?? new CredentialStore();
	const credentialsHelper = new HarnessCredentialsHelper(credentialTypes, store);
	const result = (r: INodeCredentialTestResult): TestCredentialResult => ({
		...r,
		credentialStore: store,
	});

	const type = credentialTypes.getByName(options.credentialType);
	const testRequest: ICredentialTestRequest | undefined = type.test;
	if (!testRequest) {
		return result({ status: 'Error', message: 'No testing function found for this credential.' });
	}

	const stored = store.add(options.credentialType, options.data);
	const credentialsDecrypted: ICredentialsDecrypted = {
		id: stored.id,
		name: stored.name,
		type: stored.type,
		data: structuredClone(options.data),
	};

	const baseAdditionalData = createAdditionalData(credentialsHelper, undefined, 'credential-test');
	try {
		credentialsDecrypted.data = await credentialsHelper.applyDefaultsAndOverwrites(
			baseAdditionalData,
			credentialsDecrypted.data!,
			options.credentialType,
			'internal',
		);
	} catch (error) {
		return result({ status: 'Error', message: String((error as Error).message) });
	}

	const noOpType = 'n8n-nodes-base.noOp';
	const nodeTypeCopy: INodeType = {
		description: {
			displayName: 'No Operation, do nothing',
			name: noOpType,
			group: ['organization'],
			version: 1,
			description: 'No Operation',
			defaults: { name: 'No Operation, do nothing' },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			credentials: [{ name: options.credentialType, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					routing: { request: testRequest.request },
					default: '',
				},
			],
		},
	};
	const node: INode = {
		id: 'temp',
		parameters: {},
		name: 'Temp-Node',
		type: noOpType,
		typeVersion: 1,
		position: [0, 0],
		credentials: { [options.credentialType]: { id: stored.id, name: stored.name } },
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: new HarnessNodeTypes({ [noOpType]: nodeTypeCopy }),
	});

	const runExecutionData = createRunExecutionData({ resultData: { runData: {} } });
	const executeData: IExecuteData = { node, data: {}, source: null };
	const executeFunctions = new ExecuteContext(
		workflow,
		node,
		baseAdditionalData,
		'internal',
		runExecutionData,
		0,
		[],
		{ main: [[{ json: {} }]] },
		executeData,
		[],
	);
	const routingNode = new RoutingNode(executeFunctions, nodeTypeCopy, credentialsDecrypted);

	let response: INodeExecutionData[][] | null | undefined;
	try {
		response = await routingNode.runNode();
	} catch (caught) {
		const error = caught as Error & {
			cause?: { response?: { status: number; statusText?: string }; code?: string };
		};
		if (error.cause?.response) {
			const statusCode = error.cause.response.status;
			const statusMessage = error.cause.response.statusText;
			for (const rule of testRequest.rules ?? []) {
				if (rule.type === 'responseCode' && statusCode === rule.properties.value) {
					return result({ status: 'Error', message: rule.properties.message });
				}
			}
			if (statusCode < 199 || statusCode > 299) {
				return result({
					status: 'Error',
					message: statusMessage || `Received HTTP status code: ${statusCode}`,
				});
			}
		} else if (error.cause?.code) {
			return result({ status: 'Error', message: error.cause.code });
		}
		return result({ status: 'Error', message: String(error.message) });
	}

	for (const rule of testRequest.rules ?? []) {
		if (rule.type === 'responseSuccessBody') {
			const responseData = response?.[0]?.[0]?.json;
			if (getPath(responseData, rule.properties.key) === rule.properties.value) {
				return result({ status: 'Error', message: rule.properties.message });
			}
		}
	}
	return result({ status: 'OK', message: 'Connection successful!' });
}

function getPath(value: unknown, path: string): unknown {
	let current: unknown = value;
	for (const segment of path
		.replace(/\[(\w+)\]/g, '.$1')
		.split('.')
		.filter(Boolean)) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<string, unknown>)[segment];
	}
	return current;
}
