// Types for ensure-n8n.cjs / ensure-n8n.mjs (hand-written; keep in sync).
export declare const N8N_VERSION: string;
export declare const LINKEDOM_OVERRIDE: string;
export declare function defaultCacheDir(): string;
export declare function resolveNodeBin(): { nodeBin: string; version: string; abi: string };
export declare function ensureNodeHeaders(node: { nodeBin: string; version: string }, cacheDir: string, env: NodeJS.ProcessEnv, logFile: string): Promise<string>;
export declare function ensureN8n(opts?: { cacheDir?: string; force?: boolean }): Promise<{
	n8nBin: string;
	nodeBin: string;
	cacheDir: string;
	n8nVersion: string;
	/** true when this call installed it */
	fresh: boolean;
}>;
export declare function main(argv?: string[]): Promise<void>;
