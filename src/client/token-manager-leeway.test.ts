import { describe, expect, it } from 'vitest';
import { ProviderRegistry } from './provider-registry.js';
import { TokenManager } from './token-manager.js';
import type { StoredTokenSet, TokenStore } from './token-store.js';

const NOW = 1_800_000_000;

const registry = new ProviderRegistry([
  {
    name: 'acme',
    displayName: 'Acme',
    clientId: 'id',
    clientSecret: 'secret',
    tokenEndpointAuthMethod: 'client_secret_basic',
    endpoints: { authorizationEndpoint: 'https://id.acme.test/authorize', tokenEndpoint: 'https://id.acme.test/token' },
    scope: 'read',
    allowInsecureHttp: false,
  },
]);

/** This suite decides only whether a stored token can be used as it is: the store is never reached. */
const unusedStore = new Proxy({} as TokenStore, {
  get: () => {
    throw new Error('the store should not be used');
  },
});

function token(issuedAt: number | null, expiresAt: number): StoredTokenSet {
  return {
    userId: 'u1',
    provider: 'acme',
    accessToken: 'at',
    refreshToken: 'rt',
    idToken: null,
    tokenType: 'bearer',
    scope: 'read',
    expiresAt,
    issuedAt,
    status: 'active',
    lastError: null,
    lastRefreshedAt: null,
  };
}

describe('TokenManager: when a stored token is used as it is', () => {
  const at = (seconds: number) => new TokenManager({ registry, store: unusedStore, leewaySeconds: 60, now: () => NOW + seconds });

  it('a 60 s token is used for its first half, not refreshed at once under a 60 s leeway', () => {
    const sixty = token(NOW, NOW + 60);
    expect(at(0).usableAccessToken('acme', sixty)?.accessToken).toBe('at');
    expect(at(29).usableAccessToken('acme', sixty)?.accessToken).toBe('at');
    expect(at(30).usableAccessToken('acme', sixty)).toBeUndefined();
  });

  it('a long-lived token is refreshed within the configured leeway', () => {
    const hour = token(NOW, NOW + 3600);
    expect(at(3539).usableAccessToken('acme', hour)?.accessToken).toBe('at');
    expect(at(3540).usableAccessToken('acme', hour)).toBeUndefined();
  });

  it('a token whose issue time is unknown (stored before it was kept) gets the whole leeway', () => {
    const unknown = token(null, NOW + 60);
    expect(at(0).usableAccessToken('acme', unknown)).toBeUndefined();
  });
});
