import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startCalendlyEmulator, type CalendlyEmulator, type CalendlyUser } from './calendly.emulator.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv, signInAs, startProviderTestApp } from './kit/provider-app.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

const CLIENT_ID = 'cUvLq3Yz8mTn2pXw5rKd7sHf9bJg4aEe1cN6oMiQ0tU';
const CLIENT_SECRET = 'Zs1xQ7vP4kLm9nBc2wRt6yHu3jDf8gAe5oKi0pMl';
const REDIRECT_URI = `${APP_ORIGIN}/auth/calendly/callback`;
const ORGANIZATION = 'ORG0A1B2C3D4E5F6';

function person(uuid: string, name: string): CalendlyUser {
  return { uuid, name, email: `${name.split(' ')[0]!.toLowerCase()}@calendly.test`, organization: ORGANIZATION };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (/users/me moves with the API base). */
function calendlyEnv(calendly: CalendlyEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('calendly', CLIENT_ID, CLIENT_SECRET, {
    CALENDLY_AUTHORIZE_URL: `${calendly.origin}/oauth/authorize`,
    CALENDLY_ACCESS_TOKEN_URL: `${calendly.origin}/oauth/token`,
    CALENDLY_REVOCATION_URL: `${calendly.origin}/oauth/revoke`,
    CALENDLY_API_BASE_URL: calendly.origin,
    ...extra,
  });
}

const CALENDLY: StandardProvider<CalendlyUser, CalendlyEmulator> = {
  preset: 'calendly',
  displayName: 'Calendly',
  startEmulator: () => startCalendlyEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: calendlyEnv,
  people: {
    cancelled: person('CANCELLED0000001', 'Changed Mind'),
    'refused-code': person('REFUSEDCODE00002', 'Refused Code'),
    'wrong-secret': person('WRONGSECRET00003', 'Wrong Secret'),
    'exchange-failure': person('OUTAGEPERSON0004', 'Outage Person'),
  },
  subjectOf: (user) => `https://api.calendly.com/users/${user.uuid}`,
};

describeEachDialect('Calendly, against an emulator of Calendly', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: CALENDLY.startEmulator, env: (calendly) => calendlyEnv(calendly, { CALENDLY_SCOPE: 'users:read event_types:read' }) });

  const signIn = (user: CalendlyUser) => signInAs(context, 'calendly', user);

  const eventTypes = (browser: TestBrowser, user: CalendlyUser) => browser.get(`${APP_ORIGIN}/api/providers/calendly/proxy/event_types?user=${encodeURIComponent(context.emulator.uriOf(user))}`);

  it('signs in as the uri of /users/me (under resource), with its name, slug and e-mail (verification unknown); space-separated scopes, PKCE, the client in the form, 2-hour tokens', async () => {
    const { database, emulator: calendly, app } = context;
    const user = person('AAAAAAAAAAAAAAAA', 'Tope Awotona');
    const { userId, request } = await signIn(user);
    expect(request.get('scope')).toBe('users:read event_types:read');
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(calendly.uriOf(user));
    expect(JSON.parse(account.claims)).toMatchObject({ uri: calendly.uriOf(user), slug: 'tope-awotona', current_organization: `https://api.calendly.com/organizations/${ORGANIZATION}` });
    const stored = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(stored).toEqual({ name: 'Tope Awotona', email: 'tope@calendly.test', email_verified: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'calendly');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'users:read event_types:read' });
    expectAccessTokenLifetime(token, 7100, 7200);
    const exchange = calendly.server.requests.find((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
  });

  it('the proxy lists event types; 20 concurrent calls on an expired token make one refresh, the new refresh token is kept, and Calendly refuses the used one', async () => {
    const { emulator: calendly } = context;
    const user = person('BBBBBBBBBBBBBBBB', 'Storm Rotating');
    const { browser, userId } = await signIn(user);
    const { before, answers } = await expectRotatedAfterStorm(context, 'calendly', userId, () => eventTypes(browser, user));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ collection: [{ name: '30 Minute Meeting', profile: { owner: calendly.uriOf(user) } }], pagination: { count: 1 } });
    expect(await statusAndBody(calendly.refreshAtCalendly(before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('a scope the grant lacks is Calendly’s 403, passed on with no refresh', async () => {
    const { database, emulator: calendly } = context;
    const narrow = await startProviderTestApp({ databaseUrl: database.url, env: calendlyEnv(calendly) });
    try {
      const user = person('CCCCCCCCCCCCCCCC', 'Profile Only');
      calendly.signInAs(user);
      const browser = narrow.browser();
      const start = await browser.get(`${APP_ORIGIN}/login/calendly?next=/api/me`, { followRedirects: false });
      expect(new URL(start.location!).searchParams.get('scope')).toBe('users:read');
      expect((await browser.get(start.location!)).status).toBe(200);
      const refreshes = calendly.server.counts.refresh_token ?? 0;
      const refused = await browser.get(`${APP_ORIGIN}/api/providers/calendly/proxy/event_types?user=${encodeURIComponent(calendly.uriOf(user))}`);
      expect(refused.status).toBe(403);
      expect(JSON.parse(refused.text)).toEqual({ title: 'Permission Denied', message: 'This action requires the event_types:read scope' });
      expect(calendly.server.counts.refresh_token ?? 0).toBe(refreshes);
    } finally {
      await narrow.close();
    }
  });

  it("a refresh token Calendly refuses (400 invalid_grant, used elsewhere) marks the connection 'needs re-auth', with one attempt", async () => {
    const { database, emulator: calendly, app } = context;
    const user = person('DDDDDDDDDDDDDDDD', 'Refused Refresh');
    const { browser, userId } = await signIn(user);
    const stored = await app.runtime.tokenStore.findToken(userId, 'calendly');
    // Used behind the app's back (another copy of the token): single-use, so Calendly no longer takes the stored one.
    expect((await calendly.refreshAtCalendly(stored!.refreshToken!)).status).toBe(200);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'calendly', userId, () => eventTypes(browser, user));
  });

  it('disconnect revokes the refresh token, then the access token, at /oauth/revoke with the client in the form, and the grant ends', async () => {
    const { emulator: calendly } = context;
    const { browser, userId } = await signIn(person('EEEEEEEEEEEEEEEE', 'Leaving Person'));
    const stored = await expectDisconnectRevokes(context, 'calendly', { browser, userId }, { requests: 2 });
    expect(calendly.server.requests.filter((r) => r.path === '/oauth/revoke').every((r) => r.headers.authorization === undefined)).toBe(true);
    expect(calendly.accepts(stored.accessToken)).toBe(false);
    expect((await calendly.refreshAtCalendly(stored.refreshToken!)).status).toBe(400);
  });

  standardCases(() => context, CALENDLY, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(CALENDLY, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
