import { TokenkeeperError } from '../client/errors.js';
import type { Database } from '../db/database.js';
import { findServiceKeyById, recordServiceKeyUse, type ServiceKeyRecord } from '../db/service-key.repository.js';
import { hashSecret, parseServiceKey, sameHash, toServiceKey, type ServiceKey, type ServicePermission } from './service-keys.js';

/** Writing last_used_at on every request would be a write per request; a minute is precise enough to tell a key in use. */
const LAST_USED_INTERVAL_SECONDS = 60;

const BEARER = /^bearer +(\S+) *$/i;

function invalidKey(message: string): TokenkeeperError {
  return new TokenkeeperError('invalid_service_key', message);
}

/**
 * Checks service keys sent as `Authorization: Bearer tks_…` (RFC 6750 §2.1)
 * against the database as it is at that moment (a revoked or rotated key
 * stops working on the next request, on every server): the secret's SHA-256
 * is compared in constant time with the stored hash, and with the previous
 * one while a rotation's grace period lasts.
 */
export class ServiceKeyVerifier {
  readonly #database: Database;
  readonly #now: () => number;

  constructor(database: Database, now: () => number) {
    this.#database = database;
    this.#now = now;
  }

  /** The key; throws invalid_service_key. Without a promise when the read needs none (SQLite) and last_used_at is recent. */
  verify(authorization: string | undefined): ServiceKey | Promise<ServiceKey> {
    const bearer = BEARER.exec(authorization ?? '')?.[1];
    if (bearer === undefined) throw invalidKey('Send the service key in the Authorization header: "Bearer tks_…".');
    const parsed = parseServiceKey(bearer);
    if (!parsed) throw invalidKey('That is not a service key: they look like "tks_<id>_<secret>".');
    const found = findServiceKeyById(this.#database.db, parsed.id);
    return found instanceof Promise ? found.then((record) => this.#check(record, parsed.secret)) : this.#check(found, parsed.secret);
  }

  #check(record: ServiceKeyRecord | undefined, secret: string): ServiceKey | Promise<ServiceKey> {
    const now = this.#now();
    // Unknown ids hash too, so that a wrong id and a wrong secret take the same time.
    const hash = hashSecret(secret);
    const current = record !== undefined && sameHash(hash, record.secretHash);
    const previous =
      record !== undefined && record.previousSecretHash !== null && record.previousSecretExpiresAt !== null && record.previousSecretExpiresAt > now && sameHash(hash, record.previousSecretHash);
    if (!record || !(current || previous)) throw invalidKey('The service key is not valid: unknown, revoked, or replaced by a rotation.');
    const key = toServiceKey(record);
    if (record.lastUsedAt !== null && now - record.lastUsedAt < LAST_USED_INTERVAL_SECONDS) return key;
    return recordServiceKeyUse(this.#database.db, record.id, now).then(() => key);
  }
}

/** Throws 403 unless the key has `permission` and, when a provider is named, may use that provider. */
export function authorizeServiceKey(key: ServiceKey, permission: ServicePermission, provider?: string): void {
  if (!key.permissions.includes(permission)) throw new TokenkeeperError('missing_permission', `The service key "${key.name}" does not have the ${permission} permission.`);
  if (provider !== undefined && key.providers !== null && !key.providers.includes(provider)) {
    throw new TokenkeeperError('provider_not_allowed', `The service key "${key.name}" may use only ${key.providers.join(', ')}.`);
  }
}

/**
 * SERVICE_RATE_LIMIT: requests per key per minute, counted in fixed
 * one-minute windows in this process's memory. With several servers each
 * counts its own share, so a key may make up to N × the limit across N
 * servers: counting in the shared database would add a write to every
 * request, the service API's hot path, to enforce a limit whose purpose is to
 * keep one misbehaving service from swamping a server (and, through it, the
 * providers) — which each server's own count does.
 */
export class ServiceRateLimiter {
  readonly #perMinute: number;
  readonly #now: () => number;
  readonly #windows = new Map<string, { window: number; count: number }>();

  constructor(perMinute: number, now: () => number) {
    this.#perMinute = perMinute;
    this.#now = now;
  }

  /** Counts one request by the key: undefined when it may go on, else the seconds until the next window. */
  take(keyId: string): number | undefined {
    if (this.#perMinute === 0) return undefined;
    const now = this.#now();
    const window = Math.floor(now / 60);
    const current = this.#windows.get(keyId);
    if (current === undefined || current.window !== window) {
      // Only verified keys get here, so the map holds one entry per key this process has seen.
      this.#windows.set(keyId, { window, count: 1 });
      return undefined;
    }
    current.count += 1;
    return current.count <= this.#perMinute ? undefined : (window + 1) * 60 - now;
  }
}
