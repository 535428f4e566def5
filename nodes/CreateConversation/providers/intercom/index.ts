import type { ProviderClient, ProviderDefinition } from '../../shared/provider';
import { intercomProperties } from './description';
import * as requests from './request';
import { contactsFromSearch, intercomRetryAfterMs, parseIntercomError, readCreatedMessage } from './response';
import { intercomSchema, type ContactReference, type IntercomParams } from './schema';

interface ResolvedContact {
	type: 'user' | 'lead' | 'contact';
	id: string;
	/** `given`: the ID was in the parameters; `found`: by search; `created`: by this node. */
	source: 'given' | 'found' | 'created';
	/** How many contacts with the wanted role matched, when found by search. */
	matches?: number;
}

/** Intercom can answer 404 for a contact created moments ago; these waits cover that lag. */
const NEW_CONTACT_RETRY_WAITS_MS = [1000, 2000, 4000];

async function findOrCreateContact(
	client: ProviderClient,
	contact: Extract<ContactReference, { mode: 'lookup' }>,
): Promise<ResolvedContact> {
	const search = await client.send(requests.searchContacts(contact.field, contact.value));
	const matches = contactsFromSearch(search.body).filter((candidate) => candidate.role === contact.role);
	if (matches.length > 0) {
		// Several contacts with one role (e.g. duplicate leads): the most recently updated one is
		// the one a person would pick; the output says how many there were.
		const [newest] = [...matches].sort((a, b) => (b.updated_at ?? 0) - (a.updated_at ?? 0));
		return { type: contact.role, id: newest.id, source: 'found', matches: matches.length };
	}
	const label = contact.field === 'email' ? 'email' : 'external user ID';
	if (!contact.createIfMissing) {
		throw client.failure(
			`No Intercom ${contact.role} found with ${label} "${contact.value}"`,
			'Turn on "Create Contact If Missing" to create it, or check the Contact Role: one email can belong to a user and a lead.',
		);
	}
	const created = await client.send(requests.createContact(contact));
	const id = (created.body as { id?: unknown })?.id;
	if (typeof id !== 'string') {
		throw client.failure('Intercom created the contact but returned no contact ID');
	}
	return { type: contact.role, id, source: 'created' };
}

async function resolveContact(client: ProviderClient, contact: ContactReference): Promise<ResolvedContact> {
	if (contact.mode === 'id') return { type: contact.type, id: contact.id, source: 'given' };
	// Emails are matched case-insensitively by Intercom; external IDs are exact.
	const value = contact.field === 'email' ? contact.value.toLowerCase() : contact.value;
	return await client.once(`intercom:contact:${contact.field}:${contact.role}:${value}`, async () =>
		await findOrCreateContact(client, contact),
	);
}

async function createForContact(client: ProviderClient, params: IntercomParams, contact: ResolvedContact) {
	// A 404 means nothing was created, so for a contact created moments ago it is safe to retry.
	const justCreated = contact.source === 'created';
	const call = { ...requests.createConversation(params, { type: contact.type, id: contact.id }), acceptStatuses: justCreated ? [404] : [] };
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
	credentialType: 'intercomConversationApi',
	properties: intercomProperties,
	schema: intercomSchema,
	// Intercom allows 10,000 calls per minute per app, enforced in 10-second windows (~167 each),
	// and reports the quota in X-RateLimit-Remaining / X-RateLimit-Reset, which the scheduler
	// follows once seen. 166 keeps a margin for rounding.
	rateLimit: { defaultConcurrency: 5, window: { requests: 166, perMs: 10_000 } },
	parseError: parseIntercomError,
	retryAfterMs: intercomRetryAfterMs,
	async createConversation(client, params) {
		const contact = await resolveContact(client, params.contact);
		const response = await createForContact(client, params, contact);
		const message = readCreatedMessage(response.body);
		return {
			status: 'created',
			conversationId: message.conversation_id !== undefined ? String(message.conversation_id) : null,
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
