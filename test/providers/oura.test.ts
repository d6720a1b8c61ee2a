import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, disconnectThrough, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startOuraEmulator, type OuraEmulator, type OuraUser } from './oura.emulator.js';

// A client id and secret of the form Oura's application page shows.
const CLIENT_ID = 'E55QJ2DGMZUXK6TN';
const CLIENT_SECRET = 'Q4Z6XKJ2M7PWN3RT5YV8BC1DF9GH0LSA';
const REDIRECT_URI = `${APP_ORIGIN}/auth/oura/callback`;

function person(n: number, email: string): OuraUser {
  return { id: `5b6d0f3c-9a1e-4f2b-8c7d-${String(n).padStart(12, '0')}`, email, age: 30 + (n % 40) };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (personal_info moves with the API base). */
function ouraEnv(oura: OuraEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('oura', CLIENT_ID, CLIENT_SECRET, {
    OURA_AUTHORIZE_URL: `${oura.origin}/oauth/authorize`,
    OURA_ACCESS_TOKEN_URL: `${oura.origin}/oauth/token`,
    OURA_REVOCATION_URL: `${oura.origin}/oauth/revoke`,
    OURA_API_BASE_URL: oura.origin,
    ...extra,
  });
}

/** A refresh at Oura itself, as another copy of the token would make it. */
function refreshAtOura(oura: OuraEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${oura.origin}/oauth/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const OURA: StandardProvider<OuraUser, OuraEmulator> = {
  preset: 'oura',
  displayName: 'Oura',
  startEmulator: () => startOuraEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: ouraEnv,
  people: {
    cancelled: person(108, 'changed.mind@example.com'),
    'refused-code': person(109, 'refused.code@example.com'),
    'wrong-secret': person(301, 'wrong.secret@example.com'),
    'exchange-failure': person(302, 'outage@example.com'),
  },
  subjectOf: (user) => user.id,
};

describeEachDialect('Oura, against an emulator of Oura', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), OURA);

  const signIn = (user: OuraUser) => signInAs(context, 'oura', user);

  const dailySleep = (browser: TestBrowser) => browser.request(`${APP_ORIGIN}/api/providers/oura/proxy/v2/usercollection/daily_sleep?start_date=2026-12-01`, { method: 'GET' });

  it('signs in as the id of personal_info with its e-mail (verification unknown); space-separated scopes, no PKCE, the client in the form, tokens of a day with a refresh token', async () => {
    const { database, emulator: oura, app } = context;
    const ada = person(101, 'ada@example.com');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('email personal daily');
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toMatchObject({ age: ada.age, biological_sex: 'female' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.email).toBe('ada@example.com');
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'oura');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'email personal daily' });
    expectAccessTokenLifetime(token, 86_300, 86_400);
    expect(oura.server.requests.find((r) => r.path === '/oauth/token')!.headers.authorization).toBeUndefined();
  });

  it('a person who unticks email signs in without an e-mail, and the connection keeps the scopes granted', async () => {
    const { database, emulator: oura, app } = context;
    oura.untickNext(['email']);
    const { userId } = await signIn(person(105, 'private@example.com'));
    expect((await database.db.selectFrom('users').select('email').where('id', '=', userId).executeTakeFirstOrThrow()).email).toBeNull();
    expect(await app.runtime.tokenStore.findToken(userId, 'oura')).toMatchObject({ scope: 'personal daily' });
  });

  it('the proxy calls API v2; 20 concurrent calls on an expired token make one refresh, the new refresh token is kept, and the used one is refused', async () => {
    const { emulator: oura } = context;
    const { browser, userId } = await signIn(person(102, 'storm@example.com'));
    const { before, answers } = await expectRotatedAfterStorm(context, 'oura', userId, () => dailySleep(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ data: [{ day: '2026-12-01', score: 82 }] });
    expect(await statusAndBody(refreshAtOura(oura, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant', title: 'Token already used or revoked' } });
  });

  it("the app removed in the person's Oura account marks the connection 'needs re-auth' after Oura's 401, with one refused refresh", async () => {
    const { emulator: oura, app } = context;
    const user = person(103, 'removing@example.com');
    const { browser, userId } = await signIn(user);
    oura.removeApp(user);
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator: oura }, 'oura', userId, () => dailySleep(browser));
  });

  it('disconnect revokes the access token at /oauth/revoke, the token in the query, and the grant ends', async () => {
    const { emulator: oura } = context;
    const { browser, userId } = await signIn(person(104, 'leaving@example.com'));
    const stored = await expectDisconnectRevokes(context, 'oura', { browser, userId }, { requests: 1 });
    const sent = oura.server.requests.filter((r) => r.path.startsWith('/oauth/revoke')).at(-1)!;
    expect(sent.method).toBe('GET');
    expect(new URL(sent.path, oura.origin).searchParams.get('access_token')).toBe(stored.accessToken);
    expect(oura.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtOura(oura, stored.refreshToken!)).status).toBe(400);
  });

  it("disconnect after the app was removed: Oura's 401 for the token it no longer has counts as revoked", async () => {
    const { emulator: oura, app } = context;
    const user = person(106, 'already.gone@example.com');
    const { browser, userId } = await signIn(user);
    oura.removeApp(user);
    expect(await disconnectThrough(browser, 'oura')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(await app.runtime.tokenStore.findToken(userId, 'oura')).toBeUndefined();
  });

  it('personal_info failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, OURA, person(110, 'outage.info@example.com'), (oura) => oura.failNextPersonalInfo(500));
  });

  standardCases(() => context, OURA, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(OURA, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
