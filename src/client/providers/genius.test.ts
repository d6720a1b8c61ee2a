import { describe, expect, it } from 'vitest';
import { genius } from './genius.js';

const settings = genius.settings({});
const { profileClaims, tokenRequest } = settings.hooks!;

describe('genius settings', () => {
  it('api.genius.com for OAuth, the API and /account; me without PKCE, the client in the form', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://api.genius.com/oauth/authorize',
        tokenEndpoint: 'https://api.genius.com/oauth/token',
        userinfoEndpoint: 'https://api.genius.com/account',
      },
      scope: 'me',
      apiBaseUrl: 'https://api.genius.com',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'id',
    });
    expect(settings.endpoints!.revocationEndpoint).toBeUndefined();
    expect(settings.hooks!.revoke).toBeUndefined();
  });
});

describe('genius tokenRequest: the code exchange as Genius lists it', () => {
  const headers = { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' };

  it('adds response_type=code to a code exchange and keeps the rest, headers included', () => {
    const sent = tokenRequest!({ body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c0de', redirect_uri: 'https://app.test/cb', client_id: 'id', client_secret: 'secret' }), headers });
    expect(Object.fromEntries(new URLSearchParams(sent.body))).toEqual({ grant_type: 'authorization_code', code: 'c0de', redirect_uri: 'https://app.test/cb', client_id: 'id', client_secret: 'secret', response_type: 'code' });
    expect(sent.headers).toEqual(headers);
  });

  it('adds nothing to another grant', () => {
    const sent = tokenRequest!({ body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'r' }), headers });
    expect(new URLSearchParams(sent.body).has('response_type')).toBe(false);
  });
});

describe('genius profileClaims: the user of /account', () => {
  const account = { meta: { status: 200 }, response: { user: { id: 1, login: 'fake-user', name: 'Fake User', iq: 100, url: 'https://genius.com/fake-user', avatar: { thumb: { url: 'https://images.genius.com/avatars/thumb/1' } } } } };

  it('takes the numeric id as its digits, the name and the login, and nothing else', () => {
    expect(profileClaims!(account)).toEqual({ id: '1', name: 'Fake User', login: 'fake-user' });
  });

  it('keeps an e-mail the user carries, and leaves out what is empty', () => {
    expect(profileClaims!({ response: { user: { ...account.response.user, email: 'fake@example.com' } } })).toMatchObject({ email: 'fake@example.com' });
    expect(profileClaims!({ response: { user: { id: 2, name: ' ', login: '', email: null } } })).toEqual({ id: '2' });
  });

  it('names no one without a numeric id under response.user (an error answer, a bare user, an id as text)', () => {
    expect(profileClaims!({ meta: { status: 401, message: 'This call requires an access_token.' } })).toBeUndefined();
    expect(profileClaims!(account.response.user)).toBeUndefined();
    expect(profileClaims!({ response: { user: { ...account.response.user, id: '1' } } })).toBeUndefined();
    expect(profileClaims!({ response: { user: { ...account.response.user, id: 1.5 } } })).toBeUndefined();
    expect(profileClaims!(null)).toBeUndefined();
  });
});
