/**
 * Shared pieces of the reliability suite: one working set-up per provider (credential, node
 * parameters, where its create goes, which values are secret), a deep text dump of a run to
 * search for secrets, capture of n8n's logger and the console, and a record of every outgoing
 * HTTP request of this process (to prove nothing reaches another host).
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import { dirname } from 'node:path';

import { LoggerProxy, type ICredentialDataDecryptedObject, type IDataObject } from 'n8n-workflow';

import type { Emulator } from '../emulator/core.ts';
import { DYNAMICS_TEST, type DynamicsEmulator } from '../emulator/dynamics.ts';
import { INTERCOM_TEST_TOKEN, type IntercomEmulator } from '../emulator/intercom.ts';
import { REAMAZE_TEST_EMAIL, REAMAZE_TEST_TOKEN } from '../emulator/reamaze.ts';
import { REEVOO_TEST_KEY, REEVOO_TEST_SECRET } from '../emulator/reevoo.ts';
import { ZAP_TEST_IDENTITY, ZAP_TEST_PASSWORD, type ZapEmulator } from '../emulator/zap.ts';
import type { RunWorkflowResult } from '../harness/engine';
import { visibleText } from '../support/engine';

export const PROVIDER_IDS = ['intercom', 'reamaze', 'reevoo', 'zap', 'dynamics'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

export const INTERCOM_USER_ID = '0123456789abcdefABCDEF01';
export const ZAP_CUSTOMER_ID = '64b7f0c2a1d3e4f5a6b7c8d9';

export interface ProviderSetup {
	id: ProviderId;
	/** Path prefix (as the emulator sees it) of the request that creates a conversation. */
	createPath: string;
	credentials(emulator: Emulator): Record<string, ICredentialDataDecryptedObject>;
	/** Node parameters that create one conversation per item from `$json.text`. */
	parameters: Record<string, unknown>;
	/** Seeds what the parameters need (after `emulator.reset()`). */
	seed(emulator: Emulator): void;
	/** Conversations the emulator really created. */
	created(emulator: Emulator): number;
	/** Every secret value in play, read after the run (issued tokens included). */
	secrets(emulator: Emulator): string[];
}

const basic = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');

