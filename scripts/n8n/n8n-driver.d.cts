// Types for n8n-driver.cjs / n8n-driver.mjs (hand-written; keep in sync).
// From a CommonJS TypeScript test:  import driver = require('../../scripts/n8n/n8n-driver.cjs');

export type N8nEnv = Record<string, string>;

export interface ProcessResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	ms: number;
	timedOut: boolean;
}

export interface RunItem {
	json: Record<string, unknown>;
	pairedItem?: unknown;
	binary?: unknown;
	[key: string]: unknown;
}

/** n8n's IRun as printed by `n8n execute` (only the parts the helpers read are typed). */
export interface N8nRun {
	data: {
		resultData: {
			runData: Record<string, Array<{ data?: { main?: RunItem[][] }; error?: any; executionStatus?: string; [k: string]: unknown }>>;
			error?: any;
			lastNodeExecuted?: string;
		};
		[k: string]: unknown;
	};
	status: string;
	finished: boolean;
	[k: string]: unknown;
}

export interface ExecuteResult {
	ok: boolean;
	exitCode: number | null;
	run: N8nRun | null;
	error: any | null;
	stdout: string;
	stderr: string;
	ms: number;
	timedOut: boolean;
}

export interface RestResponse {
	status: number;
	ok: boolean;
	data: any;
	body: any;
	text: string;
	headers: Record<string, string | string[] | undefined>;
}

export interface N8nClient {
	port: number;
	baseUrl: string;
	owner: typeof OWNER;
	readonly cookie: string;
	rest(method: string, path: string, body?: unknown): Promise<RestResponse>;
	logs(): string;
	stop(): Promise<void>;
}

export declare const DEFAULT_CLI_TIMEOUT_MS: number;
export declare const DEFAULT_START_TIMEOUT_MS: number;
export declare const OWNER: Readonly<{ email: string; firstName: string; lastName: string; password: string }>;

export declare function killAll(): void;
export declare function getFreePort(): Promise<number>;
export declare function newId(): string;
export declare function runProcess(
	cmd: string,
	args: string[],
	opts?: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string },
): Promise<ProcessResult>;
export declare function createUserFolder(prefix?: string): string;
export declare function removeUserFolder(userFolder: string): void;
export declare function n8nEnv(userFolder: string, extra?: Record<string, string | number | undefined>): N8nEnv;
export declare const buildEnv: typeof n8nEnv;
export declare function runN8n(env: N8nEnv, args: string[], opts?: { timeoutMs?: number }): Promise<ProcessResult>;
export declare function installCommunityPackage(
	userFolder: string,
	tarballPath: string,
	opts?: { timeoutMs?: number },
): Promise<{ packageName: string; version: string; packageDir: string; nodesDir: string }>;
export declare function importCredentials<T extends { id?: string; name: string; type: string; data: Record<string, unknown> }>(
	env: N8nEnv,
	creds: T[],
	opts?: { timeoutMs?: number },
): Promise<Array<T & { id: string }>>;
export declare function importWorkflow(env: N8nEnv, workflowJson: Record<string, unknown>, opts?: { timeoutMs?: number }): Promise<string>;
export declare function extractRunData(stdout: string): N8nRun | null;
export declare function executeWorkflow(env: N8nEnv, id: string, opts?: { timeoutMs?: number }): Promise<ExecuteResult>;
export declare function nodeItems(run: N8nRun | null, nodeName: string, opts?: { runIndex?: number; outputIndex?: number }): RunItem[] | undefined;
export declare function nodeError(run: N8nRun | null, nodeName: string, opts?: { runIndex?: number }): any;
export declare function exportNodes(env: N8nEnv, opts?: { timeoutMs?: number }): Promise<Array<{ name: string; displayName: string; [k: string]: any }>>;
export declare function startN8n(env: N8nEnv, opts?: { port?: number; timeoutMs?: number; owner?: typeof OWNER }): Promise<N8nClient>;
export declare function testCredential(
	client: N8nClient,
	credential: { type: string; data: Record<string, unknown>; name?: string; id?: string },
	opts?: { save?: boolean; keep?: boolean },
): Promise<{ status: 'OK' | 'Error' | string; message: string; httpStatus: number; raw: any; id?: string }>;
