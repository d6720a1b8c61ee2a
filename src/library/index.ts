/**
 * Tokenkeeper as a library: `createTokenkeeper({…})` (or `fromEnv()`) opens
 * everything a host application needs — sign-in that stores the user and
 * their encrypted tokens, fresh access tokens, API calls as the user — and
 * the client underneath (`createClient`, providers, errors) for those who
 * bring their own token store. Importing it loads neither a web framework
 * nor the dev provider, and only the database driver the URL names.
 *
 * @packageDocumentation
 */
export * from '../client/index.js';
export {
  createTokenkeeper,
  fromEnv,
  type AccessTokenOptions,
  type Connection,
  type FromEnvOptions,
  type LibraryLogger,
  type LibraryOptions,
  type ListedConnection,
  type ResolveUser,
  type SignInResult,
  type SignInStartOptions,
  type StartedSignIn,
  type Tokenkeeper,
  type User,
  type UserRef,
} from './create-tokenkeeper.js';
export { devProvider, type ProviderOptions, type TokenkeeperOptions } from './options.js';
export { ConfigError } from '../config/config-error.js';
export type { Environment } from '../config/env-file.js';
export { isDatabaseUnavailable } from './database-unavailable.js';
export type { DisconnectResult } from '../core/connections.js';
export type { KeepaliveSweepResult } from '../core/refresh-keepalive.js';
