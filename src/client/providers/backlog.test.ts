import { describe, expect, it } from 'vitest';
import { backlog } from './backlog.js';

const settings = backlog.settings({ domain: 'acme.backlog.com' });
const { profileClaims } = settings.hooks!;

describe('backlog settings: everything on the space’s own host', () => {
  it('makes the endpoints and the API base from the domain, asks no scope, sends the client in the form, and has no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://acme.backlog.com/OAuth2AccessRequest.action',
        tokenEndpoint: 'https://acme.backlog.com/api/v2/oauth2/token',
        userinfoEndpoint: 'https://acme.backlog.com/api/v2/users/myself',
      },
      apiBaseUrl: 'https://acme.backlog.com/api/v2',
      scope: '',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'id',
    });
    expect(backlog.values).toEqual({ domain: 'required' });
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('backlog profileClaims: /api/v2/users/myself', () => {
  it('takes the numeric id, the name, the e-mail and the login name', () => {
    expect(
      profileClaims!({ id: 1, userId: 'admin', name: ' Ada Lovelace ', roleType: 1, lang: 'en', nulabAccount: { nulabId: 'Prm9ZD9D', name: 'admin', uniqueId: 'admin' }, mailAddress: 'ada@acme.test', lastLoginTime: '2022-09-01T06:35:39Z' }),
    ).toEqual({ id: 1, name: 'Ada Lovelace', email: 'ada@acme.test', preferred_username: 'admin' });
  });

  it('leaves out what is empty', () => {
    expect(profileClaims!({ id: 7, userId: '', name: 'Bob', mailAddress: null })).toEqual({ id: 7, name: 'Bob' });
  });

  it.each([[{ userId: 'admin' }], [{ id: '1' }], [{ id: 1.5 }], [{ errors: [{ message: 'Authentication failure.', code: 11 }] }], [null], [[{ id: 1 }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
