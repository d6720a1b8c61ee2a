/**
 * Storage for Tokenkeeper: SQLite or PostgreSQL through Kysely, with tokens encrypted at rest.
 *
 * @packageDocumentation
 */
export { SqlClientRegistrationStore, type RegisteredClient } from './client-registration.repository.js';
export { openDatabase, parseDatabaseUrl, type Database, type Dialect } from './database.js';
export { migrateToLatest, pendingMigrations } from './migrate.js';
export { generateEncryptionKey, parseEncryptionKeys, TokenCipher, TokenDecryptionError } from './token-cipher.js';
export { SqlTokenStore, type RefreshTokenEnd, type RefreshTokenEndsOptions, type StoredToken, type TokenSummary } from './token-store.js';
