import { describe, expect, it } from 'vitest';
import { disqus } from './disqus.js';

const PUBLIC_KEY = 'E8Uh5l5fHZ6gD8U3KycjAIAk46f68Zw7C6eW8WSjZvCLXebZ7p0r1yrYDrLilk2F';
const settings = disqus.settings({}, { clientId: PUBLIC_KEY });
const { authorizationScope, tokenResponse, profileClaims } = settings.hooks!;

describe('disqus settings', () => {
  it("Disqus's endpoints, read and email asked comma-separated, the client in the form, no PKCE, the token as access_token and the public key as api_key on every call, and nothing to revoke with", () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://disqus.com/api/oauth/2.0/authorize/',
        tokenEndpoint: 'https://disqus.com/api/oauth/2.0/access_token/',
        userinfoEndpoint: 'https://disqus.com/api/3.0/users/details.json',
      },
      scope: 'read email',
      apiBaseUrl: 'https://disqus.com/api/3.0',
      accessTokenParameter: 'access_token',
      apiQueryParameters: { api_key: PUBLIC_KEY },
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'id',
    });
    expect(authorizationScope!('read  write email')).toBe('read,write,email');
    expect(settings.endpoints).not.toHaveProperty('revocationEndpoint');
    expect(settings.hooks).not.toHaveProperty('revoke');
  });

  it('without a client id (settings read for their defaults) names no api_key', () => {
    expect(disqus.settings({})).not.toHaveProperty('apiQueryParameters');
  });
});

describe('disqus tokenResponse: the scope space-separated', () => {
  const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  it('makes a comma-separated scope space-separated and keeps every other member', async () => {
    const fields = { access_token: 'a1', expires_in: 2592000, token_type: 'Bearer', refresh_token: 'r1', user_id: 3109, username: 'ada' };
    const rewritten = await tokenResponse!(answer(200, { ...fields, scope: 'read,email' }));
    expect(rewritten.status).toBe(200);
    expect(await rewritten.json()).toEqual({ ...fields, scope: 'read email' });
    expect(await (await tokenResponse!(answer(200, { ...fields, scope: 'read email' }))).json()).toEqual({ ...fields, scope: 'read email' });
  });

  it('passes an answer without a scope, a refusal and an answer that is not JSON on as they came', async () => {
    expect(await (await tokenResponse!(answer(200, { access_token: 'a1', token_type: 'Bearer' }))).json()).toEqual({ access_token: 'a1', token_type: 'Bearer' });
    const refused = await tokenResponse!(answer(400, { error: 'invalid_grant', scope: 'read,email' }));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ error: 'invalid_grant', scope: 'read,email' });
    const outage = await tokenResponse!(new Response('<h1>Bad Gateway</h1>', { status: 502, headers: { 'content-type': 'text/html' } }));
    expect(outage.status).toBe(502);
    expect(await outage.text()).toBe('<h1>Bad Gateway</h1>');
  });
});

describe('disqus profileClaims: users/details', () => {
  const user = {
    username: 'disqus_api',
    about: '',
    name: 'Ada Lovelace',
    url: '',
    profileUrl: 'http://disqus.com/disqus_api/',
    avatar: { permalink: 'http://disqus.com/api/users/avatars/disqus_api.jpg', cache: 'http://mediacdn.disqus.com/1091/images/noavatar92.png' },
    id: '1',
    isAnonymous: false,
    email: 'example@disqus.com',
  };

  it("takes the authenticated user of { code: 0, response }: its id, name, username, e-mail, profile page and avatar", () => {
    expect(profileClaims!({ code: 0, response: user })).toEqual({
      id: '1',
      name: 'Ada Lovelace',
      username: 'disqus_api',
      email: 'example@disqus.com',
      profile: 'http://disqus.com/disqus_api/',
      picture: 'http://disqus.com/api/users/avatars/disqus_api.jpg',
    });
  });

  it('reads a numeric id as its digits, and leaves out what the user does not show', () => {
    expect(profileClaims!({ code: 0, response: { id: 3109, username: 'grace', name: ' ' } })).toEqual({ id: '3109', username: 'grace' });
  });

  it('names no one for an error code, an anonymous user or a user without an id', () => {
    expect(profileClaims!({ code: 5, response: 'Invalid API key' })).toBeUndefined();
    expect(profileClaims!({ code: 0, response: { ...user, isAnonymous: true } })).toBeUndefined();
    expect(profileClaims!({ code: 0, response: { ...user, id: '' } })).toBeUndefined();
    expect(profileClaims!({ code: 0, response: { ...user, id: 1.5 } })).toBeUndefined();
    expect(profileClaims!({ response: user })).toBeUndefined();
    expect(profileClaims!(null)).toBeUndefined();
  });
});
