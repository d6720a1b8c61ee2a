import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { logSettings, resolveLogFormat } from './log-config.js';

const BASE = { SECRET_KEY: 'x'.repeat(32), TOKEN_ENCRYPTION_KEYS: Buffer.alloc(32, 1).toString('base64') };

describe('LOG_FORMAT and LOG_REQUESTS', () => {
  it('default to no fixed format, and request lines in production only', () => {
    expect(logSettings({}, false)).toEqual({ logFormat: null, logRequests: false });
    expect(logSettings({}, true)).toEqual({ logFormat: null, logRequests: true });
  });

  it('take pretty or json, and true or false, in any case', () => {
    expect(logSettings({ LOG_FORMAT: 'pretty', LOG_REQUESTS: 'TRUE' }, false)).toEqual({ logFormat: 'pretty', logRequests: true });
    expect(logSettings({ LOG_FORMAT: ' JSON ', LOG_REQUESTS: 'false' }, true)).toEqual({ logFormat: 'json', logRequests: false });
  });

  it.each([
    [{ LOG_FORMAT: 'text' }, 'Configuration error: LOG_FORMAT must be pretty or json (got "text")'],
    [{ LOG_REQUESTS: 'yes' }, 'Configuration error: LOG_REQUESTS must be true or false (got "yes")'],
  ])('refuse %j with one line naming the variable', (env, message) => {
    expect(() => loadConfig({ ...BASE, ...env }, '/tmp')).toThrow(message);
  });

  it('reach the configuration', () => {
    const config = loadConfig({ ...BASE, LOG_FORMAT: 'json', LOG_REQUESTS: 'true' }, '/tmp');
    expect([config.logFormat, config.logRequests]).toEqual(['json', true]);
  });
});

describe('the log format when LOG_FORMAT is unset', () => {
  it('is pretty only on a terminal outside production; a set LOG_FORMAT always wins', () => {
    expect(resolveLogFormat(null, false, true)).toBe('pretty');
    expect(resolveLogFormat(null, false, false)).toBe('json');
    expect(resolveLogFormat(null, true, true)).toBe('json');
    expect(resolveLogFormat('pretty', true, false)).toBe('pretty');
    expect(resolveLogFormat('json', false, true)).toBe('json');
  });
});
