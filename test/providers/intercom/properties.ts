/** intercom: hostile parameters at the boundary (see test/reliability/properties.test.ts). */
import fc from 'fast-check';

import type { HttpCall } from '../../../nodes/CreateConversation/shared/provider';
import * as requests from '../../../nodes/CreateConversation/providers/intercom/request';
import { intercomSchemas } from '../../../sandbox/providers/intercom/openapi';
import {
	bool,
	email,
	field,
	id24,
	nasty,
	options,
	rawOf,
	url,
	words,
	onTheWire,
	expectPathKept,
	type Boundary,
} from '../../reliability/generators';

const openapi = intercomSchemas();

export const boundary: Boundary = {
	raw: rawOf({
		intercomContactMode: field(fc.constantFrom('id', 'email', 'externalId')),
		intercomContactId: field(fc.oneof(id24, nasty)),
		intercomContactType: field(fc.constantFrom('user', 'lead', 'contact')),
		intercomEmail: field(email),
		intercomExternalId: field(words),
		intercomContactRole: field(fc.constantFrom('user', 'lead')),
		intercomCreateIfMissing: field(bool),
		intercomBody: field(words),
		intercomOptions: options({
			attachmentUrls: field(
				fc.oneof(
					fc.array(url, { maxLength: 12 }),
					url.map((value) => `${value}, ${value}`),
				),
			),
			brandId: field(words),
			contactName: field(words),
			createdAt: field(
				fc.oneof(
					fc.integer({ min: 0, max: 2 ** 41 }),
					fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
					nasty,
				),
			),
			subject: field(words),
		}),
	}),
	check(raw) {
		const params = raw as Parameters<typeof requests.createConversation>[0];
		const calls: Array<[HttpCall, string]> = [];
		if (params.contact.mode === 'id') {
			calls.push([
				requests.createConversation(params, { type: params.contact.type, id: params.contact.id }),
				'create_conversation_request',
			]);
		} else {
			calls.push([
				requests.searchContacts(params.contact.field, params.contact.value),
				'search_request',
			]);
			calls.push([requests.createContact(params.contact), 'create_contact_request']);
			calls.push([
				requests.createConversation(params, { type: params.contact.role, id: 'a'.repeat(24) }),
				'create_conversation_request',
			]);
		}
		for (const [call, schema] of calls) {
			const wire = onTheWire('/intercom', call, {
				Authorization: 'Bearer t',
				'Intercom-Version': '2.16',
			});
			expectPathKept(wire, '/intercom', call, /^\/(contacts\/search|contacts|conversations)$/);
			const problems = openapi!.check(schema, wire.route.body);
			if (problems.length)
				throw new Error(`${call.path}: the official schema refuses it: ${problems.join('; ')}`);
		}
	},
};
