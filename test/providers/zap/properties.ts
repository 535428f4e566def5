/** zap: hostile parameters at the boundary (see test/reliability/properties.test.ts). */
import fc from 'fast-check';

import type { HttpCall } from '../../../nodes/CreateConversation/shared/provider';
import * as requests from '../../../nodes/CreateConversation/providers/zap/request';
import { ZAP_TEST_ACCESS_TOKEN, ZapEmulator } from '../../../sandbox/providers/zap/emulator';
import {
	bool,
	field,
	hex24,
	nasty,
	options,
	rawOf,
	words,
	onTheWire,
	expectPathKept,
	expectAccepted,
	type Boundary,
} from '../../reliability/generators';

const zapEmulator = new ZapEmulator();

export const boundary: Boundary = {
	raw: rawOf({
		zapUserId: field(
			fc.oneof(
				hex24,
				hex24.map((id) => ` ${id} `),
				nasty,
			),
		),
		zapOptions: options({ isGuest: field(bool), guestId: field(words) }),
	}),
	check(raw) {
		const params = raw as Parameters<typeof requests.createConversation>[0];
		zapEmulator.reset();
		const calls: HttpCall[] = [];
		if (params.userId === undefined) calls.push(requests.currentUser);
		const target = params.userId ?? zapEmulator.agent.id;
		if (params.userId !== undefined) zapEmulator.addUser({ id: params.userId });
		calls.push(requests.createConversation(params, target));
		for (const call of calls) {
			const wire = onTheWire('/zap', call, { Authorization: `Bearer ${ZAP_TEST_ACCESS_TOKEN}` });
			expectPathKept(wire, '/zap', call, /^\/v1\/(users\/token|support\/conversations)$/);
			expectAccepted(zapEmulator.handle(wire.route), call.purpose);
		}
		expect(zapEmulator.created).toHaveLength(1);
	},
};
