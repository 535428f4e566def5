/** dynamics: hostile parameters at the boundary (see test/reliability/properties.test.ts). */
import fc from 'fast-check';

import * as requests from '../../../nodes/CreateConversation/providers/dynamics/request';
import { DYNAMICS_TEST, DynamicsEmulator } from '../../../sandbox/providers/dynamics/emulator';
import {
	bool,
	email,
	field,
	options,
	rawOf,
	scalar,
	text,
	words,
	onTheWire,
	expectPathKept,
	expectAccepted,
	type Boundary,
} from '../../reliability/generators';

const dynamicsEmulator = new DynamicsEmulator();
const DYNAMICS_TOKEN = 'dyn-property-token';

export const boundary: Boundary = {
	raw: rawOf({
		dynamicsCustomerId: field(words),
		dynamicsCustomerDetails: options({
			firstName: field(words),
			lastName: field(words),
			preferredName: field(words),
			email: field(email),
			phone: field(words),
		}),
		dynamicsStartMessage: field(words),
		dynamicsSenderDisplayName: field(words),
		dynamicsDeliverToExisting: field(bool),
		dynamicsContextMode: field(fc.constantFrom('pairs', 'json')),
		dynamicsContext: field(
			fc.record({
				pair: fc.array(
					fc.record(
						{
							key: field(words),
							value: field(fc.oneof(text, fc.integer(), fc.boolean())),
							isDisplayable: field(bool),
						},
						{ requiredKeys: [] },
					),
					{
						maxLength: 5,
					},
				),
			}),
		),
		dynamicsContextJson: field(
			fc.oneof(
				fc.dictionary(
					text,
					fc.oneof(scalar, fc.record({ value: scalar, isDisplayable: bool }, { requiredKeys: [] })),
					{ maxKeys: 5 },
				),
				fc.json(),
			),
		),
		dynamicsContextJsonDisplayable: field(bool),
		dynamicsOptions: options({
			conversationRequestId: field(words),
			skipDeflectionBot: field(bool),
		}),
	}),
	check(raw) {
		const params = raw as Parameters<typeof requests.createConversation>[0];
		const call = requests.createConversation(params);
		const headers = {
			Authorization: `Bearer ${DYNAMICS_TOKEN}`,
			'organization-id': DYNAMICS_TEST.organizationId,
			'channel-id': DYNAMICS_TEST.channelId,
		};
		const wire = onTheWire('/dynamics', call, headers);
		expectPathKept(wire, '/dynamics', call, /^\/api\/v1\.0\/consumer\/conversation\/create$/);
		dynamicsEmulator.reset();
		dynamicsEmulator.tokens.set(DYNAMICS_TOKEN, Date.now() + 60_000);
		expectAccepted(dynamicsEmulator.handle(wire.route), 'create conversation');
		if (params.startMessage !== undefined && params.deliverToExisting) {
			// The message endpoint, as used for the customer's existing conversation.
			const [conversation] = dynamicsEmulator.created;
			const message = requests.sendMessage(
				conversation.id,
				DYNAMICS_TEST.channelId,
				params.startMessage,
			);
			const sent = onTheWire('/dynamics', message, headers);
			expectPathKept(sent, '/dynamics', message, /^\/api\/v1\.0\/consumer\/conversation\/[^/?#]+$/);
			expectAccepted(dynamicsEmulator.handle(sent.route), 'send message');
		}
	},
};
