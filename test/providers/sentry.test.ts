import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startSentryEmulator, type SentryEmulator, type SentryUser } from './sentry.emulator.js';

// A client id and secret of the form Sentry shows (64 hex digits each).
const CLIENT_ID = '0895306f2d310a075e82dff03cae9604c07e2c9465d4b990cc3f4c3010bb31d6';
const CLIENT_SECRET = '7d1f6ae0c3b24e9f8a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b';
const REDIRECT_URI = `${APP_ORIGIN}/auth/sentry/callback`;

function person(id: number, name: string): SentryUser {
  return { id: String(id), name, email: `${name.split(' ')[0]!.toLowerCase()}@example.com` };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator. */
function sentryEnv(sentry: SentryEmulator): Record<string, string> {
  return {
    OAUTH_PROVIDERS: 'sentry',
    SENTRY_PRESET: 'sentry',
    SENTRY_CLIENT_ID: CLIENT_ID,
    SENTRY_CLIENT_SECRET: CLIENT_SECRET,
    SENTRY_AUTHORIZE_URL: `${sentry.origin}/oauth/authorize/`,
    SENTRY_ACCESS_TOKEN_URL: `${sentry.origin}/oauth/token/`,
    SENTRY_API_BASE_URL: `${sentry.origin}/api/0`,
  };
}

/** A refresh at Sentry itself, as another copy of the token would make it, the client in the form as Sentry's docs send it. */
function refreshAtSentry(sentry: SentryEmulator, refreshToken: string, extra: Record<string, string> = {}): Promise<Response> {
  return refreshAtProvider(`${sentry.origin}/oauth/token/`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form', extra });
}

const SENTRY: StandardProvider<SentryUser, SentryEmulator> = {
  preset: 'sentry',
  displayName: 'Sentry',
  startEmulator: () => startSentryEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: sentryEnv,
  people: {
    cancelled: person(1108, 'Changed Mind'),
    'refused-code': person(1109, 'Refused Code'),
    'wrong-secret': person(1301, 'Wrong Secret'),
    'exchange-failure': person(1302, 'Outage Person'),
  },
  subjectOf: (user) => user.id,
};

const organizations = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/sentry/proxy/organizations/`);

describeEachDialect('Sentry, against an emulator of Sentry', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), SENTRY);
  const signIn = (user: SentryUser) => signInAs(context, 'sentry', user);

  it("signs in as the token answer's user.id with its name and e-mail (verification unknown), no userinfo call; org:read asked with PKCE S256, the client in the form (the code bound to the challenge), 30-day tokens with a refresh token", async () => {
    const { database, emulator: sentry, app } = context;
    const jane = person(123, 'Jane Doe');
    const { userId, request } = await signIn(jane);
    expect(request.get('scope')).toBe('org:read');
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.get('state')).toMatch(/\S/);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('123');
    expect(JSON.parse(account.claims)).toMatchObject({ id: '123', name: 'Jane Doe', email: 'jane@example.com' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'jane@example.com', name: 'Jane Doe' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'sentry');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'org:read' });
    expectAccessTokenLifetime(token, 30 * 86_400 - 100, 30 * 86_400);
    const exchange = sentry.server.requests.find((r) => r.path === '/oauth/token/')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(sentry.server.requests.filter((r) => r.path.startsWith('/api/0/'))).toHaveLength(0);
  });

  it('the proxy calls /api/0; 20 concurrent calls on an expired token make one refresh (sent without scope, which Sentry refuses), the new pair is kept and the spent refresh token is refused', async () => {
    const { emulator: sentry } = context;
    const { browser, userId } = await signIn(person(124, 'Storm Person'));
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'sentry', userId, () => organizations(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject([{ slug: 'the-interstellar-jurisdiction' }]);
    expect(after.scope).toBe('org:read');
    expect(await statusAndBody(refreshAtSentry(sentry, before.refreshToken!))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('Sentry refuses a refresh that names a scope (invalid_request), and the refresh token stays good', async () => {
    const { emulator: sentry, app } = context;
    const { userId } = await signIn(person(125, 'Narrow Scope'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'sentry');
    expect(await statusAndBody(refreshAtSentry(sentry, stored!.refreshToken!, { scope: 'org:read' }))).toEqual({ status: 400, body: { error: 'invalid_request' } });
    expect((await refreshAtSentry(sentry, stored!.refreshToken!)).status).toBe(200);
  });

  it("the app revoked in the person's Sentry settings marks the connection 'needs re-auth' after Sentry's 401, with one refused refresh", async () => {
    const { emulator: sentry } = context;
    const leaving = person(126, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    sentry.revokeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'sentry', userId, () => organizations(browser));
  });

  it('disconnect deletes the tokens here and asks Sentry nothing: it documents no revocation', async () => {
    const { emulator: sentry, app } = context;
    const { browser, userId } = await signIn(person(127, 'Goodbye Person'));
    const { accessToken } = (await app.runtime.tokenStore.findToken(userId, 'sentry'))!;
    await expectDisconnectAsksNothing(context, 'sentry', { browser, userId });
    expect(sentry.accepts(accessToken)).toBe(true);
  });

  standardCases(() => context, SENTRY, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(SENTRY, { wrongSecret: { sentAs: '400 invalid_client' }, exchangeFailure: {} });
