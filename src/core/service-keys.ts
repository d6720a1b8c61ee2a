import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { TokenkeeperError } from '../client/errors.js';
import { writeAuditEvent } from '../db/audit.repository.js';
import { isUniqueViolation, newId } from '../db/database.js';
import {
  deleteServiceKey,
  findServiceKeyByName,
  insertServiceKey,
  listServiceKeys as listStoredServiceKeys,
  replaceServiceKeySecret,
  type ServiceKeyRecord,
} from '../db/service-key.repository.js';
import type { Tokenkeeper } from './tokenkeeper.js';

/** What a service key may be allowed to do (README, Service API). */
export const SERVICE_PERMISSIONS = ['connections:read', 'tokens:read', 'proxy', 'connections:write', 'users:write'] as const;
export type ServicePermission = (typeof SERVICE_PERMISSIONS)[number];

/** A service key without its hashes: what pages, the CLI and requests see. */
export interface ServiceKey {
  id: string;
  name: string;
  permissions: readonly ServicePermission[];
  /** null: every provider. */
  providers: readonly string[] | null;
  createdAt: number;
  rotatedAt: number | null;
  lastUsedAt: number | null;
  /** After a rotation with a grace period: until when the old secret still works. */
  previousSecretExpiresAt: number | null;
}

/** Who changes keys, for the audit log: an admin (by user id, from an IP) or the CLI. */
export type KeyActor = { adminUserId: string; ip: string | null } | { cli: true };

/**
 * The prefix makes a leaked key recognisable (secret scanners, logs, the
 * redaction in server/logger.ts); the id finds its row; the secret is 256
 * random bits, so a plain SHA-256 of it is enough to store (a slow password
 * hash protects guessable secrets, and this one is not guessable).
 */
export const SERVICE_KEY_PREFIX = 'tks_';
const KEY_PATTERN = /^tks_([0-9A-HJKMNP-TV-Z]{26})_([A-Za-z0-9_-]{43})$/;
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Runs on every service request: the one-shot hash() costs about a third of a Hash object's create/update/digest. */
export function hashSecret(secret: string): string {
  return hash('sha256', secret, 'hex');
}

/** The id and secret of a key in the `tks_<id>_<secret>` form; undefined for anything else. */
export function parseServiceKey(key: string): { id: string; secret: string } | undefined {
  const match = KEY_PATTERN.exec(key);
  return match ? { id: match[1]!, secret: match[2]! } : undefined;
}

/** Compares two SHA-256 hex digests in constant time (the length is fixed, so only their bytes could show). */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === 32 && right.length === 32 && timingSafeEqual(left, right);
}

function newSecret(id: string): { key: string; secretHash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { key: `${SERVICE_KEY_PREFIX}${id}_${secret}`, secretHash: hashSecret(secret) };
}

export function toServiceKey(record: ServiceKeyRecord): ServiceKey {
  return {
    id: record.id,
    name: record.name,
    permissions: record.permissions.filter((p): p is ServicePermission => (SERVICE_PERMISSIONS as readonly string[]).includes(p)),
    providers: record.providers,
    createdAt: record.createdAt,
    rotatedAt: record.rotatedAt,
    lastUsedAt: record.lastUsedAt,
    previousSecretExpiresAt: record.previousSecretHash === null ? null : record.previousSecretExpiresAt,
  };
}

