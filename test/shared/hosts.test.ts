import { isDnsLabel, isGuid, pinToHost, resolveBaseUrl } from '../../nodes/CreateConversation/shared/hosts';

describe('resolveBaseUrl', () => {
	test('empty means the provider host', () => {
		expect(resolveBaseUrl('', 'https://api.example.com')).toBe('https://api.example.com');
		expect(resolveBaseUrl(undefined, 'https://api.example.com')).toBe('https://api.example.com');
		expect(resolveBaseUrl('   ', 'https://api.example.com')).toBe('https://api.example.com');
	});

	test.each([
		['https://gateway.example.com/intercom/', 'https://gateway.example.com/intercom'],
		['http://127.0.0.1:4010/intercom', 'http://127.0.0.1:4010/intercom'],
		['http://localhost:4010', 'http://localhost:4010'],
		['http://[::1]:4010/x', 'http://[::1]:4010/x'],
	])('accepts %s', (input, expected) => {
		expect(resolveBaseUrl(input, 'https://default')).toBe(expected);
	});

	test.each([
		['http://example.com', /must start with https:\/\//],
		['http://127.0.0.1.evil.com', /must start with https:\/\//],
		['ftp://127.0.0.1', /must start with https:\/\//],
		['https://user:pw@example.com', /must not contain a user name/],
		['https://example.com/?x=1', /must not contain a user name, password, query or fragment/],
		['not a url', /is not a URL/],
	])('refuses %s', (input, message) => {
		expect(() => resolveBaseUrl(input, 'https://default')).toThrow(message);
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
