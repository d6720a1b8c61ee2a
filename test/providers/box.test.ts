import { expect, it } from 'vitest';
import { describeEachDialect } from '../support/postgres.js';
import { startBoxEmulator, type BoxEmulator, type BoxUser } from './box.emulator.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv, signInAs, signInThrough } from './kit/provider-app.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

const CLIENT_ID = 'ly1nj6n11vionaie65emwzk575hnnmrk';
const CLIENT_SECRET = 'hOzsTeFlT6ko0dme22uGbQal04SBPYc1';
const REDIRECT_URI = `${APP_ORIGIN}/auth/box/callback`;
const DAY = 86_400;

function person(id: string, name: string): BoxUser {
  return { id, name, login: `${name.split(' ')[0]!.toLowerCase()}@box.test` };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator. */
function boxEnv(box: BoxEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('box', CLIENT_ID, CLIENT_SECRET, {
    BOX_AUTHORIZE_URL: `${box.origin}/api/oauth2/authorize`,
    BOX_ACCESS_TOKEN_URL: `${box.origin}/oauth2/token`,
    BOX_USERINFO_URL: `${box.origin}/2.0/users/me`,
    BOX_REVOCATION_URL: `${box.origin}/oauth2/revoke`,
    BOX_API_BASE_URL: `${box.origin}/2.0`,
    ...extra,
  });
}

/** A refresh at Box itself, as another copy of the token would make it. */
function refreshAtBox(box: BoxEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${box.origin}/oauth2/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const BOX: StandardProvider<BoxUser, BoxEmulator> = {
  preset: 'box',
  displayName: 'Box',
  startEmulator: () => startBoxEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: boxEnv,
  people: {
    cancelled: person('55880022', 'Changed Mind'),
    'refused-code': person('66991133', 'Refused Code'),
    'wrong-secret': person('99224466', 'Wrong Secret'),
    'exchange-failure': person('10335577', 'Outage Person'),
  },
  subjectOf: (user) => user.id,
};

describeEachDialect('Box, against an emulator of Box', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), BOX);

  const signIn = (user: BoxUser) => signInAs(context, 'box', user);

  it('signs in as the Box user id of /users/me with its name and login as the e-mail (verification unknown); the app’s scopes, the client in the body, one-hour tokens', async () => {
    const { database, emulator: box, app } = context;
    const { userId, request } = await signIn(person('11446498', 'Aaron Levie'));
    // No scope is sent: Box grants the scopes configured for the app.
    expect(request.has('scope')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('11446498');
    expect(JSON.parse(account.claims)).toMatchObject({ login: 'aaron@box.test', type: 'user' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Aaron Levie', email: 'aaron@box.test', email_verified: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'box');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, 3500, 3600);
    const exchange = box.server.requests.find((r) => r.path === '/oauth2/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
  });

  it('the proxy reaches the API; 20 concurrent calls on an expired token make one refresh, the new refresh token is kept, and Box refuses the used one', async () => {
    const { emulator: box } = context;
    const { browser, userId } = await signIn(person('22557799', 'Storm Rotating'));
    const { before, answers } = await expectRotatedAfterStorm(context, 'box', userId, () => browser.get(`${APP_ORIGIN}/api/providers/box/proxy/folders/0`));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ type: 'folder', id: '0', owned_by: { id: '22557799' } });
    expect(await statusAndBody(refreshAtBox(box, before.refreshToken!))).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'Invalid refresh token' } });
  });

  it("a refresh token Box refuses (400 invalid_grant) marks the connection 'needs re-auth', with one attempt", async () => {
    const { database, emulator: box, app } = context;
    const { browser, userId } = await signIn(person('33668800', 'Refused Refresh'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'box');
    // Used behind the app's back (another copy of the token): Box no longer takes the stored one.
    expect((await refreshAtBox(box, stored!.refreshToken!)).status).toBe(200);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator: box }, 'box', userId, () => browser.get(`${APP_ORIGIN}/api/providers/box/proxy/users/me`));
  });

  it('disconnect revokes at /oauth2/revoke with client_id, client_secret and the token in the form, and the grant ends', async () => {
    const { emulator: box } = context;
    const { browser, userId } = await signIn(person('44779911', 'Leaving Person'));
    const stored = await expectDisconnectRevokes(context, 'box', { browser, userId });
    expect(box.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtBox(box, stored.refreshToken!)).status).toBe(400);
  });

  standardCases(() => context, BOX, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeKeepAlive(BOX, {
  title: 'Box refresh tokens (60 days, one use each) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last 7 days of its refresh token’s 60, and the connection outlives that refresh token',
  startEmulator: (now) => startBoxEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, now }),
  person: person('77002244', 'Idle Person'),
  dueAfterDays: 53,
  // Past the first refresh token's 60 days, the connection works: the new one refreshes its access token.
  usedAgainAfterDays: 10,
  more: (context) => {
    it("a refresh token left unused past its 60 days is refused (400 invalid_grant 'Refresh token has expired'), and the connection needs signing in again", async () => {
      const { emulator: box, app, database, clock } = context;
      box.signInAs(person('88113355', 'Gone Away'));
      await signInThrough(app.browser(), 'box');
      const { user_id: userId } = await database.db.selectFrom('accounts').select('user_id').where('provider', '=', 'box').where('subject', '=', '88113355').executeTakeFirstOrThrow();
      clock.advance(61 * DAY);
      const refreshes = box.server.counts.refresh_token ?? 0;
      await expect(app.runtime.tokens.getAccessToken(userId, 'box')).rejects.toThrow();
      expect(box.server.counts.refresh_token).toBe(refreshes + 1);
      expect((await app.runtime.tokenStore.findToken(userId, 'box'))!.status).toBe('needs_reauth');
    });
  },
});

describeClientFailures(BOX, { wrongSecret: { sentAs: '400 invalid_client' }, exchangeFailure: {} });
