import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, disconnectThrough, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startProcoreEmulator, type ProcoreEmulator, type ProcoreUser } from './procore.emulator.js';

// A client id and secret of the form the Developer Portal shows (64 hex characters each).
const CLIENT_ID = '9b36d8c0db59eff5038aea7a417d64eb347a75b41aac771816d2ef1b3109cc2f';
const CLIENT_SECRET = 'd6ea27703957b69939b8104ed1234567e210cd2e79af587744a7eb6e58f5b3d2';
const REDIRECT_URI = `${APP_ORIGIN}/auth/procore/callback`;

function person(id: number, name: string): ProcoreUser {
  const login = `${name.replace(/\s/g, '.').toLowerCase()}@contractor.example.com`;
  return { id: 7_000_000 + id, login, name, company: `${name.split(' ')[0]} Builders` };
}

/** Only the documented variables: the preset, the client, and PROCORE_BASE_URL naming the emulator as the authentication base URL (a host Procore's sandbox page does not pair serves the API too). */
function procoreEnv(procore: ProcoreEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('procore', CLIENT_ID, CLIENT_SECRET, { PROCORE_BASE_URL: procore.origin, ...extra });
}

/** A refresh at Procore itself, as another copy of the token would make it. */
function refreshAtProcore(procore: ProcoreEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${procore.origin}/oauth/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const PROCORE: StandardProvider<ProcoreUser, ProcoreEmulator> = {
  preset: 'procore',
  displayName: 'Procore',
  startEmulator: () => startProcoreEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: procoreEnv,
  people: standardPeople(person),
  subjectOf: (user) => String(user.id),
};

const companies = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/procore/proxy/rest/v1.0/companies`);

describeEachDialect('Procore, against an emulator of a Procore environment named by PROCORE_BASE_URL', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), PROCORE);

  const signIn = (user: ProcoreUser) => signInAs(context, 'procore', user);

  it('signs in as the id of /rest/v1.0/me with its name and login (the e-mail, verification unknown); no scope or PKCE, the client in the form, a 90-minute token and a refresh token', async () => {
    const { database, emulator: procore, app } = context;
    const ada = person(101, 'Ada Foreman');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.has('code_challenge')).toBe(false);
    expect(request.get('state')).toEqual(expect.any(String));
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('7000101');
    expect(JSON.parse(account.claims)).toMatchObject({ id: 7_000_101, login: 'ada.foreman@contractor.example.com', name: 'Ada Foreman' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada.foreman@contractor.example.com', name: 'Ada Foreman' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'procore');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, 5300, 5400);
    const exchange = procore.server.requests.find((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
  });

  it('signing in again finds the same person by id, whatever their login and name became', async () => {
    const first = await signIn(person(102, 'Grace Estimator'));
    const second = await signIn({ ...person(102, 'Grace Estimator'), login: 'grace@newfirm.example.com', name: 'Grace Hopper' });
    expect(second.userId).toBe(first.userId);
  });

  it('the proxy reaches the REST API; 20 concurrent calls on an expired token make one refresh, the new refresh token is kept, and Procore refuses the spent one', async () => {
    const { emulator: procore } = context;
    const { browser, userId } = await signIn(person(103, 'Storm Person'));
    const { before, answers } = await expectRotatedAfterStorm(context, 'procore', userId, () => companies(browser));
    expect(JSON.parse(answers[0]!.text)).toEqual([{ id: 8_089, name: 'Storm Builders', is_active: true, my_company: true }]);
    expect(await statusAndBody(refreshAtProcore(procore, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("a refresh token Procore refuses (400 invalid_grant) marks the connection 'needs re-auth', with one attempt", async () => {
    const { database, emulator: procore, app } = context;
    const { browser, userId } = await signIn(person(104, 'Refused Refresh'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'procore');
    // Spent behind the app's back (another copy of the token used it): Procore invalidates a refresh token once used.
    expect((await refreshAtProcore(procore, stored!.refreshToken!)).status).toBe(200);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator: procore }, 'procore', userId, () => companies(browser));
  });

  it('disconnect revokes at /oauth/revoke once, the access token with the client in the form, which ends the refresh token too', async () => {
    const { emulator: procore } = context;
    const { browser, userId } = await signIn(person(105, 'Leaving Person'));
    const stored = await expectDisconnectRevokes(context, 'procore', { browser, userId }, { requests: 1 });
    expect(procore.revoked.at(-1)).toBe(stored.accessToken);
    expect(procore.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtProcore(procore, stored.refreshToken!)).status).toBe(400);
  });

  it('disconnect on an expired access token refreshes it first, then revokes the live one, so the refresh token ends too', async () => {
    const { database, emulator: procore, app } = context;
    const { browser, userId } = await signIn(person(106, 'Late Leaver'));
    await expireAccessTokens(database, userId);
    const refreshes = procore.server.counts.refresh_token ?? 0;
    expect(await disconnectThrough(browser, 'procore')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(procore.server.counts.refresh_token).toBe(refreshes + 1);
    expect(procore.accepts(procore.revoked.at(-1)!)).toBe(false);
    expect(await app.runtime.tokenStore.findToken(userId, 'procore')).toBeUndefined();
  });

  standardCases(() => context, PROCORE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(PROCORE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
