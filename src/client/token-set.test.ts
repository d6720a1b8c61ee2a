import { describe, expect, it } from 'vitest';
import { LATEST_EXPIRY, tokenSetFromResponse } from './token-set.js';

const RECEIVED = 1_800_000_000;

describe('tokenSetFromResponse', () => {
  it('turns the relative expires_in into an absolute expiresAt from the time the answer came (RFC 6749 §5.1)', () => {
    const set = tokenSetFromResponse({ access_token: 'at', refresh_token: 'rt', id_token: 'id', token_type: 'Bearer', scope: 'read', expires_in: 3600 }, RECEIVED, 'read write');
    expect(set).toEqual({ accessToken: 'at', refreshToken: 'rt', idToken: 'id', tokenType: 'Bearer', scope: 'read', expiresAt: RECEIVED + 3600, issuedAt: RECEIVED });
  });

  it('an omitted scope is the one requested, an omitted expiry null, omitted tokens null', () => {
    const set = tokenSetFromResponse({ access_token: 'at', token_type: 'Bearer' }, RECEIVED, 'read write');
    expect(set).toEqual({ accessToken: 'at', refreshToken: null, idToken: null, tokenType: 'Bearer', scope: 'read write', expiresAt: null, issuedAt: RECEIVED });
  });

  it('expires_in of 0 is an expiry now, not none', () => {
    expect(tokenSetFromResponse({ access_token: 'at', token_type: 'Bearer', expires_in: 0 }, RECEIVED, null).expiresAt).toBe(RECEIVED);
  });

  it('keeps expires_in in whole seconds, a fraction dropped, and takes one reaching past the year 9999 as none', () => {
    const answer = { access_token: 'at', token_type: 'Bearer' };
    expect(tokenSetFromResponse({ ...answer, expires_in: 3600.9 }, RECEIVED, null).expiresAt).toBe(RECEIVED + 3600);
    expect(tokenSetFromResponse({ ...answer, expires_in: LATEST_EXPIRY - RECEIVED }, RECEIVED, null).expiresAt).toBe(LATEST_EXPIRY);
    for (const huge of [LATEST_EXPIRY - RECEIVED + 1, 1e13, Number.MAX_SAFE_INTEGER, 1e300]) {
      expect(tokenSetFromResponse({ ...answer, expires_in: huge }, RECEIVED, null).expiresAt).toBeNull();
    }
  });

  it('carries the connection API origin only when one is named', () => {
    expect(tokenSetFromResponse({ access_token: 'at', token_type: 'Bearer' }, RECEIVED, null, 'https://eu1.acme.test')).toMatchObject({ apiBaseUrl: 'https://eu1.acme.test' });
    expect(tokenSetFromResponse({ access_token: 'at', token_type: 'Bearer' }, RECEIVED, null, null)).not.toHaveProperty('apiBaseUrl');
  });

  it('keeps a refresh token expiry the provider gives (refresh_token_expires_in: GitHub, LinkedIn) only as a positive whole number with a refresh token', () => {
    const answer = { access_token: 'at', refresh_token: 'rt', token_type: 'bearer', expires_in: 28_800 };
    expect(tokenSetFromResponse({ ...answer, refresh_token_expires_in: 15_897_600 }, RECEIVED, null).refreshTokenExpiresAt).toBe(RECEIVED + 15_897_600);
    for (const odd of ['15897600', 0, -5, 1.5, null, Number.MAX_VALUE, Number.MAX_SAFE_INTEGER, LATEST_EXPIRY - RECEIVED + 1]) {
      expect(tokenSetFromResponse({ ...answer, refresh_token_expires_in: odd }, RECEIVED, null)).not.toHaveProperty('refreshTokenExpiresAt');
    }
    expect(tokenSetFromResponse({ access_token: 'at', token_type: 'bearer', refresh_token_expires_in: 100 }, RECEIVED, null)).not.toHaveProperty('refreshTokenExpiresAt');
  });
});
