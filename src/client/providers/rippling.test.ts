import { describe, expect, it } from 'vitest';
import { rippling } from './rippling.js';

const settings = rippling.settings({});
const { profileClaims } = settings.hooks!;

describe('rippling settings', () => {
  it('signs in at app.rippling.com with the OpenID scopes, reads the person at api.rippling.com, sends the client as plain Basic, no PKCE, no ID token read, no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://app.rippling.com/oidc/v1/authorize',
        tokenEndpoint: 'https://app.rippling.com/api/o/token/',
        userinfoEndpoint: 'https://api.rippling.com/platform/api/userinfo',
      },
      scope: 'openid profile email address phone',
      apiBaseUrl: 'https://api.rippling.com/platform/api',
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      pkce: false,
      idTokenUnused: true,
      subjectClaim: 'sub',
    });
    expect(rippling.values).toBeUndefined();
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('rippling profileClaims: the user info', () => {
  it('keeps the sub, the names, the username, the picture and the e-mail with its verification, not the birthdate, gender, address or phone', () => {
    expect(
      profileClaims!({
        sub: '5fb2f623a2b0ae0029fb60ea',
        picture: 'https://example.com/d3e8dded.png',
        name: ' James Smiths ',
        family_name: 'Smiths',
        given_name: 'James',
        preferred_username: 'James',
        birthdate: '2017-06-08',
        gender: 'male',
        email: 'sample@email.com',
        email_verified: true,
        address: '{"street_address": "1930 Guerrero Street", "locality": "San Francisco"}',
        phone_number: '1231232133',
        phone_number_verified: true,
      }),
    ).toEqual({ sub: '5fb2f623a2b0ae0029fb60ea', name: 'James Smiths', given_name: 'James', family_name: 'Smiths', preferred_username: 'James', picture: 'https://example.com/d3e8dded.png', email: 'sample@email.com', email_verified: true });
  });

  it('joins the given and family names when there is no name, and claims no verification without an e-mail', () => {
    expect(profileClaims!({ sub: 'r1', name: ' ', given_name: 'Ada', family_name: 'Lovelace', email_verified: true })).toEqual({ sub: 'r1', name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace' });
    expect(profileClaims!({ sub: 'r2', email: 'grace@acme.test', email_verified: 'yes' })).toEqual({ sub: 'r2', email: 'grace@acme.test' });
    expect(profileClaims!({ sub: 'r3' })).toEqual({ sub: 'r3' });
  });

  it.each([[{ name: 'James Smiths' }], [{ sub: 42 }], [{ sub: ' ' }], [{ detail: 'Invalid token.' }], [null], [[{ sub: 'r1' }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
