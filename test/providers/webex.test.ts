import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, disconnectThrough, signInAs } from './kit/provider-app.js';
import { expectKeptAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startWebexEmulator, type WebexEmulator, type WebexPerson } from './webex.emulator.js';

// A client id and secret of the forms Webex shows (a C and 64 hex digits; 64 hex digits).
const CLIENT_ID = 'C6db11fc58941f550a69165c342f653f71b601523ad9f3d9432ac596c9a6e6077';
const CLIENT_SECRET = '0f322184b7384f0d269f1a8ca38646f57dbe46782f9fd77ed3c99cc05e7a2997';
const REDIRECT_URI = `${APP_ORIGIN}/auth/webex/callback`;
const ORG = 'Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi85NmFiYzJhYS0zZGNjLTExZTUtYTE1Mi1mZTM0ODE5Y2RjOWE';

function person(n: number, displayName: string): WebexPerson {
  const uuid = `f5b36187-c8dd-4727-8b2f-${String(n).padStart(12, '0')}`;
  return { id: Buffer.from(`ciscospark://us/PEOPLE/${uuid}`).toString('base64').replace(/=+$/, ''), email: `${displayName.split(' ')[0]!.toLowerCase()}@example.com`, displayName, orgId: ORG };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (/people/me moves with the API base). */
function webexEnv(webex: WebexEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return {
    OAUTH_PROVIDERS: 'webex',
    WEBEX_PRESET: 'webex',
    WEBEX_CLIENT_ID: CLIENT_ID,
    WEBEX_CLIENT_SECRET: CLIENT_SECRET,
    WEBEX_AUTHORIZE_URL: `${webex.origin}/v1/authorize`,
    WEBEX_ACCESS_TOKEN_URL: `${webex.origin}/v1/access_token`,
    WEBEX_API_BASE_URL: `${webex.origin}/v1`,
    WEBEX_SCOPE: 'spark:people_read spark:rooms_read',
    ...extra,
  };
}

const startEmulator = (now?: () => number) => startWebexEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, ...(now ? { now } : {}) });

const WEBEX: StandardProvider<WebexPerson, WebexEmulator> = {
  preset: 'webex',
  displayName: 'Webex',
  startEmulator: () => startEmulator(),
  env: webexEnv,
  people: {
    cancelled: person(108, 'Changed Mind'),
    'refused-code': person(109, 'Refused Code'),
    'wrong-secret': person(301, 'Wrong Secret'),
    'exchange-failure': person(302, 'Outage Person'),
  },
  subjectOf: (user) => user.id,
};

describeEachDialect('Webex, against an emulator of Webex', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), WEBEX);

  const signIn = (user: WebexPerson) => signInAs(context, 'webex', user);
  const rooms = (browser: TestBrowser) => browser.request(`${APP_ORIGIN}/api/providers/webex/proxy/rooms`, { method: 'GET' });

  it('signs in as the id of /v1/people/me, its display name the name and its e-mail unverified, the organization kept; PKCE, the client in the form, 14-day tokens with a 90-day refresh token', async () => {
    const { database, emulator: webex, app } = context;
    const john = person(101, 'John Andersen');
    const { userId, request } = await signIn(john);
    expect(request.get('scope')).toBe('spark:people_read spark:rooms_read');
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(john.id);
    expect(JSON.parse(account.claims)).toMatchObject({ org_id: ORG, type: 'person' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'john@example.com', name: 'John Andersen' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'webex');
    const now = Math.floor(Date.now() / 1000);
    expect(token!.expiresAt! - now).toBeGreaterThan(14 * 86_400 - 100);
    expect(token!.refreshTokenExpiresAt! - now).toBeGreaterThan(90 * 86_400 - 100);
    const exchange = webex.server.requests.find((r) => r.path === '/v1/access_token')!;
    expect(exchange.headers.authorization).toBeUndefined();
  });

  it('the proxy calls the API; 20 concurrent calls on an expired token make one refresh, which answers the same refresh token with its 90 days again', async () => {
    const { emulator: webex } = context;
    const { browser, userId } = await signIn(person(102, 'Storm Person'));
    expect(JSON.parse((await rooms(browser)).text)).toMatchObject({ items: [{ title: 'Project Unicorn' }] });
    const { before, after } = await expectKeptAfterStorm(context, 'webex', userId, () => rooms(browser));
    expect(after.refreshTokenExpiresAt!).toBeGreaterThanOrEqual(before.refreshTokenExpiresAt!);
  });

  it("an authorization an admin deleted marks the connection 'needs re-auth' after one refresh Webex refuses (its message read as invalid_grant)", async () => {
    const { emulator: webex, app } = context;
    const leaving = person(103, 'Deleted Grant');
    const { browser, userId } = await signIn(leaving);
    webex.deleteAuthorization(leaving);
    const refreshes = webex.server.counts.refresh_token ?? 0;
    const call = await rooms(browser);
    expect(call.status).toBe(401);
    expect(JSON.parse(call.text)).toMatchObject({ error: 'needs_reauth' });
    expect((await rooms(browser)).status).toBe(401);
    expect(webex.server.counts.refresh_token).toBe(refreshes + 1);
    const stored = await app.runtime.tokenStore.findToken(userId, 'webex');
    expect(stored).toMatchObject({ status: 'needs_reauth', lastError: expect.stringContaining('invalid_grant') });
  });

  it('disconnect deletes the tokens and says Webex revoked nothing (it has no revocation for integrations)', async () => {
    const { emulator: webex, app } = context;
    const { browser, userId } = await signIn(person(104, 'Leaving Person'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'webex');
    expect(await disconnectThrough(browser, 'webex')).toEqual({ disconnected: true, revokedAtProvider: false });
    expect(await app.runtime.tokenStore.findToken(userId, 'webex')).toBeUndefined();
    expect(webex.accepts(stored!.accessToken)).toBe(true);
  });

  it('/v1/people/me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, WEBEX, person(110, 'Outage Again'), (webex) => webex.failNextPeopleMeRequest(500));
  });

  standardCases(() => context, WEBEX, { cancelled: {}, refusedCode: { sentAs: "400, '(invalid_grant)' in Webex's message" } });
});

describeKeepAlive(WEBEX, {
  title: 'Webex refresh tokens (90 days unused) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last 7 days of its 90, and each refresh starts the 90 days again for the same refresh token',
  startEmulator: (now) => startEmulator(now),
  person: person(201, 'Idle Person'),
  dueAfterDays: 83,
  rotates: false,
  // 123 days after sign-in, but 40 after the sweep's refresh: the same refresh token still works.
  usedAgainAfterDays: 40,
});

describeClientFailures(WEBEX, { wrongSecret: { sentAs: "401, '(invalid_client)' in Webex's message" }, exchangeFailure: {} });
