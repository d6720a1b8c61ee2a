import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { DIALECTS, describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, csrfTokenOf, disconnectThrough, signInAs, signInThrough } from './kit/provider-app.js';
import { expectKeptAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, rowCounts, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startHerokuEmulator, type HerokuAccount, type HerokuEmulator } from './heroku.emulator.js';

// A client id and secret of the form Heroku gives (uuids).
const CLIENT_ID = '3e3a1f4c-7b2d-4e5f-9a8b-1c2d3e4f5a6b';
const CLIENT_SECRET = '9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const REDIRECT_URI = `${APP_ORIGIN}/auth/heroku/callback`;
const V3 = 'application/vnd.heroku+json; version=3';

function person(name: string | null, email: string): HerokuAccount {
  const hex = createHash('sha1').update(email).digest('hex');
  return { id: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`, email, name };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (/account moves with the API base). */
function herokuEnv(heroku: HerokuEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return {
    OAUTH_PROVIDERS: 'heroku',
    HEROKU_PRESET: 'heroku',
    HEROKU_CLIENT_ID: CLIENT_ID,
    HEROKU_CLIENT_SECRET: CLIENT_SECRET,
    HEROKU_AUTHORIZE_URL: `${heroku.origin}/oauth/authorize`,
    HEROKU_ACCESS_TOKEN_URL: `${heroku.origin}/oauth/token`,
    HEROKU_API_BASE_URL: heroku.origin,
    ...extra,
  };
}

/** A refresh at Heroku itself, as another copy of the token would make it. */
function refreshAtHeroku(heroku: HerokuEmulator, refreshToken: string): Promise<Response> {
  return fetch(`${heroku.origin}/oauth/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_secret: CLIENT_SECRET }) });
}

const startEmulator = () => startHerokuEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI });

const HEROKU: StandardProvider<HerokuAccount, HerokuEmulator> = {
  preset: 'heroku',
  displayName: 'Heroku',
  startEmulator,
  // `global`, so that disconnect may delete the authorization (and the proxy read apps).
  env: (heroku) => herokuEnv(heroku, { HEROKU_SCOPE: 'global' }),
  people: {
    cancelled: person('Changed Mind', 'changed@example.com'),
    'refused-code': person('Refused Code', 'refused@example.com'),
    'wrong-secret': person('Wrong Secret', 'wrong@example.com'),
    'exchange-failure': person('Outage Person', 'outage@example.com'),
  },
  subjectOf: (user) => user.id,
};

