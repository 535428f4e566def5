import type { ProviderDefinition } from '../shared/provider';
import { intercomProvider } from './intercom';

/**
 * Every provider the node offers, in the order of the Provider selector. The node's description,
 * credential list and dispatch are all derived from this list: adding a provider is a folder
 * beside this file, its credentials file, and one line here.
 */
export const providers: readonly ProviderDefinition[] = [intercomProvider as ProviderDefinition];
