/** reamaze: hostile parameters at the boundary (see test/reliability/properties.test.ts). */
import fc from 'fast-check';

import * as requests from '../../../nodes/CreateConversation/providers/reamaze/request';
import {
	REAMAZE_TEST_EMAIL,
	REAMAZE_TEST_TOKEN,
	ReamazeEmulator,
} from '../../../sandbox/providers/reamaze/emulator';
import {
	bool,
	email,
	field,
	options,
	pairs,
	rawOf,
	scalar,
	slug,
	text,
	url,
	words,
	onTheWire,
	expectPathKept,
	expectAccepted,
	basic,
	type Boundary,
} from '../../reliability/generators';

const reamazeEmulator = new ReamazeEmulator();

export const boundary: Boundary = {
	raw: rawOf({
		reamazeSubject: field(words),
		reamazeChannel: field(slug),
		reamazeBody: field(words),
		reamazeCustomerName: field(words),
		reamazeCustomerEmail: field(email),
		reamazeOptions: options({
			attachmentUrl: field(url),
			conversationData: field(fc.oneof(pairs, fc.dictionary(text, scalar, { maxKeys: 3 }))),
			userData: field(pairs),
			recipients: field(fc.oneof(fc.array(email, { maxLength: 3 }), email)),
			status: field(
				fc.oneof(fc.integer({ min: -1, max: 11 }), fc.constantFrom('0', ' 2 ', '9', '10')),
			),
			suppressAutoresolve: field(bool),
			suppressNotification: field(bool),
			tags: field(fc.oneof(fc.array(text, { maxLength: 4 }), text)),
		}),
	}),
	check(raw) {
		const params = raw as Parameters<typeof requests.createConversation>[0];
		const call = requests.createConversation(params);
		const wire = onTheWire('/reamaze', call, {
			Authorization: basic(REAMAZE_TEST_EMAIL, REAMAZE_TEST_TOKEN),
		});
		expectPathKept(wire, '/reamaze', call, /^\/conversations$/);
		reamazeEmulator.reset();
		reamazeEmulator.channels = [
			{ slug: params.channel, name: 'Generated', email: 'generated@example.com', channel: 1 },
		];
		expectAccepted(reamazeEmulator.handle(wire.route), 'create conversation');
	},
};
