/**
 * Proves the harness: a throwaway node type and credential types, run on the real n8n-core
 * engine against a loopback HTTP server.
 */
import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestHelper,
	IHttpRequestMethods,
	IHttpRequestOptions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError, sleep } from 'n8n-workflow';

import { CredentialStore, runWorkflow, testCredential } from './index';
import type { LoopbackServer } from './server';
import { startLoopbackServer } from './server';

// ---------------------------------------------------------------------------------------------
// Throwaway credential types
// ---------------------------------------------------------------------------------------------

/** Generic (declarative) authenticate: header + query string from credential expressions. */
class ProbeHeaderApi implements ICredentialType {
	name = 'probeHeaderApi';

	displayName = 'Probe Header API';

	properties: INodeProperties[] = [
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{ displayName: 'Tenant', name: 'tenant', type: 'string', default: 'default-tenant' },
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { Authorization: '=Bearer {{$credentials.apiKey}}' },
			qs: { tenant: '={{$credentials.tenant}}' },
		},
	};

	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl}}', url: '/me' },
		rules: [
			{ type: 'responseCode', properties: { value: 403, message: 'The key lacks permission' } },
			{
				type: 'responseSuccessBody',
				properties: { key: 'status.ok', value: false, message: 'Account disabled' },
			},
			// n8n's type only allows one kind of rule per array; its tester handles mixed arrays
		] as unknown as ICredentialTestRequest['rules'],
	};
}

/** Function authenticate: sets baseURL and headers. */
class ProbeFunctionApi implements ICredentialType {
	name = 'probeFunctionApi';

	displayName = 'Probe Function API';

	properties: INodeProperties[] = [
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{ displayName: 'API Version', name: 'apiVersion', type: 'string', default: 'v2' },
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return {
			...requestOptions,
			baseURL: credentials.baseUrl as string,
			headers: {
				...requestOptions.headers,
				'X-Api-Key': credentials.apiKey as string,
				'X-Api-Version': credentials.apiVersion as string,
			},
		};
	}

	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl}}', url: '/fn/me' },
	};
}

/** Login-then-token: preAuthentication fills the hidden expirable `sessionToken`. */
class ProbeSessionApi implements ICredentialType {
	name = 'probeSessionApi';

	displayName = 'Probe Session API';

	properties: INodeProperties[] = [
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
		{ displayName: 'Username', name: 'username', type: 'string', default: '' },
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{
			displayName: 'Session Token',
			name: 'sessionToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const response = (await this.helpers.httpRequest({
			method: 'POST',
			url: `${credentials.baseUrl as string}/login`,
			body: { username: credentials.username, password: credentials.password },
			json: true,
		})) as { token: string };
		return { sessionToken: response.token };
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return {
			...requestOptions,
			baseURL: credentials.baseUrl as string,
			headers: {
				...requestOptions.headers,
				Authorization: `Session ${credentials.sessionToken as string}`,
			},
		};
	}

	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl}}', url: '/session/me' },
	};
}

/** OAuth2 client credentials; the token URL is derived from another field with `$self`. */
class ProbeOAuth2Api implements ICredentialType {
	name = 'probeOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Probe OAuth2 API';

	properties: INodeProperties[] = [
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
		{ displayName: 'Grant Type', name: 'grantType', type: 'hidden', default: 'clientCredentials' },
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: '={{$self["baseUrl"]}}/oauth/token',
		},
		{ displayName: 'Scope', name: 'scope', type: 'hidden', default: 'conversations.write' },
		{ displayName: 'Authentication', name: 'authentication', type: 'hidden', default: 'header' },
	];

	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl}}', url: '/oauth/me' },
	};
}

const credentialTypes = [
	new ProbeHeaderApi(),
	new ProbeFunctionApi(),
	new ProbeSessionApi(),
	new ProbeOAuth2Api(),
];

// ---------------------------------------------------------------------------------------------
// Throwaway node type
// ---------------------------------------------------------------------------------------------

