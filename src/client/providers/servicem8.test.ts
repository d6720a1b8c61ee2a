import { describe, expect, it } from 'vitest';
import { servicem8 } from './servicem8.js';

const settings = servicem8.settings({});
const { profileClaims } = settings.hooks!;

describe('servicem8 settings', () => {
  it('authorizes and exchanges at go.servicem8.com, reads the account and calls the API at api.servicem8.com/api_1.0, asks for vendor, sends the client in the form without PKCE, and has no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://go.servicem8.com/oauth/authorize',
        tokenEndpoint: 'https://go.servicem8.com/oauth/access_token',
        userinfoEndpoint: 'https://api.servicem8.com/api_1.0/vendor.json',
      },
      apiBaseUrl: 'https://api.servicem8.com/api_1.0',
      scope: 'vendor',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'id',
    });
    expect(servicem8.values).toBeUndefined();
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('servicem8 profileClaims: the record of /vendor.json', () => {
  it("takes the first record's uuid and the business's name, not the opening hours or the e-mail", () => {
    expect(
      profileClaims!([{ uuid: '3f4cd183-5c5b-47d1-b3c1-5f0e2a9b7c11', name: ' Acme Plumbing ', email: 'acme@n.servicem8.com', active: 1, opening_time_monday: '480', timezone_name: 'Pacific/Auckland' }]),
    ).toEqual({ id: '3f4cd183-5c5b-47d1-b3c1-5f0e2a9b7c11', name: 'Acme Plumbing' });
    expect(profileClaims!([{ uuid: 'a', name: '' }])).toEqual({ id: 'a' });
  });

  it.each([[[]], [[{ name: 'Acme' }]], [[{ uuid: 42 }]], [[{ uuid: ' ' }]], [{ uuid: 'not-a-list' }], [{ errorCode: 401, message: 'Your OAuth2 token is incorrect or has expired' }], [null]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
