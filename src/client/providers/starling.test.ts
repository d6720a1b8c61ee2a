import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { starling } from './starling.js';

const settings = starling.settings({});
const { profileClaims, revoke } = settings.hooks!;

describe('starling profileClaims: /api/v2/identity/token', () => {
  it('takes the accountHolderUid, and not the application user, the scopes or the deprecated customerUid', () => {
    expect(
      profileClaims!({
        accountHolderUid: 'aabbaabb-aabb-aabb-aabb-aabbaabbaabb',
        expiresAt: '2026-12-08T09:00:00.000Z',
        expiresInSeconds: 86_000,
        scopes: ['account:read', 'balance:read'],
        authenticated: true,
        applicationUserUid: 'ccddccdd-ccdd-ccdd-ccdd-ccddccddccdd',
        customerUid: 'aabbaabb-aabb-aabb-aabb-aabbaabbaabb',
      }),
    ).toEqual({ accountHolderUid: 'aabbaabb-aabb-aabb-aabb-aabbaabbaabb' });
  });

  it.each([
    [{ customerUid: 'aabbaabb-aabb-aabb-aabb-aabbaabbaabb', scopes: [] }],
    [{ accountHolderUid: ' ' }],
    [{ accountHolderUid: 42 }],
    [{ errors: [{ message: 'Something about the error' }], success: false }],
    [null],
    [[{ accountHolderUid: 'aabbaabb-aabb-aabb-aabb-aabbaabbaabb' }]],
  ])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('starling revoke: PUT /api/v2/identity/logout', () => {
  const endpoint = 'https://api.starlingbank.com/api/v2/identity/logout';
  const request = (status: number, state: Partial<RevocationRequest> = {}) => revocationRequest(answer(status), { revocationEndpoint: endpoint, ...state });

  it('202 is revoked; the access token goes as Bearer in a PUT to the configured endpoint', async () => {
    const { value, sent } = request(202);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe(endpoint);
    expect(sent[0]!.init.method).toBe('PUT');
    expect(sent[0]!.init.headers.authorization).toBe('Bearer live');
  });

  it('a 401 for a live token, or once Starling refused the refresh token, is already revoked; for an expired one it proves nothing', async () => {
    expect(await revoke!(request(401).value)).toBe('already_revoked');
    expect(await revoke!(request(401, { accessTokenExpired: true, refreshTokenRefused: true }).value)).toBe('already_revoked');
    await expect(revoke!(request(401, { accessTokenExpired: true }).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(500).value)).rejects.toMatchObject({ code: 'provider_error' });
  });

  it('without an endpoint it does not guess one', async () => {
    await expect(revoke!(request(202, { revocationEndpoint: undefined }).value)).rejects.toThrow('logout endpoint');
  });
});

describe('starling settings', () => {
  it("signs in at oauth.starlingbank.com, takes tokens at token-api.starlingbank.com, reads the token's identity and calls API v2 at api.starlingbank.com, asks no scope, sends the client in the form, no PKCE", () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://oauth.starlingbank.com/',
        tokenEndpoint: 'https://token-api.starlingbank.com/oauth/access-token',
        userinfoEndpoint: 'https://api.starlingbank.com/api/v2/identity/token',
        revocationEndpoint: 'https://api.starlingbank.com/api/v2/identity/logout',
      },
      scope: '',
      apiBaseUrl: 'https://api.starlingbank.com/api/v2',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'accountHolderUid',
    });
    expect(starling.values).toBeUndefined();
  });
});
