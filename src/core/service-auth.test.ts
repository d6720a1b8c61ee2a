import { describe, expect, it } from 'vitest';
import { authorizeServiceKey, ServiceRateLimiter } from './service-auth.js';
import { hashSecret, parseServiceKey, sameHash, type ServiceKey } from './service-keys.js';

describe('service key format', () => {
  const key = 'tks_01M8Y9K1MTF149H1CMXY53SSKF_csouS0qVCbuRE_ZwLSxBl7oyP0cX6SQmBjihA-v2R9c';

  it('reads the id and the secret of tks_<id>_<secret>, and nothing else', () => {
    expect(parseServiceKey(key)).toEqual({ id: '01M8Y9K1MTF149H1CMXY53SSKF', secret: 'csouS0qVCbuRE_ZwLSxBl7oyP0cX6SQmBjihA-v2R9c' });
    for (const text of ['', key.slice(0, -1), `${key}x`, key.replace('tks_', 'tk_'), key.replace('01M8', '01m8'), key.replace('01M8', '01I8'), ` ${key}`, key.replace(/_c/, '-c')]) {
      expect(parseServiceKey(text), text).toBeUndefined();
    }
  });

  it('compares SHA-256 digests only when both are whole digests', () => {
    const digest = hashSecret('secret');
    expect(sameHash(digest, hashSecret('secret'))).toBe(true);
    expect(sameHash(digest, hashSecret('Secret'))).toBe(false);
    expect(sameHash(digest, digest.slice(0, 62))).toBe(false);
    expect(sameHash('', '')).toBe(false);
  });
});

describe('authorizeServiceKey', () => {
  const key = (permissions: ServiceKey['permissions'], providers: ServiceKey['providers']): ServiceKey => ({
    id: 'K',
    name: 'svc',
    permissions,
    providers,
    createdAt: 0,
    rotatedAt: null,
    lastUsedAt: null,
    previousSecretExpiresAt: null,
  });

  it('refuses a missing permission, then a provider the key is not limited to', () => {
    expect(() => authorizeServiceKey(key(['proxy'], null), 'tokens:read', 'github')).toThrow(expect.objectContaining({ code: 'missing_permission', status: 403 }));
    expect(() => authorizeServiceKey(key(['proxy'], ['google']), 'proxy', 'github')).toThrow(expect.objectContaining({ code: 'provider_not_allowed', status: 403 }));
    expect(() => authorizeServiceKey(key(['proxy'], ['google']), 'proxy', 'google')).not.toThrow();
    expect(() => authorizeServiceKey(key(['proxy'], ['google']), 'proxy')).not.toThrow();
    expect(() => authorizeServiceKey(key(['proxy'], null), 'proxy', 'anything')).not.toThrow();
  });
});

describe('ServiceRateLimiter', () => {
  it('counts each key in fixed one-minute windows and says how long until the next', () => {
    let now = 6_000_045;
    const limiter = new ServiceRateLimiter(2, () => now);
    expect(limiter.take('a')).toBeUndefined();
    expect(limiter.take('a')).toBeUndefined();
    expect(limiter.take('a')).toBe(15);
    expect(limiter.take('b')).toBeUndefined();
    now += 14;
    expect(limiter.take('a')).toBe(1);
    now += 1;
    expect(limiter.take('a')).toBeUndefined();
  });

  it('with 0 counts nothing', () => {
    const limiter = new ServiceRateLimiter(0, () => 0);
    expect(new Set(Array.from({ length: 10_000 }, () => limiter.take('a')))).toEqual(new Set([undefined]));
  });
});
