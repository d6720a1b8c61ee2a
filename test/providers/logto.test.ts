import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { openIdCases } from './kit/openid-cases.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, csrfTokenOf, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startLogtoEmulator, type LogtoEmulator, type LogtoUser } from './logto.emulator.js';

// An application id and secret as the Logto Console shows them for a traditional web app.
const CLIENT_ID = 'k7m2p9x4q8w1e5r3t6y0u';
const CLIENT_SECRET = 'Zk4Pq9Wm2Xr7Tb5Nc8Vd3Lf6Hj1Gs0Ya';
const REDIRECT_URI = `${APP_ORIGIN}/auth/logto/callback`;
const SCOPE = 'openid profile email offline_access';
const DAY = 86_400;

function person(n: number, name: string | null, username: string | null, emailVerified = true): LogtoUser {
  const local = (username ?? `user${n}`).toLowerCase();
  return { id: `u${String(n).padStart(11, '0')}`, name, username, email: `${local}@example.com`, emailVerified };
}

/** Only the documented variables: the preset, the client, and the Logto endpoint. */
function logtoEnv(logto: LogtoEmulator): Record<string, string> {
  return presetEnv('logto', CLIENT_ID, CLIENT_SECRET, { LOGTO_BASE_URL: logto.origin });
}

/** A refresh at Logto itself, as another copy of the token would make it. */
function refreshAtLogto(logto: LogtoEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${logto.issuer}/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken);
}

const LOGTO: StandardProvider<LogtoUser, LogtoEmulator> = {
  preset: 'logto',
  displayName: 'Logto',
  startEmulator: () => startLogtoEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: logtoEnv,
  people: {
    cancelled: person(108, 'Changed Mind', 'changed'),
    'refused-code': person(109, 'Refused Code', 'refused'),
    'wrong-secret': person(301, 'Wrong Secret', 'wrong'),
    'exchange-failure': person(302, 'Outage Person', 'outage'),
  },
  subjectOf: (user) => user.id,
};

