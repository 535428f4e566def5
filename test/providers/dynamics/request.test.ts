/** The Dynamics request builders: what may go into a path. */
import fc from 'fast-check';

import * as requests from '../../../nodes/CreateConversation/providers/dynamics/request';
import { DYNAMICS_TEST } from '../../../sandbox/providers/dynamics/emulator';
import { nasty, text } from '../../reliability/generators';

const RUNS = Math.max(10_000, Number(process.env.FC_RUNS ?? 0));
const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : 20_260_131;

test('any conversation ID the node agrees to put in a path stays one path segment', () => {
	fc.assert(
		fc.property(
			fc.oneof(text, nasty, fc.stringMatching(/^[A-Za-z0-9._~%-]{1,8}$/)),
			(conversationId) => {
				if (!requests.isSafeConversationId(conversationId)) return;
				const call = requests.sendMessage(conversationId, DYNAMICS_TEST.channelId, 'x');
				const url = new URL(`http://127.0.0.1${call.path}`);
				expect(url.pathname).toBe(call.path);
				expect(decodeURIComponent(url.pathname.split('/').pop()!)).toBe(conversationId);
			},
		),
		{ numRuns: RUNS, seed: SEED },
	);
});
