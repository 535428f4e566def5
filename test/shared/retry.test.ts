/** The transport's decision after one answer, as a table: answer, attempt and patience in, decision out. */
import { retryDecision, type RetryDecision } from '../../nodes/CreateConversation/shared/retry';

const patience = (leftMs = 300_000, waitedMs = 0, patienceMs = 300_000) => ({
	patienceMs,
	waitedMs,
	leftMs,
});
const again = (afterMs: number, holdMs: number): RetryDecision => ({
	send: 'again',
	afterMs,
	holdMs,
});

test.each<[string, Parameters<typeof retryDecision>, RetryDecision]>([
	['a 2xx is the result', [{ statusCode: 201 }, 0, patience(), 'Acme'], { send: 'done' }],
	[
		'a status the call accepts is the result',
		[{ statusCode: 409, acceptStatuses: [409] }, 0, patience(), 'Acme'],
		{ send: 'done' },
	],
	[
		'any other status fails with the provider’s own error, never sent again',
		[{ statusCode: 500 }, 0, patience(), 'Acme'],
		{ send: 'never' },
	],
	[
		'a 3xx fails: a credentialed request never follows a redirect',
		[{ statusCode: 302 }, 0, patience(), 'Acme'],
		{ send: 'never' },
	],
	[
		'a 429 with Retry-After waits what it asks, everyone with it',
		[{ statusCode: 429, retryAfterMs: 4000 }, 0, patience(), 'Acme'],
		again(4000, 4000),
	],
	[
		'a 429 without a wait holds everyone a second; the request backs off 1 s',
		[{ statusCode: 429 }, 0, patience(), 'Acme'],
		again(1000, 1000),
	],
	[
		'… and doubles its own backoff with each attempt',
		[{ statusCode: 429 }, 3, patience(), 'Acme'],
		again(8000, 1000),
	],
	['… up to 64 s', [{ statusCode: 429 }, 12, patience(), 'Acme'], again(64_000, 1000)],
	[
		'a signalled wait of ~0 (a reset already past) still backs off, growing per attempt',
		[{ statusCode: 429, retryAfterMs: 0 }, 2, patience(), 'Acme'],
		again(1000, 0),
	],
	[
		'a single wait longer than the whole patience fails at once',
		[{ statusCode: 429, retryAfterMs: 600_000 }, 0, patience(), 'Acme'],
		{
			send: 'never',
			holdMs: 600_000,
			reason: 'Acme asks to wait 600 s, longer than Request Options › Rate-Limit Patience (300 s)',
		},
	],
	[
		'a wait beyond what is left of the patience fails, saying how long it waited',
		[{ statusCode: 429, retryAfterMs: 20_000 }, 4, patience(10_000, 290_000), 'Acme'],
		{
			send: 'never',
			holdMs: 20_000,
			reason:
				'still rate limited after waiting 290 s (Request Options › Rate-Limit Patience: 300 s)',
		},
	],
	[
		'a wait that just fits what is left is taken',
		[{ statusCode: 429, retryAfterMs: 10_000 }, 4, patience(10_000, 290_000), 'Acme'],
		again(10_000, 10_000),
	],
])('%s', (_, [answer, attempt, left, name], expected) => {
	expect(retryDecision(answer, attempt, left, name)).toEqual(expected);
});
