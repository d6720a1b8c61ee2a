import { describe, expect, it } from 'vitest';
import { fortytwo } from './fortytwo.js';

const settings = fortytwo.settings({});
const { profileClaims } = settings.hooks!;

describe('fortytwo settings', () => {
  it('signs in at api.intra.42.fr, reads /v2/me and calls API v2, asks public without PKCE, sends the client in the form, and has no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://api.intra.42.fr/oauth/authorize',
        tokenEndpoint: 'https://api.intra.42.fr/oauth/token',
        userinfoEndpoint: 'https://api.intra.42.fr/v2/me',
      },
      apiBaseUrl: 'https://api.intra.42.fr/v2',
      scope: 'public',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'id',
    });
    expect(fortytwo.values).toBeUndefined();
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('fortytwo profileClaims: the user of /v2/me', () => {
  it('takes the id as text, the usual full name, the names, the login, the e-mail and the picture, not the wallet or the pool', () => {
    expect(
      profileClaims!({
        id: 2,
        email: 'andre@42.fr',
        login: 'andre',
        first_name: 'André',
        last_name: 'Aubin',
        usual_full_name: ' André Aubin ',
        usual_first_name: null,
        displayname: 'André Aubin',
        image: { link: 'https://cdn.intra.42.fr/users/andre.jpg', versions: {} },
        wallet: 0,
        pool_year: '2013',
      }),
    ).toEqual({ id: '2', name: 'André Aubin', given_name: 'André', family_name: 'Aubin', preferred_username: 'andre', email: 'andre@42.fr', picture: 'https://cdn.intra.42.fr/users/andre.jpg' });
  });

  it('prefers the usual first name, falls back on the display name, and leaves out what is empty', () => {
    expect(profileClaims!({ id: 7, usual_full_name: null, usual_first_name: 'Bob', first_name: 'Robert', displayname: 'Robert Martin' })).toEqual({ id: '7', name: 'Robert Martin', given_name: 'Bob' });
    expect(profileClaims!({ id: 8, email: ' ', image: { link: null } })).toEqual({ id: '8' });
  });

  it.each([[{ login: 'andre' }], [{ id: '2' }], [{ id: 0 }], [{ id: 2.5 }], [{ error: 'Not authorized' }], [null], [[{ id: 2 }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
