/**
 * Generated values for the property tests (fast-check): what people and attackers type, mostly
 * plausible and often not, and how a built request looks on the wire. Shared by
 * test/reliability/properties.test.ts and every provider's test/providers/<id>/properties.ts.
 */
import { validateHeaderName, validateHeaderValue } from 'node:http';

import fc from 'fast-check';

import type { HttpCall } from '../../nodes/CreateConversation/shared/provider';
import type { Reply, RouteRequest } from '../../sandbox/server';

export const CONTROL = [...Array(32).keys(), 127, 0x85, 0x2028, 0x2029, 0x202e, 0xfeff].map(
	(code) => String.fromCharCode(code),
);

/** Values people and attackers type into IDs and URLs. */
export const nasty = fc.constantFrom(
	'',
	' ',
	'.',
	'..',
	' . ',
	'../',
	'..%2f',
	'%2e%2e',
	'%2e',
	'/',
	'//evil.example',
	'a/b',
	'?x=1',
	'#frag',
	'@evil.example',
	'user:pass@evil.example',
	'http://evil.example/',
	'https://evil.example/x?y#z',
	'D10/../../admin',
	'..\\..',
	'%',
	'%%',
	'%00',
	'a?b#c@d/e',
	'\u0000',
	'\r\nX-Injected: 1',
	' D10 ',
	'\u202e',
	'😀',
	'null',
	'undefined',
	'{{ $json }}',
	'__proto__',
	'constructor',
	'toString',
	'true',
	'false',
	'0',
	'-1',
	'1e400',
	'NaN',
	'<script>alert(1)</script>',
	"'; DROP TABLE x; --",
);

export const longText = fc
	.tuple(
		fc.string({ minLength: 1, maxLength: 3, unit: 'grapheme' }),
		fc.integer({ min: 250, max: 30_000 }),
	)
	.map(([seed, length]) => seed.repeat(Math.ceil(length / seed.length)).slice(0, length));

export const text = fc.oneof(
	{ weight: 4, arbitrary: fc.string({ maxLength: 30 }) },
	{ weight: 3, arbitrary: fc.string({ maxLength: 30, unit: 'grapheme' }) },
	{ weight: 2, arbitrary: fc.string({ maxLength: 30, unit: 'binary' }) },
	{
		weight: 2,
		arbitrary: fc.string({ maxLength: 10, unit: fc.constantFrom(...CONTROL, 'a', ' ', '/') }),
	},
	{ weight: 3, arbitrary: nasty },
	{ weight: 1, arbitrary: longText },
);

export const scalar = fc.oneof(
	{ weight: 5, arbitrary: text },
	{ weight: 1, arbitrary: fc.integer() },
	{ weight: 1, arbitrary: fc.double() },
	{ weight: 1, arbitrary: fc.boolean() },
	{ weight: 1, arbitrary: fc.constant(null) },
	{ weight: 1, arbitrary: fc.constant(undefined) },
	{ weight: 1, arbitrary: fc.date() },
);

export const anything: fc.Arbitrary<unknown> = fc.oneof(
	{ weight: 6, arbitrary: scalar },
	{ weight: 1, arbitrary: fc.array(scalar, { maxLength: 5 }) },
	{ weight: 1, arbitrary: fc.dictionary(text, scalar, { maxKeys: 4 }) },
	{ weight: 1, arbitrary: fc.object({ maxDepth: 2, maxKeys: 3 }) },
);

/** Mostly a plausible value, often anything at all. */
export const field = <T>(plausible: fc.Arbitrary<T>) =>
	fc.oneof(
		{ weight: 12, arbitrary: plausible as fc.Arbitrary<unknown> },
		{ weight: 1, arbitrary: anything },
	);

/** Text that is usually fine for a required field, and often not. */
export const words = fc.oneof(
	{
		weight: 3,
		arbitrary: fc
			.string({ minLength: 1, maxLength: 30, unit: 'grapheme' })
			.filter((value) => value.trim() !== ''),
	},
	{ weight: 2, arbitrary: text },
);

