import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectKeptAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { personalProfileOf, startWiseEmulator, WISE_ACCESS_TOKEN_SECONDS, type WiseEmulator, type WiseUser } from './wise.emulator.js';

// A client id and secret of the kind Wise's Developer Hub shows a partner.
const CLIENT_ID = 'acme-partner-app';
const CLIENT_SECRET = '3f6c1e0a-8b2d-4c7e-9a51-0d4e2f7b6c93';
const REDIRECT_URI = `${APP_ORIGIN}/auth/wise/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

function person(id: number, firstName: string, lastName: string): WiseUser {
  return { id: 9_889_000 + id, firstName, lastName, email: `${firstName.toLowerCase()}@example.com` };
}

/** Only the documented variables: the preset, the client, and Wise's endpoints and API pointed at the emulator (the user moves with the API base). */
function wiseEnv(wise: WiseEmulator): Record<string, string> {
  return presetEnv('wise', CLIENT_ID, CLIENT_SECRET, {
    WISE_AUTHORIZE_URL: `${wise.origin}/oauth/authorize/`,
    WISE_ACCESS_TOKEN_URL: `${wise.origin}/oauth/token`,
    WISE_API_BASE_URL: wise.origin,
  });
}

const WISE: StandardProvider<WiseUser, WiseEmulator> = {
  preset: 'wise',
  displayName: 'Wise',
  startEmulator: () => startWiseEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: wiseEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => String(user.id),
};

const profiles = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/wise/proxy/v2/profiles`);
const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

describeEachDialect('Wise, against an emulator of Wise', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), WISE);

  const signIn = (user: WiseUser) => signInAs(context, 'wise', user);
  const tokenUrl = () => `${context.emulator.origin}/oauth/token`;

  it('signs in as the id of /v1/me with the name and an unverified e-mail; no scope, no PKCE, the client as HTTP Basic, a 12-hour token with a refresh token', async () => {
    const { database, emulator: wise, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.has('code_challenge')).toBe(false);
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(String(ada.id));
    expect(JSON.parse(account.claims)).toMatchObject({ id: String(ada.id), name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', email: 'ada@example.com' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'wise');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'transfers' });
    expectAccessTokenLifetime(token, WISE_ACCESS_TOKEN_SECONDS - 100, WISE_ACCESS_TOKEN_SECONDS);
    const exchange = wise.server.requests.find((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toBe(basic);
    expect(wise.tokenForms[0]!.get('grant_type')).toBe('authorization_code');
    expect(wise.tokenForms[0]!.has('client_secret')).toBe(false);
    expect(wise.server.requests.find((r) => r.path === '/v1/me')!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it("the proxy calls the API; 20 concurrent calls on an expired token make one refresh, with the client as Basic, which ends the access token before it; the refresh token lasts", async () => {
    const { emulator: wise } = context;
    const grace = person(102, 'Grace', 'Hopper');
    const { browser, userId } = await signIn(grace);
    const first = await profiles(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toEqual([expect.objectContaining({ type: 'PERSONAL', id: personalProfileOf(grace), userId: grace.id })]);
    const { before, after, answers } = await expectKeptAfterStorm(context, 'wise', userId, () => profiles(browser));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(wise.accepts(before.accessToken)).toBe(false);
    expectAccessTokenLifetime(after, WISE_ACCESS_TOKEN_SECONDS - 100, WISE_ACCESS_TOKEN_SECONDS);
    expect(wise.server.requests.filter((r) => r.path === '/oauth/token').at(-1)!.headers.authorization).toBe(basic);
    expect(wise.tokenForms.at(-1)!.get('grant_type')).toBe('refresh_token');
    const again = await refreshAtProvider(tokenUrl(), CLIENT, after.refreshToken!, { by: 'basic' });
    expect(await again.json()).toMatchObject({ token_type: 'bearer', scope: 'transfers', expires_in: WISE_ACCESS_TOKEN_SECONDS, refresh_token: after.refreshToken });
    expect(wise.accepts(after.accessToken)).toBe(false);
    expect((await refreshAtProvider(tokenUrl(), CLIENT, after.refreshToken!, { by: 'form' })).status).toBe(401);
  });

  it('signing in again ends the earlier refresh token at Wise (invalid_grant); the connection holds the new one', async () => {
    const { app } = context;
    const twice = person(106, 'Signs', 'Twice');
    const first = await signIn(twice);
    const earlier = (await app.runtime.tokenStore.findToken(first.userId, 'wise'))!;
    const second = await signIn(twice);
    expect(second.userId).toBe(first.userId);
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, earlier.refreshToken!, { by: 'basic' }))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
    const now = (await app.runtime.tokenStore.findToken(first.userId, 'wise'))!;
    expect(now.refreshToken).not.toBe(earlier.refreshToken);
    expect((await refreshAtProvider(tokenUrl(), CLIENT, now.refreshToken!, { by: 'basic' })).status).toBe(200);
  });

  it("the application's access taken away marks the connection 'needs re-auth' after one refresh Wise refuses", async () => {
    const { emulator: wise } = context;
    const leaving = person(103, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    wise.removeAccess(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'wise', userId, () => profiles(browser));
  });

  it('disconnect asks Wise nothing (it documents no revocation) and forgets the tokens, which Wise still takes', async () => {
    const { emulator: wise, app } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye', 'Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'wise'))!;
    await expectDisconnectAsksNothing(context, 'wise', { browser, userId });
    expect(wise.accepts(stored.accessToken)).toBe(true);
  });

  it("the emulator's API refuses a token it does not take with a 401 invalid_token", async () => {
    const { emulator: wise } = context;
    const unknown = await fetch(`${wise.origin}/v1/me`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toMatchObject({ error: 'invalid_token' });
  });

  it('/v1/me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, WISE, person(110, 'Outage', 'Profile'), (wise) => wise.failNextProfile(500));
  });

  standardCases(() => context, WISE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(WISE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Wise in production', () => {
  it('with the client alone, signs in at wise.com and reads /v1/me and calls the API at api.wise.com, with no scope and the client as HTTP Basic', () => {
    const { settings } = presetInProduction('wise', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Wise',
      endpoints: {
        authorizationEndpoint: 'https://wise.com/oauth/authorize/',
        tokenEndpoint: 'https://api.wise.com/oauth/token',
        userinfoEndpoint: 'https://api.wise.com/v1/me',
      },
      scope: '',
      apiBaseUrl: 'https://api.wise.com',
      tokenEndpointAuthMethod: 'client_secret_basic',
      subjectClaim: 'id',
    });
  });

  it("with WISE_BASE_URL, Wise's sandbox: its authorization page, and its api. host for tokens and calls", () => {
    const { settings } = presetInProduction('wise', CLIENT);
    expect(settings({ WISE_BASE_URL: 'https://sandbox.transferwise.tech/' })).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://sandbox.transferwise.tech/oauth/authorize/',
        tokenEndpoint: 'https://api.sandbox.transferwise.tech/oauth/token',
        userinfoEndpoint: 'https://api.sandbox.transferwise.tech/v1/me',
      },
      apiBaseUrl: 'https://api.sandbox.transferwise.tech',
    });
  });
});
