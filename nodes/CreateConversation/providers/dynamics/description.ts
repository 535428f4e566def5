import type { INodeProperties } from 'n8n-workflow';

const byContextMode = (mode: string) => ({ show: { dynamicsContextMode: [mode] } });

export const dynamicsProperties: INodeProperties[] = [
	{
		displayName: 'Customer ID',
		name: 'dynamicsCustomerId',
		type: 'string',
		default: '',
		description:
			'Your own ID of the customer (at most 200 characters). While this customer has an active conversation, Dynamics 365 returns that one instead of opening a new one.',
	},
	{
		displayName: 'Customer Details',
		name: 'dynamicsCustomerDetails',
		type: 'collection',
		placeholder: 'Add Detail',
		default: {},
		description: 'Shown to the representative; each at most 200 characters',
		options: [
			{
				displayName: 'Email',
				name: 'email',
				type: 'string',
				placeholder: 'name@email.com',
				default: '',
			},
			{ displayName: 'First Name', name: 'firstName', type: 'string', default: '' },
			{ displayName: 'Last Name', name: 'lastName', type: 'string', default: '' },
			{
				displayName: 'Phone',
				name: 'phone',
				type: 'string',
				default: '',
				placeholder: '+44 20 7946 0000',
			},
			{ displayName: 'Preferred Name', name: 'preferredName', type: 'string', default: '' },
		],
	},
	{
		displayName: 'Start Message',
		name: 'dynamicsStartMessage',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		description:
			'The customer\'s first message, as plain text. At most 6,000 characters while "Send to Active Conversation" is on, otherwise 27 KB.',
	},
	{
		displayName: 'Sender Display Name',
		name: 'dynamicsSenderDisplayName',
		type: 'string',
		default: '',
		description: 'Name shown as the sender of the start message',
	},
	{
		displayName: 'Send to Active Conversation',
		name: 'dynamicsDeliverToExisting',
		type: 'boolean',
		default: true,
		description:
			"Whether to deliver the start message to the customer's active conversation when Dynamics 365 returns that one instead of opening a new conversation (Dynamics does not deliver the start message then)",
	},
	{
		displayName: 'Conversation Context',
		name: 'dynamicsContextMode',
		type: 'options',
		required: true,
		noDataExpression: true,
		default: 'pairs',
		options: [
			{
				name: 'JSON',
				value: 'json',
				description: 'Map a whole object; each property becomes a context variable',
			},
			{
				name: 'Key/Value Pairs',
				value: 'pairs',
				description: 'Enter context variables one by one',
			},
		],
		description: 'Context variables for routing and for the representative (at most 100)',
	},
	{
		displayName: 'Context Variables',
		name: 'dynamicsContext',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Context Variable',
		default: {},
		displayOptions: byContextMode('pairs'),
		options: [
			{
				displayName: 'Variable',
				name: 'pair',
				values: [
					{
						displayName: 'Key',
						name: 'key',
						type: 'string',
						default: '',
						description: 'Name of the context variable',
					},
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
					{
						displayName: 'Show to Representative',
						name: 'isDisplayable',
						type: 'boolean',
						default: true,
						description: 'Whether the representative sees this variable (isDisplayable)',
					},
				],
			},
		],
	},
	{
		displayName: 'Conversation Context (JSON)',
		name: 'dynamicsContextJson',
		type: 'json',
		default: '{}',
		displayOptions: byContextMode('json'),
		description:
			'An object such as {"orderId": "A-42", "tier": {"value": "gold", "isDisplayable": false}}. Values must be text, numbers or true/false.',
	},
	{
		displayName: 'Show to Representative',
		name: 'dynamicsContextJsonDisplayable',
		type: 'boolean',
		default: true,
		displayOptions: byContextMode('json'),
		description:
			'Whether the representative sees the variables given as plain values (a {"value", "isDisplayable"} entry decides for itself)',
	},
	{
		displayName: 'Additional Fields',
		name: 'dynamicsOptions',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Conversation Request ID',
				name: 'conversationRequestId',
				type: 'string',
				default: '',
				description: 'Your unique ID for this request (conversationrequestid)',
			},
			{
				displayName: 'Skip AI Agent',
				name: 'skipDeflectionBot',
				type: 'boolean',
				default: false,
				description:
					'Whether to route the conversation straight to a representative, skipping the AI agent (skipdeflectionbot)',
			},
		],
	},
];
