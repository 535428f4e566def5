/** Names of the node's own parameters, shared by the description and the item loop. */
export const PROVIDER_PARAMETER = 'provider';

/** n8n reads the tool description from this name when the node is used as an AI tool. */
export const TOOL_DESCRIPTION_PARAMETER = 'toolDescription';
