import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { ConfigError } from './config-error.js';

const load = (env: Record<string, string>) => loadConfig({ SECRET_KEY: 'x'.repeat(40), TOKEN_ENCRYPTION_KEYS: Buffer.alloc(32, 1).toString('base64'), ...env }, mkdtempSync(join(tmpdir(), 'tk-config-')));

it('SERVICE_RATE_LIMIT: 6000 requests per key per minute by default, 0 turns it off, anything else but a whole number stops start-up', () => {
  expect(load({}).serviceRateLimit).toBe(6000);
  expect(load({ SERVICE_RATE_LIMIT: '0' }).serviceRateLimit).toBe(0);
  expect(load({ SERVICE_RATE_LIMIT: '120' }).serviceRateLimit).toBe(120);
  for (const value of ['-1', '1.5', 'lots', '10000001']) {
    expect(() => load({ SERVICE_RATE_LIMIT: value }), value).toThrow(ConfigError);
    expect(() => load({ SERVICE_RATE_LIMIT: value }), value).toThrow(/SERVICE_RATE_LIMIT must be a whole number from 0 to 10000000/);
  }
});