/** Checks a permission list (`connections:read,proxy`); throws bad_request naming what is wrong. */
export function parsePermissions(names: readonly string[]): ServicePermission[] {
  const unknown = names.filter((name) => !(SERVICE_PERMISSIONS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new TokenkeeperError('bad_request', `Unknown permission ${unknown.map((n) => `"${n}"`).join(', ')}: choose from ${SERVICE_PERMISSIONS.join(', ')}.`);
  if (names.length === 0) throw new TokenkeeperError('bad_request', `A service key needs at least one permission: ${SERVICE_PERMISSIONS.join(', ')}.`);
  return SERVICE_PERMISSIONS.filter((permission) => names.includes(permission));
}

function auditActor(actor: KeyActor): { actorUserId: string | null; ip: string | null; via: string } {
  return 'cli' in actor ? { actorUserId: null, ip: null, via: 'cli' } : { actorUserId: actor.adminUserId, ip: actor.ip, via: 'admin' };
}

export interface NewServiceKeyInput {
  name: string;
  permissions: readonly string[];
  /** null or empty: every provider. */
  providers: readonly string[] | null;
}

/** Creates a key and returns it with its value, which exists only here: only its hash is stored. Audited. */
export async function createServiceKey(deps: Tokenkeeper, input: NewServiceKeyInput, actor: KeyActor): Promise<{ serviceKey: ServiceKey; key: string }> {
  if (!NAME_PATTERN.test(input.name)) {
    throw new TokenkeeperError('bad_request', 'A service name is 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit.');
  }
  const permissions = parsePermissions(input.permissions);
  const providers = input.providers && input.providers.length > 0 ? [...new Set(input.providers)] : null;
  const unknown = providers?.filter((name) => !deps.registry.names.includes(name)) ?? [];
  if (unknown.length > 0) throw new TokenkeeperError('bad_request', `No provider named ${unknown.map((n) => `"${n}"`).join(', ')} is configured (${deps.registry.names.join(', ')}).`);
  const id = newId();
  const { key, secretHash } = newSecret(id);
  const now = deps.now();
  let record: ServiceKeyRecord;
  try {
    record = await insertServiceKey(deps.database.db, { id, name: input.name, secretHash, permissions, providers, now });
  } catch (error) {
    if (isUniqueViolation(error)) throw new TokenkeeperError('bad_request', `A service key named "${input.name}" exists already: revoke or rotate it.`);
    throw error;
  }
  const { via, ...who } = auditActor(actor);
  await writeAuditEvent(deps.database.db, { event: 'service_key.created', ...who, targetType: 'service_key', targetId: id, detail: { name: input.name, permissions, providers, via }, at: now });
  return { serviceKey: toServiceKey(record), key };
}

export async function listServiceKeys(deps: Tokenkeeper): Promise<ServiceKey[]> {
  return (await listStoredServiceKeys(deps.database.db)).map(toServiceKey);
}

async function keyNamed(deps: Tokenkeeper, name: string): Promise<ServiceKeyRecord> {
  const record = await findServiceKeyByName(deps.database.db, name);
  if (!record) throw new TokenkeeperError('not_found', `No service key is named "${name}".`);
  return record;
}

/** Deletes the key: it stops working on the next request, on every server. Audited. */
export async function revokeServiceKey(deps: Tokenkeeper, name: string, actor: KeyActor): Promise<ServiceKey> {
  const record = await keyNamed(deps, name);
  if (!(await deleteServiceKey(deps.database.db, record.id))) throw new TokenkeeperError('not_found', `No service key is named "${name}".`);
  const { via, ...who } = auditActor(actor);
  await writeAuditEvent(deps.database.db, { event: 'service_key.revoked', ...who, targetType: 'service_key', targetId: record.id, detail: { name, via }, at: deps.now() });
  return toServiceKey(record);
}

/**
 * Names the key's current secret without revealing anything of it, for a form
 * to say which secret it was shown for: a rotation posted again (a reload, a
 * second click, a second admin) then finds another version and is refused,
 * instead of rotating out the key the first answer showed.
 */
export function secretVersion(record: Pick<ServiceKeyRecord, 'secretHash'>): string {
  return hash('sha256', `version:${record.secretHash}`, 'base64url').slice(0, 22);
}

/**
 * Gives the key a new secret (same id, name and permissions). The old secret
 * keeps working for `graceSeconds` (0: not at all), so services can switch
 * without a gap; a secret kept from an earlier rotation is dropped. Audited.
 * With `ifSecretVersion` (from secretVersion), only a key whose secret is
 * still that one is rotated; else action_not_applicable.
 */
export async function rotateServiceKey(
  deps: Tokenkeeper,
  name: string,
  graceSeconds: number,
  actor: KeyActor,
  options: { ifSecretVersion?: string } = {},
): Promise<{ serviceKey: ServiceKey; key: string; graceCutShort: number | null }> {
  if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > 30 * 86_400) {
    throw new TokenkeeperError('bad_request', 'The grace period is a whole number of seconds from 0 to 2592000 (30 days).');
  }
  const record = await keyNamed(deps, name);
  if (options.ifSecretVersion !== undefined && options.ifSecretVersion !== secretVersion(record)) {
    const when = record.rotatedAt === null ? '' : ` at ${new Date(record.rotatedAt * 1000).toISOString()}`;
    throw new TokenkeeperError('action_not_applicable', `The service key "${name}" was rotated${when}, after this form was shown: that rotation's key was shown once, on its own answer. Rotate again only if that key is lost.`);
  }
  const { key, secretHash } = newSecret(record.id);
  const now = deps.now();
  const previousExpiresAt = graceSeconds > 0 ? now + graceSeconds : null;
  // A key keeps one old secret: an earlier rotation's, still in its grace period, ends with this one.
  const graceCutShort = record.previousSecretHash !== null && record.previousSecretExpiresAt !== null && record.previousSecretExpiresAt > now ? record.previousSecretExpiresAt : null;
  if (!(await replaceServiceKeySecret(deps.database.db, record.id, { expectedHash: record.secretHash, secretHash, previousExpiresAt, now }))) {
    throw new TokenkeeperError('bad_request', `The service key "${name}" was changed meanwhile (rotated or revoked); try again.`);
  }
  const { via, ...who } = auditActor(actor);
  await writeAuditEvent(deps.database.db, { event: 'service_key.rotated', ...who, targetType: 'service_key', targetId: record.id, detail: { name, graceSeconds, via, ...(graceCutShort === null ? {} : { endedEarlierGraceDueAt: graceCutShort }) }, at: now });
  const serviceKey = toServiceKey({ ...record, secretHash, previousSecretHash: previousExpiresAt === null ? null : record.secretHash, previousSecretExpiresAt: previousExpiresAt, rotatedAt: now });
  return { serviceKey, key, graceCutShort };
}

/**
 * What a rotation says when it ended an earlier rotation's grace period (see
 * rotateServiceKey's graceCutShort): the secret before the one it replaced
 * was to work until `until` and no longer works. `formatted` is that time as the caller shows times.
 */
export function graceCutShortNote(formatted: string): string {
  return `The key before it, which an earlier rotation left working until ${formatted}, no longer works: a key keeps one old secret at a time.`;
}
