import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateEncryptionKey } from '../db/token-cipher.js';
import { ConfigError } from './config-error.js';
import { loadConfig } from './config.js';

const secrets = { SECRET_KEY: 'x'.repeat(40), TOKEN_ENCRYPTION_KEYS: generateEncryptionKey() };
const load = (env: Record<string, string>) => loadConfig({ ...secrets, ...env }, mkdtempSync(join(tmpdir(), 'tk-metrics-config-')));
const TOKEN = 'a'.repeat(32);

function errorOf(env: Record<string, string>): string {
  try {
    load(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('loadConfig did not throw');
}

describe('METRICS_TOKEN and METRICS_PORT', () => {
  it('metrics are off unless one is set', () => {
    expect(load({}).metrics).toEqual({ token: null, port: null });
    expect(load({ METRICS_TOKEN: '  ', METRICS_PORT: '' }).metrics).toEqual({ token: null, port: null });
  });

  it('take a bearer token of 32 or more characters and a port, alone or together', () => {
    const token = 'Ab0-._~+/'.repeat(4) + '==';
    expect(load({ METRICS_TOKEN: ` ${token} ` }).metrics).toEqual({ token, port: null });
    expect(load({ METRICS_PORT: '9464' }).metrics).toEqual({ token: null, port: 9464 });
    expect(load({ METRICS_TOKEN: TOKEN, METRICS_PORT: '9464' }).metrics).toEqual({ token: TOKEN, port: 9464 });
  });

  it.each([
    ['31 characters', 'a'.repeat(31)],
    ['a space inside', `${'a'.repeat(20)} ${'a'.repeat(20)}`],
    ['a character a bearer token cannot hold', `${'a'.repeat(32)}"`],
    ['= before the end', `${'a'.repeat(16)}=${'a'.repeat(16)}`],
  ])('refuse a METRICS_TOKEN with %s, in one line naming it', (_what, value) => {
    expect(errorOf({ METRICS_TOKEN: value })).toBe(
      'Configuration error: METRICS_TOKEN must be 32 or more characters of A-Z a-z 0-9 - . _ ~ + / (a bearer token, RFC 6750), e.g. from `openssl rand -hex 32`',
    );
  });

  it.each(['0', '65536', '9464x', '-1'])('refuse METRICS_PORT=%s', (value) => {
    expect(errorOf({ METRICS_PORT: value })).toBe(`Configuration error: METRICS_PORT must be a whole number from 1 to 65535 (got "${value}")`);
  });

  it("refuse a METRICS_PORT that is the app's port or the dev provider's", () => {
    expect(errorOf({ PORT: '8080', METRICS_PORT: '8080' })).toBe('Configuration error: METRICS_PORT must differ from PORT (both are 8080)');
    expect(errorOf({ METRICS_PORT: '3000' })).toBe('Configuration error: METRICS_PORT must differ from PORT (both are 3000)');
    expect(errorOf({ METRICS_PORT: '4000' })).toBe('Configuration error: METRICS_PORT must differ from DEV_PROVIDER_PORT (both are 4000)');
    // With OAUTH_PROVIDERS there is no dev provider, so its port is free.
    const provider = { OAUTH_PROVIDERS: 'acme', ACME_CLIENT_ID: 'id', ACME_CLIENT_SECRET: 'secret', ACME_ISSUER: 'https://id.example.com' };
    expect(load({ ...provider, METRICS_PORT: '4000' }).metrics.port).toBe(4000);
  });
});
