import { describe, expect, it } from 'vitest';
import { ebay } from './ebay.js';

const RUNAME = 'Pat_Seller-PatsApp-PRD-1a2b3c4d5-6e7f8a9b';
const settings = ebay.settings({ ruName: RUNAME });
const { tokenRequest, tokenResponse, profileClaims } = settings.hooks!;

function answer(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

describe('ebay settings', () => {
  it('sends the RuName as redirect_uri, and uses the production hosts by default', () => {
    expect(settings.redirectUriSent).toBe(RUNAME);
    expect(settings.endpoints).toEqual({
      authorizationEndpoint: 'https://auth.ebay.com/oauth2/authorize',
      tokenEndpoint: 'https://api.ebay.com/identity/v1/oauth2/token',
      userinfoEndpoint: 'https://apiz.ebay.com/commerce/identity/v1/user/',
    });
    expect(settings.apiBaseUrl).toBe('https://api.ebay.com');
  });

  it('names the Sandbox hosts under <NAME>_BASE_URL=https://sandbox.ebay.com', () => {
    const sandbox = ebay.settings({ ruName: RUNAME, baseUrl: 'https://sandbox.ebay.com/' });
    expect(sandbox.endpoints).toEqual({
      authorizationEndpoint: 'https://auth.sandbox.ebay.com/oauth2/authorize',
      tokenEndpoint: 'https://api.sandbox.ebay.com/identity/v1/oauth2/token',
      userinfoEndpoint: 'https://apiz.sandbox.ebay.com/commerce/identity/v1/user/',
    });
    expect(sandbox.apiBaseUrl).toBe('https://api.sandbox.ebay.com');
  });
});

describe('ebay tokenRequest: the RuName as redirect_uri at the code exchange', () => {
  const headers = { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', authorization: 'Basic eDp5' };

  it('replaces the callback URL openid-client sends, once, the rest as it was', () => {
    const body = new URLSearchParams({ grant_type: 'authorization_code', code: 'v^1.1#i^1', redirect_uri: 'https://app.example.com/auth/ebay/callback' });
    const sent = tokenRequest!({ body, headers });
    expect([...new URLSearchParams(sent.body)]).toEqual([['grant_type', 'authorization_code'], ['code', 'v^1.1#i^1'], ['redirect_uri', RUNAME]]);
    expect(sent.headers).toEqual(headers);
  });

  it('leaves a refresh as it was: it sends no redirect_uri', () => {
    const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'v^1.1#r^1' });
    expect(Object.fromEntries(new URLSearchParams(tokenRequest!({ body, headers }).body))).toEqual({ grant_type: 'refresh_token', refresh_token: 'v^1.1#r^1' });
  });
});

describe('ebay tokenResponse: "User Access Token" answered as Bearer', () => {
  it('rewrites the token_type of a token answer, keeping its other members', async () => {
    const body = { access_token: 'v^1.1#a', expires_in: 7200, refresh_token: 'v^1.1#r', refresh_token_expires_in: 47304000, token_type: 'User Access Token' };
    const rewritten = await tokenResponse!(answer(200, body));
    expect(rewritten.status).toBe(200);
    expect(await rewritten.json()).toEqual({ ...body, token_type: 'Bearer' });
  });

  it('leaves a refusal and a page as they were', async () => {
    const refusal = { error: 'invalid_grant', error_description: 'the provided authorization refresh token is invalid or was issued to another client' };
    const refused = await tokenResponse!(answer(400, refusal));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual(refusal);
    expect((await tokenResponse!(new Response('<h1>Service Unavailable</h1>', { status: 503 }))).status).toBe(503);
  });
});

describe("ebay profileClaims: the Identity API's user", () => {
  it('an individual account: userId, username, the first and last name, the e-mail', () => {
    expect(
      profileClaims!({
        userId: 'nY8sGfq1Kd2',
        username: 'pat_sells',
        accountType: 'INDIVIDUAL',
        registrationMarketplaceId: 'EBAY_US',
        status: 'CONFIRMED',
        individualAccount: { firstName: 'Pat', lastName: 'Seller', email: 'pat@example.com' },
      }),
    ).toEqual({ userId: 'nY8sGfq1Kd2', username: 'pat_sells', name: 'Pat Seller', email: 'pat@example.com', accountType: 'INDIVIDUAL' });
  });

  it("a business account: the business's name and e-mail", () => {
    expect(profileClaims!({ userId: 'b7Q', username: 'acme_store', accountType: 'BUSINESS', businessAccount: { name: 'Acme Store', email: 'shop@acme.test' } })).toEqual({
      userId: 'b7Q',
      username: 'acme_store',
      name: 'Acme Store',
      email: 'shop@acme.test',
      accountType: 'BUSINESS',
    });
  });

  it('only a userId without the e-mail scope; nothing without a userId', () => {
    expect(profileClaims!({ userId: 'u1', individualAccount: {} })).toEqual({ userId: 'u1' });
    expect(profileClaims!({ username: 'pat_sells' })).toBeUndefined();
    expect(profileClaims!({ userId: '' })).toBeUndefined();
    expect(profileClaims!([])).toBeUndefined();
  });
});