export const email = fc.oneof(
	{
		weight: 4,
		arbitrary: fc.stringMatching(/^[a-z0-9._+-]{1,10}@[a-z0-9-]{1,10}\.(com|org|co\.uk)$/),
	},
	{ weight: 1, arbitrary: fc.emailAddress() },
	{
		weight: 1,
		arbitrary: fc.constantFrom(
			'ann@example.com',
			' Ann@Example.com ',
			'a@b',
			'a@@b.c',
			'x@evil.example/..',
		),
	},
);
export const url = fc.oneof(
	fc.webUrl(),
	fc.constantFrom(
		'javascript:alert(1)',
		'ftp://x',
		'https://',
		'file:///etc/passwd',
		'http://127.0.0.1/x',
	),
);
export const bool = fc.oneof(fc.boolean(), fc.constantFrom('true', 'false', ' TRUE ', 'yes'));
export const hex24 = fc.stringMatching(/^[0-9a-fA-F]{24}$/);
export const id24 = fc.stringMatching(/^[0-9a-zA-Z]{24}$/);
export const slug = fc.oneof(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,20}$/), nasty);
export const pairs = fc.record({
	pair: fc.array(fc.record({ key: field(words), value: field(words) }, { requiredKeys: [] }), {
		maxLength: 4,
	}),
});

/** A raw parameter object: any subset of the keys, with extra unknown keys now and then. */
export const rawOf = (model: Record<string, fc.Arbitrary<unknown>>) =>
	fc
		.tuple(
			fc.oneof(fc.record(model), fc.record(model, { requiredKeys: [] })),
			fc.option(fc.dictionary(text, anything, { maxKeys: 2 }), { freq: 8 }),
		)
		.map(([raw, extra]) => ({ ...(extra ?? {}), ...raw }) as Record<string, unknown>);

export const options = (model: Record<string, fc.Arbitrary<unknown>>) =>
	fc.oneof(
		{ weight: 10, arbitrary: fc.record(model, { requiredKeys: [] }) },
		{ weight: 2, arbitrary: rawOf(model) },
		{ weight: 1, arbitrary: anything },
	);

export interface Wire {
	url: URL;
	route: RouteRequest;
}

/** What a server receives for `call` under `base`: URL-parsed path, query, headers, JSON body. */
export function onTheWire(base: string, call: HttpCall, headers: Record<string, string>): Wire {
	const url = new URL(`http://127.0.0.1${base}${call.path}`);
	for (const [key, value] of Object.entries(call.qs ?? {}))
		url.searchParams.set(key, String(value));
	const all: Record<string, string> = { ...headers, ...call.headers };
	for (const [name, value] of Object.entries(all)) {
		validateHeaderName(name);
		validateHeaderValue(name, value);
	}
	const rawBody = call.body === undefined ? '' : JSON.stringify(call.body);
	const lowered = Object.fromEntries(
		Object.entries(all).map(([name, value]) => [name.toLowerCase(), value]),
	);
	if (rawBody) lowered['content-type'] = 'application/json';
	const route: RouteRequest = {
		method: call.method,
		path: url.pathname,
		query: Object.fromEntries(url.searchParams.entries()),
		headers: lowered,
		body: rawBody ? (JSON.parse(rawBody) as unknown) : undefined,
		rawBody,
		record: {
			seq: 0,
			provider: '',
			method: call.method,
			path: url.pathname,
			query: {},
			headers: lowered,
			body: undefined,
			rawBody,
			receivedAt: 0,
		},
	};
	return { url, route };
}

/** The path reaches the server exactly as built: no dot segment, slash or query got in. */
export function expectPathKept(wire: Wire, base: string, call: HttpCall, pattern: RegExp): void {
	expect(wire.url.pathname).toBe(`${base}${call.path}`);
	expect(wire.url.search === '' || call.qs !== undefined).toBe(true);
	expect(wire.url.hash).toBe('');
	expect(wire.url.host).toBe('127.0.0.1');
	expect(call.path).toMatch(pattern);
}

export function expectAccepted(reply: Reply, what: string): void {
	if (reply.status >= 300)
		throw new Error(
			`${what}: the provider would refuse it: HTTP ${reply.status} ${JSON.stringify(reply.body)}`,
		);
}

export const basic = (user: string, password: string) =>
	`Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** A provider's property test at the boundary: its raw parameters, and who checks the requests. */
export interface Boundary {
	raw: fc.Arbitrary<Record<string, unknown>>;
	/** Builds every request the params can lead to and checks each; throws when one is refused. */
	check(params: unknown): void;
}
