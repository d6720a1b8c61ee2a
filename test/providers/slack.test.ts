import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect, type TestDialect } from '../support/postgres.js';
import { expectOneRefreshFor20Calls } from './kit/concurrent-calls.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, disconnectThrough, presetEnv, signInThrough } from './kit/provider-app.js';
import { describeClientFailures, expireAccessTokens, rowCounts, standardCases, useProviderTest, type StandardContext, type StandardProvider } from './kit/standard-cases.js';
import { startSlackEmulator, type SlackEmulator, type SlackFault, type SlackUser } from './slack.emulator.js';

const CLIENT_ID = '2141029472.691202649728';
const CLIENT_SECRET = 'e1b9e11dfcd19c1982d5de12921e17e8c';
const REDIRECT_URI = `${APP_ORIGIN}/auth/slack/callback`;

function member(userId: string, name: string): SlackUser {
  return { userId, teamId: 'T0R7GR', teamDomain: 'kraneflannel', name, email: `${name.toLowerCase().replace(/ /g, '.')}@kraneflannel.test` };
}

/** Only the documented variables: the preset, the client, and the issuer and API pointed at the emulator. */
function slackEnv(slack: SlackEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('slack', CLIENT_ID, CLIENT_SECRET, {
    SLACK_ISSUER: slack.origin,
    SLACK_API_BASE_URL: `${slack.origin}/api`,
    ...extra,
  });
}

const SLACK: StandardProvider<SlackUser, SlackEmulator> = {
  preset: 'slack',
  displayName: 'Slack',
  startEmulator: () => startSlackEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, tokenRotation: false }),
  env: slackEnv,
  people: {
    cancelled: member('U0R7K6', 'Changed Mind'),
    'refused-code': member('U0R7K4', 'Code Refused'),
    'wrong-secret': member('U0R7JM', 'Bront Labradoodle'),
  },
  subjectOf: (user) => user.userId,
};

type Context = StandardContext<SlackEmulator>;

function started(dialect: TestDialect, tokenRotation: boolean): Context {
  return useProviderTest(() => dialect.openTestDatabase(), { startEmulator: () => startSlackEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, tokenRotation }), env: slackEnv });
}

/** Signs in (the emulator approves at once) and returns the browser and the user id. */
async function signIn(context: Context, user: SlackUser): Promise<{ browser: TestBrowser; userId: string }> {
  context.emulator.signInAs(user);
  const browser = context.app.browser();
  const page = await signInThrough(browser, 'slack', '/api/me');
  expect(page.status).toBe(200);
  return { browser, userId: (JSON.parse(page.text) as { user: { id: string } }).user.id };
}

describeEachDialect('Slack (no token rotation), against an emulator of Slack', (dialect) => {
  const context = started(dialect, false);

  it("signs in through discovery as the ID token's sub, the Slack user ID, with name and e-mail; the token never expires", async () => {
    const { userId } = await signIn(context, member('U0R7JM', 'Bront Labradoodle'));
    const { emulator: slack, database, app } = context;
    const authorize = new URL(slack.server.requests.find((request) => request.path.startsWith('/openid/connect/authorize'))!.path, slack.origin).searchParams;
    expect(authorize.get('scope')).toBe('openid profile email');
    expect(authorize.get('response_type')).toBe('code');
    expect(authorize.get('nonce')).toEqual(expect.any(String));
    // client_secret_post: the credentials went in the form body, not in an Authorization header.
    const exchange = slack.server.requests.find((request) => request.path === '/api/openid.connect.token')!;
    expect(exchange.headers.authorization).toBeUndefined();

    const account = await database.db.selectFrom('accounts').select(['provider', 'issuer', 'subject']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toEqual({ provider: 'slack', issuer: slack.origin, subject: 'U0R7JM' });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Bront Labradoodle', email: 'bront.labradoodle@kraneflannel.test' });
    const token = await app.runtime.tokenStore.findToken(userId, 'slack');
    expect(token).toMatchObject({ refreshToken: null, expiresAt: null, tokenType: 'bearer' });
    expect(token!.accessToken).toMatch(/^xoxp-/);
  });

  it('the proxy calls the Web API (auth.test) with the token as a Bearer header', async () => {
    const { browser, userId } = await signIn(context, member('U0R7K1', 'Ada Lovelace'));
    const answer = await browser.get(`${APP_ORIGIN}/api/providers/slack/proxy/auth.test`);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ ok: true, user_id: 'U0R7K1', team_id: 'T0R7GR' });
    const stored = await context.app.runtime.tokenStore.findToken(userId, 'slack');
    expect(context.emulator.server.requests.findLast((request) => request.path === '/api/auth.test')!.headers.authorization).toBe(`Bearer ${stored!.accessToken}`);
  });

  it('disconnect revokes the token with auth.revoke; Slack no longer accepts it', async () => {
    const { browser, userId } = await signIn(context, member('U0R7K2', 'Grace Hopper'));
    const stored = await expectDisconnectRevokes(context, 'slack', { browser, userId }, { counter: 'auth_revoke', requests: 1 });
    expect(context.emulator.accepts(stored.accessToken)).toBe(false);
  });

  it('a token Slack already revoked (token_revoked, with HTTP 200) still counts as revoked on disconnect', async () => {
    const { browser, userId } = await signIn(context, member('U0R7K3', 'Alan Turing'));
    context.emulator.revokeGrantOf((await context.app.runtime.tokenStore.findToken(userId, 'slack'))!.accessToken);
    expect(await disconnectThrough(browser, 'slack')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(await context.app.runtime.tokenStore.findToken(userId, 'slack')).toBeUndefined();
  });

  standardCases(() => context, SLACK, { cancelled: {}, refusedCode: { sentAs: 'invalid_code, with HTTP 200' } });

  it.each<[SlackFault, number]>([
    ['internal_error', 502],
    ['service_unavailable', 503],
    ['http_503', 503],
  ])('Slack failing the code exchange (%s) is a %i and nothing is stored', async (fault, status) => {
    context.emulator.signInAs(member('U0R7K5', 'Fault Line'));
    const before = await rowCounts(context.database);
    context.emulator.failNextTokenRequest(fault);
    const page = await signInThrough(context.app.browser(), 'slack');
    expect(page.status).toBe(status);
    expect(await rowCounts(context.database)).toEqual(before);
  });
});