class Probe implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Probe',
		name: 'probe',
		group: ['transform'],
		version: [1, 2],
		description: 'Sends one request per item',
		defaults: { name: 'Probe' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: credentialTypes.map((type) => ({ name: type.name, required: false })),
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Request', value: 'request' },
					{ name: 'Sleep', value: 'sleep' },
				],
				default: 'request',
			},
			{
				displayName: 'Credential Type',
				name: 'credentialType',
				type: 'string',
				default: 'probeHeaderApi',
			},
			{ displayName: 'Method', name: 'method', type: 'string', default: 'POST' },
			{ displayName: 'URL', name: 'url', type: 'string', default: '' },
			{ displayName: 'Email', name: 'email', type: 'string', default: '' },
			{ displayName: 'Sleep (Ms)', name: 'sleepMs', type: 'number', default: 0 },
			{ displayName: 'No 401 Retry', name: 'no401Retry', type: 'boolean', default: false },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const returnData: INodeExecutionData[] = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				const operation = this.getNodeParameter('operation', itemIndex) as string;
				if (operation === 'sleep') {
					await sleep(
						this.getNodeParameter('sleepMs', itemIndex) as number,
						this.getExecutionCancelSignal(),
					);
					returnData.push({ json: { slept: true }, pairedItem: { item: itemIndex } });
					continue;
				}
				const credentialType = this.getNodeParameter('credentialType', itemIndex) as string;
				const response = (await this.helpers.httpRequestWithAuthentication.call(
					this,
					credentialType,
					{
						method: this.getNodeParameter('method', itemIndex) as IHttpRequestMethods,
						url: this.getNodeParameter('url', itemIndex) as string,
						body: { email: this.getNodeParameter('email', itemIndex) },
						json: true,
					},
					this.getNodeParameter('no401Retry', itemIndex)
						? { preAuthenticationRetryStatusCode: [] }
						: undefined,
				)) as IDataObject;
				returnData.push({ json: response, pairedItem: { item: itemIndex } });
			} catch (error) {
				if (this.continueOnFail()) {
					returnData.push({
						json: {
							error: (error as Error).message,
							httpCode: (error as NodeApiError).httpCode ?? null,
						},
						pairedItem: { item: itemIndex },
					});
					continue;
				}
				if (error instanceof NodeApiError) {
					const apiError: NodeApiError = error;
					apiError.context.itemIndex = itemIndex;
					throw apiError;
				}
				throw new NodeOperationError(this.getNode(), error as JsonObject, { itemIndex });
			}
		}
		return [returnData];
	}
}

const PROBE = 'CUSTOM.probe';
const nodeTypes = { [PROBE]: new Probe() };

// ---------------------------------------------------------------------------------------------
// Fake API
// ---------------------------------------------------------------------------------------------

interface FakeApiState {
	logins: number;
	validSessionToken?: string;
	tokensIssued: number;
	validAccessToken?: string;
	tokenRequests: IDataObject[];
}

let server: LoopbackServer;
let state: FakeApiState;

function echo(request: { path: string; headers: IDataObject; body: unknown; query: IDataObject }) {
	return { path: request.path, body: request.body, query: request.query };
}

beforeAll(async () => {
	server = await startLoopbackServer();
});

afterAll(async () => {
	await server.close();
});

