import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { testClock } from '../support/clock.js';
import { describeEachDialect, type TestDatabase } from '../support/postgres.js';
import { newServiceKey, serviceApiClient } from '../support/service-api.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, disconnectThrough, presetEnv, signInAs, signInThrough, startProviderTestApp, type ProviderTestApp } from './kit/provider-app.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startTwitchEmulator, type TwitchEmulator, type TwitchUser } from './twitch.emulator.js';

const CLIENT_ID = 'hof5gwx0su6owfnys0nyan9c87zr6t';
const CLIENT_SECRET = '41vpdji4e9gif29md0ouet6fktd2';
const REDIRECT_URI = `${APP_ORIGIN}/auth/twitch/callback`;

function person(id: string, login: string, displayName: string): TwitchUser {
  return { id, login, displayName, email: `${login}@twitch.test`, emailVerified: true };
}

/** Only the documented variables: the preset, the client, the issuer, the revocation endpoint and the API pointed at the emulator. */
function twitchEnv(twitch: TwitchEmulator): Record<string, string> {
  return presetEnv('twitch', CLIENT_ID, CLIENT_SECRET, {
    TWITCH_ISSUER: twitch.issuer,
    TWITCH_REVOCATION_URL: `${twitch.issuer}/revoke`,
    TWITCH_API_BASE_URL: `${twitch.origin}/helix`,
  });
}

const TWITCH: StandardProvider<TwitchUser, TwitchEmulator> = {
  preset: 'twitch',
  displayName: 'Twitch',
  startEmulator: () => startTwitchEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: twitchEnv,
  people: {
    cancelled: person('141981772', 'changedmind', 'Changed Mind'),
    'refused-code': person('141981770', 'refused', 'Refused'),
    'wrong-secret': person('900', 'wrongsecret', 'Wrong'),
    'exchange-failure': person('141981771', 'outage', 'Outage'),
  },
  subjectOf: (user) => user.id,
};

