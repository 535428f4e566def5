/**
 * Runs the Create Conversation node on the real n8n-core engine (see test/harness) against the
 * provider emulator over loopback.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	INodeExecutionData,
} from 'n8n-workflow';

import { CreateConversation } from '../../nodes/CreateConversation/CreateConversation.node';
import { CredentialStore, runWorkflow, testCredential, type RunWorkflowResult } from '../harness';
import { runListSearch } from '../harness/listSearch';

export const NODE_TYPE = 'CUSTOM.createConversation';

const root = resolve(__dirname, '..', '..');

/** Every credential class the package declares, loaded from the source the `n8n` field points at. */
export function packageCredentialTypes(): ICredentialType[] {
	const manifest = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
		n8n: { credentials: string[] };
	};
	return manifest.n8n.credentials.map((compiled) => {
		const source = resolve(root, compiled.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const module = require(source) as Record<string, new () => ICredentialType>;
		const [CredentialClass] = Object.values(module).filter(
			(value) => typeof value === 'function' && /Api$/.test(value.name),
		);
		return new CredentialClass();
	});
}

export interface RunNodeOptions {
	parameters: Record<string, unknown>;
	items?: IDataObject[];
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	credentialStore?: CredentialStore;
	continueOnFail?: boolean;
	signal?: AbortSignal;
	timezone?: string;
}

export async function runNode(options: RunNodeOptions): Promise<RunWorkflowResult> {
	return await runWorkflow({
		nodeTypes: { [NODE_TYPE]: new CreateConversation() },
		credentialTypes: packageCredentialTypes(),
		credentials: options.credentials,
		credentialStore: options.credentialStore,
		items: options.items ?? [{}],
		nodeType: NODE_TYPE,
		nodeParameters: options.parameters as never,
		continueOnFail: options.continueOnFail,
		signal: options.signal,
		timezone: options.timezone,
	});
}

export async function testCredentialOf(type: string, data: ICredentialDataDecryptedObject) {
	return await testCredential({
		credentialTypes: packageCredentialTypes(),
		credentialType: type,
		data,
	});
}

/** The json of each output item. */
export function jsonOf(output: INodeExecutionData[] | undefined): IDataObject[] {
	return (output ?? []).map((item) => item.json);
}

/** Everything a user or a log could see of a run, as one string, to search for secrets. */
export function visibleText(result: RunWorkflowResult): string {
	const error = result.error as (Error & Record<string, unknown>) | undefined;
	return JSON.stringify({
		output: result.outputs,
		error: error
			? {
					message: error.message,
					description: error.description,
					context: error.context,
					cause: error.cause,
					stack: error.stack,
					errorResponse: error.errorResponse,
					messages: error.messages,
				}
			: null,
		task: result.task,
	});
}

/** A "From List" search of the node, as the editor runs it (n8n-core's LoadOptionsContext). */
export async function listSearch(options: {
	method: string;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	parameters: Record<string, unknown>;
	filter?: string;
	paginationToken?: string;
}) {
	return await runListSearch({
		nodeType: NODE_TYPE,
		type: new CreateConversation(),
		credentialTypes: packageCredentialTypes(),
		credentials: options.credentials,
		nodeParameters: options.parameters as never,
		method: options.method,
		filter: options.filter,
		paginationToken: options.paginationToken,
	});
}
