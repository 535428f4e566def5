/**
 * n8n's processed-data store (the one behind `helpers.checkProcessedAndRecord`, used by the Remove
 * Duplicates node), as n8n 2.41.1 implements it in packages/cli (`DeduplicationHelper`, mode
 * `entries`): one row per workflow and context (`n:<node id>` for scope `node`) holding md5 hashes
 * of the items, read, changed and written back without a lock; the first write is an insert that
 * fails when another writer inserted the row in between. The row is kept as JSON text, as the
 * database does, so its cost grows with the number of entries like the real one.
 *
 * `gapMs` is the time between a call's read and its write (a database round trip): concurrent
 * calls inside that gap lose each other's changes, exactly as in n8n.
 */
import './env';

import { createHash } from 'node:crypto';

import { DataDeduplicationService } from 'n8n-core';
import type {
	DeduplicationItemTypes,
	DeduplicationScope,
	ICheckProcessedContextData,
	ICheckProcessedOptions,
	IDataDeduplicator,
	IDeduplicationOutput,
} from 'n8n-workflow';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class ProcessedDataStore implements IDataDeduplicator {
	/** workflowId + context → JSON of `{ mode, data }`. */
	readonly rows = new Map<string, string>();
	gapMs = 0;
	readonly calls = { record: 0, remove: 0, insertCollisions: 0 };

	private static hash(value: DeduplicationItemTypes): string {
		return createHash('md5').update(value.toString()).digest('base64');
	}

	private static rowKey(
		scope: DeduplicationScope,
		contextData: ICheckProcessedContextData,
	): string {
		const context = scope === 'node' ? `n:${contextData.node!.id}` : '';
		return `${contextData.workflow.id}|${context}`;
	}

	/** Whether a key's entry is in the row (what a later record would call "processed"). */
	has(value: string): boolean {
		const hash = ProcessedDataStore.hash(value);
		for (const row of this.rows.values()) {
			if ((JSON.parse(row) as { data: string[] }).data.includes(hash)) return true;
		}
		return false;
	}

	entryCount(): number {
		let count = 0;
		for (const row of this.rows.values())
			count += (JSON.parse(row) as { data: string[] }).data.length;
		return count;
	}

	async checkProcessedAndRecord(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		contextData: ICheckProcessedContextData,
		options: ICheckProcessedOptions,
	): Promise<IDeduplicationOutput> {
		this.calls.record++;
		if (!contextData.workflow.id) throw new Error('assert: workflow id');
		const key = ProcessedDataStore.rowKey(scope, contextData);
		const read = this.rows.get(key);
		await pause(this.gapMs);
		const hashed = items.map((item) => ProcessedDataStore.hash(item));
		if (read === undefined) {
			if (options.maxEntries) hashed.splice(0, hashed.length - options.maxEntries);
			if (this.rows.has(key)) {
				this.calls.insertCollisions++;
				throw new Error(
					'UNIQUE constraint failed: processed_data.workflowId, processed_data.context',
				);
			}
			this.rows.set(key, JSON.stringify({ mode: options.mode, data: hashed }));
			return { new: items, processed: [] };
		}
		const value = JSON.parse(read) as { mode: string; data: string[] };
		if (value.mode !== options.mode) throw new Error('incompatible mode');
		const present = new Set(value.data);
		const output: IDeduplicationOutput = { new: [], processed: [] };
		hashed.forEach((hash, index) => {
			if (present.has(hash)) output.processed.push(items[index]);
			else {
				output.new.push(items[index]);
				value.data.push(hash);
			}
		});
		if (options.maxEntries) value.data.splice(0, value.data.length - options.maxEntries);
		this.rows.set(key, JSON.stringify(value));
		return output;
	}

	async removeProcessed(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		contextData: ICheckProcessedContextData,
	): Promise<void> {
		this.calls.remove++;
		const key = ProcessedDataStore.rowKey(scope, contextData);
		const read = this.rows.get(key);
		await pause(this.gapMs);
		if (read === undefined) return;
		const value = JSON.parse(read) as { mode: string; data: string[] };
		for (const item of items) {
			const index = value.data.indexOf(ProcessedDataStore.hash(item));
			if (index !== -1) value.data.splice(index, 1);
		}
		this.rows.set(key, JSON.stringify(value));
	}

	async clearAllProcessedItems(
		scope: DeduplicationScope,
		contextData: ICheckProcessedContextData,
	): Promise<void> {
		this.rows.delete(ProcessedDataStore.rowKey(scope, contextData));
	}

	async getProcessedDataCount(
		scope: DeduplicationScope,
		contextData: ICheckProcessedContextData,
	): Promise<number> {
		const row = this.rows.get(ProcessedDataStore.rowKey(scope, contextData));
		return row ? (JSON.parse(row) as { data: string[] }).data.length : 0;
	}
}

/** The store n8n-core's helpers use from now on (n8n-core allows one initialisation per process). */
let current: ProcessedDataStore = new ProcessedDataStore();
let initialised = false;

export async function useProcessedDataStore(store: ProcessedDataStore): Promise<void> {
	current = store;
	if (initialised) return;
	initialised = true;
	const delegate: IDataDeduplicator = {
		checkProcessedAndRecord: async (...args) => await current.checkProcessedAndRecord(...args),
		removeProcessed: async (items, scope, contextData) =>
			await current.removeProcessed(items, scope, contextData),
		clearAllProcessedItems: async (scope, contextData) =>
			await current.clearAllProcessedItems(scope, contextData),
		getProcessedDataCount: async (scope, contextData) =>
			await current.getProcessedDataCount(scope, contextData),
	};
	await DataDeduplicationService.init(delegate);
}
