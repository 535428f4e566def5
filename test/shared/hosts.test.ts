import {
	hostRulePattern,
	isDnsLabel,
	isGuid,
	pinToHost,
	resolveBaseUrl,
	type HostRule,
} from '../../nodes/CreateConversation/shared/hosts';

const HELPDESK: HostRule = { field: 'Base URL Override', domains: ['example-helpdesk.io'] };
const SIGN_IN: HostRule = {
	field: 'Authority Host',
	hosts: ['login.example-identity.com', 'login.example-identity.us'],
};
const ANY: HostRule = { field: 'Base URL Override', anyHttps: true };

describe('resolveBaseUrl', () => {
	test('empty means the provider host', () => {
		expect(resolveBaseUrl('', 'https://api.example-helpdesk.io', HELPDESK)).toBe(
			'https://api.example-helpdesk.io',
		);
		expect(resolveBaseUrl(undefined, 'https://api.example-helpdesk.io', HELPDESK)).toBe(
			'https://api.example-helpdesk.io',
		);
		expect(resolveBaseUrl('   ', 'https://api.example-helpdesk.io', HELPDESK)).toBe(
			'https://api.example-helpdesk.io',
		);
	});

	test.each([
		['https://api.eu.example-helpdesk.io/', 'https://api.eu.example-helpdesk.io', HELPDESK],
		['https://example-helpdesk.io/x', 'https://example-helpdesk.io/x', HELPDESK],
		['https://API.Example-Helpdesk.IO', 'https://api.example-helpdesk.io', HELPDESK],
		['http://127.0.0.1:4010/helpdesk', 'http://127.0.0.1:4010/helpdesk', HELPDESK],
		['https://127.0.0.1:4010/helpdesk', 'https://127.0.0.1:4010/helpdesk', HELPDESK],
		['http://localhost:4010', 'http://localhost:4010', HELPDESK],
		['http://[::1]:4010/x', 'http://[::1]:4010/x', HELPDESK],
		['https://login.example-identity.us', 'https://login.example-identity.us', SIGN_IN],
		['https://selfhosted.example.com/api', 'https://selfhosted.example.com/api', ANY],
	])('accepts %s', (input, expected, rule) => {
		expect(resolveBaseUrl(input, 'https://default', rule)).toBe(expected);
	});

	test.each([
		[
			'https://gateway.example.com/helpdesk',
			HELPDESK,
			/Base URL Override must be an https:\/\/ address on \*\.example-helpdesk\.io, or http:\/\/ to 127\.0\.0\.1 or localhost/,
		],
		[
			'https://example-helpdesk.io.evil.com',
			HELPDESK,
			/"https:\/\/example-helpdesk\.io\.evil\.com" is not allowed/,
		],
		['https://evilexample-helpdesk.io', HELPDESK, /is not allowed/],
		['http://api.example-helpdesk.io', HELPDESK, /is not allowed/],
		['http://127.0.0.1.evil.com', HELPDESK, /is not allowed/],
		['ftp://127.0.0.1', HELPDESK, /is not allowed/],
		[
			'https://sub.login.example-identity.com',
			SIGN_IN,
			/Authority Host must be an https:\/\/ address on login\.example-identity\.com, login\.example-identity\.us/,
		],
		['http://selfhosted.example.com', ANY, /must be an https:\/\/ address/],
		['https://user:pw@api.example-helpdesk.io', HELPDESK, /must not contain a user name/],
		[
			'https://api.example-helpdesk.io/?x=1',
			HELPDESK,
			/must not contain a user name, password, query or fragment/,
		],
		['not a url', HELPDESK, /Base URL Override "not a url" is not a URL/],
	])('refuses %s', (input, rule, message) => {
		expect(() => resolveBaseUrl(input, 'https://default', rule)).toThrow(message);
	});
});

describe('hostRulePattern: the same hosts as resolveBaseUrl, for credentials computed by expressions', () => {
	const candidates = [
		'https://api.example-helpdesk.io',
		'https://api.eu.example-helpdesk.io/v1',
		'https://example-helpdesk.io.evil.com',
		'https://evilexample-helpdesk.io',
		'http://api.example-helpdesk.io',
		'http://127.0.0.1:4010/x',
		'https://localhost',
		'http://127.0.0.1.evil.com',
		'https://login.example-identity.us',
		'https://x.login.example-identity.us',
		'https://selfhosted.example.com',
		'http://selfhosted.example.com',
	];
	test.each([HELPDESK, SIGN_IN, ANY])('%j', (rule) => {
		const pattern = new RegExp(hostRulePattern(rule), 'i');
		for (const url of candidates) {
			let accepted: boolean;
			try {
				resolveBaseUrl(url, 'https://default', rule);
				accepted = true;
			} catch {
				accepted = false;
			}
			expect({ url, accepted: pattern.test(url) }).toEqual({ url, accepted });
		}
	});
});

describe('pinToHost', () => {
	test('relative URLs get the credential host', () => {
		expect(pinToHost({ url: '/me' }, 'https://api.example-helpdesk.io')).toEqual({
			url: '/me',
			baseURL: 'https://api.example-helpdesk.io',
		});
	});
	test('absolute URLs must already point at that host', () => {
		const pinned: { url: string; baseURL?: string } = pinToHost(
			{ url: 'https://api.example-helpdesk.io/me' },
			'https://api.example-helpdesk.io',
		);
		expect(pinned.baseURL).toBe('https://api.example-helpdesk.io');
		expect(() =>
			pinToHost({ url: 'https://evil.example.com/me' }, 'https://api.example-helpdesk.io'),
		).toThrow(
			'This credential only sends its secret to https://api.example-helpdesk.io, not to https://evil.example.com.',
		);
	});
});

test('DNS labels and GUIDs', () => {
	expect(['acme', 'a', 'acme-2', '0a'].every(isDnsLabel)).toBe(true);
	expect(
		['', '-a', 'a-', 'Acme', 'a.b', 'evil.com/x?', 'a@evil.com', 'x'.repeat(64)].some(isDnsLabel),
	).toBe(false);
	expect(isGuid('7d5d3b5e-6a0f-4f3e-9c1d-2b8c4a1e9f00')).toBe(true);
	expect(isGuid('7d5d3b5e6a0f4f3e9c1d2b8c4a1e9f00')).toBe(false);
});
