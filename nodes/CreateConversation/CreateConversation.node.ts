import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import {
	nodeDescription,
	providerCredentials,
	providerProperties,
	providerSubtitle,
} from './description';
import { providers } from './providers/registry';
import { createConversations } from './shared/execute';
import { listSearchMethods } from './shared/listSearch';

export class CreateConversation implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Create Conversation',
		name: 'createConversation',
		icon: {
			light: 'file:../../icons/create-conversation.svg',
			dark: 'file:../../icons/create-conversation.dark.svg',
		},
		group: ['output'],
		version: 1,
		subtitle: providerSubtitle(providers),
		description: nodeDescription(providers),
		defaults: { name: 'Create Conversation' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: providerCredentials(providers),
		properties: providerProperties(providers),
	};

	methods = {
		listSearch: listSearchMethods(providers),
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		// Read here, in the node itself: n8n's community lint (require-continue-on-fail) looks for it
		// in execute(); the item loop turns failing items into error items when it is on.
		return await createConversations(this, providers, this.continueOnFail());
	}
}
