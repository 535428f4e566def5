import {
	hostRulePattern,
	isDnsLabel,
	isGuid,
	pinToHost,
	resolveBaseUrl,
	type HostRule,
} from '../../nodes/CreateConversation/shared/hosts';

const INTERCOM: HostRule = { field: 'Base URL Override', domains: ['intercom.io'] };
const ENTRA: HostRule = { field: 'Authority Host', hosts: ['login.microsoftonline.com', 'login.microsoftonline.us'] };
const ANY: HostRule = { field: 'Base URL Override', anyHttps: true };

describe('resolveBaseUrl', () => {
	test('empty means the provider host', () => {
		expect(resolveBaseUrl('', 'https://api.intercom.io', INTERCOM)).toBe('https://api.intercom.io');
		expect(resolveBaseUrl(undefined, 'https://api.intercom.io', INTERCOM)).toBe('https://api.intercom.io');
		expect(resolveBaseUrl('   ', 'https://api.intercom.io', INTERCOM)).toBe('https://api.intercom.io');
	});

	test.each([
		['https://api.eu.intercom.io/', 'https://api.eu.intercom.io', INTERCOM],
		['https://intercom.io/x', 'https://intercom.io/x', INTERCOM],
		['https://API.Intercom.IO', 'https://api.intercom.io', INTERCOM],
		['http://127.0.0.1:4010/intercom', 'http://127.0.0.1:4010/intercom', INTERCOM],
		['https://127.0.0.1:4010/intercom', 'https://127.0.0.1:4010/intercom', INTERCOM],
		['http://localhost:4010', 'http://localhost:4010', INTERCOM],
		['http://[::1]:4010/x', 'http://[::1]:4010/x', INTERCOM],
		['https://login.microsoftonline.us', 'https://login.microsoftonline.us', ENTRA],
		['https://zap.example.com/api', 'https://zap.example.com/api', ANY],
	])('accepts %s', (input, expected, rule) => {
		expect(resolveBaseUrl(input, 'https://default', rule)).toBe(expected);
	});

	test.each([
		['https://gateway.example.com/intercom', INTERCOM, /Base URL Override must be an https:\/\/ address on \*\.intercom\.io, or http:\/\/ to 127\.0\.0\.1 or localhost/],
		['https://intercom.io.evil.com', INTERCOM, /"https:\/\/intercom\.io\.evil\.com" is not allowed/],
		['https://evilintercom.io', INTERCOM, /is not allowed/],
		['http://api.intercom.io', INTERCOM, /is not allowed/],
		['http://127.0.0.1.evil.com', INTERCOM, /is not allowed/],
		['ftp://127.0.0.1', INTERCOM, /is not allowed/],
		['https://sub.login.microsoftonline.com', ENTRA, /Authority Host must be an https:\/\/ address on login\.microsoftonline\.com, login\.microsoftonline\.us/],
		['http://zap.example.com', ANY, /must be an https:\/\/ address/],
		['https://user:pw@api.intercom.io', INTERCOM, /must not contain a user name/],
		['https://api.intercom.io/?x=1', INTERCOM, /must not contain a user name, password, query or fragment/],
		['not a url', INTERCOM, /Base URL Override "not a url" is not a URL/],
	])('refuses %s', (input, rule, message) => {
		expect(() => resolveBaseUrl(input, 'https://default', rule)).toThrow(message);
	});
});

describe('hostRulePattern: the same hosts as resolveBaseUrl, for credentials computed by expressions', () => {
	const candidates = [
		'https://api.intercom.io',
		'https://api.eu.intercom.io/v1',
		'https://intercom.io.evil.com',
		'https://evilintercom.io',
		'http://api.intercom.io',
		'http://127.0.0.1:4010/x',
		'https://localhost',
		'http://127.0.0.1.evil.com',
		'https://login.microsoftonline.us',
		'https://x.login.microsoftonline.us',
		'https://zap.example.com',
		'http://zap.example.com',
	];
	test.each([INTERCOM, ENTRA, ANY])('%j', (rule) => {
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
		expect(pinToHost({ url: '/me' }, 'https://api.intercom.io')).toEqual({ url: '/me', baseURL: 'https://api.intercom.io' });
	});
	test('absolute URLs must already point at that host', () => {
		const pinned: { url: string; baseURL?: string } = pinToHost({ url: 'https://api.intercom.io/me' }, 'https://api.intercom.io');
		expect(pinned.baseURL).toBe('https://api.intercom.io');
		expect(() => pinToHost({ url: 'https://evil.example.com/me' }, 'https://api.intercom.io')).toThrow(
			'This credential only sends its secret to https://api.intercom.io, not to https://evil.example.com.',
		);
	});
});

test('DNS labels and GUIDs', () => {
	expect(['acme', 'a', 'acme-2', '0a'].every(isDnsLabel)).toBe(true);
	expect(['', '-a', 'a-', 'Acme', 'a.b', 'evil.com/x?', 'a@evil.com', 'x'.repeat(64)].some(isDnsLabel)).toBe(false);
	expect(isGuid('7d5d3b5e-6a0f-4f3e-9c1d-2b8c4a1e9f00')).toBe(true);
	expect(isGuid('7d5d3b5e6a0f4f3e9c1d2b8c4a1e9f00')).toBe(false);
});
