import { intercomSchemas } from '../../../sandbox/providers/intercom/openapi';
import * as requests from '../../../nodes/CreateConversation/providers/intercom/request';
import { intercomSchema } from '../../../nodes/CreateConversation/providers/intercom/schema';

const schemas = intercomSchemas()!;

const parse = (raw: Record<string, unknown>) =>
	intercomSchema.parse({
		intercomContactMode: 'id',
		intercomContactId: 'a'.repeat(24),
		intercomBody: 'Hi',
		...raw,
	});

test('every shape of create request validates against the official 2.16 schema', () => {
	const variants = [
		parse({}),
		parse({ intercomContactType: 'contact' }),
		parse({
			intercomOptions: {
				subject: 'S',
				brandId: '1',
				createdAt: 1700000000,
				attachmentUrls: ['https://e.com/a.png'],
			},
		}),
	];
	for (const params of variants) {
		const call = requests.createConversation(params, { type: 'user', id: 'b'.repeat(24) });
		expect(call).toMatchObject({ method: 'POST', path: '/conversations' });
		expect(schemas.check('create_conversation_request', call.body)).toEqual([]);
	}
});

test('search and contact creation validate against the official schema', () => {
	const search = requests.searchContacts('email', 'a@b.com');
	expect(schemas.check('search_request', search.body)).toEqual([]);
	const contact = requests.createContact({
		mode: 'lookup',
		field: 'external_id',
		value: 'x',
		role: 'lead',
		createIfMissing: true,
		name: 'N',
	});
	expect(contact.body).toEqual({ role: 'lead', external_id: 'x', name: 'N' });
	expect(schemas.check('create_contact_request', contact.body)).toEqual([]);
});

test('the schema check itself catches a wrong body (so the tests above can fail)', () => {
	expect(
		schemas.check('create_conversation_request', { from: { type: 'admin', id: 'short' } }),
	).not.toEqual([]);
});

test('dates become Unix seconds; text lists become arrays; blanks are left out', () => {
	const params = parse({
		intercomOptions: {
			createdAt: '2026-01-31T09:30:00.000Z',
			attachmentUrls: 'https://e.com/a.png,\n https://e.com/b.png',
			subject: '  ',
		},
	});
	expect(params.createdAt).toBe(1769851800);
	expect(params.attachmentUrls).toEqual(['https://e.com/a.png', 'https://e.com/b.png']);
	expect(params.subject).toBeUndefined();
	expect(parse({ intercomOptions: { createdAt: 1769851800000 } }).createdAt).toBe(1769851800);
});
