import type {
	HttpCall,
	HttpResult,
	ProviderClient,
	ProviderDefinition,
} from '../../shared/provider';
import { intercomProperties } from './description';
import { intercomTarget } from './host';
import * as requests from './request';
import {
	contactIdFromConflict,
	contactsFromSearch,
	intercomRetryAfterMs,
	parseIntercomError,
	readCreatedMessage,
} from './response';
import { intercomSchema, type ContactReference, type IntercomParams } from './schema';

interface ResolvedContact {
	type: 'user' | 'lead' | 'contact';
	id: string;
	/** `given`: the ID was in the parameters; `found`: by search; `created`: by this node. */
	source: 'given' | 'found' | 'created';
	/** How many contacts with the wanted role matched, when found by search. */
	matches?: number;
	/** Created moments ago (by this node or another execution): Intercom may 404 it for a while. */
	recent?: boolean;
}

/** Intercom can answer 404 for a contact created moments ago; these waits cover that lag. */
const NEW_CONTACT_RETRY_WAITS_MS = [1000, 2000, 4000];

async function findOrCreateContact(
	client: ProviderClient,
	contact: Extract<ContactReference, { mode: 'lookup' }>,
): Promise<ResolvedContact> {
	const found = await searchContact(client, contact);
	if (found) return found;
	const label = contact.field === 'email' ? 'email' : 'external user ID';
	if (!contact.createIfMissing) {
		throw client.failure(
			`No Intercom ${contact.role} found with ${label} "${contact.value}"`,
			'Turn on "Create Contact If Missing" to create it, or check the Contact Role: one email can belong to a user and a lead.',
		);
	}
	const createCall = { ...requests.createContact(contact), acceptStatuses: [409] };
	const created = await client.send(createCall);
	if (created.statusCode === 409)
		return await existingAfterConflict(client, contact, createCall, created);
	const id = (created.body as { id?: unknown })?.id;
	if (typeof id !== 'string') {
		throw client.failure('Intercom created the contact but returned no contact ID');
	}
	return { type: contact.role, id, source: 'created', recent: true };
}

async function searchContact(
	client: ProviderClient,
	contact: Extract<ContactReference, { mode: 'lookup' }>,
): Promise<ResolvedContact | undefined> {
	const search = await client.send(requests.searchContacts(contact.field, contact.value));
	const matches = contactsFromSearch(search.body).filter(
		(candidate) => candidate.role === contact.role,
	);
	if (matches.length === 0) return undefined;
	// Several contacts with one role (e.g. duplicate leads): the most recently updated one is the
	// one a person would pick; the output says how many there were.
	const [newest] = [...matches].sort((a, b) => (b.updated_at ?? 0) - (a.updated_at ?? 0));
	return { type: contact.role, id: newest.id, source: 'found', matches: matches.length };
}

/**
 * Another execution created the contact a moment ago: it is not searchable yet (Intercom indexes
 * new contacts late), and creating it answers 409 "A contact matching those details already
 * exists with id=…". Use that contact: the id from the message, else search again after the same
 * short waits that cover Intercom's lag for new contacts.
 */
async function existingAfterConflict(
	client: ProviderClient,
	contact: Extract<ContactReference, { mode: 'lookup' }>,
	call: HttpCall,
	conflict: HttpResult,
): Promise<ResolvedContact> {
	const id = contactIdFromConflict(conflict.body);
	if (id) return { type: contact.role, id, source: 'found', recent: true };
	for (const waitMs of NEW_CONTACT_RETRY_WAITS_MS) {
		await client.wait(waitMs);
		const found = await searchContact(client, contact);
		if (found) return { ...found, recent: true };
	}
	throw client.reject(call, conflict);
}

async function resolveContact(
	client: ProviderClient,
	contact: ContactReference,
): Promise<ResolvedContact> {
	if (contact.mode === 'id') return { type: contact.type, id: contact.id, source: 'given' };
	// Emails are matched case-insensitively by Intercom; external IDs are exact.
	const value = contact.field === 'email' ? contact.value.toLowerCase() : contact.value;
	return await client.once(
		`intercom:contact:${contact.field}:${contact.role}:${value}`,
		async () => await findOrCreateContact(client, contact),
	);
}

async function createForContact(
	client: ProviderClient,
	params: IntercomParams,
	contact: ResolvedContact,
) {
	// A 404 means nothing was created, so for a contact created moments ago it is safe to retry.
	const justCreated = contact.recent === true;
	const call = {
		...requests.createConversation(params, { type: contact.type, id: contact.id }),
		acceptStatuses: justCreated ? [404] : [],
	};
	for (let attempt = 0; ; attempt++) {
		const result = await client.send(call);
		if (result.statusCode !== 404) return result;
		if (attempt >= NEW_CONTACT_RETRY_WAITS_MS.length) throw client.reject(call, result);
		await client.wait(NEW_CONTACT_RETRY_WAITS_MS[attempt]);
	}
}

export const intercomProvider: ProviderDefinition<IntercomParams> = {
	id: 'intercom',
	displayName: 'Intercom',
	description: 'Start an Intercom conversation as a user, lead or visitor',
	toolDescription:
		'Opens a new Intercom conversation: an inbound message from a customer (the contact is found by email or ID, and created if allowed) and returns its conversationId. Needs the customer\'s email (or contact ID) and the message. Not idempotent: every call opens another conversation, so call it once per request (when the workflow sets a Deduplication Key, a repeated key returns status "duplicate" and creates nothing).',
	credentialType: 'intercomConversationApi',
	properties: intercomProperties,
	schema: intercomSchema,
	// "10,000 API calls per minute per app and 25,000 per minute per workspace", spread over
	// 10-second windows: 1,666 per window (10,000 / 6, rounded down). Source:
	// https://developers.intercom.com/docs/references/rest-api/errors/rate-limiting
	// Some apps get lower limits; X-RateLimit-Limit/-Remaining/-Reset say the real figures, and
	// the quota follows them once seen.
	rateLimit: { defaultConcurrency: 5, window: { requests: 1666, perMs: 10_000 } },
	errorHints: {
		credential: 'the access token may be wrong, revoked, or from a workspace in another region',
		host: 'Region or Base URL Override',
	},
	credentialTarget: intercomTarget,
	parseError: parseIntercomError,
	retryAfterMs: intercomRetryAfterMs,
	async createConversation(client, params) {
		const contact = await resolveContact(client, params.contact);
		const response = await createForContact(client, params, contact);
		const message = readCreatedMessage(response.body);
		if (!message) throw client.unconfirmed(response, 'the expected JSON message with an id');
		return {
			status: 'created',
			conversationId:
				message.conversation_id !== undefined ? String(message.conversation_id) : null,
			extra: {
				messageId: message.id ?? null,
				contactId: contact.id,
				contactType: contact.type,
				contactSource: contact.source,
				...(contact.matches !== undefined ? { contactMatches: contact.matches } : {}),
			},
			response: response.body,
		};
	},
};
