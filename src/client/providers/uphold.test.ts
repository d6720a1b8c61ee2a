import { describe, expect, it } from 'vitest';
import { uphold } from './uphold.js';

const CLIENT_ID = 'c3b9e2f4a71d58c06e4b1a9d27f3c8e5b0a6d412';
const settings = uphold.settings({}, { clientId: CLIENT_ID });
const { profileClaims } = settings.hooks!;

describe('uphold settings', () => {
  it('authorizes at wallet.uphold.com with the client id in the path, exchanges at api.uphold.com with the client as Basic, asks user:read, reads the answer without token_type as Bearer, and has no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: `https://wallet.uphold.com/authorize/${CLIENT_ID}`,
        tokenEndpoint: 'https://api.uphold.com/oauth2/token',
        userinfoEndpoint: 'https://api.uphold.com/v0/me',
      },
      apiBaseUrl: 'https://api.uphold.com/v0',
      scope: 'user:read',
      tokenEndpointAuthMethod: 'client_secret_basic',
      omitsTokenType: true,
      pkce: false,
      subjectClaim: 'id',
    });
    expect(uphold.values).toBeUndefined();
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });

  it('percent-encodes a client id that is not a plain path segment', () => {
    expect(uphold.settings({}, { clientId: 'a/b c' }).endpoints?.authorizationEndpoint).toBe('https://wallet.uphold.com/authorize/a%2Fb%20c');
  });
});

describe('uphold profileClaims: the User Object of /v0/me', () => {
  it('takes the id, the name, the first and last names, the username and the e-mail, not the address, birthdate or balances', () => {
    expect(
      profileClaims!({ address: { city: 'Ryleighfort' }, birthdate: '2000-09-27', country: 'US', email: 'malika.koss@example.com', firstName: 'Malika', id: '21e65c4d-55e4-41be-97a1-ff38d8f3d945', lastName: 'Koss', name: ' Malika Koss ', status: 'ok', type: 'individual', username: 'malika' }),
    ).toEqual({ id: '21e65c4d-55e4-41be-97a1-ff38d8f3d945', name: 'Malika Koss', given_name: 'Malika', family_name: 'Koss', preferred_username: 'malika', email: 'malika.koss@example.com' });
  });

  it('joins the first and last names when there is no name, and leaves out what is empty', () => {
    expect(profileClaims!({ id: 'u-1', name: ' ', firstName: 'Ada', lastName: 'Lovelace', email: null })).toEqual({ id: 'u-1', name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace' });
    expect(profileClaims!({ id: 'u-2' })).toEqual({ id: 'u-2' });
  });

  it.each([[{ name: 'Luke Skywalker', email: 'luke.skywalker@uphold.com' }], [{ id: 42 }], [{ id: ' ' }], [{ code: 'unauthorized' }], [null], [[{ id: 'u-1' }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
