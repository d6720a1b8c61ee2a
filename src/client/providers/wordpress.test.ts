import { describe, expect, it } from 'vitest';
import { wordpress } from './wordpress.js';

const settings = wordpress.settings({});
const { tokenAnswerClaims, tokenRejected } = settings.hooks!;

const answer = (status: number, body: unknown) => new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('wordpress settings', () => {
  it('no scope (a token for the site the person picks), no PKCE, the client in the form, /rest/v1.1/me under the API base, nothing to revoke with', () => {
    expect(settings).toMatchObject({
      scope: '',
      pkce: false,
      tokenEndpointAuthMethod: 'client_secret_post',
      apiBaseUrl: 'https://public-api.wordpress.com',
      subjectClaim: 'ID',
      endpoints: { userinfoEndpoint: 'https://public-api.wordpress.com/rest/v1.1/me' },
    });
    expect(settings.endpoints).not.toHaveProperty('revocationEndpoint');
    expect(settings.hooks).not.toHaveProperty('revoke');
  });
});

describe('wordpress tokenAnswerClaims: the site a token reaches', () => {
  it('keeps blog_id (as a string) and blog_url, and nothing else of the answer', () => {
    expect(tokenAnswerClaims!({ access_token: 'at', token_type: 'bearer', blog_id: '59285123', blog_url: 'http://ada.wordpress.com', scope: '' })).toEqual({ blog_id: '59285123', blog_url: 'http://ada.wordpress.com' });
    expect(tokenAnswerClaims!({ access_token: 'at', blog_id: 59285123 })).toEqual({ blog_id: '59285123' });
  });

  it.each([[{ blog_id: '0', blog_url: '' }], [{ blog_id: 0 }], [{ blog_id: '' }], [{ blog_id: 'abc', blog_url: 'http://x.test' }], [{}]])('keeps no site from %j (a token of every site)', (fields) => {
    expect(tokenAnswerClaims!({ access_token: 'at', token_type: 'bearer', ...fields })).toEqual({});
  });
});

describe('wordpress tokenRejected: invalid_token whatever its 4xx status', () => {
  it('reads invalid_token with 400 or 403 as the token refused', async () => {
    expect(await tokenRejected!(answer(400, { error: 'invalid_token', message: 'The OAuth2 token is invalid.' }))).toBe(true);
    expect(await tokenRejected!(answer(403, { error: 'invalid_token', message: 'The OAuth2 token is invalid.' }))).toBe(true);
  });

  it('leaves other refusals, and server faults, as they are', async () => {
    expect(await tokenRejected!(answer(403, { error: 'unauthorized', message: 'User cannot access this private blog.' }))).toBe(false);
    expect(await tokenRejected!(answer(403, { error: 'authorization_required', message: 'An active access token must be used to query information about the current user.' }))).toBe(false);
    expect(await tokenRejected!(answer(404, { error: 'unknown_blog', message: 'Unknown blog' }))).toBe(false);
    expect(await tokenRejected!(answer(500, { error: 'invalid_token' }))).toBe(false);
    expect(await tokenRejected!(answer(400, '<h1>Bad Request</h1>'))).toBe(false);
  });
});
