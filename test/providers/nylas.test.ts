import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectKeptAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { NYLAS_ACCESS_TOKEN_SECONDS, startNylasEmulator, type NylasEmulator, type NylasUser } from './nylas.emulator.js';

// A Nylas application's client id (a UUID) and an API key of the form its dashboard shows.
const CLIENT_ID = '3f1c2a9e-6b7d-4e58-9a0f-2c4d6e8f1a3b';
const API_KEY = 'nyk_v0_Zq8Xr3Lm5Tb7Wc9Vd1Nf4Hg6Jk2Ps0Ya';
const REDIRECT_URI = `${APP_ORIGIN}/auth/nylas/callback`;

function person(n: number, name: string): NylasUser {
  return { grantId: `3b0f8a2e-7c41-4d9a-8e65-${String(n).padStart(12, '0')}`, email: `${name.split(' ')[0]!.toLowerCase()}.${n}@mail.example`, name };
}

/** Only the documented variables: the preset, the client (the API key as its secret), the OAuth endpoints and the API base (/grants/me moves with it). */
function nylasEnv(nylas: NylasEmulator): Record<string, string> {
  return presetEnv('nylas', CLIENT_ID, API_KEY, {
    NYLAS_AUTHORIZE_URL: `${nylas.origin}/v3/connect/auth`,
    NYLAS_ACCESS_TOKEN_URL: `${nylas.origin}/v3/connect/token`,
    NYLAS_REVOCATION_URL: `${nylas.origin}/v3/connect/revoke`,
    NYLAS_API_BASE_URL: `${nylas.origin}/v3`,
  });
}

/** A refresh at Nylas itself, the client id and API key in the form. */
function refreshAtNylas(nylas: NylasEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${nylas.origin}/v3/connect/token`, { clientId: CLIENT_ID, clientSecret: API_KEY }, refreshToken, { by: 'form' });
}

const NYLAS: StandardProvider<NylasUser, NylasEmulator> = {
  preset: 'nylas',
  displayName: 'Nylas',
  startEmulator: () => startNylasEmulator({ clientId: CLIENT_ID, clientSecret: API_KEY, redirectUri: REDIRECT_URI }),
  env: nylasEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.grantId,
};

const calendars = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/nylas/proxy/grants/me/calendars`);

describeEachDialect('Nylas, against an emulator of Nylas', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), NYLAS);

  const signIn = (user: NylasUser) => signInAs(context, 'nylas', user);

  it("signs in as the grant id of /v3/grants/me (under data), its name and e-mail (verification unknown); access_type=offline and no scope asked (the connector's granted), PKCE, the API key in the body, the ID token unread, one-hour tokens with a refresh token", async () => {
    const { database, emulator: nylas, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('access_type')).toBe('offline');
    expect(request.has('scope')).toBe(false);
    expect(request.has('nonce')).toBe(false);
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.grantId);
    expect(JSON.parse(account.claims)).toMatchObject({ id: ada.grantId, email: ada.email, provider: 'google', grant_status: 'valid' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: ada.email, email_verified: null, name: 'Ada Lovelace' });
    const exchange = nylas.server.requests.find((r) => r.path === '/v3/connect/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    const token = await app.runtime.tokenStore.findToken(userId, 'nylas');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: expect.stringContaining('https://www.googleapis.com/auth/calendar') });
    expectAccessTokenLifetime(token, NYLAS_ACCESS_TOKEN_SECONDS - 100, NYLAS_ACCESS_TOKEN_SECONDS);
  });

  it("signing in again with the same mailbox is the same person: Nylas re-authenticates the one grant, keeping its id", async () => {
    const { database } = context;
    const grace = person(106, 'Grace Again');
    const first = await signIn(grace);
    const second = await signIn(grace);
    expect(second.userId).toBe(first.userId);
    expect(await database.db.selectFrom('accounts').select('subject').where('provider', '=', 'nylas').where('user_id', '=', first.userId).execute()).toHaveLength(1);
  });

  it('the proxy calls the API under /v3 with the token as Bearer (the person is /grants/me)', async () => {
    const { emulator: nylas, app } = context;
    const grace = person(102, 'Grace Hopper');
    const { browser, userId } = await signIn(grace);
    const answer = await calendars(browser);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ data: [{ grant_id: grace.grantId, is_primary: true }] });
    const stored = await app.runtime.tokenStore.findToken(userId, 'nylas');
    expect(nylas.server.requests.filter((r) => r.path === '/v3/grants/me/calendars').at(-1)!.headers.authorization).toBe(`Bearer ${stored!.accessToken}`);
  });

  it('20 concurrent calls on an expired token make one refresh; Nylas answers no new refresh token, so the one held is kept and still works', async () => {
    const { emulator: nylas } = context;
    const { browser, userId } = await signIn(person(103, 'Alan Turing'));
    const { after } = await expectKeptAfterStorm(context, 'nylas', userId, () => calendars(browser));
    expect((await refreshAtNylas(nylas, after.refreshToken!)).status).toBe(200);
  });

  it('a refresh token Nylas refuses (400 invalid_grant: its tokens revoked behind the app) marks the connection for re-auth after one try', async () => {
    const { emulator: nylas, database, app } = context;
    const { browser, userId } = await signIn(person(104, 'Leaving Soon'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'nylas');
    const revoked = await fetch(`${nylas.origin}/v3/connect/revoke?token=${encodeURIComponent(stored!.accessToken)}`, { method: 'POST', headers: { authorization: `Bearer ${API_KEY}` } });
    expect(revoked.status).toBe(200);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'nylas', userId, () => calendars(browser));
  });

  it('disconnect revokes the access token at /v3/connect/revoke (in the query, the API key as Bearer), which ends the refresh token too', async () => {
    const { emulator: nylas } = context;
    const { browser, userId } = await signIn(person(105, 'Goodbye Person'));
    const stored = await expectDisconnectRevokes(context, 'nylas', { browser, userId }, { requests: 1 });
    const revocation = nylas.server.requests.filter((r) => r.path.startsWith('/v3/connect/revoke')).at(-1)!;
    expect(revocation.path).toBe(`/v3/connect/revoke?token=${encodeURIComponent(stored.accessToken)}`);
    expect(revocation.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(nylas.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtNylas(nylas, stored.refreshToken!)).status).toBe(400);
  });

  standardCases(() => context, NYLAS, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(NYLAS, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

it('in production the preset calls Nylas itself: api.us.nylas.com for the OAuth endpoints, /v3/grants/me and the API', () => {
  const settings = presetInProduction('nylas', { clientId: CLIENT_ID, clientSecret: API_KEY }).settings({});
  expect(settings.endpoints).toMatchObject({
    authorizationEndpoint: 'https://api.us.nylas.com/v3/connect/auth',
    tokenEndpoint: 'https://api.us.nylas.com/v3/connect/token',
    userinfoEndpoint: 'https://api.us.nylas.com/v3/grants/me',
    revocationEndpoint: 'https://api.us.nylas.com/v3/connect/revoke',
  });
  expect(settings.apiBaseUrl).toBe('https://api.us.nylas.com/v3');
});