beforeEach(() => {
	server.requests.length = 0;
	state = { logins: 0, tokensIssued: 0, tokenRequests: [] };
	server.setHandler((request) => {
		const auth = request.headers.authorization;
		const body = (request.body ?? {}) as IDataObject;
		const path = request.path;

		if (path.startsWith('/generic') || path === '/me') {
			if (auth !== 'Bearer secret' && auth !== 'Bearer readonly' && auth !== 'Bearer disabled') {
				return { status: 401, body: { message: 'bad key' } };
			}
			if (path === '/me') {
				if (auth === 'Bearer readonly') return { status: 403, body: { message: 'forbidden' } };
				return { body: { status: { ok: auth !== 'Bearer disabled' } } };
			}
			if (body.email === 'bad') return { status: 422, body: { message: 'invalid email' } };
			return { body: echo(request) };
		}
		if (path.startsWith('/fn/')) {
			if (request.headers['x-api-key'] !== 'fn-key') return { status: 401, body: {} };
			return { body: { ...echo(request), version: request.headers['x-api-version'] } };
		}
		if (path === '/login') {
			if (body.username !== 'ann' || body.password !== 'pw')
				return { status: 401, body: { message: 'bad login' } };
			state.logins++;
			state.validSessionToken = `tok-${state.logins}`;
			return { body: { token: state.validSessionToken } };
		}
		if (path.startsWith('/session/')) {
			if (!state.validSessionToken || auth !== `Session ${state.validSessionToken}`) {
				return { status: 401, body: { message: 'session expired' } };
			}
			return { body: echo(request) };
		}
		if (path === '/oauth/token') {
			state.tokenRequests.push({ ...body, authorization: auth });
			const expected = `Basic ${Buffer.from('client-1:s3cret').toString('base64')}`;
			if (auth !== expected || body.grant_type !== 'client_credentials') {
				return { status: 401, body: { error: 'invalid_client' } };
			}
			state.tokensIssued++;
			state.validAccessToken = `at-${state.tokensIssued}`;
			return {
				body: { access_token: state.validAccessToken, token_type: 'Bearer', expires_in: 3600 },
			};
		}
		if (path.startsWith('/oauth/')) {
			if (!state.validAccessToken || auth !== `Bearer ${state.validAccessToken}`) {
				return { status: 401, body: { error: 'invalid_token' } };
			}
			return { body: echo(request) };
		}
		if (path === '/slow') return { hang: true };
		return { status: 404, body: {} };
	});
});

const headerCredentials = () => ({ baseUrl: server.url, apiKey: 'secret', tenant: 'acme' });
const sessionCredentials = () => ({
	baseUrl: server.url,
	username: 'ann',
	password: 'pw',
	sessionToken: '',
});
const oauthCredentials = () => ({
	baseUrl: server.url,
	clientId: 'client-1',
	clientSecret: 's3cret',
});

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

