/**
 * A local OpenID provider with demo accounts and a protected demo API, for
 * development and tests: what `npx tokenkeeper dev-provider` runs.
 *
 * @packageDocumentation
 */
export { startDevProvider } from './dev-provider.js';
export { authorizeAs } from './authorize-as.js';
export { DEMO_ACCOUNTS } from './accounts.js';
export type { DemoAccount } from './accounts.js';
export { SUPPORTED_SCOPES } from './scopes.js';
export type {
  DevProvider,
  DevProviderClient,
  DevProviderLogger,
  DevProviderOptions,
  DevProviderStats,
} from './types.js';
