import { describe, expect, it } from 'vitest';
import { kroger } from './kroger.js';

const settings = kroger.settings({});
const { profileClaims } = settings.hooks!;

describe('kroger settings', () => {
  it('signs in and gets tokens at api.kroger.com/v1/connect/oauth2, reads the identity and calls the API under api.kroger.com/v1, asks profile.compact, sends the client as Basic with the pair as it is, and has no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://api.kroger.com/v1/connect/oauth2/authorize',
        tokenEndpoint: 'https://api.kroger.com/v1/connect/oauth2/token',
        userinfoEndpoint: 'https://api.kroger.com/v1/identity/profile',
      },
      apiBaseUrl: 'https://api.kroger.com/v1',
      scope: 'profile.compact',
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      pkce: false,
      subjectClaim: 'id',
    });
    expect(kroger.values).toBeUndefined();
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('kroger profileClaims: the customer of /v1/identity/profile', () => {
  it('takes the profile id inside data, and nothing of meta', () => {
    expect(profileClaims!({ data: { id: ' 53990804-cfd1-43f3-8256-bdc9817a4fd0 ' }, meta: { pagination: { total: 0, start: 0, limit: 0 }, warnings: ['string'] } })).toEqual({ id: '53990804-cfd1-43f3-8256-bdc9817a4fd0' });
  });

  it.each([[{ id: '53990804-cfd1-43f3-8256-bdc9817a4fd0' }], [{ data: { id: 42 } }], [{ data: { id: ' ' } }], [{ data: [{ id: 'a' }] }], [{ error: 'invalid_token', error_description: 'The access token is invalid or has expired' }], [null]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
