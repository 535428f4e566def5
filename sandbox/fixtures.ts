/**
 * What a provider brings to the sandbox besides its emulator: the contract of
 * `sandbox/providers/<id>/fixtures.ts`. Everything that works with "every provider" (the sandbox
 * server, `npm run dev`, the end-to-end and reliability suites, the browser check, the examples)
 * reads these through `sandbox/index.ts`, which finds them by the registry's provider ids, so no
 * tool keeps a list of providers of its own.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import type { Emulator, ProviderEmulator } from './server';

/** One field of an n8n Form Trigger. */
export interface FormField {
	fieldLabel: string;
	fieldType: 'text' | 'email' | 'textarea' | 'number';
	requiredField: boolean;
	placeholder?: string;
}

/** The provider's form example (`examples/form-to-<id>.json`, generated from this). */
export interface FormExample {
	/** Fixed workflow id, 16 letters and digits. */
	workflowId: string;
	formTitle: string;
	fields: FormField[];
	/** The Create Conversation node's parameters; `$json["<label>"]` reads a form field. */
	parameters: Record<string, unknown>;
	/**
	 * What a person types, field by field in the order above, to try the example, and the text
	 * the created conversation then shows on the sandbox page. Providers whose conversations show
	 * no submitted text have none; the form checks use the first provider that has one.
	 */
	submission?: { values: string[]; marker: string };
	/**
	 * The node as an AI tool (`examples/ai-agent-tool.json` and `examples/mcp-server.json` for
	 * the demo provider): its parameters filled with `$fromAI(...)`, and the agent's system
	 * message. The tool's description is the provider's own (`toolDescription`).
	 */
	tool?: {
		parameters: Record<string, unknown>;
		systemMessage: string;
		/** What a user might say to the agent, with the email it contains (`npm run dev` prints it). */
		prompt: { text: string; email: string };
	};
}

/** What the end-to-end suite runs for the provider inside a real n8n. */
export interface E2eScenario {
	/** Node parameters (expressions read the Code node's items). */
	parameters: Record<string, unknown>;
	/** Called before the run, with the emulator the credentials point at; returns the 3 good items. */
	goodItems(emulator: Emulator): Array<Record<string, unknown>>;
	/** Items for the On Error → Continue run; `badIndex` is the invalid one. */
	mixedItems(emulator: Emulator): Array<Record<string, unknown>>;
	badIndex: number;
	/** The error text the bad item must carry (names the field as the user sees it). */
	badError: RegExp;
	/** Emulator path of the create call. */
	createPath: string;
	/** The exact JSON body the provider must receive for one input item. */
	expectedBody(item: Record<string, unknown>, emulator: Emulator): unknown;
	/** The normalised output fields for one input item, given the create call's recorded response. */
	expectedOutput(
		item: Record<string, unknown>,
		response: unknown,
		emulator: Emulator,
	): Record<string, unknown>;
}

/** One working set-up for the reliability, fault and error suites. */
export interface ReliabilitySetup {
	/** The credential for these runs, when not the sandbox one (e.g. a login, with more secrets in play). */
	credential?(url: string): Record<string, string>;
	/** Path prefix (as the emulator sees it) of the request that creates a conversation. */
	createPath: string;
	/** Node parameters that create one conversation per item from `$json.text`. */
	parameters: Record<string, unknown>;
	/** Seeds what the parameters need (after `emulator.reset()`). */
	seed(emulator: Emulator): void;
	/** Every secret value in play, read after the run (issued tokens included). */
	secrets(emulator: Emulator): string[];
	/**
	 * Parameters whose flow reads something before it creates (a contact search, the account of
	 * the credential), and the path of that read: the error suite checks how read failures are
	 * worded.
	 */
	readFirst?: { parameters: Record<string, unknown>; path: string };
	/** The same parameters with every value a user could map bound to `$json.a`, `$json.b`, … */
	mapped: Record<string, unknown>;
	/**
	 * `accepted` when the provider queues a create and answers without an ID (any 2xx body is a
	 * valid answer then); `created` (the default) when it returns the conversation.
	 */
	outcome?: 'created' | 'accepted';
	/**
	 * The credential's own request before the API (a login, a token request), when it has one.
	 * `n8nFollowsRedirects`: n8n-core makes that request itself and follows redirects (a known
	 * limitation the suite documents with a test that turns red once n8n-core changes).
	 */
	credentialStep?: { pathPrefix: string; n8nFollowsRedirects?: boolean };
}

/**
 * The provider's quota as headers say it (`X-RateLimit-*`), for the burst and two-credential
 * suites; only providers that send such headers have this.
 */
export interface QuotaFixtures {
	/** Enforces `limit` creates per `windowMs` for every credential (token) on its own. */
	limitEachCredential(emulator: Emulator, limit: number, windowMs: number): void;
	/** Lifts the limit again. */
	unlimit(emulator: Emulator): void;
	/** A second credential of another app/account, with a quota of its own. */
	otherCredential(emulator: Emulator): ICredentialDataDecryptedObject;
	/** Parameters creating one conversation from `{ message }` of an item, and the seeding they need. */
	parameters(emulator: Emulator, from: 'item' | 'webhook'): Record<string, unknown>;
	/** The text each created conversation carries (its `message`), for duplicates and losses. */
	createdMessages(emulator: Emulator): string[];
	/** 429s answered so far. */
	rejected(emulator: Emulator): number;
}

/** For `npm run bench`: the same create call sent by this node and by n8n's HTTP Request node. */
export interface BenchFixtures {
	/** Seeds the emulator; returns the field values items may use (e.g. contact IDs). */
	seed(emulator: Emulator, count: number): string[];
	/** Node parameters reading `$json.target` and `$json.message`. */
	parameters: Record<string, unknown>;
	/**
	 * The HTTP Request node's own set-up for the same call: URL, Bearer token, headers, the JSON
	 * body as an n8n expression of `$json.target`/`$json.message`, and the same body built here
	 * (for the bare `node:http` calibration).
	 */
	httpRequest(emulator: Emulator): {
		url: string;
		token: string;
		headers: Record<string, string>;
		jsonBody: string;
		body(item: { target: string; message: string }): unknown;
	};
	/** Unlimited quota headers (the provider always sends them), or a window. */
	limit(emulator: Emulator, limit?: number, windowMs?: number): void;
	/** The message body in a created conversation's output item, for each sender. */
	messageOf: { node(json: IDataObject): unknown; httpRequest(json: IDataObject): unknown };
	createPath: string;
}

export interface ProviderFixtures<E extends ProviderEmulator = ProviderEmulator> {
	/** A fresh emulator of the provider's API, served under `/<provider id>`. */
	createEmulator(): E;
	/** The sandbox credential, as typed into n8n's credential modal, for an emulator at `url`. */
	credential(url: string): Record<string, string>;
	/** Fixed id (16 letters and digits) and name of the sandbox credential the examples use. */
	credentialId: string;
	credentialName: string;
	/** The credential field holding the secret (for the "wrong secret" tests). */
	secretField: string;
	/** The provider's real host (never contacted), for tests of the host rules. */
	realHost: string;
	/** The field that tells this provider's panel apart, for the browser check. */
	signatureField: string;
	example: FormExample;
	e2e: E2eScenario;
	reliability: ReliabilitySetup;
	quota?: QuotaFixtures;
	bench?: BenchFixtures;
}
