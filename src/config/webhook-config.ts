import { ConfigError } from './config-error.js';
import { url } from './env-values.js';
import type { Environment } from './env-file.js';

/** WEBHOOK_URLS and WEBHOOK_SECRET: where webhooks go and the keys they are signed with. */
export interface WebhookConfig {
  urls: string[];
  /**
   * The HMAC-SHA256 keys, newest first: each of WEBHOOK_SECRET's secrets, its base64 after `whsec_`, decoded.
   * Every request is signed under each. Never logged (see server/logger.ts).
   */
  signingKeys: Buffer[];
}

const PREFIX = 'whsec_';
// Standard Webhooks: a symmetric secret is random, at least 24 bytes (192 bits) and at most 64 (512 bits).
const MIN_KEY_BYTES = 24;
const MAX_KEY_BYTES = 64;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The key of a `whsec_<base64>` secret (the Standard Webhooks serialization),
 * or the reason it is not one.
 */
export function webhookSigningKey(secret: string): Buffer | string {
  if (!secret.startsWith(PREFIX)) return `must start with ${PREFIX} followed by the base64 of a random key`;
  const encoded = secret.slice(PREFIX.length);
  if (!BASE64.test(encoded)) return `must be ${PREFIX} followed by standard base64 (A-Z a-z 0-9 + /, padded with =)`;
  const key = Buffer.from(encoded, 'base64');
  if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) {
    return `must hold a key of ${MIN_KEY_BYTES} to ${MAX_KEY_BYTES} bytes (got ${key.length}); e.g. node -e "console.log('${PREFIX}' + crypto.randomBytes(32).toString('base64'))"`;
  }
  return key;
}

/**
 * More than one secret is for changing it without a gap: signed under the new one and the old one, a
 * request verifies at a receiver that holds either (Standard Webhooks: `webhook-signature` may carry
 * several space-separated signatures). Past a few, the header only grows.
 */
const MAX_SECRETS = 3;
const ORDINALS = ['first', 'second', 'third'];

/**
 * The keys of a comma-separated list of `whsec_` secrets, newest first, or
 * the reason it is not one (naming which secret, when there are several).
 */
export function webhookSigningKeys(secrets: string | readonly string[]): Buffer[] | string {
  const list = (typeof secrets === 'string' ? secrets.split(',') : [...secrets]).map((secret) => (typeof secret === 'string' ? secret.trim() : ''));
  if (list.length > MAX_SECRETS) return `holds ${list.length} secrets; give at most ${MAX_SECRETS} (the new one first, then those receivers may still check)`;
  const keys: Buffer[] = [];
  for (const [index, secret] of list.entries()) {
    const key = webhookSigningKey(secret);
    if (typeof key === 'string') return list.length === 1 ? key : `(its ${ORDINALS[index]} secret) ${key}`;
    if (keys.some((known) => known.equals(key))) return `lists the same secret twice`;
    keys.push(key);
  }
  return keys;
}

/** null when WEBHOOK_URLS is unset: no webhooks, and WEBHOOK_SECRET is not needed. */
export function webhookConfig(env: Environment, production: boolean): WebhookConfig | null {
  const list = env.WEBHOOK_URLS?.trim();
  const secret = env.WEBHOOK_SECRET?.trim();
  if (!list) {
    if (secret) throw new ConfigError('WEBHOOK_SECRET', 'is set but WEBHOOK_URLS is not: set both, or neither');
    return null;
  }
  const urls = list.split(',').map((item) => item.trim()).filter(Boolean);
  for (const item of urls) {
    // https only in production, as for provider URLs: the body names users and their connections.
    url(env, 'WEBHOOK_URLS', production, item);
    const parsed = new URL(item);
    if (parsed.username || parsed.password) throw new ConfigError('WEBHOOK_URLS', `must not hold a user name or password (got a URL to ${parsed.host})`);
    if (parsed.hash) throw new ConfigError('WEBHOOK_URLS', `must not hold a #fragment (got "${item}")`);
  }
  if (new Set(urls).size !== urls.length) throw new ConfigError('WEBHOOK_URLS', 'lists a URL twice');
  if (!secret) throw new ConfigError('WEBHOOK_SECRET', `is required when WEBHOOK_URLS is set (${PREFIX} followed by the base64 of 24 to 64 random bytes)`);
  const keys = webhookSigningKeys(secret);
  if (typeof keys === 'string') throw new ConfigError('WEBHOOK_SECRET', keys);
  return { urls, signingKeys: keys };
}
