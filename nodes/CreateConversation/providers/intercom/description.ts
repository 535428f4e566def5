import type { INodeProperties } from 'n8n-workflow';

const byMode = (...modes: string[]) => ({ show: { intercomContactMode: modes } });

export const intercomProperties: INodeProperties[] = [
	{
		displayName: 'Identify Contact By',
		name: 'intercomContactMode',
		type: 'options',
		required: true,
		noDataExpression: true,
		default: 'email',
		options: [
			{
				name: 'Email',
				value: 'email',
				description: 'Find the contact by email address (and create it if missing, when enabled)',
			},
			{
				name: 'External User ID',
				value: 'externalId',
				description: 'Find the contact by the user ID from your own system',
			},
			{
				name: 'Intercom Contact ID',
				value: 'id',
				description: 'Use the 24-character ID Intercom gave the contact',
			},
		],
		description:
			'Who is writing the message. Intercom conversations are always started by a contact.',
	},
	{
		displayName: 'Contact ID',
		name: 'intercomContactId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '536e564f316c83104c000020',
		description: 'The 24-character Intercom ID of the contact',
		displayOptions: byMode('id'),
	},
	{
		displayName: 'Contact Type',
		name: 'intercomContactType',
		type: 'options',
		required: true,
		default: 'user',
		options: [
			{ name: 'Lead', value: 'lead', description: 'A lead (not signed up)' },
			{ name: 'User', value: 'user', description: 'A signed-up user' },
			{
				name: 'Visitor',
				value: 'contact',
				description: 'A Messenger visitor; Intercom turns them into a lead',
			},
		],
		description: 'The role of the contact with this ID',
		displayOptions: byMode('id'),
	},
	{
		displayName: 'Email',
		name: 'intercomEmail',
		type: 'string',
		placeholder: 'name@email.com',
		default: '',
		required: true,
		description: 'Email address of the contact who is writing',
		displayOptions: byMode('email'),
	},
	{
		displayName: 'External User ID',
		name: 'intercomExternalId',
		type: 'string',
		default: '',
		required: true,
		description: 'The user ID from your own system (Intercom calls it external_id)',
		displayOptions: byMode('externalId'),
	},
	{
		displayName: 'Contact Role',
		name: 'intercomContactRole',
		type: 'options',
		required: true,
		default: 'user',
		options: [
			{ name: 'Lead', value: 'lead' },
			{ name: 'User', value: 'user' },
		],
		description:
			'One email can belong to both a user and a lead: the node uses the contact with this role, and creates it with this role when missing',
		displayOptions: byMode('email', 'externalId'),
	},
	{
		displayName: 'Create Contact If Missing',
		name: 'intercomCreateIfMissing',
		type: 'boolean',
		default: true,
		description: 'Whether to create the contact when no contact with this role matches',
		displayOptions: byMode('email', 'externalId'),
	},
	{
		displayName: 'Message',
		name: 'intercomBody',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		description:
			'The first message of the conversation, as plain text (Intercom does not accept HTML here)',
	},
	{
		displayName: 'Additional Fields',
		name: 'intercomOptions',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Attachment URLs',
				name: 'attachmentUrls',
				type: 'string',
				default: '',
				placeholder: 'https://example.com/photo.png',
				description:
					'Up to 10 image URLs, separated by commas or new lines, or a list from an expression',
			},
			{
				displayName: 'Brand ID',
				name: 'brandId',
				type: 'string',
				default: '',
				description: 'The brand to file the conversation under (API version 2.16 and later)',
			},
			{
				displayName: 'Contact Name',
				name: 'contactName',
				type: 'string',
				default: '',
				description: 'Name given to the contact when the node creates it',
			},
			{
				displayName: 'Created At',
				name: 'createdAt',
				type: 'dateTime',
				default: '',
				description:
					"When the conversation happened, for importing past conversations. Empty means now. A date without a time zone is read in the workflow's time zone.",
			},
			{
				displayName: 'Subject',
				name: 'subject',
				type: 'string',
				default: '',
				description: 'Title of the message; Intercom only uses it for email messages',
			},
		],
	},
];