describeEachDialect('Twitch, against an emulator of Twitch', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), TWITCH);

  const signIn = (user: TwitchUser) => signInAs(context, 'twitch', user);

  const users = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/twitch/proxy/users`);

  it('signs in through discovery as the user id, asking with `claims` for the display name and a verified e-mail; the scope array is stored as a string', async () => {
    const { database, emulator: twitch, app } = context;
    const { userId, request } = await signIn(person('141981764', 'twitchdev', 'TwitchDev'));
    expect(request.get('scope')).toBe('openid user:read:email');
    const claims = JSON.parse(request.get('claims')!) as Record<string, Record<string, null>>;
    for (const part of ['id_token', 'userinfo']) expect(Object.keys(claims[part]!).sort()).toEqual(['email', 'email_verified', 'picture', 'preferred_username']);
    // The client's credentials went in the form, not in a Basic header.
    expect(twitch.server.requests.find((r) => r.path === '/oauth2/token')!.headers.authorization).toBeUndefined();

    const account = await database.db.selectFrom('accounts').select(['issuer', 'subject']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toEqual({ issuer: twitch.issuer, subject: '141981764' });
    const user = await database.db.selectFrom('users').select(['username', 'name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect({ ...user, email_verified: Boolean(user.email_verified) }).toEqual({ username: 'twitchdev', name: 'TwitchDev', email: 'twitchdev@twitch.test', email_verified: true });
    const token = await app.runtime.tokenStore.findToken(userId, 'twitch');
    expect(token).toMatchObject({ scope: 'openid user:read:email', refreshToken: expect.any(String) });
    expect(token!.expiresAt! - Math.floor(Date.now() / 1000)).toBeGreaterThan(14_000);
  });

  it('proxied Helix calls carry the Client-Id Twitch checks against the token; 20 concurrent ones on an expired token make one refresh, whose new refresh token is kept', async () => {
    const { emulator: twitch } = context;
    const { browser, userId } = await signIn(person('141981765', 'storm', 'Storm'));
    const { after, answers } = await expectRotatedAfterStorm(context, 'twitch', userId, () => users(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ data: [{ id: '141981765', login: 'storm', display_name: 'Storm', email: 'storm@twitch.test' }] });
    expect(after.scope).toBe('openid user:read:email');
    const helixCalls = twitch.server.requests.filter((r) => r.path === '/helix/users');
    expect(new Set(helixCalls.map((r) => r.headers['client-id']))).toEqual(new Set([CLIENT_ID]));
  });

  it("the service API's proxy and the library's fetch send the configured Client-Id too, and a caller's own Client-Id does not replace it", async () => {
    const { emulator: twitch, app } = context;
    const { userId } = await signIn(person('141981766', 'library', 'Library'));
    const api = await serviceApiClient(app);
    const key = await newServiceKey(app, 'helix-reader', ['proxy']);
    const proxied = await api.call({ method: 'GET', template: '/users/{id}/connections/{provider}/proxy/{path}', params: { id: userId, provider: 'twitch' }, rest: 'users', key });
    expect(proxied.status).toBe(200);
    expect(twitch.server.requests.at(-1)!.headers['client-id']).toBe(CLIENT_ID);
    const answer = await app.runtime.providerApi.fetch(userId, 'twitch', '/users', { headers: { 'Client-Id': 'another-apps-client-id' } });
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { data: Array<{ id: string }> }).data[0]!.id).toBe('141981766');
    expect(twitch.server.requests.at(-1)!.headers['client-id']).toBe(CLIENT_ID);
  });

  it("a refresh token Twitch refuses (400 'Invalid refresh token') marks the connection 'needs re-auth', with one attempt", async () => {
    const { emulator: twitch, app } = context;
    const { browser, userId } = await signIn(person('141981767', 'leftapp', 'Left App'));
    // The person disconnects the app in their Twitch settings: the API answers 401, the refresh is refused.
    twitch.disconnectAtTwitch('141981767');
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator: twitch }, 'twitch', userId, () => users(browser));
  });

  it('disconnect revokes the access token at /oauth2/revoke, with the client id', async () => {
    const { emulator: twitch } = context;
    const { browser, userId } = await signIn(person('141981768', 'leaving', 'Leaving'));
    const stored = await expectDisconnectRevokes(context, 'twitch', { browser, userId }, { requests: 1 });
    expect(twitch.accepts(stored.accessToken)).toBe(false);
  });

  it("disconnect after the person disconnected the app at Twitch: its 400 'Invalid token' for a live token means already revoked", async () => {
    const { emulator: twitch, app } = context;
    const { browser, userId } = await signIn(person('141981769', 'gone', 'Gone'));
    twitch.disconnectAtTwitch('141981769');
    expect(await disconnectThrough(browser, 'twitch')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(await app.runtime.tokenStore.findToken(userId, 'twitch')).toBeUndefined();
  });

  standardCases(() => context, TWITCH, { cancelled: {}, refusedCode: { sentAs: "400 'Invalid authorization code'" }, exchangeFailure: {} });
});

describeEachDialect('Twitch access tokens checked about hourly at /oauth2/validate, used or not', (dialect) => {
  // Twitch, the app and its sweeps share one clock that moves only when told.
  const clock = testClock();
  let database: TestDatabase;
  let twitch: TwitchEmulator;
  let app: ProviderTestApp;
  let secondServer: ProviderTestApp;

  beforeAll(async () => {
    database = await dialect.openTestDatabase();
    twitch = await startTwitchEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, now: clock.now });
    const env = { ...twitchEnv(twitch), WEBHOOK_URLS: 'http://127.0.0.1:9/hooks', WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}` };
    app = await startProviderTestApp({ databaseUrl: database.url, env, now: clock.now });
    secondServer = await startProviderTestApp({ databaseUrl: database.url, env, now: clock.now });
  });
  afterAll(async () => {
    await secondServer?.close();
    await app?.close();
    await twitch?.close();
    await database?.close();
  });
  // Each test's sweeps see its own connection only.
  afterEach(() => database.db.deleteFrom('tokens').execute());

  const sweep = () => app.runtime.refreshKeepalive!.sweep();
  const checks = () => twitch.server.requests.filter((request) => request.path === '/oauth2/validate');
  const userIdOf = async (subject: string) =>
    (await database.db.selectFrom('accounts').select('user_id').where('provider', '=', 'twitch').where('subject', '=', subject).executeTakeFirstOrThrow()).user_id;
  /** Signs the person in, then lets every token checked or issued so far fall due (45 minutes: three quarters of the sweep's hour). */
  const signedInAndDue = async (user: TwitchUser) => {
    twitch.signInAs(user);
    expect((await signInThrough(app.browser(), 'twitch')).status).toBe(200);
    clock.advance(45 * 60);
    return userIdOf(user.id);
  };

  it('each live access token is asked about with `Authorization: OAuth`, once however many servers sweep, and not again within 45 minutes of that check', async () => {
    await signedInAndDue(person('141981780', 'checked', 'Checked'));
    const asked = checks().length;
    const [here, there] = await Promise.all([sweep(), secondServer.runtime.refreshKeepalive!.sweep()]);
    expect(here.checked + there.checked).toBe(1);
    expect({ refused: here.refused + there.refused, failed: here.failed + there.failed }).toEqual({ refused: 0, failed: 0 });
    expect(checks()).toHaveLength(asked + 1);
    expect(checks().at(-1)!.headers.authorization).toMatch(/^OAuth \S+$/);

    clock.advance(45 * 60 - 1);
    expect(await sweep()).toMatchObject({ checked: 0 });
    clock.advance(1);
    expect(await sweep()).toMatchObject({ checked: 1, refused: 0 });
  });

  it('a person who disconnected the app at Twitch, unused since: the check is refused, the one refresh too, the connection is marked needs re-auth with its webhook, and their sessions signed in through Twitch end', async () => {
    const userId = await signedInAndDue(person('141981781', 'leftquietly', 'Left Quietly'));
    const sessions = () => database.db.selectFrom('sessions').select('signed_in_with').where('user_id', '=', userId).execute();
    expect(await sessions()).toEqual([{ signed_in_with: 'twitch' }]);
    twitch.disconnectAtTwitch('141981781');
    const refreshes = twitch.server.counts.refresh_token ?? 0;
    expect(await sweep()).toMatchObject({ checked: 1, refused: 1, failed: 0 });
    expect(twitch.server.counts.refresh_token).toBe(refreshes + 1);
    expect((await app.runtime.tokenStore.findToken(userId, 'twitch'))!.status).toBe('needs_reauth');
    const webhooks = await database.db.selectFrom('webhook_deliveries').select('payload').where('event_type', '=', 'connection.needs_reauth').execute();
    expect(webhooks.map((row) => JSON.parse(row.payload).data)).toEqual([expect.objectContaining({ user_id: userId, provider: 'twitch', status: 'needs_reauth' })]);
    // Twitch asks a site that signs people in with Twitch to sign them out when they disconnect it there.
    expect(await sessions()).toEqual([]);
    const signedOut = await database.db.selectFrom('audit_log').select('detail').where('event', '=', 'user.signed_out').where('target_id', '=', userId).execute();
    expect(signedOut.map((row) => JSON.parse(row.detail ?? '{}'))).toEqual([{ provider: 'twitch', by: 'access ended at the provider' }]);
    // Marked, it is asked about no more.
    clock.advance(45 * 60);
    expect(await sweep()).toMatchObject({ checked: 0 });
  });

  it('an access token Twitch refused while its refresh token still works is replaced by one refresh, and the connection stays active', async () => {
    const userId = await signedInAndDue(person('141981782', 'revokedtoken', 'Revoked Token'));
    const before = await app.runtime.tokenStore.findToken(userId, 'twitch');
    // Revoked at Twitch by something else holding it: the grant and its refresh token stay.
    const revoked = await fetch(`${twitch.issuer}/revoke`, { method: 'POST', body: new URLSearchParams({ client_id: CLIENT_ID, token: before!.accessToken }) });
    expect(revoked.status).toBe(200);
    const refreshes = twitch.server.counts.refresh_token ?? 0;
    expect(await sweep()).toMatchObject({ checked: 1, refused: 1, failed: 0 });
    expect(twitch.server.counts.refresh_token).toBe(refreshes + 1);
    const after = await app.runtime.tokenStore.findToken(userId, 'twitch');
    expect(after!.status).toBe('active');
    expect(twitch.accepts(after!.accessToken)).toBe(true);
    // The new token was issued now: not due again for 45 minutes.
    expect(await sweep()).toMatchObject({ checked: 0 });
  });

  it('a check Twitch does not answer (HTTP 500) is counted failed, leaves the connection as it was, and is asked again at the next due sweep', async () => {
    const userId = await signedInAndDue(person('141981783', 'unanswered', 'Unanswered'));
    twitch.failNextCheck(500);
    const refreshes = twitch.server.counts.refresh_token ?? 0;
    expect(await sweep()).toMatchObject({ checked: 1, refused: 0, failed: 1 });
    expect(twitch.server.counts.refresh_token ?? 0).toBe(refreshes);
    expect((await app.runtime.tokenStore.findToken(userId, 'twitch'))!.status).toBe('active');
    clock.advance(45 * 60);
    expect(await sweep()).toMatchObject({ checked: 1, refused: 0, failed: 0 });
  });
});

describeClientFailures(TWITCH, { wrongSecret: { sentAs: "403 'invalid client secret'" } }, { title: 'Twitch with a wrong client secret' });
