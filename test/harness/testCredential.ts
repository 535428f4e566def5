/**
 * `testCredential`, an approximation of the credential "Test" button.
 */
import './env';

import { ExecuteContext, RoutingNode } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	ICredentialsDecrypted,
	ICredentialTestRequest,
	IExecuteData,
	INode,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeType,
} from 'n8n-workflow';
import { NodeConnectionTypes, Workflow, createRunExecutionData } from 'n8n-workflow';

import { createAdditionalData } from './additionalData';
import { CredentialStore } from './credentialStore';
import { HarnessCredentialsHelper } from './credentialsHelper';
import { HarnessCredentialTypes } from './credentialTypes';
import { HarnessNodeTypes } from './nodeTypes';

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
