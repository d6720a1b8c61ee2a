import { describe, expect, it } from 'vitest';
import { foursquare } from './foursquare.js';

const settings = foursquare.settings({});
const { profileClaims } = settings.hooks!;

describe('foursquare settings', () => {
  it('no scope and no PKCE, the client in the form, an answer without token_type read as Bearer, the token in oauth_token, the profile at /users/self with its version, and nothing to revoke with', () => {
    expect(settings).toMatchObject({
      scope: '',
      pkce: false,
      tokenEndpointAuthMethod: 'client_secret_post',
      omitsTokenType: true,
      accessTokenParameter: 'oauth_token',
      apiBaseUrl: 'https://api.foursquare.com/v2',
      endpoints: { authorizationEndpoint: 'https://foursquare.com/oauth2/authenticate', tokenEndpoint: 'https://foursquare.com/oauth2/access_token' },
    });
    const userinfo = new URL(settings.endpoints!.userinfoEndpoint!);
    expect(userinfo.origin + userinfo.pathname).toBe('https://api.foursquare.com/v2/users/self');
    expect(userinfo.searchParams.get('v')).toMatch(/^\d{8}$/);
    expect(settings.endpoints).not.toHaveProperty('revocationEndpoint');
    expect(settings.hooks).not.toHaveProperty('revoke');
  });
});

describe('foursquare profileClaims: /users/self', () => {
  it('takes the user of response.user: its id, first and last names, and the contact e-mail', () => {
    const body = {
      meta: { code: 200, requestId: '5f0c2b3e1a2b3c4d5e6f7a8b' },
      response: { user: { id: '11234567', firstName: 'Ada', lastName: 'Lovelace', relationship: 'self', contact: { email: 'ada@acme.test', twitter: 'ada' } } },
    };
    expect(profileClaims!(body)).toEqual({ id: '11234567', name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', email: 'ada@acme.test' });
  });

  it('leaves out what the user does not show: no last name, no contact', () => {
    expect(profileClaims!({ meta: { code: 200 }, response: { user: { id: '42', firstName: 'Cher' } } })).toEqual({ id: '42', name: 'Cher', given_name: 'Cher' });
  });

  it('names no one without a user id', () => {
    expect(profileClaims!({ meta: { code: 200 }, response: { user: { firstName: 'Ada' } } })).toBeUndefined();
    expect(profileClaims!({ meta: { code: 200 }, response: {} })).toBeUndefined();
    expect(profileClaims!({ id: '42', firstName: 'Ada' })).toBeUndefined();
    expect(profileClaims!(null)).toBeUndefined();
  });
});
