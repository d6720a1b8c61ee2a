import { describe, expect, it } from 'vitest';
import { lucid } from './lucid.js';

const settings = lucid.settings({});
const { tokenRequest, tokenResponse, profileClaims } = settings.hooks!;

describe('lucid settings', () => {
  it('a user token with a refresh token, version 1 of the API unless the caller names one, refresh tokens ending 180 days unused', () => {
    expect(settings).toMatchObject({
      scope: 'offline_access user.profile',
      tokenEndpointAuthMethod: 'client_secret_post',
      apiHeaders: { 'lucid-api-version': '1' },
      proxyHeaders: { request: ['lucid-api-version'] },
      refreshTokenIdleSeconds: 180 * 86_400,
      subjectClaim: 'id',
    });
    expect(settings.fixedApiHeaders).toBeUndefined();
  });
});

describe('lucid tokenRequest: the form as the JSON body Lucid takes', () => {
  it('sends every member as JSON, the content type JSON, the other headers kept', () => {
    const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'oauth2-r1', client_id: 'c', client_secret: 's' });
    const sent = tokenRequest!({ body, headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' } });
    expect(JSON.parse(sent.body)).toEqual({ grant_type: 'refresh_token', refresh_token: 'oauth2-r1', client_id: 'c', client_secret: 's' });
    expect(sent.headers).toEqual({ accept: 'application/json', 'content-type': 'application/json' });
  });
});

describe('lucid tokenResponse: the scopes array as scope', () => {
  const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', 'x-kept': 'yes' } });

  it('space-joins `scopes`, every other member and header kept', async () => {
    const rebuilt = await tokenResponse!(answer(200, { access_token: 'oauth2-a', refresh_token: 'oauth2-r', user_id: 341, expires_in: 3600, expires: 1605732868411, scopes: ['lucidchart.document.app', 'offline_access'], token_type: 'bearer' }));
    expect(await rebuilt.json()).toEqual({ access_token: 'oauth2-a', refresh_token: 'oauth2-r', user_id: 341, expires_in: 3600, expires: 1605732868411, scopes: ['lucidchart.document.app', 'offline_access'], scope: 'lucidchart.document.app offline_access', token_type: 'bearer' });
    expect(rebuilt.headers.get('x-kept')).toBe('yes');
  });

  it('passes on a refusal, an answer with its own scope, and one without scopes, as they were', async () => {
    for (const original of [answer(400, { error: 'invalid_grant' }), answer(200, { access_token: 'a', scope: 'x', scopes: ['y'] }), answer(200, { access_token: 'a' })]) {
      expect(await tokenResponse!(original)).toBe(original);
    }
  });
});

describe('lucid profileClaims: /users/me/profile', () => {
  it('takes the id as digits, the full name, username, e-mail and account id', () => {
    expect(profileClaims!({ accountId: 100, username: 'johndoe', email: 'john-doe@example.com', fullName: 'John Doe', id: 101, avatar: { type: 'url', link: 'https://www.gravatar.com/avatar/0' } })).toEqual({
      id: '101',
      name: 'John Doe',
      username: 'johndoe',
      email: 'john-doe@example.com',
      account_id: '100',
    });
  });

  it('leaves out what is empty', () => {
    expect(profileClaims!({ id: 7, fullName: ' ', email: '', username: null })).toEqual({ id: '7' });
  });

  it.each([[{ username: 'johndoe' }], [{ id: '101' }], [{ id: 1.5 }], [{ id: 0 }], [null], [[{ id: 1 }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