describe('runWorkflow', () => {
	test('generic authenticate: header and qs from $credentials; parameters evaluate per item', async () => {
		const result = await runWorkflow({
			nodeTypes,
			credentialTypes,
			credentials: { probeHeaderApi: headerCredentials() },
			items: [
				{ id: 1, email: 'a@example.com' },
				{ id: 2, email: 'b@example.com' },
				{ id: 3, email: 'c@example.com' },
			],
			nodeType: PROBE,
			nodeParameters: {
				credentialType: 'probeHeaderApi',
				url: `=${server.url}/generic/{{ $json.id }}`,
				email: '={{ $json.email }}',
			},
		});

		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.output).toHaveLength(3);
		expect(server.requests.map((request) => request.headers.authorization)).toEqual([
			'Bearer secret',
			'Bearer secret',
			'Bearer secret',
		]);
		expect(server.requests.map((request) => request.query.tenant)).toEqual([
			'acme',
			'acme',
			'acme',
		]);
		expect(result.output!.map((item) => item.json)).toEqual([
			{ path: '/generic/1', body: { email: 'a@example.com' }, query: { tenant: 'acme' } },
			{ path: '/generic/2', body: { email: 'b@example.com' }, query: { tenant: 'acme' } },
			{ path: '/generic/3', body: { email: 'c@example.com' }, query: { tenant: 'acme' } },
		]);
		expect(result.output!.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
	});

	test('function authenticate sets baseURL and headers; credential defaults are applied', async () => {
		const result = await runWorkflow({
			nodeTypes,
			credentialTypes,
			credentials: { probeFunctionApi: { baseUrl: server.url, apiKey: 'fn-key' } },
			items: [{ email: 'x@example.com' }],
			nodeType: PROBE,
			nodeParameters: {
				credentialType: 'probeFunctionApi',
				url: '/fn/items',
				email: '={{ $json.email }}',
			},
		});

		expect(result.error).toBeUndefined();
		expect(result.output!.map((item) => item.json)).toEqual([
			{ path: '/fn/items', body: { email: 'x@example.com' }, query: {}, version: 'v2' },
		]);
	});

	test('preAuthentication: token fetched once for many items, persisted, renewed after a 401', async () => {
		const store = new CredentialStore();
		store.add('probeSessionApi', sessionCredentials());
		const run = async (count: number) =>
			await runWorkflow({
				nodeTypes,
				credentialTypes,
				credentialStore: store,
				items: Array.from({ length: count }, (_, index) => ({ email: `u${index}@example.com` })),
				nodeType: PROBE,
				nodeParameters: {
					credentialType: 'probeSessionApi',
					url: '/session/items',
					email: '={{ $json.email }}',
				},
			});

		const first = await run(5);
		expect(first.error).toBeUndefined();
		expect(first.output).toHaveLength(5);
		expect(state.logins).toBe(1);
		expect(server.requestsTo('/session/items')).toHaveLength(5);
		expect(store.dataOf('probeSessionApi')?.sessionToken).toBe('tok-1');
		expect(store.updates.map((update) => update.via)).toEqual(['updateCredentials']);

		// the server forgets the session: the next request gets a 401, n8n logs in again and retries
		state.validSessionToken = undefined;
		server.requests.length = 0;
		const second = await run(3);
		expect(second.error).toBeUndefined();
		expect(second.output).toHaveLength(3);
		expect(state.logins).toBe(2);
		expect(
			server.requestsTo('/session/items').map((request) => request.headers.authorization),
		).toEqual(['Session tok-1', 'Session tok-2', 'Session tok-2', 'Session tok-2']);
		expect(store.dataOf('probeSessionApi')?.sessionToken).toBe('tok-2');
		expect(
			second.credentialsHelper.calls.filter((call) => call.method === 'preAuthentication'),
		).toEqual([{ method: 'preAuthentication', type: 'probeSessionApi', expired: true }]);
	});

	test('OAuth2 client credentials: token fetched once for several items, renewed after a 401', async () => {
		const store = new CredentialStore();
		store.add('probeOAuth2Api', oauthCredentials());
		const run = async (count: number) =>
			await runWorkflow({
				nodeTypes,
				credentialTypes,
				credentialStore: store,
				items: Array.from({ length: count }, (_, index) => ({ email: `u${index}@example.com` })),
				nodeType: PROBE,
				nodeParameters: {
					credentialType: 'probeOAuth2Api',
					url: `${server.url}/oauth/items`,
					email: '={{ $json.email }}',
				},
			});

		const first = await run(4);
		expect(first.error).toBeUndefined();
		expect(first.output).toHaveLength(4);
		expect(state.tokensIssued).toBe(1);
		expect(state.tokenRequests[0]).toMatchObject({
			grant_type: 'client_credentials',
			scope: 'conversations.write',
		});
		expect(
			server.requestsTo('/oauth/items').map((request) => request.headers.authorization),
		).toEqual(Array(4).fill('Bearer at-1'));
		const tokenData = store.dataOf('probeOAuth2Api')?.oauthTokenData as IDataObject;
		expect(tokenData.access_token).toBe('at-1');
		expect(tokenData.n8n_expires_at).toBeDefined();
		expect(store.updates.map((update) => update.via)).toEqual(['updateCredentialsOauthTokenData']);

		// the token expires on the server: 401, n8n-core fetches a new one and retries
		state.validAccessToken = undefined;
		server.requests.length = 0;
		const second = await run(2);
		expect(second.error).toBeUndefined();
		expect(second.output).toHaveLength(2);
		expect(state.tokensIssued).toBe(2);
		expect(
			server.requestsTo('/oauth/items').map((request) => request.headers.authorization),
		).toEqual(['Bearer at-1', 'Bearer at-2', 'Bearer at-2']);
		expect((store.dataOf('probeOAuth2Api')?.oauthTokenData as IDataObject).access_token).toBe(
			'at-2',
		);
	});

	test('OAuth2: n8n-core does not refresh a token just because expires_in has passed', async () => {
		state.validAccessToken = 'at-old';
		const result = await runWorkflow({
			nodeTypes,
			credentialTypes,
			credentials: {
				probeOAuth2Api: {
					...oauthCredentials(),
					oauthTokenData: {
						access_token: 'at-old',
						token_type: 'Bearer',
						n8n_expires_at: String(Date.now() - 60_000),
					},
				},
			},
			nodeType: PROBE,
			nodeParameters: { credentialType: 'probeOAuth2Api', url: `${server.url}/oauth/items` },
		});
		expect(result.error).toBeUndefined();
		expect(state.tokensIssued).toBe(0);
		expect(server.requestsTo('/oauth/items')[0].headers.authorization).toBe('Bearer at-old');
	});

	test('continueOnFail turns a failing item into an error item; without it the run fails', async () => {
		const base = {
			nodeTypes,
			credentialTypes,
			credentials: { probeHeaderApi: headerCredentials() },
			items: [{ email: 'ok1' }, { email: 'bad' }, { email: 'ok2' }],
			nodeType: PROBE,
			nodeParameters: {
				credentialType: 'probeHeaderApi',
				url: `${server.url}/generic`,
				email: '={{ $json.email }}',
			},
		};

		const continued = await runWorkflow({ ...base, continueOnFail: true });
		expect(continued.error).toBeUndefined();
		expect(continued.output).toHaveLength(3);
		expect(continued.output![1].json).toMatchObject({ httpCode: '422' });
		expect(continued.output![1].json.error).toBe(
			'Your request is invalid or could not be processed by the service',
		);
		expect(continued.output![1].pairedItem).toEqual({ item: 1 });

		server.requests.length = 0;
		const failed = await runWorkflow(base);
		expect(failed.status).toBe('error');
		expect(failed.output).toBeUndefined();
		expect(failed.error?.message).toEqual(expect.any(String));
		expect(failed.task?.error).toBeDefined();
		expect(server.requests).toHaveLength(2);
	});

	test('a 401 is re-sent once by n8n-core even without preAuthentication', async () => {
		const result = await runWorkflow({
			nodeTypes,
			credentialTypes,
			credentials: { probeHeaderApi: { ...headerCredentials(), apiKey: 'wrong' } },
			nodeType: PROBE,
			nodeParameters: { credentialType: 'probeHeaderApi', url: `${server.url}/generic` },
			continueOnFail: true,
		});
		expect(result.output![0].json).toMatchObject({ httpCode: '401' });
		expect(server.requestsTo('/generic')).toHaveLength(2);

		// ...unless the node passes `preAuthenticationRetryStatusCode: []`
		server.requests.length = 0;
		await runWorkflow({
			nodeTypes,
			credentialTypes,
			credentials: { probeHeaderApi: { ...headerCredentials(), apiKey: 'wrong' } },
			nodeType: PROBE,
			nodeParameters: {
				credentialType: 'probeHeaderApi',
				url: `${server.url}/generic`,
				no401Retry: true,
			},
			continueOnFail: true,
		});
		expect(server.requestsTo('/generic')).toHaveLength(1);
	});

	test('a workflow with parameter issues is refused, like n8n does', async () => {
		class NeedsUrl implements INodeType {
			description: INodeTypeDescription = {
				...new Probe().description,
				usableAsTool: true,
				properties: [
					{ displayName: 'URL', name: 'url', type: 'string', default: '', required: true },
				],
			};

			async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
				return [this.getInputData()];
			}
		}
		await expect(
			runWorkflow({
				nodeTypes: { 'CUSTOM.needsUrl': new NeedsUrl() },
				nodeType: 'CUSTOM.needsUrl',
				nodeParameters: {},
			}),
		).rejects.toThrow(/issues/i);
		const ok = await runWorkflow({
			nodeTypes: { 'CUSTOM.needsUrl': new NeedsUrl() },
			nodeType: 'CUSTOM.needsUrl',
			nodeParameters: { url: 'x' },
			items: [{ a: 1 }],
		});
		expect(ok.output?.map((item) => item.json)).toEqual([{ a: 1 }]);
	});

	test('cancelling during a slow request ends the run promptly', async () => {
		const controller = new AbortController();
		const started = Date.now();
		setTimeout(() => controller.abort(), 300);
		const result = await runWorkflow({
			nodeTypes,
			credentialTypes,
			credentials: { probeHeaderApi: headerCredentials() },
			nodeType: PROBE,
			nodeParameters: { credentialType: 'probeHeaderApi', url: `${server.url}/slow` },
			signal: controller.signal,
		});
		expect(Date.now() - started).toBeLessThan(3000);
		expect(result.status).toBe('canceled');
		expect(result.output).toBeUndefined();
		await waitFor(() => server.abortedRequests === 1);
	});

	test('cancelling during sleep(ms, getExecutionCancelSignal()) ends the run promptly', async () => {
		const controller = new AbortController();
		const started = Date.now();
		setTimeout(() => controller.abort(), 200);
		const result = await runWorkflow({
			nodeTypes,
			credentialTypes,
			nodeType: PROBE,
			nodeParameters: { operation: 'sleep', sleepMs: 20_000 },
			signal: controller.signal,
		});
		expect(Date.now() - started).toBeLessThan(3000);
		expect(result.status).toBe('canceled');
	});
});

