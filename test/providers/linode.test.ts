import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startLinodeEmulator, type LinodeEmulator, type LinodeUser } from './linode.emulator.js';

// A client id (20 characters) and secret (64) of the lengths Cloud Manager shows.
const CLIENT_ID = 'b7c1d2e3f4a5b6c7d8e9';
const CLIENT_SECRET = '4f2a9c7e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f5a';
const REDIRECT_URI = `${APP_ORIGIN}/auth/linode/callback`;

function person(uid: number, username: string): LinodeUser {
  return { uid, username, email: `${username.toLowerCase()}@example.com` };
}

/** Only the documented variables: the preset, the client, the OAuth endpoints and the API base (/v4/profile moves with it). */
function linodeEnv(linode: LinodeEmulator): Record<string, string> {
  return presetEnv('linode', CLIENT_ID, CLIENT_SECRET, {
    LINODE_AUTHORIZE_URL: `${linode.origin}/oauth/authorize`,
    LINODE_ACCESS_TOKEN_URL: `${linode.origin}/oauth/token`,
    LINODE_API_BASE_URL: linode.origin,
  });
}

/** A refresh at Linode itself, as another copy of the token would make it. */
function refreshAtLinode(linode: LinodeEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${linode.origin}/oauth/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const LINODE: StandardProvider<LinodeUser, LinodeEmulator> = {
  preset: 'linode',
  displayName: 'Linode',
  startEmulator: () => startLinodeEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: linodeEnv,
  people: {
    cancelled: person(60001, 'ChangedMind'),
    'refused-code': person(60002, 'RefusedCode'),
    'wrong-secret': person(60003, 'WrongSecret'),
    'exchange-failure': person(60004, 'OutagePerson'),
  },
  subjectOf: (user) => String(user.uid),
};

describeEachDialect('Linode, against an emulator of Linode', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), LINODE);

  const signIn = (user: LinodeUser) => signInAs(context, 'linode', user);
  const instances = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/linode/proxy/v4/linode/instances`);

  it("signs in as /v4/profile's uid with its username and e-mail (verification unknown), without its SSH keys; linodes:read_only asked, the client in the form, a 2-hour token with a refresh token", async () => {
    const { database, emulator: linode, app } = context;
    const { userId, request } = await signIn(person(1234, 'exampleUser'));
    expect(request.get('scope')).toBe('linodes:read_only');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('1234');
    const claims = JSON.parse(account.claims);
    expect(claims).toMatchObject({ uid: '1234', username: 'exampleUser', restricted: false });
    expect(claims).not.toHaveProperty('authorized_keys');
    expect(claims).not.toHaveProperty('referrals');
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'exampleUser', email: 'exampleuser@example.com' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'linode');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'linodes:read_only', tokenType: 'bearer' });
    expectAccessTokenLifetime(token, 7200 - 100, 7200);
    const exchange = linode.server.requests.find((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(linode.server.requests.filter((r) => r.path === '/v4/profile').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy lists the Linodes; 20 concurrent calls on an expired token make one refresh, and the new pair is kept in place of the old', async () => {
    const { emulator: linode } = context;
    const { browser, userId } = await signIn(person(1235, 'stormUser'));
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'linode', userId, () => instances(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ data: [{ id: 123, label: 'linode123' }], page: 1, results: 1 });
    expectAccessTokenLifetime(after, 7200 - 100, 7200);
    expect((await statusAndBody(refreshAtLinode(linode, after.refreshToken!))).status).toBe(200);
  });

  it("the app removed from the person's profile marks the connection 'needs re-auth' after one refresh Linode refuses", async () => {
    const { emulator: linode } = context;
    const leaving = person(1236, 'leavingSoon');
    const { browser, userId } = await signIn(leaving);
    linode.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'linode', userId, () => instances(browser));
  });

  it('disconnect deletes the tokens here and asks Linode nothing: it gives no revocation endpoint', async () => {
    const { browser, userId } = await signIn(person(1237, 'goodbyeUser'));
    await expectDisconnectAsksNothing(context, 'linode', { browser, userId });
  });

  standardCases(() => context, LINODE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(LINODE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
