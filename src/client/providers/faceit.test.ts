import { describe, expect, it } from 'vitest';
import { faceit } from './faceit.js';

const settings = faceit.settings({});
const { profileClaims } = settings.hooks!;

describe('faceit settings', () => {
  it('signs in at accounts.faceit.com with redirect_popup, exchanges the code and reads userinfo at api.faceit.com, asks openid profile email, sends the client as Basic with PKCE, reads no ID token, and has no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://accounts.faceit.com/accounts?redirect_popup=true',
        tokenEndpoint: 'https://api.faceit.com/auth/v1/oauth/token',
        userinfoEndpoint: 'https://api.faceit.com/auth/v1/resources/userinfo',
      },
      scope: 'openid profile email',
      apiBaseUrl: 'https://api.faceit.com',
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      idTokenUnused: true,
      subjectClaim: 'guid',
    });
    expect(settings.pkce).not.toBe(false);
    expect(faceit.values).toBeUndefined();
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('faceit profileClaims: userinfo', () => {
  const guid = '0f1e2d3c-4b5a-4697-8877-665544332211';

  it('takes the guid, the nickname as name and username, the picture and the e-mail, unverified unless userinfo says so', () => {
    expect(profileClaims!({ guid, nickname: ' s1mple ', email: 'player@example.com', picture: 'https://assets.faceit-cdn.net/avatars/x.jpg', given_name: '', family_name: '', locale: 'en', membership: 'free' })).toEqual({
      guid,
      name: 's1mple',
      preferred_username: 's1mple',
      picture: 'https://assets.faceit-cdn.net/avatars/x.jpg',
      email: 'player@example.com',
      email_verified: false,
    });
    expect(profileClaims!({ guid, nickname: 'n', email: 'p@example.com', email_verified: true })).toMatchObject({ email_verified: true });
    expect(profileClaims!({ guid, nickname: 'n', email: 'p@example.com', email_verified: 'true' })).toMatchObject({ email_verified: false });
  });

  it('names the person by the given and family names without a nickname, and leaves out what is empty', () => {
    expect(profileClaims!({ guid, given_name: 'Ada', family_name: 'Lovelace' })).toEqual({ guid, name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace' });
    expect(profileClaims!({ guid })).toEqual({ guid });
  });

  it.each([[{ nickname: 's1mple' }], [{ guid: 42 }], [{ guid: 's1mple' }], [{ guid: ' ' }], [{ error: 'invalid_token' }], [null], [[{ guid }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