describe('testCredential', () => {
	test('generic credential: OK, 401, responseCode rule, responseSuccessBody rule', async () => {
		const run = async (apiKey: string) =>
			await testCredential({
				credentialTypes,
				credentialType: 'probeHeaderApi',
				data: { ...headerCredentials(), apiKey },
			});
		expect(await run('secret')).toMatchObject({ status: 'OK', message: 'Connection successful!' });
		expect(await run('wrong')).toMatchObject({ status: 'Error', message: 'Unauthorized' });
		expect(await run('readonly')).toMatchObject({
			status: 'Error',
			message: 'The key lacks permission',
		});
		expect(await run('disabled')).toMatchObject({ status: 'Error', message: 'Account disabled' });
		// n8n-core re-sends a request once after a 401 (preAuthentication retry path), even for
		// credentials without preAuthentication: the 'wrong' key made two requests.
		expect(server.requestsTo('/me').map((request) => request.headers.authorization)).toEqual([
			'Bearer secret',
			'Bearer wrong',
			'Bearer wrong',
			'Bearer readonly',
			'Bearer disabled',
		]);
		expect(server.requestsTo('/me').every((request) => request.query.tenant === 'acme')).toBe(true);
	});

	test('function credential: OK and Error', async () => {
		const ok = await testCredential({
			credentialTypes,
			credentialType: 'probeFunctionApi',
			data: { baseUrl: server.url, apiKey: 'fn-key' },
		});
		expect(ok).toMatchObject({ status: 'OK' });
		const bad = await testCredential({
			credentialTypes,
			credentialType: 'probeFunctionApi',
			data: { baseUrl: server.url, apiKey: 'nope' },
		});
		expect(bad).toMatchObject({ status: 'Error', message: 'Unauthorized' });
	});

	test('preAuthentication credential: always logs in when tested; a failed login is an Error', async () => {
		const ok = await testCredential({
			credentialTypes,
			credentialType: 'probeSessionApi',
			data: { ...sessionCredentials(), sessionToken: 'stale-token' },
		});
		expect(ok).toMatchObject({ status: 'OK' });
		expect(state.logins).toBe(1);
		expect(ok.credentialStore.dataOf('probeSessionApi')?.sessionToken).toBe('tok-1');

		const bad = await testCredential({
			credentialTypes,
			credentialType: 'probeSessionApi',
			data: { ...sessionCredentials(), password: 'wrong' },
		});
		expect(bad).toMatchObject({ status: 'Error', message: 'Unauthorized' }); // the login's 401
		expect(server.requestsTo('/session/me')).toHaveLength(1);
	});

	test('OAuth2 client-credentials credential: OK and Error', async () => {
		const ok = await testCredential({
			credentialTypes,
			credentialType: 'probeOAuth2Api',
			data: oauthCredentials(),
		});
		expect(ok).toMatchObject({ status: 'OK' });
		expect(state.tokensIssued).toBe(1);

		const bad = await testCredential({
			credentialTypes,
			credentialType: 'probeOAuth2Api',
			data: { ...oauthCredentials(), clientSecret: 'wrong' },
		});
		expect(bad.status).toBe('Error');
		expect(bad.message).toMatch(/^Failed to acquire OAuth2 access token/);
	});

	test('a credential type without `test` reports that', async () => {
		class NoTest implements ICredentialType {
			name = 'probeNoTestApi';

			displayName = 'No Test';

			properties: INodeProperties[] = [];
		}
		expect(
			await testCredential({
				credentialTypes: [new NoTest()],
				credentialType: 'probeNoTestApi',
				data: {},
			}),
		).toMatchObject({ status: 'Error', message: 'No testing function found for this credential.' });
	});
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
	const started = Date.now();
	while (!condition()) {
		if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}
