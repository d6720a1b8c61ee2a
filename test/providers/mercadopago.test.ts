import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { MERCADOPAGO_ACCESS_TOKEN_SECONDS, startMercadoPagoEmulator, type MercadoPagoEmulator, type MercadoPagoSeller } from './mercadopago.emulator.js';

// An application ID and secret of the form Mercado Pago's Your integrations shows.
const CLIENT_ID = '4934588586838432';
const CLIENT_SECRET = 'pT7kQ2xW9mR4vL8nB3cF6hJ1sD5gA0eZ';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/mercadopago/callback`;

function seller(n: number): MercadoPagoSeller {
  return { id: 241983000 + n };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator. */
function mercadopagoEnv(mp: MercadoPagoEmulator): Record<string, string> {
  return presetEnv('mercadopago', CLIENT_ID, CLIENT_SECRET, {
    MERCADOPAGO_AUTHORIZE_URL: `${mp.origin}/authorization`,
    MERCADOPAGO_ACCESS_TOKEN_URL: `${mp.origin}/oauth/token`,
    MERCADOPAGO_API_BASE_URL: mp.origin,
  });
}

const MERCADOPAGO: StandardProvider<MercadoPagoSeller, MercadoPagoEmulator> = {
  preset: 'mercadopago',
  displayName: 'Mercado Pago',
  startEmulator: () => startMercadoPagoEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: mercadopagoEnv,
  people: standardPeople((id) => seller(id)),
  subjectOf: (someone) => String(someone.id),
};

const payments = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/mercadopago/proxy/v1/payments/search`);

/** A refresh at Mercado Pago as its reference shows it: JSON with the client's id and secret. */
const refreshAtMercadoPago = (tokenUrl: string, refreshToken: string) =>
  fetch(tokenUrl, { method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/json' }, body: JSON.stringify({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: refreshToken }) });

describeEachDialect('Mercado Pago, against an emulator of its OAuth and API', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), MERCADOPAGO);
  const signIn = (someone: MercadoPagoSeller) => signInAs(context, 'mercadopago', someone);
  const tokenUrl = () => `${context.emulator.origin}/oauth/token`;

  it("signs in as the token answer's user_id with no profile call, no name or e-mail; platform_id=mp and PKCE S256, no scope, the code exchanged as JSON in the body with the client in it, a 180-day token with a refresh token", async () => {
    const { database, emulator: mp, app } = context;
    const linked = seller(101);
    const { userId, request } = await signIn(linked);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('platform_id')).toBe('mp');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.get('state')).toEqual(expect.any(String));
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.has('scope')).toBe(false);
    const stored = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(stored.subject).toBe(String(linked.id));
    expect(JSON.parse(stored.claims)).toEqual({ user_id: String(linked.id) });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: null, email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'mercadopago');
    expect(token).toMatchObject({ accessToken: expect.stringMatching(/^APP_USR-/), refreshToken: expect.stringMatching(/^TG-/), scope: 'offline_access read write' });
    expectAccessTokenLifetime(token, MERCADOPAGO_ACCESS_TOKEN_SECONDS - 100, MERCADOPAGO_ACCESS_TOKEN_SECONDS);
    expect(mp.tokenRequests.at(-1)).toMatchObject({
      contentType: 'application/json',
      query: '',
      body: { grant_type: 'authorization_code', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uri: REDIRECT_URI, code_verifier: expect.any(String) },
    });
    expect(mp.server.requests.some((r) => r.path.startsWith('/v1/'))).toBe(false);
  });

  it('signing in again as the same seller finds the same account by the user ID', async () => {
    const first = await signIn(seller(105));
    const second = await signIn(seller(105));
    expect(second.userId).toBe(first.userId);
  });

  it('the proxy calls the API with the token as Bearer; 20 concurrent calls on an expired token make one JSON refresh, whose new refresh token is kept, and the spent one is refused', async () => {
    const { emulator: mp } = context;
    const linked = seller(102);
    const { browser, userId } = await signIn(linked);
    const first = await payments(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ results: [{ id: 20359978, collector_id: linked.id }] });
    expect(mp.server.requests.findLast((r) => r.path === '/v1/payments/search')!.headers.authorization).toMatch(/^Bearer APP_USR-/);
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'mercadopago', userId, () => payments(browser));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expectAccessTokenLifetime(after, MERCADOPAGO_ACCESS_TOKEN_SECONDS - 100, MERCADOPAGO_ACCESS_TOKEN_SECONDS);
    expect(mp.tokenRequests.at(-1)).toMatchObject({ contentType: 'application/json', query: '', body: { grant_type: 'refresh_token', refresh_token: before.refreshToken, client_id: CLIENT_ID, client_secret: CLIENT_SECRET } });
    expect(await statusAndBody(refreshAtMercadoPago(tokenUrl(), before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('Mercado Pago refuses a token request whose parameters are in the query, and a form-less request without the client', async () => {
    const inQuery = await fetch(`${tokenUrl()}?grant_type=refresh_token&refresh_token=TG-x`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET }) });
    expect(inQuery.status).toBe(400);
    const noClient = await statusAndBody(fetch(tokenUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: 'TG-x' }) }));
    expect(noClient).toMatchObject({ status: 400, body: { error: 'invalid_client' } });
  });

  it('an API call with a token Mercado Pago does not take is a 401', async () => {
    const response = await fetch(`${context.emulator.origin}/v1/payments/search`, { headers: { authorization: 'Bearer APP_USR-not-a-token' } });
    expect(response.status).toBe(401);
  });

  it('the application unlinked by the seller: the refused refresh marks the connection needs re-auth after one try', async () => {
    const { emulator: mp } = context;
    const leaving = seller(103);
    const { browser, userId } = await signIn(leaving);
    mp.unlinkApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'mercadopago', userId, () => payments(browser));
  });

  it('disconnect asks Mercado Pago nothing (it documents no revocation) and forgets the tokens, which Mercado Pago still takes', async () => {
    const { emulator: mp, app } = context;
    const { browser, userId } = await signIn(seller(104));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'mercadopago'))!;
    await expectDisconnectAsksNothing(context, 'mercadopago', { browser, userId });
    expect(mp.accepts(stored.accessToken)).toBe(true);
  });

  standardCases(() => context, MERCADOPAGO, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(MERCADOPAGO, { wrongSecret: { sentAs: '400 invalid_client' }, exchangeFailure: {} });

describe('the mercadopago preset in production', () => {
  it('with the client alone, authorizes at auth.mercadopago.com with platform_id=mp, exchanges at api.mercadopago.com/oauth/token and calls the API there, with no scope, PKCE and the client in the body', () => {
    const { settings } = presetInProduction('mercadopago', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Mercado Pago',
      endpoints: {
        authorizationEndpoint: 'https://auth.mercadopago.com/authorization',
        tokenEndpoint: 'https://api.mercadopago.com/oauth/token',
      },
      scope: '',
      authorizationParams: { platform_id: 'mp' },
      apiBaseUrl: 'https://api.mercadopago.com',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'user_id',
    });
    expect(settings({}).endpoints?.userinfoEndpoint).toBeUndefined();
    expect(settings({}).endpoints?.revocationEndpoint).toBeUndefined();
  });
});
