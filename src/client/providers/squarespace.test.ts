import { describe, expect, it } from 'vitest';
import { squarespace } from './squarespace.js';

const settings = squarespace.settings({});
const { authorizationScope, tokenRequest, tokenResponse, profileClaims } = settings.hooks!;

describe('squarespace settings', () => {
  it('signs in at login.squarespace.com, reads the website and calls the API at api.squarespace.com, asks website.orders.read offline, sends the client as Basic, and has no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://login.squarespace.com/api/1/login/oauth/provider/authorize',
        tokenEndpoint: 'https://login.squarespace.com/api/1/login/oauth/provider/tokens',
        userinfoEndpoint: 'https://api.squarespace.com/1.0/authorization/website',
      },
      scope: 'website.orders.read',
      authorizationParams: { access_type: 'offline' },
      apiBaseUrl: 'https://api.squarespace.com',
      apiHeaders: { 'user-agent': 'Tokenkeeper' },
      fixedApiHeaders: ['user-agent'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      pkce: false,
      refreshTokenIdleSeconds: 7 * 86_400,
      subjectClaim: 'id',
    });
    expect(squarespace.values).toEqual({ userAgent: 'optional' });
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });

  it('sends <NAME>_USER_AGENT on API calls and token requests when it is set', () => {
    const configured = squarespace.settings({ userAgent: 'Acme Orders / 2.1' });
    expect(configured.apiHeaders).toEqual({ 'user-agent': 'Acme Orders / 2.1' });
    const sent = configured.hooks!.tokenRequest!({ body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'r1' }), headers: { authorization: 'Basic eA==', 'content-type': 'application/x-www-form-urlencoded' } });
    expect(sent.headers).toEqual({ authorization: 'Basic eA==', 'content-type': 'application/json', 'user-agent': 'Acme Orders / 2.1' });
    expect(JSON.parse(sent.body)).toEqual({ grant_type: 'refresh_token', refresh_token: 'r1' });
  });

  it('joins the scopes with commas', () => {
    expect(authorizationScope!('website.orders.read website.products.read')).toBe('website.orders.read,website.products.read');
  });

  it('sends the code exchange as JSON, with Tokenkeeper as the User-Agent by default', () => {
    const sent = tokenRequest!({ body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c1', redirect_uri: 'https://app.test/cb' }), headers: { authorization: 'Basic eA==' } });
    expect(sent.headers).toEqual({ authorization: 'Basic eA==', 'content-type': 'application/json', 'user-agent': 'Tokenkeeper' });
    expect(JSON.parse(sent.body)).toEqual({ grant_type: 'authorization_code', code: 'c1', redirect_uri: 'https://app.test/cb' });
  });
});

describe('squarespace tokenResponse: access_token_expires_at as expires_in', () => {
  const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  it('makes expires_in from the epoch seconds of access_token_expires_at, a fraction allowed', async () => {
    const end = Date.now() / 1000 + 1800.5;
    const read = (await (await tokenResponse!(answer(200, { token_type: 'bearer', access_token: 'a1', access_token_expires_at: end, refresh_token: 'r1', refresh_token_expires_at: end + 6 * 86_400 }))).json()) as Record<string, unknown>;
    expect(read).toMatchObject({ access_token: 'a1', refresh_token: 'r1', token_type: 'bearer' });
    expect(read.expires_in).toBeGreaterThanOrEqual(1799);
    expect(read.expires_in).toBeLessThanOrEqual(1800);
  });

  it('leaves an answer with expires_in, without a time, or a refusal as it came', async () => {
    expect(await (await tokenResponse!(answer(200, { access_token: 'a1', expires_in: 60, access_token_expires_at: 1 }))).json()).toEqual({ access_token: 'a1', expires_in: 60, access_token_expires_at: 1 });
    expect(await (await tokenResponse!(answer(200, { access_token: 'a1', access_token_expires_at: 'soon' }))).json()).toEqual({ access_token: 'a1', access_token_expires_at: 'soon' });
    const refused = await tokenResponse!(answer(400, { error: 'invalid_grant' }));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ error: 'invalid_grant' });
  });

  it('counts an end already past as 0 seconds left', async () => {
    expect(await (await tokenResponse!(answer(200, { access_token: 'a1', access_token_expires_at: Date.now() / 1000 - 60 }))).json()).toMatchObject({ expires_in: 0 });
  });
});

describe('squarespace profileClaims: the website of /1.0/authorization/website', () => {
  it('takes the id, the title as the name, the siteId and the url, not the currency or the language', () => {
    expect(
      profileClaims!({ id: '5863f6faf7e0abc3cf95ce3a', siteId: 'developers', title: ' Squarespace Developers ', url: 'https://developers.squarespace.com', currency: 'USD', measurementStandard: 'METRIC', language: 'en-US' }),
    ).toEqual({ id: '5863f6faf7e0abc3cf95ce3a', name: 'Squarespace Developers', site_id: 'developers', url: 'https://developers.squarespace.com' });
    expect(profileClaims!({ id: '5863f6faf7e0abc3cf95ce3a', title: '' })).toEqual({ id: '5863f6faf7e0abc3cf95ce3a' });
  });

  it.each([[{ siteId: 'developers' }], [{ id: 42 }], [{ id: ' ' }], [{ type: 'AUTHORIZATION_ERROR', message: 'Unauthorized' }], [null], [[{ id: '5863f6faf7e0abc3cf95ce3a' }]]])('finds no website in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
