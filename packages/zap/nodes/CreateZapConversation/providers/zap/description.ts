import type { INodeProperties } from 'n8n-workflow';

export const zapProperties: INodeProperties[] = [
	{
		displayName: 'User ID',
		name: 'zapUserId',
		type: 'string',
		default: '',
		placeholder: '64b7f0c2a1d3e4f5a6b7c8d9',
		description:
			'The 24-character ZAP user ID the support conversation is for. Leave empty to use the account of the credential.',
	},
	{
		displayName: 'Additional Fields',
		name: 'zapOptions',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Guest Conversation',
				name: 'isGuest',
				type: 'boolean',
				default: true,
				description:
					'Whether the conversation is for a guest (sent as ?isGuest=true or false). Not sent unless you add this option.',
			},
			{
				displayName: 'Guest ID',
				name: 'guestId',
				type: 'string',
				default: '',
				description: "Sent as the guest-ID header, as ZAP's other guest endpoints expect",
			},
		],
	},
];
