/**
 * Shared pieces of the reliability suite: one working set-up per provider (credential, node
 * parameters, where its create goes, which values are secret), a deep text dump of a run to
 * search for secrets, capture of n8n's logger and the console, and a record of every outgoing
 * HTTP request of this process (to prove nothing reaches another host).
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import { dirname } from 'node:path';

import { LoggerProxy, type ICredentialDataDecryptedObject, type IDataObject } from 'n8n-workflow';

import { sandboxProviders, type Emulator, type SandboxProvider } from '../../sandbox';
import type { ReliabilitySetup } from '../../sandbox/fixtures';
import type { RunWorkflowResult } from '../harness';
import { visibleText } from '../support/runNode';

/** Every registered provider, with its sandbox fixtures. */
export const PROVIDERS = sandboxProviders();
export const PROVIDER_IDS = PROVIDERS.map(({ id }) => id);
export type ProviderId = string;

/** A provider's reliability set-up (its fixtures), with its credential and conversations at hand. */
export interface ProviderSetup extends ReliabilitySetup {
	id: string;
	displayName: string;
	credentials(emulator: Emulator): Record<string, ICredentialDataDecryptedObject>;
	/** Conversations the emulator really created. */
	created(emulator: Emulator): number;
}

/** The reliability set-ups of these providers, by id. */
export function setupsFor(providers: SandboxProvider[]): Record<string, ProviderSetup> {
	return Object.fromEntries(
		providers.map(({ id, definition, fixtures }) => [
			id,
			{
				id,
				displayName: definition.displayName,
				...fixtures.reliability,
				credentials: (emulator: Emulator) => ({
					[definition.credentialType]: (fixtures.reliability.credential ?? fixtures.credential)(
						emulator.url,
					),
				}),
				created: (emulator: Emulator) => emulator.provider(id).conversations().length,
			},
		]),
	);
}

export const SETUPS = setupsFor(PROVIDERS);

/** Items whose text differs, so a duplicate create is visible. */
export function itemsOf(count: number, prefix = 'msg'): IDataObject[] {
	return Array.from({ length: count }, (_, index) => ({ text: `${prefix}-${index}` }));
}

/**
 * Every string reachable from `value`: own properties, enumerable or not (message, stack, cause),
 * through arrays, maps and sets. Getters are read; ones that throw are skipped.
 */
export function deepText(value: unknown): string {
	const parts: string[] = [];
	const seen = new Set<unknown>();
	const walk = (node: unknown, depth: number) => {
		if (node === null || node === undefined) return;
		if (typeof node === 'string') return void parts.push(node);
		if (typeof node === 'number' || typeof node === 'boolean' || typeof node === 'bigint')
			return void parts.push(String(node));
		if (typeof node === 'function' || typeof node !== 'object' || seen.has(node) || depth > 12)
			return;
		seen.add(node);
		if (Buffer.isBuffer(node))
			return void parts.push(node.toString('utf8'), node.toString('base64'));
		if (node instanceof Map)
			return void node.forEach((entry, key) => (walk(key, depth + 1), walk(entry, depth + 1)));
		if (node instanceof Set) return void node.forEach((entry) => walk(entry, depth + 1));
		for (const key of Object.getOwnPropertyNames(node)) {
			parts.push(key);
			let child: unknown;
			try {
				child = (node as Record<string, unknown>)[key];
			} catch {
				continue;
			}
			walk(child, depth + 1);
		}
	};
	walk(value, 0);
	return parts.join('\n');
}

/** What a user, a log or an error report could see of a run: visibleText plus a deep walk. */
export function everythingVisible(result: RunWorkflowResult): string {
	return [
		visibleText(result),
		deepText({
			outputs: result.outputs,
			error: result.error,
			task: result.task,
			runData: result.runData,
			resultData: result.run.data.resultData,
		}),
	].join('\n');
}

/** The secrets (and their URL-encoded forms) found in `text`. */
export function leakedSecrets(text: string, secrets: string[]): string[] {
	return secrets.filter(
		(secret) =>
			secret.length >= 6 && (text.includes(secret) || text.includes(encodeURIComponent(secret))),
	);
}

interface DiContainer {
	has(type: unknown): boolean;
	get(type: unknown): unknown;
	set(type: unknown, instance: unknown): void;
}

export interface CapturedLog {
	level: string;
	message: string;
	metadata: unknown;
}

/**
 * Replaces n8n's logger (the one `this.logger` and LoggerProxy hand out) with one that records
 * every call at every level, and records the console. Returns the records and a restore.
 */
export function captureLogs(): { logs: CapturedLog[]; text(): string; restore(): void } {
	const logs: CapturedLog[] = [];
	const record = (level: string) => (message: unknown, metadata?: unknown) =>
		void logs.push({ level, message: String(message), metadata });
	const recorder = {
		error: record('error'),
		warn: record('warn'),
		info: record('info'),
		debug: record('debug'),
		verbose: record('verbose'),
		scoped: () => recorder,
	};
	// n8n-core resolves its logger from its own copies of @n8n/di and @n8n/backend-common.
	const fromCore = (name: string) =>
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		require(require.resolve(name, { paths: [dirname(require.resolve('n8n-core'))] })) as Record<
			string,
			unknown
		>;
	const { Container } = fromCore('@n8n/di') as { Container: DiContainer };
	const { Logger } = fromCore('@n8n/backend-common') as { Logger: object };
	const previous = Container.has(Logger) ? Container.get(Logger) : undefined;
	Container.set(Logger, recorder);
	LoggerProxy.init(recorder as never);
	const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
	const spies = methods.map((method) => {
		const record = (...args: unknown[]) => {
			logs.push({
				level: `console.${method}`,
				message: args.map(String).join(' '),
				metadata: args,
			});
		};
		return jest.spyOn(console, method).mockImplementation(record);
	});
	return {
		logs,
		text: () => deepText(logs),
		restore: () => {
			for (const spy of spies) spy.mockRestore();
			if (previous) {
				Container.set(Logger, previous);
				LoggerProxy.init(previous as never);
			}
		},
	};
}

/** `host:port` of every HTTP request this process starts, while recording. */
export function recordOutgoingHosts(): { hosts: string[]; stop(): void } {
	const hosts: string[] = [];
	const onRequest = (message: unknown) => {
		const request = (message as { request?: { host?: string; getHeader?(name: string): unknown } })
			.request;
		hosts.push(String(request?.getHeader?.('host') ?? request?.host ?? 'unknown'));
	};
	const onSocket = (message: unknown) => {
		const socket = (
			message as {
				socket?: { remoteAddress?: string; once?(event: string, listener: () => void): void };
			}
		).socket;
		socket?.once?.('connect', () =>
			hosts.push(`socket:${String((socket as { remoteAddress?: string }).remoteAddress)}`),
		);
	};
	diagnosticsChannel.subscribe('http.client.request.start', onRequest);
	diagnosticsChannel.subscribe('net.client.socket', onSocket);
	return {
		hosts,
		stop: () => {
			diagnosticsChannel.unsubscribe('http.client.request.start', onRequest);
			diagnosticsChannel.unsubscribe('net.client.socket', onSocket);
		},
	};
}
