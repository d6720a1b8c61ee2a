import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startFigshareEmulator, FIGSHARE_ACCESS_TOKEN_SECONDS, type FigshareAccount, type FigshareEmulator } from './figshare.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the kind figshare's applications page shows (hex, 40 and 128 digits).
const CLIENT_ID = '2ad1f3c9e8b7a6d5c4b3a2f1e0d9c8b7a6f5e4d3';
const CLIENT_SECRET = 'a3f1'.repeat(32);
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/figshare/callback`;

function person(id: number, firstName: string, lastName: string): FigshareAccount {
  return { id: 1495000 + id, firstName, lastName, email: `${firstName.toLowerCase()}@university.example` };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator (the account moves with the API base). */
function figshareEnv(figshare: FigshareEmulator): Record<string, string> {
  return presetEnv('figshare', CLIENT_ID, CLIENT_SECRET, {
    FIGSHARE_AUTHORIZE_URL: `${figshare.origin}/account/applications/authorize`,
    FIGSHARE_ACCESS_TOKEN_URL: `${figshare.origin}/v2/token`,
    FIGSHARE_API_BASE_URL: `${figshare.origin}/v2`,
  });
}

const FIGSHARE: StandardProvider<FigshareAccount, FigshareEmulator> = {
  preset: 'figshare',
  displayName: 'figshare',
  startEmulator: () => startFigshareEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: figshareEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (account) => String(account.id),
};

const articles = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/figshare/proxy/account/articles`);

describeEachDialect('figshare, against an emulator of figshare', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), FIGSHARE);
  const signIn = (account: FigshareAccount) => signInAs(context, 'figshare', account);
  const tokenUrl = () => `${context.emulator.origin}/v2/token`;

  it('signs in as the id of /v2/account read with `Authorization: token`, with the names and an unverified e-mail; `all` asked, no PKCE, the client in the form, a token with a refresh token', async () => {
    const { database, emulator: figshare, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('all');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(String(ada.id));
    expect(JSON.parse(account.claims)).toEqual({ id: String(ada.id), name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', email: 'ada@university.example' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@university.example', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'figshare');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, FIGSHARE_ACCESS_TOKEN_SECONDS - 100, FIGSHARE_ACCESS_TOKEN_SECONDS);
    const exchange = figshare.server.requests.find((r) => r.path === '/v2/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    const form = figshare.tokenForms[0]!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('client_id')).toBe(CLIENT_ID);
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
    expect(figshare.server.requests.filter((r) => r.path === '/v2/account').at(-1)!.headers.authorization).toBe(`token ${token!.accessToken}`);
  });

  it('the proxy calls API v2 with `Authorization: token`; 20 concurrent calls on an expired token make one refresh with the client in the form, whose new refresh token is kept, and the spent one is refused', async () => {
    const { emulator: figshare, app } = context;
    const { browser, userId } = await signIn(person(102, 'Grace', 'Hopper'));
    const first = await articles(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject([{ id: 1434614, title: 'Dataset of Grace' }]);
    const stored = await app.runtime.tokenStore.findToken(userId, 'figshare');
    expect(figshare.server.requests.filter((r) => r.path === '/v2/account/articles').at(-1)!.headers.authorization).toBe(`token ${stored!.accessToken}`);
    const { before, after } = await expectRotatedAfterStorm(context, 'figshare', userId, () => articles(browser));
    expectAccessTokenLifetime(after, FIGSHARE_ACCESS_TOKEN_SECONDS - 100, FIGSHARE_ACCESS_TOKEN_SECONDS);
    const refresh = figshare.tokenForms.at(-1)!;
    expect(refresh.get('grant_type')).toBe('refresh_token');
    expect(refresh.get('client_secret')).toBe(CLIENT_SECRET);
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, before.refreshToken!, { by: 'form' }))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('figshare answers every token failure with 400, a wrong client too; its API takes the token as `token` or `access_token`, never as Bearer', async () => {
    const { emulator: figshare, app } = context;
    const { browser, userId } = await signIn(person(106, 'Token', 'Scheme'));
    expect((await articles(browser)).status).toBe(200);
    const stored = (await app.runtime.tokenStore.findToken(userId, 'figshare'))!;
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), { clientId: CLIENT_ID, clientSecret: 'wrong' }, stored.refreshToken!, { by: 'form' }))).toEqual({ status: 400, body: { error: 'invalid_client' } });
    expect((await fetch(`${figshare.origin}/v2/account?access_token=${stored.accessToken}`)).status).toBe(200);
    const bearer = await fetch(`${figshare.origin}/v2/account`, { headers: { authorization: `Bearer ${stored.accessToken}` } });
    expect(bearer.status).toBe(401);
    expect(await bearer.json()).toEqual({ message: 'Invalid or unknown authorization info', code: 401 });
  });

  it("the application removed from the person's figshare applications page marks the connection 'needs re-auth' after one refresh figshare refuses", async () => {
    const { emulator: figshare } = context;
    const leaving = person(103, 'Barbara', 'Liskov');
    const { browser, userId } = await signIn(leaving);
    figshare.removeApplication(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'figshare', userId, () => articles(browser));
  });

  it('disconnect asks figshare nothing (it documents no revocation) and forgets the tokens, which figshare still takes', async () => {
    const { emulator: figshare, app } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye', 'Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'figshare'))!;
    await expectDisconnectAsksNothing(context, 'figshare', { browser, userId });
    expect(figshare.accepts(stored.accessToken)).toBe(true);
  });

  it('/v2/account failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, FIGSHARE, person(110, 'Outage', 'Profile'), (figshare) => figshare.failNextProfile(500));
  });

  standardCases(() => context, FIGSHARE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(FIGSHARE, { wrongSecret: { sentAs: '400 invalid_client' }, exchangeFailure: {} });

describe('figshare in production', () => {
  it('with the client alone, signs in at figshare.com, takes tokens and reads /v2/account at api.figshare.com and calls API v2 there, asking `all` with the client in the form and the token under `token`', () => {
    const { settings } = presetInProduction('figshare', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'figshare',
      endpoints: {
        authorizationEndpoint: 'https://figshare.com/account/applications/authorize',
        tokenEndpoint: 'https://api.figshare.com/v2/token',
        userinfoEndpoint: 'https://api.figshare.com/v2/account',
      },
      scope: 'all',
      apiBaseUrl: 'https://api.figshare.com/v2',
      tokenEndpointAuthMethod: 'client_secret_post',
      userinfoTokenScheme: 'token',
      apiTokenScheme: 'token',
      subjectClaim: 'id',
    });
  });
});
