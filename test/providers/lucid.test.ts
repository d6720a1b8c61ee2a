import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startLucidEmulator, type LucidEmulator, type LucidUser } from './lucid.emulator.js';

// A client id and secret of the form Lucid's developer portal shows.
const CLIENT_ID = 'rd0q2geEEHcDvZNpYmYAXBH5eCHYD8x0sCwVyncf';
const CLIENT_SECRET = 'x678fc0SyuAbyleYq8MMtpxZMD7y4Tq2vK9bLpWnE3rUaZs6dQj1hG0oFcXeN';
const REDIRECT_URI = `${APP_ORIGIN}/auth/lucid/callback`;
const SCOPE = 'offline_access user.profile lucid.document.content:readonly';
const DOCUMENT = '110808fe-c1b3-4a39-9f6a-6bc2a8d6d3b9';

function person(id: number, fullName: string): LucidUser {
  const username = fullName.toLowerCase().replace(/[^a-z]+/g, '');
  return { id: 4_100 + id, accountId: 100, username, fullName, email: `${username}@example.com` };
}

/** Only the documented variables: the preset, the client, the scope, and each endpoint pointed at the emulator (the profile moves with the API base). */
function lucidEnv(lucid: LucidEmulator): Record<string, string> {
  return presetEnv('lucid', CLIENT_ID, CLIENT_SECRET, {
    LUCID_SCOPE: SCOPE,
    LUCID_AUTHORIZE_URL: `${lucid.origin}/oauth2/authorize`,
    LUCID_ACCESS_TOKEN_URL: `${lucid.origin}/oauth2/token`,
    LUCID_REVOCATION_URL: `${lucid.origin}/oauth2/token/revoke`,
    LUCID_API_BASE_URL: lucid.origin,
  });
}

/** A refresh at Lucid itself, as another copy of the token would make it: the JSON body Lucid takes. */
function refreshAtLucid(lucid: LucidEmulator, refreshToken: string): Promise<Response> {
  return fetch(`${lucid.origin}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refresh_token: refreshToken, client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'refresh_token' }),
  });
}

const LUCID: StandardProvider<LucidUser, LucidEmulator> = {
  preset: 'lucid',
  displayName: 'Lucid',
  startEmulator: () => startLucidEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: lucidEnv,
  people: standardPeople(person),
  subjectOf: (user) => String(user.id),
};

const document = (browser: TestBrowser, headers: Record<string, string> = {}) => browser.get(`${APP_ORIGIN}/api/providers/lucid/proxy/documents/${DOCUMENT}`, { headers });

describeEachDialect('Lucid, against an emulator of Lucid', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), LUCID);

  const signIn = (user: LucidUser) => signInAs(context, 'lucid', user);

  it('signs in as the id of /users/me/profile with its full name and e-mail (verification unknown), read with Lucid-Api-Version 1; the code exchanged as JSON, the scope stored as granted, hour-long tokens with a refresh token', async () => {
    const { database, emulator: lucid, app } = context;
    const { userId, request } = await signIn(person(1, 'Ada Lovelace'));
    expect(request.get('scope')).toBe(SCOPE);
    expect(request.get('state')).toEqual(expect.any(String));
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('4101');
    expect(JSON.parse(account.claims)).toMatchObject({ username: 'adalovelace', account_id: '100' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'adalovelace@example.com', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    expect(lucid.apiVersions).toEqual(['1']);
    const token = await app.runtime.tokenStore.findToken(userId, 'lucid');
    expect(token).toMatchObject({ refreshToken: expect.stringMatching(/^oauth2-/), scope: SCOPE });
    expectAccessTokenLifetime(token, 3500, 3600);
    const exchange = lucid.server.requests.find((r) => r.path === '/oauth2/token')!;
    expect(exchange.headers['content-type']).toMatch(/^application\/json/);
    expect(exchange.headers.authorization).toBeUndefined();
  });

  it('the proxy calls the API with Lucid-Api-Version 1, or the version the caller names; 20 concurrent calls on an expired token make one refresh, the new pair is kept, and Lucid refuses the spent refresh token', async () => {
    const { emulator: lucid } = context;
    const { browser, userId } = await signIn(person(2, 'Alan Turing'));
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'lucid', userId, () => document(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ documentId: DOCUMENT, title: 'Architecture' });
    expect(new Set(lucid.apiVersions)).toEqual(new Set(['1']));
    expectAccessTokenLifetime(after, 3500, 3600);
    expect(after.scope).toBe(SCOPE);
    expect(await statusAndBody(refreshAtLucid(lucid, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect((await document(browser, { 'lucid-api-version': '2' })).status).toBe(200);
    expect(lucid.apiVersions.at(-1)).toBe('2');
  });

  it("the app's access revoked in Lucid marks the connection 'needs re-auth' after one refresh Lucid refuses", async () => {
    const { emulator: lucid } = context;
    const leaving = person(3, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    lucid.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'lucid', userId, () => document(browser));
  });

  it('disconnect revokes at /oauth2/token/revoke with the client in the form, and every token of the grant ends', async () => {
    const { emulator: lucid } = context;
    const { browser, userId } = await signIn(person(4, 'Goodbye Person'));
    const stored = await expectDisconnectRevokes(context, 'lucid', { browser, userId });
    expect(lucid.revocations[0]).toMatchObject({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, token: stored.refreshToken });
    expect(lucid.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtLucid(lucid, stored.refreshToken!)).status).toBe(400);
  });

  standardCases(() => context, LUCID, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeKeepAlive(LUCID, {
  title: 'Lucid refresh tokens (180 days) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last 7 days of its refresh token’s 180, and the connection outlives that refresh token',
  startEmulator: (now) => startLucidEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, now }),
  person: person(20, 'Idle Person'),
  dueAfterDays: 173,
  usedAgainAfterDays: 10,
  firstRefreshTokenRefused: async (lucid, refreshToken) => {
    expect(await statusAndBody(refreshAtLucid(lucid, refreshToken))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  },
});

describeClientFailures(LUCID, { wrongSecret: { sentAs: '403 invalid_client' }, exchangeFailure: {} });