describeEachDialect('Slack with token rotation, against an emulator of Slack', (dialect) => {
  const context = started(dialect, true);

  it('stores a 12-hour token and its refresh token; 20 concurrent calls on an expired one make exactly one refresh, and the rotation is kept', async () => {
    const { browser, userId } = await signIn(context, member('U1000A', 'Storm Front'));
    const { emulator: slack, app, database } = context;
    const before = await app.runtime.tokenStore.findToken(userId, 'slack');
    expect(before!.accessToken).toMatch(/^xoxe\.xoxp-/);
    expect(before!.refreshToken).toMatch(/^xoxe-1-/);
    expect(before!.expiresAt! - Math.floor(Date.now() / 1000)).toBeGreaterThan(43_100);

    await expireAccessTokens(database, userId);
    const answers = await expectOneRefreshFor20Calls(slack, () => browser.get(`${APP_ORIGIN}/api/providers/slack/proxy/auth.test`));
    expect(answers.map((answer) => (JSON.parse(answer.text) as { ok: boolean }).ok)).toEqual(Array(20).fill(true));

    const after = await app.runtime.tokenStore.findToken(userId, 'slack');
    expect(after!.refreshToken).toMatch(/^xoxe-1-/);
    expect(after!.refreshToken).not.toBe(before!.refreshToken);
    // Slack revoked the refresh token that was used.
    const reuse = await fetch(`${slack.origin}/api/openid.connect.token`, {
      method: 'POST',
      body: new URLSearchParams({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: before!.refreshToken! }),
    });
    expect(await reuse.json()).toEqual({ ok: false, error: 'invalid_refresh_token' });
  });

  it('invalid_refresh_token (HTTP 200 at Slack) marks the connection "needs re-auth" with no retries', async () => {
    const { browser, userId } = await signIn(context, member('U1000B', 'Gone Away'));
    const { emulator: slack, app, database } = context;
    slack.revokeGrantOf((await app.runtime.tokenStore.findToken(userId, 'slack'))!.refreshToken!);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator: slack }, 'slack', userId, () => browser.get(`${APP_ORIGIN}/api/providers/slack/proxy/auth.test`));
  });

  it('disconnect on an expired token refreshes first, then auth.revoke ends the grant', async () => {
    const { browser, userId } = await signIn(context, member('U1000C', 'Leaving Soon'));
    const { emulator: slack, app, database } = context;
    const signedInWith = await app.runtime.tokenStore.findToken(userId, 'slack');
    await expireAccessTokens(database, userId);
    const refreshes = slack.server.counts.refresh_token ?? 0;
    expect(await disconnectThrough(browser, 'slack')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(slack.server.counts.refresh_token).toBe(refreshes + 1);
    const revocation = slack.server.requests.findLast((request) => request.path === '/api/auth.revoke')!;
    expect(revocation.headers.authorization).toMatch(/^Bearer xoxe\.xoxp-/);
    expect(revocation.headers.authorization).not.toBe(`Bearer ${signedInWith!.accessToken}`);
    expect(slack.accepts(signedInWith!.accessToken)).toBe(false);
    expect(await app.runtime.tokenStore.findToken(userId, 'slack')).toBeUndefined();
  });
});

describeClientFailures(SLACK, { wrongSecret: { sentAs: 'bad_client_secret, with HTTP 200' } }, { title: 'Slack with a wrong client secret' });
