import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateEncryptionKey } from '../db/token-cipher.js';
import { ConfigError } from './config-error.js';
import { loadConfig } from './config.js';

const secrets = { SECRET_KEY: 'x'.repeat(40), TOKEN_ENCRYPTION_KEYS: generateEncryptionKey() };
const production = { NODE_ENV: 'production', OAUTH_PROVIDERS: 'acme', ACME_CLIENT_ID: 'id', ACME_CLIENT_SECRET: 'secret', ACME_ISSUER: 'https://id.example.com', BASE_URL: 'https://app.example.com' };
const load = (env: Record<string, string>) => loadConfig({ ...secrets, ...env }, mkdtempSync(join(tmpdir(), 'tk-webhook-config-')));
const KEY = randomBytes(32);
const SECRET = `whsec_${KEY.toString('base64')}`;

function errorOf(env: Record<string, string>): string {
  try {
    load(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('loadConfig did not throw');
}

describe('WEBHOOK_URLS and WEBHOOK_SECRET', () => {
  it('no webhooks unless WEBHOOK_URLS is set', () => {
    expect(load({}).webhooks).toBeNull();
    expect(load({ WEBHOOK_URLS: ' ' }).webhooks).toBeNull();
  });

  it('take comma-separated URLs and a whsec_ secret, whose base64 is the signing key', () => {
    const config = load({ WEBHOOK_URLS: ' https://hooks.example.com/tk , http://localhost:9000/in ', WEBHOOK_SECRET: ` ${SECRET} ` });
    expect(config.webhooks).toEqual({ urls: ['https://hooks.example.com/tk', 'http://localhost:9000/in'], signingKeys: [KEY] });
    const production24 = load({ ...production, WEBHOOK_URLS: 'https://hooks.example.com/tk', WEBHOOK_SECRET: `whsec_${randomBytes(24).toString('base64')}` });
    expect(production24.webhooks?.signingKeys[0]).toHaveLength(24);
  });

  it('refuse a secret without URLs, URLs without a secret, and a malformed or weak secret, naming the variable', () => {
    expect(errorOf({ WEBHOOK_SECRET: SECRET })).toBe('Configuration error: WEBHOOK_SECRET is set but WEBHOOK_URLS is not: set both, or neither');
    expect(errorOf({ WEBHOOK_URLS: 'https://hooks.example.com' })).toBe(
      'Configuration error: WEBHOOK_SECRET is required when WEBHOOK_URLS is set (whsec_ followed by the base64 of 24 to 64 random bytes)',
    );
    expect(errorOf({ WEBHOOK_URLS: 'https://hooks.example.com', WEBHOOK_SECRET: KEY.toString('base64') })).toBe(
      'Configuration error: WEBHOOK_SECRET must start with whsec_ followed by the base64 of a random key',
    );
    expect(errorOf({ WEBHOOK_URLS: 'https://hooks.example.com', WEBHOOK_SECRET: 'whsec_not base64!' })).toBe(
      'Configuration error: WEBHOOK_SECRET must be whsec_ followed by standard base64 (A-Z a-z 0-9 + /, padded with =)',
    );
    expect(errorOf({ WEBHOOK_URLS: 'https://hooks.example.com', WEBHOOK_SECRET: `whsec_${randomBytes(16).toString('base64')}` })).toMatch(
      /^Configuration error: WEBHOOK_SECRET must hold a key of 24 to 64 bytes \(got 16\)/,
    );
    expect(errorOf({ WEBHOOK_URLS: 'https://hooks.example.com', WEBHOOK_SECRET: `whsec_${randomBytes(65).toString('base64')}` })).toMatch(/\(got 65\)/);
  });

  it('take up to three comma-separated secrets, newest first, for changing it without a gap', () => {
    const OLD = randomBytes(32);
    const config = load({ WEBHOOK_URLS: 'https://hooks.example.com/tk', WEBHOOK_SECRET: `${SECRET}, whsec_${OLD.toString('base64')}` });
    expect(config.webhooks?.signingKeys).toEqual([KEY, OLD]);
    const secret = () => `whsec_${randomBytes(32).toString('base64')}`;
    const bad = (value: string) => errorOf({ WEBHOOK_URLS: 'https://hooks.example.com', WEBHOOK_SECRET: value });
    expect(bad(`${SECRET},${KEY.toString('base64')}`)).toBe(
      'Configuration error: WEBHOOK_SECRET (its second secret) must start with whsec_ followed by the base64 of a random key',
    );
    expect(bad(`${SECRET},`)).toBe('Configuration error: WEBHOOK_SECRET (its second secret) must start with whsec_ followed by the base64 of a random key');
    expect(bad(`${SECRET}, ${SECRET}`)).toBe('Configuration error: WEBHOOK_SECRET lists the same secret twice');
    expect(bad([secret(), secret(), secret(), secret()].join(','))).toBe(
      'Configuration error: WEBHOOK_SECRET holds 4 secrets; give at most 3 (the new one first, then those receivers may still check)',
    );
  });

  it('refuse a URL that is not an absolute http(s) URL, holds credentials or a fragment, or comes twice', () => {
    const bad = (urls: string) => errorOf({ WEBHOOK_URLS: urls, WEBHOOK_SECRET: SECRET });
    expect(bad('hooks.example.com/in')).toBe('Configuration error: WEBHOOK_URLS must be an absolute URL (got "hooks.example.com/in"): start it with https:// or http://');
    expect(bad('ftp://hooks.example.com/in')).toBe('Configuration error: WEBHOOK_URLS must be an http(s) URL (got "ftp://hooks.example.com/in")');
    expect(bad('https://user:pw@hooks.example.com/in')).toBe('Configuration error: WEBHOOK_URLS must not hold a user name or password (got a URL to hooks.example.com)');
    expect(bad('https://hooks.example.com/in#x')).toBe('Configuration error: WEBHOOK_URLS must not hold a #fragment (got "https://hooks.example.com/in#x")');
    expect(bad('https://hooks.example.com/in,https://hooks.example.com/in')).toBe('Configuration error: WEBHOOK_URLS lists a URL twice');
  });

  it('in production, https only, as for provider URLs', () => {
    expect(errorOf({ ...production, WEBHOOK_URLS: 'https://hooks.example.com/a,http://hooks.example.com/b', WEBHOOK_SECRET: SECRET })).toBe(
      'Configuration error: WEBHOOK_URLS must use https in production (got "http://hooks.example.com/b")',
    );
  });
});