export const SETUPS: Record<ProviderId, ProviderSetup> = {
	intercom: {
		id: 'intercom',
		createPath: '/intercom/conversations',
		credentials: (emulator) => ({
			intercomConversationApi: { accessToken: INTERCOM_TEST_TOKEN, region: 'us', apiVersion: '2.16', baseUrl: emulator.baseUrl('intercom') },
		}),
		parameters: {
			provider: 'intercom',
			intercomContactMode: 'id',
			intercomContactId: INTERCOM_USER_ID,
			intercomBody: '={{ $json.text }}',
		},
		seed: (emulator) => void emulator.provider<IntercomEmulator>('intercom').addContact({ role: 'user', id: INTERCOM_USER_ID }),
		created: (emulator) => emulator.provider('intercom').conversations().length,
		secrets: () => [INTERCOM_TEST_TOKEN],
	},
	reamaze: {
		id: 'reamaze',
		createPath: '/reamaze/conversations',
		credentials: (emulator) => ({
			reamazeConversationApi: { brand: 'acme', email: REAMAZE_TEST_EMAIL, apiToken: REAMAZE_TEST_TOKEN, baseUrl: emulator.baseUrl('reamaze') },
		}),
		parameters: {
			provider: 'reamaze',
			reamazeSubject: 'Order 42',
			reamazeChannel: { __rl: true, mode: 'id', value: 'support' },
			reamazeBody: '={{ $json.text }}',
			reamazeCustomerName: 'Ann Smith',
			reamazeCustomerEmail: 'ann@example.com',
		},
		seed: () => undefined,
		created: (emulator) => emulator.provider('reamaze').conversations().length,
		secrets: () => [REAMAZE_TEST_TOKEN, basic(REAMAZE_TEST_EMAIL, REAMAZE_TEST_TOKEN)],
	},
	reevoo: {
		id: 'reevoo',
		createPath: '/reevoo/v4/organisations/D10/conversations',
		credentials: (emulator) => ({
			reevooConversationApi: { apiKey: REEVOO_TEST_KEY, apiSecret: REEVOO_TEST_SECRET, baseUrl: emulator.baseUrl('reevoo') },
		}),
		parameters: {
			provider: 'reevoo',
			reevooTrkref: { __rl: true, mode: 'id', value: 'D10' },
			reevooProductMode: 'sku',
			reevooSku: 'AIPTPDV5700',
			reevooEmail: 'joe@example.com',
			reevooQuestion: '={{ $json.text }}',
		},
		seed: () => undefined,
		created: (emulator) => emulator.provider('reevoo').conversations().length,
		secrets: () => [REEVOO_TEST_SECRET, basic(REEVOO_TEST_KEY, REEVOO_TEST_SECRET)],
	},
	zap: {
		id: 'zap',
		createPath: '/zap/v1/support/conversations',
		// The login credential: a password, a session token and a refresh token are in play.
		credentials: (emulator) => ({
			zapConversationApi: {
				environment: 'production',
				authMode: 'login',
				identity: ZAP_TEST_IDENTITY,
				password: ZAP_TEST_PASSWORD,
				baseUrl: emulator.baseUrl('zap'),
			},
		}),
		parameters: { provider: 'zap', zapUserId: ZAP_CUSTOMER_ID, zapOptions: { guestId: '={{ $json.text }}' } },
		seed: (emulator) => void emulator.provider<ZapEmulator>('zap').addUser({ id: ZAP_CUSTOMER_ID }),
		created: (emulator) => emulator.provider('zap').conversations().length,
		secrets: (emulator) => {
			const zap = emulator.provider<ZapEmulator>('zap');
			return [ZAP_TEST_PASSWORD, ...zap.sessionTokens(), ...zap.refreshTokens.keys()];
		},
	},
	dynamics: {
		id: 'dynamics',
		createPath: '/dynamics/api/v1.0/consumer/conversation/create',
		credentials: (emulator) => ({
			dynamicsMessagingOAuth2Api: {
				tenantId: DYNAMICS_TEST.tenantId,
				clientId: DYNAMICS_TEST.clientId,
				clientSecret: DYNAMICS_TEST.clientSecret,
				organizationId: DYNAMICS_TEST.organizationId,
				messagingGeo: DYNAMICS_TEST.messagingGeo,
				scopeZone: DYNAMICS_TEST.scopeZone,
				channelId: DYNAMICS_TEST.channelId,
				authorityHost: `${emulator.url}/dynamics-login`,
				baseUrl: emulator.baseUrl('dynamics'),
			},
		}),
		parameters: { provider: 'dynamics', dynamicsStartMessage: '={{ $json.text }}' },
		seed: () => undefined,
		created: (emulator) => emulator.provider('dynamics').conversations().length,
		secrets: (emulator) => [
			DYNAMICS_TEST.clientSecret,
			basic(DYNAMICS_TEST.clientId, DYNAMICS_TEST.clientSecret),
			...emulator.provider<DynamicsEmulator>('dynamics').tokens.keys(),
		],
	},
};

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
		if (typeof node === 'number' || typeof node === 'boolean' || typeof node === 'bigint') return void parts.push(String(node));
		if (typeof node === 'function' || typeof node !== 'object' || seen.has(node) || depth > 12) return;
		seen.add(node);
		if (Buffer.isBuffer(node)) return void parts.push(node.toString('utf8'), node.toString('base64'));
		if (node instanceof Map) return void node.forEach((entry, key) => (walk(key, depth + 1), walk(entry, depth + 1)));
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
		deepText({ outputs: result.outputs, error: result.error, task: result.task, runData: result.runData, resultData: result.run.data.resultData }),
	].join('\n');
}

/** The secrets (and their URL-encoded forms) found in `text`. */
export function leakedSecrets(text: string, secrets: string[]): string[] {
	return secrets.filter((secret) => secret.length >= 6 && (text.includes(secret) || text.includes(encodeURIComponent(secret))));
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
		require(require.resolve(name, { paths: [dirname(require.resolve('n8n-core'))] })) as Record<string, unknown>;
	const { Container } = fromCore('@n8n/di') as { Container: DiContainer };
	const { Logger } = fromCore('@n8n/backend-common') as { Logger: object };
	const previous = Container.has(Logger) ? Container.get(Logger) : undefined;
	Container.set(Logger, recorder);
	LoggerProxy.init(recorder as never);
	const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
	const spies = methods.map((method) =>
		jest.spyOn(console, method).mockImplementation((...args: unknown[]) => void logs.push({ level: `console.${method}`, message: args.map(String).join(' '), metadata: args })),
	);
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
		const request = (message as { request?: { host?: string; getHeader?(name: string): unknown } }).request;
		hosts.push(String(request?.getHeader?.('host') ?? request?.host ?? 'unknown'));
	};
	const onSocket = (message: unknown) => {
		const socket = (message as { socket?: { remoteAddress?: string; once?(event: string, listener: () => void): void } }).socket;
		socket?.once?.('connect', () => hosts.push(`socket:${String((socket as { remoteAddress?: string }).remoteAddress)}`));
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
