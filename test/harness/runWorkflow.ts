/**
 * Runs a workflow Start → Emit Items → node under test on n8n-core's own WorkflowExecute.
 */
import './env';

import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import type {
	ExecutionError,
	ExecutionStatus,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	INode,
	INodeCredentials,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	IRun,
	IRunData,
	IRunExecutionData,
	ITaskData,
	IVersionedNodeType,
	IWorkflowBase,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { NodeConnectionTypes, Workflow, createRunExecutionData } from 'n8n-workflow';

import { createAdditionalData } from './additionalData';
import { CredentialStore } from './credentialStore';
import { HarnessCredentialsHelper } from './credentialsHelper';
import { HarnessCredentialTypes } from './credentialTypes';
import {
	DEFAULT_NODE_UNDER_TEST_NAME,
	EMIT_ITEMS_NODE_NAME,
	EMIT_ITEMS_NODE_TYPE,
	HarnessNodeTypes,
	HarnessStart,
	START_NODE_NAME,
	START_NODE_TYPE,
	createEmitItemsNode,
	latestVersion,
} from './nodeTypes';

let executionCounter = 0;

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
