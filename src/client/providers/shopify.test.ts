import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { shopify, signedMessage } from './shopify.js';

const settings = shopify.settings({ domain: 'acme.myshopify.com' });
const { authorizationScope, tokenRequest, tokenResponse, profileClaims, verifyCallback } = settings.hooks!;

describe('shopify settings: everything on the store’s myshopify.com host', () => {
  it('makes the endpoints and the API base from the domain, the token in X-Shopify-Access-Token', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://acme.myshopify.com/admin/oauth/authorize',
        tokenEndpoint: 'https://acme.myshopify.com/admin/oauth/access_token',
        userinfoEndpoint: 'https://acme.myshopify.com/admin/api/2026-07/graphql.json',
      },
      apiBaseUrl: 'https://acme.myshopify.com/admin/api',
      accessTokenHeader: 'x-shopify-access-token',
      scope: 'read_products',
      refreshTokenIdleSeconds: 90 * 86_400,
      subjectClaim: 'id',
    });
    expect(shopify.values).toEqual({ domain: 'required' });
  });

  it('asks for the scopes comma-separated', () => {
    expect(authorizationScope!('read_products  write_orders')).toBe('read_products,write_orders');
  });
});

describe('shopify tokenRequest: JSON, with expiring=1 on the code exchange only', () => {
  const headers = { 'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' };

  it('the code exchange asks for an expiring offline token', () => {
    const body = new URLSearchParams({ grant_type: 'authorization_code', code: 'c0de', client_id: 'app', client_secret: 's3cret', redirect_uri: 'https://app.test/cb' });
    const sent = tokenRequest!({ body, headers });
    expect(sent.headers).toEqual({ 'content-type': 'application/json', accept: 'application/json' });
    expect(JSON.parse(sent.body)).toEqual({ grant_type: 'authorization_code', code: 'c0de', client_id: 'app', client_secret: 's3cret', redirect_uri: 'https://app.test/cb', expiring: '1' });
  });

  it('a refresh is sent as it is', () => {
    const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'r', client_id: 'app', client_secret: 's3cret' });
    expect(JSON.parse(tokenRequest!({ body, headers }).body)).toEqual({ grant_type: 'refresh_token', refresh_token: 'r', client_id: 'app', client_secret: 's3cret' });
  });
});

describe('shopify tokenResponse: RFC 6749 §5.1’s shape', () => {
  it('makes its scope space-separated; the token_type it leaves out is the core’s (omitsTokenType)', async () => {
    expect(settings.omitsTokenType).toBe(true);
    const answer = new Response(JSON.stringify({ access_token: 'shpat_1', scope: 'write_orders,read_customers', expires_in: 3600, refresh_token: 'shprt_1' }), { headers: { 'content-type': 'application/json' } });
    expect(await (await tokenResponse!(answer)).json()).toEqual({ access_token: 'shpat_1', scope: 'write_orders read_customers', expires_in: 3600, refresh_token: 'shprt_1' });
  });

  it('leaves a refusal as it came', async () => {
    const refusal = new Response('{"error":"invalid_grant"}', { status: 400, headers: { 'content-type': 'application/json' } });
    const kept = await tokenResponse!(refusal);
    expect(kept.status).toBe(400);
    expect(await kept.text()).toBe('{"error":"invalid_grant"}');
  });
});

describe('shopify profileClaims: the shop of the GraphQL answer', () => {
  it('takes data.shop, keeping its members', () => {
    const shop = { id: 'gid://shopify/Shop/548380009', name: 'Acme', email: 'owner@acme.test', myshopifyDomain: 'acme.myshopify.com' };
    expect(profileClaims!({ data: { shop } })).toEqual(shop);
  });

  it.each([[{ data: { shop: { id: 548380009 } } }], [{ data: { shop: { id: 'gid://shopify/Product/1' } } }], [{ data: null, errors: [{ message: 'Access denied' }] }], [{ errors: '[API] Invalid API key or access token' }], [null]])('finds no shop in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('shopify verifyCallback: the hmac Shopify signs its redirect with, and the store’s own shop', () => {
  const secret = 'hush';
  const sign = (parameters: Record<string, string>, key = secret) => {
    const query = new URLSearchParams(parameters);
    query.set('hmac', createHmac('sha256', key).update(signedMessage(query)).digest('hex'));
    return query;
  };
  const some = shopify.settings({ domain: 'some-shop.myshopify.com' }).hooks!.verifyCallback!;

  it('takes Shopify’s own example, its parameters in any order', () => {
    const example = 'code=0907a61c0c8d55e99db179b68161bc00&hmac=700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf&shop=some-shop.myshopify.com&state=0.6784241404160823&timestamp=1337178173';
    expect(some(new URLSearchParams(example), secret)).toBe(true);
    expect(some(new URLSearchParams('timestamp=1337178173&state=0.6784241404160823&hmac=700E2DADB827FCC8609E9D5CE208B2E9CDAAB9DF07390D2CBCA10D7C328FC4BF&shop=some-shop.myshopify.com&code=0907a61c0c8d55e99db179b68161bc00'), secret)).toBe(true);
  });

  it('signs values as a query string encodes them (the base64 host with its padding)', () => {
    const query = sign({ code: 'c', host: 'YWNtZS5teXNob3BpZnkuY29tL2FkbWlu', shop: 'acme.myshopify.com', state: 's t', timestamp: '1' });
    expect(signedMessage(query)).toBe('code=c&host=YWNtZS5teXNob3BpZnkuY29tL2FkbWlu&shop=acme.myshopify.com&state=s+t&timestamp=1');
    expect(verifyCallback!(query, secret)).toBe(true);
    expect(verifyCallback!(sign({ code: 'c', host: 'YWNtZQ==', shop: 'acme.myshopify.com' }), secret)).toBe(true);
  });

  it('refuses a changed parameter, another key, a missing or doubled hmac, another store, and a shop given twice', () => {
    const good = { code: 'c', shop: 'acme.myshopify.com', state: 's', timestamp: '1' };
    const changed = sign(good);
    changed.set('code', 'other');
    expect(verifyCallback!(changed, secret)).toBe(false);
    expect(verifyCallback!(sign(good, 'other-secret'), secret)).toBe(false);
    const missing = sign(good);
    missing.delete('hmac');
    expect(verifyCallback!(missing, secret)).toBe(false);
    const twice = sign(good);
    twice.append('hmac', twice.get('hmac')!);
    expect(verifyCallback!(twice, secret)).toBe(false);
    expect(verifyCallback!(sign({ ...good, shop: 'evil.myshopify.com' }), secret)).toBe(false);
    const shops = new URLSearchParams([['code', 'c'], ['shop', 'acme.myshopify.com'], ['shop', 'evil.myshopify.com']]);
    shops.set('hmac', createHmac('sha256', secret).update(signedMessage(shops)).digest('hex'));
    expect(verifyCallback!(shops, secret)).toBe(false);
    const short = sign(good);
    short.set('hmac', 'abc');
    expect(verifyCallback!(short, secret)).toBe(false);
  });
});
