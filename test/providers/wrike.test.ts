import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv, signInAs, signInThrough } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { countRows, describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startWrikeEmulator, type WrikeEmulator, type WrikeUser } from './wrike.emulator.js';

const CLIENT_ID = 'Xb7TqPz2';
const CLIENT_SECRET = 'wS3cr3t-Q9vLm2Zp8Rt4Yx6Kc1Nd5Hg7Jb0Fa3Ue';
const REDIRECT_URI = `${APP_ORIGIN}/auth/wrike/callback`;

function person(id: string, firstName: string, lastName: string): WrikeUser {
  return { id, firstName, lastName, email: `${firstName.toLowerCase()}@acme.test` };
}

/** Only the documented variables: the preset, the client, the OAuth endpoints, and the API base (whose host a token answer's `host` may name). */
function wrikeEnv(wrike: WrikeEmulator): Record<string, string> {
  return presetEnv('wrike', CLIENT_ID, CLIENT_SECRET, {
    WRIKE_AUTHORIZE_URL: `${wrike.origin}/oauth2/authorize/v4`,
    WRIKE_ACCESS_TOKEN_URL: `${wrike.origin}/oauth2/token`,
    WRIKE_API_BASE_URL: `${wrike.origin}/api/v4`,
  });
}

/** A refresh at Wrike itself, as another copy of the token would make it. */
function refreshAtWrike(wrike: WrikeEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${wrike.origin}/oauth2/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const WRIKE: StandardProvider<WrikeUser, WrikeEmulator> = {
  preset: 'wrike',
  displayName: 'Wrike',
  startEmulator: () => startWrikeEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: wrikeEnv,
  people: {
    cancelled: person('KUACANC1', 'Changed', 'Mind'),
    'refused-code': person('KUAREFC2', 'Refused', 'Code'),
    'wrong-secret': person('KUAWSEC3', 'Wrong', 'Secret'),
    'exchange-failure': person('KUAOUTG4', 'Outage', 'Person'),
  },
  subjectOf: (user) => user.id,
};

describeEachDialect('Wrike, against an emulator of Wrike', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), WRIKE);

  const signIn = (user: WrikeUser) => signInAs(context, 'wrike', user);
  const tasks = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/wrike/proxy/tasks`);

  it("signs in as the contact id of {host}/api/v4/contacts?me=true, named by first and last name, the e-mail unverified; the token answer's host is the connection's API; the client in the form, no PKCE, 1-hour tokens with a refresh token", async () => {
    const { database, emulator: wrike, app } = context;
    const { userId, request } = await signIn(person('KUAJ25LC', 'Ada', 'Lovelace'));
    expect(request.get('scope')).toBe('wsReadOnly');
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('KUAJ25LC');
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.email).toBe('ada@acme.test');
    expect(Boolean(user.email_verified)).toBe(false);
    expect(user.name).toBe('Ada Lovelace');
    const token = await app.runtime.tokenStore.findToken(userId, 'wrike');
    expect(token).toMatchObject({ refreshToken: expect.any(String), apiBaseUrl: `${wrike.origin}/api/v4` });
    expectAccessTokenLifetime(token, 3_500, 3_600);
    const exchange = wrike.server.requests.find((r) => r.path === '/oauth2/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(wrike.server.requests.some((r) => r.path === '/api/v4/contacts?me=true')).toBe(true);
  });

  it('the proxy reaches the API at the host; 20 concurrent calls on an expired token make one refresh, the new refresh token is kept, and the used one is refused', async () => {
    const { emulator: wrike } = context;
    const { browser, userId } = await signIn(person('KUASTRM5', 'Grace', 'Hopper'));
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'wrike', userId, () => tasks(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ kind: 'tasks', data: [{ title: 'Plan of Grace', responsibleIds: ['KUASTRM5'] }] });
    expect(after.apiBaseUrl).toBe(`${wrike.origin}/api/v4`);
    expect(await statusAndBody(refreshAtWrike(wrike, before.refreshToken!))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('a host off wrike.com and the configured API host is refused: 502, no token sent there, nothing stored', async () => {
    const { database, emulator: wrike, app } = context;
    const users = await countRows(database, 'users');
    const contacts = wrike.server.counts.contacts ?? 0;
    wrike.setHost('collector.example.net');
    try {
      wrike.signInAs(person('KUAEVIL6', 'Eve', 'Mallory'));
      const page = await signInThrough(app.browser(), 'wrike');
      expect(page.status).toBe(502);
      expect(page.text).toContain('named an API origin (host) outside its own domains');
    } finally {
      wrike.setHost(new URL(wrike.origin).host);
    }
    expect(await countRows(database, 'users')).toBe(users);
    expect(wrike.server.counts.contacts ?? 0).toBe(contacts);
  });

  it("a refresh token Wrike refuses marks the connection 'needs re-auth', with one attempt", async () => {
    const { database, emulator: wrike, app } = context;
    const { browser, userId } = await signIn(person('KUARFSD7', 'Refused', 'Refresh'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'wrike');
    // Rotated behind the app's back (another copy of the token used it): Wrike no longer takes the stored one.
    expect((await refreshAtWrike(wrike, stored!.refreshToken!)).status).toBe(200);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator: wrike }, 'wrike', userId, () => tasks(browser));
  });

  it('disconnect deletes the tokens; Wrike documents no revocation, and the answer says it was not revoked there', async () => {
    const { browser, userId } = await signIn(person('KUALEAV8', 'Leaving', 'Person'));
    await expectDisconnectAsksNothing(context, 'wrike', { browser, userId });
  });

  standardCases(() => context, WRIKE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(WRIKE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
