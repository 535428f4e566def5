import type { INodeProperties } from 'n8n-workflow';

import { REAMAZE_CHANNEL_SLUG, REAMAZE_STATUSES } from './schema';

const keyValueCollection = (
	displayName: string,
	name: string,
	description: string,
): INodeProperties => ({
	displayName,
	name,
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	placeholder: 'Add Field',
	default: {},
	description,
	options: [
		{
			displayName: 'Field',
			name: 'pair',
			values: [
				{
					displayName: 'Key',
					name: 'key',
					type: 'string',
					default: '',
					description: 'Name of the custom field',
				},
				{
					displayName: 'Value',
					name: 'value',
					type: 'string',
					default: '',
					description: 'Value of the custom field',
				},
			],
		},
	],
});

export const reamazeProperties: INodeProperties[] = [
	{
		displayName: 'Subject',
		name: 'reamazeSubject',
		type: 'string',
		default: '',
		required: true,
		description: 'Subject line of the conversation',
	},
	{
		displayName: 'Channel',
		name: 'reamazeChannel',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'The channel (Re:amaze "category") the conversation is filed under',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a channel...',
				typeOptions: { searchListMethod: 'reamazeSearchChannels', searchable: true },
			},
			{
				displayName: 'By Slug',
				name: 'id',
				type: 'string',
				placeholder: 'support',
				hint: "The channel's slug, shown in Re:amaze under Settings › Channels",
				validation: [
					{
						type: 'regex',
						properties: {
							regex: REAMAZE_CHANNEL_SLUG.source,
							errorMessage: 'A channel slug has only letters, digits, - _ and .',
						},
					},
				],
			},
		],
	},
	{
		displayName: 'Message',
		name: 'reamazeBody',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		description: 'The first message of the conversation',
	},
	{
		displayName: 'Customer Name',
		name: 'reamazeCustomerName',
		type: 'string',
		default: '',
		required: true,
		description: 'Name of the customer the conversation is from',
	},
	{
		displayName: 'Customer Email',
		name: 'reamazeCustomerEmail',
		type: 'string',
		placeholder: 'name@email.com',
		default: '',
		required: true,
		description: 'Email address of the customer; Re:amaze finds or creates the customer by it',
	},
	{
		displayName: 'Additional Fields',
		name: 'reamazeOptions',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Attachment URL',
				name: 'attachmentUrl',
				type: 'string',
				default: '',
				placeholder: 'https://example.com/invoice.pdf',
				description: 'A file Re:amaze downloads and attaches to the first message',
			},
			keyValueCollection(
				'Conversation Custom Data',
				'conversationData',
				'Custom fields stored on the conversation (sent as conversation data)',
			),
			keyValueCollection(
				'Customer Custom Data',
				'userData',
				'Custom fields stored on the customer (sent as user data)',
			),
			{
				displayName: 'Extra Recipients',
				name: 'recipients',
				type: 'string',
				default: '',
				placeholder: 'colleague@example.com',
				description:
					'More email addresses that receive the message, separated by commas or new lines, or a list from an expression',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				default: 0,
				options: [...REAMAZE_STATUSES]
					.sort((a, b) => a.name.localeCompare(b.name))
					.map((status) => ({ name: status.name, value: status.value })),
				description: 'Status the conversation starts in',
			},
			{
				displayName: 'Suppress Auto-Resolve',
				name: 'suppressAutoresolve',
				type: 'boolean',
				default: false,
				description: 'Whether to keep Re:amaze from resolving the conversation automatically',
			},
			{
				displayName: 'Suppress Notifications',
				name: 'suppressNotification',
				type: 'boolean',
				default: false,
				description:
					'Whether to create the conversation without sending notifications (e.g. the email to the customer)',
			},
			{
				displayName: 'Tags',
				name: 'tags',
				type: 'string',
				default: '',
				placeholder: 'vip, billing',
				description:
					'Tags for the conversation, separated by commas or new lines, or a list from an expression',
			},
		],
	},
];
