import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startAlpacaEmulator, type AlpacaEmulator, type AlpacaPerson } from './alpaca.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { describeClientFailures, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the form Alpaca's OAuth Apps page shows for a new app.
const CLIENT_ID = 'fc9c55efa3924f369d6c1148e668bbe8';
const CLIENT_SECRET = '5b8027074d8ab434882c0806833e76508861c366';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/alpaca/callback`;

function person(id: number): AlpacaPerson {
  const suffix = String(id).padStart(12, '0');
  return {
    live: { id: `e6fe16f3-64a4-4921-8928-${suffix}`, number: `0102${String(id).padStart(4, '0')}LV` },
    paper: { id: `904837e3-3b76-47ec-b432-${suffix}`, number: `PA${String(id).padStart(8, '0')}` },
  };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator (the account moves with the API base). */
function alpacaEnv(alpaca: AlpacaEmulator): Record<string, string> {
  return presetEnv('alpaca', CLIENT_ID, CLIENT_SECRET, {
    ALPACA_AUTHORIZE_URL: `${alpaca.origin}/oauth/authorize`,
    ALPACA_ACCESS_TOKEN_URL: `${alpaca.origin}/oauth/token`,
    ALPACA_API_BASE_URL: alpaca.origin,
  });
}

const ALPACA: StandardProvider<AlpacaPerson, AlpacaEmulator> = {
  preset: 'alpaca',
  displayName: 'Alpaca',
  startEmulator: () => startAlpacaEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: alpacaEnv,
  people: standardPeople((id) => person(id)),
  subjectOf: (someone) => someone.live.id,
};

const orders = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/alpaca/proxy/v2/orders`);

describeEachDialect('Alpaca, against an emulator of Alpaca', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), ALPACA);
  const signIn = (someone: AlpacaPerson) => signInAs(context, 'alpaca', someone);

  it("signs in as the id of the live account of /v2/account, its number kept, no name or e-mail; no scope, env=live, no PKCE, the client in the form with the redirect_uri again, a token that never expires and no refresh token", async () => {
    const { database, emulator: alpaca, app } = context;
    const ada = person(101);
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.get('env')).toBe('live');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('state')).toBe(true);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.live.id);
    expect(JSON.parse(account.claims)).toEqual({ id: ada.live.id, preferred_username: ada.live.number, status: 'ACTIVE', currency: 'USD' });
    expect(await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow()).toEqual({ name: null, email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'alpaca');
    expect(token).toMatchObject({ refreshToken: null, expiresAt: null, tokenType: 'bearer' });
    const exchange = alpaca.server.requests.findLast((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(alpaca.server.requests.findLast((r) => r.path === '/v2/account')!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the token endpoint refuses an exchange without one of its required parameters, and a client secret in no form', async () => {
    const { emulator: alpaca } = context;
    const answer = await fetch(`${alpaca.origin}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x', client_id: CLIENT_ID, client_secret: CLIENT_SECRET }) });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({ error: 'invalid_request' });
    const basic = await fetch(`${alpaca.origin}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x', redirect_uri: REDIRECT_URI }),
    });
    expect(basic.status).toBe(401);
  });

  it('the proxy calls the Trading API with the token as Bearer; 20 concurrent calls ask Alpaca for no token, as there is nothing to refresh', async () => {
    const { emulator: alpaca } = context;
    const { browser } = await signIn(person(102));
    const tokenRequests = alpaca.server.counts.token_request ?? 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => orders(browser)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(JSON.parse(answers[0]!.text)).toMatchObject([{ symbol: 'AAPL', status: 'accepted' }]);
    expect(alpaca.server.counts.token_request ?? 0).toBe(tokenRequests);
  });

  it('signing in again finds the same person by the live account id', async () => {
    const first = await signIn(person(105));
    const second = await signIn(person(105));
    expect(second.userId).toBe(first.userId);
  });

  it("the app revoked on Alpaca's OAuth Apps page (its 401) marks the connection 'needs re-auth', with no token request", async () => {
    const { emulator: alpaca } = context;
    const leaving = person(103);
    const { browser, userId } = await signIn(leaving);
    alpaca.removeAccess(leaving);
    await expectNeedsReauthWithoutTokenRequest(context, 'alpaca', userId, () => orders(browser));
  });

  it('disconnect asks Alpaca nothing (it documents no revocation) and forgets the token, which Alpaca still takes', async () => {
    const { emulator: alpaca, app } = context;
    const { browser, userId } = await signIn(person(104));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'alpaca'))!;
    await expectDisconnectAsksNothing(context, 'alpaca', { browser, userId });
    expect(alpaca.accepts(stored.accessToken)).toBe(true);
  });

  it('/v2/account failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, ALPACA, person(110), (alpaca) => alpaca.failNextAccount(500));
  });

  standardCases(() => context, ALPACA, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeEachDialect('Alpaca, a paper account (env=paper)', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), {
    startEmulator: ALPACA.startEmulator,
    env: (alpaca: AlpacaEmulator) => ({ ...alpacaEnv(alpaca), ALPACA_AUTHORIZATION_PARAMS: 'env=paper', ALPACA_SCOPE: 'account:write trading' }),
  });

  it("signs in as the paper account's id when the authorization asks for a paper account, with the scopes set", async () => {
    const { database, app } = context;
    const grace = person(201);
    const { userId, request } = await signInAs(context, 'alpaca', grace);
    expect(request.get('env')).toBe('paper');
    expect(request.get('scope')).toBe('account:write trading');
    const account = await database.db.selectFrom('accounts').select(['subject']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(grace.paper.id);
    expect(await app.runtime.tokenStore.findToken(userId, 'alpaca')).toMatchObject({ scope: 'account:write trading' });
  });
});

describeClientFailures(ALPACA, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Alpaca in production', () => {
  it('with the client alone, authorizes a live account at app.alpaca.markets, exchanges the code and calls the API at api.alpaca.markets, with no scope and the client in the form', () => {
    const { settings } = presetInProduction('alpaca', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Alpaca',
      endpoints: {
        authorizationEndpoint: 'https://app.alpaca.markets/oauth/authorize',
        tokenEndpoint: 'https://api.alpaca.markets/oauth/token',
        userinfoEndpoint: 'https://api.alpaca.markets/v2/account',
      },
      scope: '',
      authorizationParams: { env: 'live' },
      apiBaseUrl: 'https://api.alpaca.markets',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
  });

  it('a paper account: its API base moves the account call with it', () => {
    const { settings } = presetInProduction('alpaca', CLIENT);
    expect(settings({ ALPACA_API_BASE_URL: 'https://paper-api.alpaca.markets', ALPACA_AUTHORIZATION_PARAMS: 'env=paper' })).toMatchObject({
      endpoints: { userinfoEndpoint: 'https://paper-api.alpaca.markets/v2/account' },
      authorizationParams: { env: 'paper' },
      apiBaseUrl: 'https://paper-api.alpaca.markets',
    });
  });
});