describeEachDialect('Heroku, against an emulator of Heroku', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), HEROKU);
  const signIn = (user: HerokuAccount) => signInAs(context, 'heroku', user);

  const apps = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/heroku/proxy/apps`);

  it("signs in as the account id of /account (read with Heroku's Accept), its name and e-mail with the verification unknown; no PKCE, the secret in the form, 8-hour tokens with a refresh token", async () => {
    const { database, emulator: heroku, app } = context;
    const tina = person('Tina Edmonds', 'tina@example.com');
    const { userId, request } = await signIn(tina);
    expect(request.get('scope')).toBe('global');
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select('subject').where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(tina.id);
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: 'tina@example.com', email_verified: null, name: 'Tina Edmonds' });
    const token = await app.runtime.tokenStore.findToken(userId, 'heroku');
    expect(token).toMatchObject({ accessToken: expect.stringMatching(/^HRKU-/), refreshToken: expect.any(String) });
    const lifetime = token!.expiresAt! - Math.floor(Date.now() / 1000);
    expect(lifetime).toBeGreaterThan(28_799 - 100);
    expect(lifetime).toBeLessThanOrEqual(28_799);
    expect(heroku.server.requests.filter((r) => r.path === '/account').at(-1)!.headers.accept).toBe(V3);
  });

  it('a nameless account signs in with its e-mail alone', async () => {
    const { database } = context;
    const { userId } = await signIn(person(null, 'nameless@example.com'));
    expect(await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow()).toEqual({ email: 'nameless@example.com', name: null });
  });

  it("the proxy calls the Platform API with Heroku's Accept; 20 concurrent calls on an expired token make one refresh, and the refresh token, answered again, is kept", async () => {
    const { emulator: heroku } = context;
    const { browser, userId } = await signIn(person('Storm Person', 'storm@example.com'));
    const first = await apps(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject([{ name: 'example' }]);
    expect(heroku.server.requests.filter((r) => r.path === '/apps').at(-1)!.headers.accept).toBe(V3);

    const { before } = await expectKeptAfterStorm(context, 'heroku', userId, () => apps(browser));
    expect((await refreshAtHeroku(heroku, before.refreshToken!)).status).toBe(200);
  });

  it("an app the person revoked at Heroku marks the connection 'needs re-auth' after one refused refresh (Heroku's 401 read as invalid_grant); disconnect then counts the grant as revoked", async () => {
    const { emulator: heroku, app } = context;
    const leaving = person('Leaving Soon', 'leaving@example.com');
    const { browser, userId } = await signIn(leaving);
    heroku.revokeAppAtHeroku(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'heroku', userId, () => apps(browser));
    expect(await disconnectThrough(browser, 'heroku')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(await app.runtime.tokenStore.findToken(userId, 'heroku')).toBeUndefined();
  });

  it("disconnect deletes this client's authorization (found at /oauth/authorizations), both tokens end, and the person's other apps stay authorized", async () => {
    const { emulator: heroku } = context;
    const goodbye = person('Goodbye Person', 'goodbye@example.com');
    const { browser, userId } = await signIn(goodbye);
    const stored = await expectDisconnectRevokes(context, 'heroku', { browser, userId }, { counter: 'delete_authorization', requests: 1 });
    expect(heroku.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtHeroku(heroku, stored.refreshToken!)).status).toBe(401);
    expect(heroku.otherClientAuthorizations(goodbye)).toHaveLength(1);
  });

  it('/account failing (HTTP 500) is a 502, and nothing is stored', async () => {
    const { database, emulator: heroku, app } = context;
    const before = await rowCounts(database);
    heroku.signInAs(person('Outage Account', 'outage-account@example.com'));
    heroku.failNextAccountRequest(500);
    expect((await signInThrough(app.browser(), 'heroku')).status).toBe(502);
    expect(await rowCounts(database)).toEqual(before);
  });

  standardCases(() => context, HEROKU, { cancelled: {}, refusedCode: { sentAs: "401 { id: 'unauthorized' }, read as invalid_grant" } });
});

describe('Heroku with the preset scope, identity', () => {
  const context = useProviderTest(() => DIALECTS[0]!.openTestDatabase(), { startEmulator, env: (heroku) => herokuEnv(heroku) });

  it('signs in from /account; disconnect deletes the tokens here but says Heroku did not revoke (only a global token may list authorizations)', async () => {
    const { emulator: heroku, app } = context;
    const identityOnly = person('Identity Only', 'identity@example.com');
    const { browser, userId, request } = await signInAs(context, 'heroku', identityOnly);
    expect(request.get('scope')).toBe('identity');
    expect((await browser.get(`${APP_ORIGIN}/api/providers/heroku/proxy/account`)).status).toBe(200);
    const stored = await app.runtime.tokenStore.findToken(userId, 'heroku');
    const answer = await browser.request(`${APP_ORIGIN}/account/connections/heroku`, { method: 'DELETE', headers: { 'x-csrf-token': await csrfTokenOf(browser) } });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ disconnected: true, revokedAtProvider: false });
    expect(heroku.server.counts.delete_authorization ?? 0).toBe(0);
    expect(heroku.accepts(stored!.accessToken)).toBe(true);
    expect(await app.runtime.tokenStore.findToken(userId, 'heroku')).toBeUndefined();
  });
});

describeClientFailures(HEROKU, { wrongSecret: { sentAs: "401 { id: 'unauthorized' } about the secret, read as invalid_client" }, exchangeFailure: {} });
