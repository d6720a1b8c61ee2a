import { describe, expect, it } from 'vitest';
import { goto } from './goto.js';

const settings = goto.settings({});
const { profileClaims } = settings.hooks!;

describe('goto settings', () => {
  it('signs in at authentication.logmeininc.com with no scope, the client by Basic as it is, a token type read as Bearer when missing, and no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://authentication.logmeininc.com/oauth/authorize',
        tokenEndpoint: 'https://authentication.logmeininc.com/oauth/token',
        userinfoEndpoint: 'https://api.getgo.com/identity/v1/Users/me',
      },
      scope: '',
      apiBaseUrl: 'https://api.getgo.com',
      extraApiBaseUrls: ['https://api.goto.com'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      omitsTokenType: true,
      pkce: false,
      subjectClaim: 'id',
    });
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('goto profileClaims: the SCIM user of /identity/v1/Users/me', () => {
  it('takes the user key, the display name, the name parts and the user name as the e-mail', () => {
    expect(
      profileClaims!({
        id: '8439885694023999999',
        userName: 'ada@example.com',
        displayName: ' Ada Lovelace ',
        name: { givenName: 'Ada', familyName: 'Lovelace' },
        locale: 'en_US',
        timezone: 'Europe/London',
        meta: { created: '2018-02-01T10:00:00Z', location: 'https://api.getgo.com/identity/v1/Users/8439885694023999999' },
      }),
    ).toEqual({ id: '8439885694023999999', name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', email: 'ada@example.com' });
  });

  it('joins the name parts without a display name, and keeps a user name without an @ out of the e-mail', () => {
    expect(profileClaims!({ id: '42', userName: 'ada', displayName: '', name: { givenName: 'Ada', familyName: ' ' } })).toEqual({ id: '42', name: 'Ada', given_name: 'Ada' });
  });

  it('reads a key sent as a number as the same key', () => {
    expect(profileClaims!({ id: 8439885694023, userName: 'ada@example.com' })).toEqual({ id: '8439885694023', email: 'ada@example.com' });
  });

  it.each([[{ userName: 'ada@example.com' }], [{ id: '' }], [{ id: 4.2 }], [{ id: -1 }], [{ id: { key: '42' } }], [null], [[{ id: '42' }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
