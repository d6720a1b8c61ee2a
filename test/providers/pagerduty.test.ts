import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, signInAs, signInThrough } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, rowCounts, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startPagerDutyEmulator, type PagerDutyEmulator, type PagerDutyUser } from './pagerduty.emulator.js';

// A client id and secret of the form PagerDuty's App Registration shows.
const CLIENT_ID = '8e9146fe-669e-4c67-bb38-d82a889b36ef';
const CLIENT_SECRET = 'pdus+_2XBPWQQ_5d7c9e1a-3b4f-4e6a-9c8d-7f6e5d4c3b2a';
const REDIRECT_URI = `${APP_ORIGIN}/auth/pagerduty/callback`;
const V2 = 'application/vnd.pagerduty+json;version=2';

function person(id: string, name: string): PagerDutyUser {
  return { id, name, email: `${name.split(' ')[0]!.toLowerCase()}@example.com`, accountId: 'PE6RLQ4', subdomain: 'acme' };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (the profile moves with the API base). */
function pagerdutyEnv(pagerduty: PagerDutyEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return {
    OAUTH_PROVIDERS: 'pagerduty',
    PAGERDUTY_PRESET: 'pagerduty',
    PAGERDUTY_CLIENT_ID: CLIENT_ID,
    PAGERDUTY_CLIENT_SECRET: CLIENT_SECRET,
    PAGERDUTY_AUTHORIZE_URL: `${pagerduty.origin}/oauth/authorize`,
    PAGERDUTY_ACCESS_TOKEN_URL: `${pagerduty.origin}/oauth/token`,
    PAGERDUTY_API_BASE_URL: pagerduty.origin,
    ...extra,
  };
}

/** A refresh at PagerDuty itself, as another copy of the token would make it, the client in the form as PagerDuty's docs send it. */
function refreshAtPagerDuty(pagerduty: PagerDutyEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${pagerduty.origin}/oauth/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const startEmulator = () => startPagerDutyEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI });

const PAGERDUTY: StandardProvider<PagerDutyUser, PagerDutyEmulator> = {
  preset: 'pagerduty',
  displayName: 'PagerDuty',
  startEmulator,
  env: pagerdutyEnv,
  people: {
    cancelled: person('PCANCL1', 'Changed Mind'),
    'refused-code': person('PREFUS1', 'Refused Code'),
    'wrong-secret': person('PWRONG1', 'Wrong Secret'),
    'exchange-failure': person('POUTAG1', 'Outage Person'),
  },
  subjectOf: (user) => user.id,
};

const incidents = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/pagerduty/proxy/incidents`);

describeEachDialect('PagerDuty, against an emulator of PagerDuty', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), PAGERDUTY);
  const signIn = (user: PagerDutyUser) => signInAs(context, 'pagerduty', user);

  it("signs in as /users/me's user id with its name and e-mail (verification unknown), the API's version in Accept; read asked with PKCE S256 and no nonce, the client in the form, the ID token left unread, 30-day tokens with a refresh token", async () => {
    const { database, emulator: pagerduty, app } = context;
    const earline = person('PXPGF42', 'Earline Greenholt');
    const { userId, request } = await signIn(earline);
    expect(request.get('scope')).toBe('read');
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.has('nonce')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('PXPGF42');
    expect(JSON.parse(account.claims)).toMatchObject({ id: 'PXPGF42', name: 'Earline Greenholt', picture: expect.stringContaining('gravatar') });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'earline@example.com', name: 'Earline Greenholt' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'pagerduty');
    expect(token).toMatchObject({ refreshToken: expect.stringMatching(/^pdus\+_1/), scope: 'openid read' });
    expectAccessTokenLifetime(token, 30 * 86_400 - 100, 30 * 86_400);
    expect(pagerduty.server.requests.find((r) => r.path === '/oauth/token')!.headers.authorization).toBeUndefined();
    const profile = pagerduty.server.requests.filter((r) => r.path === '/users/me').at(-1)!;
    expect(profile.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
    expect(profile.headers.accept).toBe(V2);
  });

  it('the proxy calls the REST API with its version in Accept; 20 concurrent calls on an expired token make one refresh, the new pair is kept, and the spent refresh token is refused', async () => {
    const { emulator: pagerduty } = context;
    const { browser, userId } = await signIn(person('PSTORM1', 'Storm Person'));
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'pagerduty', userId, () => incidents(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ incidents: [{ id: 'PT4KHLK', incident_number: 1234 }], more: false });
    expect(pagerduty.server.requests.filter((r) => r.path === '/incidents').at(-1)!.headers.accept).toBe(V2);
    expect(after.scope).toBe('openid read');
    expect(await statusAndBody(refreshAtPagerDuty(pagerduty, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("\"Revoke All Tokens\" in the app's settings marks the connection 'needs re-auth' after PagerDuty's 401, with one refused refresh", async () => {
    const { emulator: pagerduty } = context;
    const { browser, userId } = await signIn(person('PLEAVE1', 'Leaving Soon'));
    pagerduty.revokeAllTokens();
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'pagerduty', userId, () => incidents(browser));
  });

  it('disconnect deletes the tokens here and asks PagerDuty nothing: it revokes only all of an app\'s tokens at once', async () => {
    const { emulator: pagerduty, app } = context;
    const { browser, userId } = await signIn(person('PGOODB1', 'Goodbye Person'));
    const { accessToken } = (await app.runtime.tokenStore.findToken(userId, 'pagerduty'))!;
    await expectDisconnectAsksNothing(context, 'pagerduty', { browser, userId });
    expect(pagerduty.accepts(accessToken)).toBe(true);
  });

  it('/users/me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, PAGERDUTY, person('POUTPR1', 'Outage Profile'), (pagerduty) => pagerduty.failNextProfile(500));
  });

  standardCases(() => context, PAGERDUTY, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeEachDialect('PagerDuty with a scope it does not grant', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator, env: (pagerduty) => pagerdutyEnv(pagerduty, { PAGERDUTY_SCOPE: 'Read' }) });

  it("is not refused: the token carries openid alone, and /users/me's 403 fails the sign-in with a 502, storing nothing", async () => {
    const { database, emulator: pagerduty, app } = context;
    const before = await rowCounts(database);
    pagerduty.signInAs(person('PCASE01', 'Wrong Case'));
    const page = await signInThrough(app.browser(), 'pagerduty');
    expect(page.status).toBe(502);
    expect(pagerduty.server.counts.profile).toBe(1);
    expect(await rowCounts(database)).toEqual(before);
  });
});

describeKeepAlive(PAGERDUTY, {
  title: 'PagerDuty refresh tokens left unused for 210 days',
  name: 'the keep-alive sweep refreshes an idle connection 203 days after sign-in, and a month later, its access token ended, it still works past the first refresh token’s 210 days',
  startEmulator: (now) => startPagerDutyEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, now }),
  person: person('PIDLE01', 'Idle Person'),
  dueAfterDays: 203,
  usedAgainAfterDays: 31,
  firstRefreshTokenRefused: async (pagerduty, refreshToken) => {
    expect((await refreshAtPagerDuty(pagerduty, refreshToken)).status).toBe(400);
  },
});

describeClientFailures(PAGERDUTY, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
