import { ConfigError } from './config-error.js';
import { url } from './env-values.js';
import type { Environment } from './env-file.js';

/** WEBHOOK_URLS and WEBHOOK_SECRET: where webhooks go and the key they are signed with. */
export interface WebhookConfig {
  urls: string[];
  /** The HMAC-SHA256 key: WEBHOOK_SECRET's base64 after `whsec_`, decoded. Never logged (see server/logger.ts). */
  signingKey: Buffer;
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
  const key = webhookSigningKey(secret);
  if (typeof key === 'string') throw new ConfigError('WEBHOOK_SECRET', key);
  return { urls, signingKey: key };
}
