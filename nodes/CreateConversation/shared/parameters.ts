/** Names of the node's own parameters, shared by the description and the item loop. */
export const PROVIDER_PARAMETER = 'provider';
