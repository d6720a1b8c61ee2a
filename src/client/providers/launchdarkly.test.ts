import { describe, expect, it } from 'vitest';
import { launchdarkly } from './launchdarkly.js';

const settings = launchdarkly.settings({});
const { profileClaims } = settings.hooks!;

describe('launchdarkly settings', () => {
  it('signs in at app.launchdarkly.com/trust/oauth, reads the caller identity, asks reader, sends the client in the form, uses PKCE and revokes at /trust/oauth/revoke', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://app.launchdarkly.com/trust/oauth/authorize',
        tokenEndpoint: 'https://app.launchdarkly.com/trust/oauth/token',
        userinfoEndpoint: 'https://app.launchdarkly.com/api/v2/caller-identity',
        revocationEndpoint: 'https://app.launchdarkly.com/trust/oauth/revoke',
      },
      apiBaseUrl: 'https://app.launchdarkly.com/api/v2',
      scope: 'reader',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
    expect(settings.pkce).not.toBe(false);
    expect(launchdarkly.values).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('launchdarkly profileClaims: the caller identity', () => {
  it('qualifies the member id by the account id and keeps the client id, not the token kinds', () => {
    expect(profileClaims!({ accountId: ' 5f3a1c2b9d8e7f6a5b4c3d2e ', memberId: '60a7b8c9d0e1f2a3b4c5d6e7', authKind: 'oauth', tokenKind: 'auth', clientId: 'ld-client-1', serviceToken: false })).toEqual({
      id: '60a7b8c9d0e1f2a3b4c5d6e7@5f3a1c2b9d8e7f6a5b4c3d2e',
      member_id: '60a7b8c9d0e1f2a3b4c5d6e7',
      account_id: '5f3a1c2b9d8e7f6a5b4c3d2e',
      client_id: 'ld-client-1',
    });
    expect(profileClaims!({ accountId: 'a', memberId: 'm' })).toEqual({ id: 'm@a', member_id: 'm', account_id: 'a' });
  });

  it.each([[{ accountId: 'a' }], [{ memberId: 'm' }], [{ accountId: 'a', memberId: ' ' }], [{ accountId: 1, memberId: 'm' }], [{ code: 'unauthorized', message: 'Invalid access token' }], [null], [[{ accountId: 'a', memberId: 'm' }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
