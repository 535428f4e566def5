import type { ProviderDefinition } from '../shared/provider';
import { dynamicsProvider } from './dynamics';
import { intercomProvider } from './intercom';
import { reamazeProvider } from './reamaze';
import { reevooProvider } from './reevoo';
import { zapProvider } from './zap';

/**
 * Every provider the node offers, in the order of the Provider selector. The node's description,
 * credential list and dispatch are all derived from this list: adding a provider is a folder
 * beside this file, its credentials file, and one line here.
 */
export const providers: readonly ProviderDefinition[] = [
	intercomProvider as ProviderDefinition,
	reamazeProvider as ProviderDefinition,
	reevooProvider as ProviderDefinition,
	zapProvider as ProviderDefinition,
	dynamicsProvider as ProviderDefinition,
];