describeEachDialect('Logto, against an emulator of a Logto tenant', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), LOGTO);

  const me = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/logto/proxy/me`);
  const openId = openIdCases(context, LOGTO, me);

  it('signs in through discovery at <endpoint>/oidc as the Logto user id, with the name, Logto’s `username` and the verified e-mail; offline_access with prompt=consent and PKCE, the client by Basic, an hour’s token and a refresh token', async () => {
    const { emulator: logto } = context;
    const ada = person(101, 'Ada Lovelace', 'ada');
    await openId.expectSignIn(ada, {
      scope: SCOPE,
      prompt: 'consent',
      account: { issuer: logto.issuer, subject: ada.id },
      user: { name: 'Ada Lovelace', email: 'ada@example.com', username: 'ada', emailVerified: true },
      token: { scope: SCOPE, lifetime: 3600 },
    });
    const exchange = logto.server.requests.find((r) => r.path === '/oidc/token')!;
    expect(exchange.headers.authorization).toMatch(/^Basic /);
    expect(logto.server.counts.client_secret_post).toBeUndefined();
  });

  it('a person with no name (Logto’s null) or an unverified e-mail: no name is made up, and the e-mail is kept as not verified', async () => {
    const { database } = context;
    const { userId } = await openId.signIn(person(102, null, 'pending', false));
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified', 'username']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.name).toBeNull();
    expect(user).toMatchObject({ email: 'pending@example.com', username: 'pending' });
    expect(Boolean(user.email_verified)).toBe(false);
  });

  it('the proxy reaches userinfo at /oidc/me with the token', async () => {
    const grace = person(103, 'Grace Hopper', 'grace');
    await openId.expectProxyReaches(grace, { sub: grace.id, username: 'grace', email_verified: true });
  });

  it('20 concurrent calls on an expired token make one refresh; Logto keeps the refresh token (a traditional web app’s is not rotated before 70% of its life), which stays stored and works again', async () => {
    const { emulator: logto } = context;
    const { after } = await openId.expectKeptAfterStorm(person(104, 'Alan Turing', 'alan'));
    expect((await refreshAtLogto(logto, after.refreshToken!)).status).toBe(200);
  });

  it('a returning person with a live refresh token is not asked for consent: Logto sends no new refresh token, and the stored one is kept', async () => {
    const { emulator: logto, app } = context;
    const returning = person(107, 'Margaret Hamilton', 'margaret');
    const browser = app.browser();
    logto.signInAs(returning);
    const first = await browser.get(`${APP_ORIGIN}/login/logto?next=/api/me`, { followRedirects: false });
    expect(new URL(first.location!).searchParams.get('prompt')).toBe('consent');
    const { user } = JSON.parse((await browser.get(first.location!)).text) as { user: { id: string } };
    const before = await app.runtime.tokenStore.findToken(user.id, 'logto');
    await browser.post(`${APP_ORIGIN}/logout`, { _csrf: await csrfTokenOf(browser) });

    const again = await browser.get(`${APP_ORIGIN}/login/logto?next=/api/me`, { followRedirects: false });
    expect(new URL(again.location!).searchParams.get('prompt')).toBeNull();
    const second = JSON.parse((await browser.get(again.location!)).text) as { user: { id: string } };
    expect(second.user.id).toBe(user.id);
    const after = await app.runtime.tokenStore.findToken(user.id, 'logto');
    expect(after!.accessToken).not.toBe(before!.accessToken);
    expect(after!.refreshToken).toBe(before!.refreshToken);
  });

  it('the user deleted in Logto: the refresh is refused, and the connection needs re-auth after one try', async () => {
    await openId.expectNeedsReauthOnceEnded(person(105, 'Edsger Dijkstra', 'edsger'), (leaving) => context.emulator.removeUser(leaving));
  });

  it('disconnect revokes at the revocation endpoint discovery names: the refresh token and the access token stop working, and the tokens are deleted here', async () => {
    const { emulator: logto } = context;
    await openId.expectDisconnectRevokesBoth(person(106, 'Barbara Liskov', 'barbara'), (refreshToken) => refreshAtLogto(logto, refreshToken));
  });

  standardCases(() => context, LOGTO, { cancelled: {}, refusedCode: { sentAs: 'invalid_grant "grant request is invalid"' } });
});

describeClientFailures(LOGTO, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

// Logto's default: a refresh token ends 14 days after its last use, and one 70% through its life is rotated.
describeKeepAlive(LOGTO, {
  title: 'Logto refresh tokens (14 days, extended by each refresh) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last quarter of its 14 days, where Logto rotates it (70% passed), and the new refresh token keeps it working past the first one’s end',
  startEmulator: (now) => startLogtoEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, now }),
  person: person(201, 'Idle Person', 'idle'),
  dueAfterDays: 10.5,
  usedAgainAfterDays: 4,
  firstRefreshTokenRefused: async (logto, refreshToken) => {
    expect(await statusAndBody(refreshAtLogto(logto, refreshToken))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  },
  more: (context) => {
    it('a connection left past 14 days with no sweep: Logto refuses the refresh token, and the connection needs re-auth after one try', async () => {
      const { emulator: logto, app, clock } = context;
      const { userId } = await signInAs(context, 'logto', person(202, 'Lapsed Person', 'lapsed'));
      clock.advance(14 * DAY + 1);
      const refreshes = logto.server.counts.refresh_token ?? 0;
      await expect(app.runtime.tokens.getAccessToken(userId, 'logto')).rejects.toMatchObject({ code: 'needs_reauth' });
      await expect(app.runtime.tokens.getAccessToken(userId, 'logto')).rejects.toMatchObject({ code: 'needs_reauth' });
      expect(logto.server.counts.refresh_token).toBe(refreshes + 1);
    });
  },
});

describe('the logto preset in production', () => {
  const { settings, refusal } = presetInProduction('logto', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

  it('takes <endpoint>/oidc as issuer and API, and needs the endpoint', () => {
    expect(settings({ LOGTO_BASE_URL: 'https://acme.logto.app/' })).toMatchObject({
      displayName: 'Logto',
      discovery: { issuer: 'https://acme.logto.app/oidc' },
      scope: SCOPE,
      apiBaseUrl: 'https://acme.logto.app/oidc',
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshTokenIdleSeconds: 14 * DAY,
    });
    expect(refusal({})).toContain('LOGTO_BASE_URL is missing');
  });

  it('the issuer or an API URL given as the endpoint stops start-up, naming the endpoint to give', () => {
    expect(refusal({ LOGTO_BASE_URL: 'https://acme.logto.app/oidc' })).toBe(
      'Configuration error: LOGTO_BASE_URL ends in a path the preset appends itself (/oidc): give the Logto endpoint alone, e.g. https://acme.logto.app (got "https://acme.logto.app/oidc")',
    );
    expect(refusal({ LOGTO_BASE_URL: 'https://id.acme.test/logto/api/my-account' })).toContain('(/api): give the Logto endpoint alone, e.g. https://id.acme.test/logto (got');
  });
});
