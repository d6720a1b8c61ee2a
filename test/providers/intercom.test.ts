import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startIntercomEmulator, type IntercomEmulator, type IntercomUser } from './intercom.emulator.js';
import { expectNoTokenRequestFor20Calls } from './kit/concurrent-calls.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { describeClientFailures, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id as Intercom shows it (a UUID) and a secret of the same form.
const CLIENT_ID = '3f6b1c2e-9d4a-4b7e-8c5f-0a1d2e3f4b5c';
const CLIENT_SECRET = 'a9e8d7c6-b5a4-4f3e-9d2c-1b0a9f8e7d6c';
const REDIRECT_URI = `${APP_ORIGIN}/auth/intercom/callback`;
const ACME = { idCode: 'ecahpwf5', name: 'Acme Support', region: 'US' } as const;

function person(id: number, name: string, workspace: IntercomUser['workspace'] = ACME, emailVerified = true): IntercomUser {
  return { id: String(991_260_000 + id), name, email: `${name.split(' ')[0]!.toLowerCase()}@acme.test`, emailVerified, workspace };
}

/** Only the documented variables: the preset, the client, the OAuth endpoints and the API base (/me moves with it). */
function intercomEnv(intercom: IntercomEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('intercom', CLIENT_ID, CLIENT_SECRET, {
    INTERCOM_AUTHORIZE_URL: `${intercom.origin}/oauth`,
    INTERCOM_ACCESS_TOKEN_URL: `${intercom.origin}/auth/eagle/token`,
    INTERCOM_API_BASE_URL: intercom.origin,
    ...extra,
  });
}

const INTERCOM: StandardProvider<IntercomUser, IntercomEmulator> = {
  preset: 'intercom',
  displayName: 'Intercom',
  startEmulator: () => startIntercomEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: intercomEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.id,
};

describeEachDialect('Intercom, against an emulator of Intercom', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: INTERCOM.startEmulator, env: intercomEnv });

  const signIn = (user: IntercomUser) => signInAs(context, 'intercom', user);

  const admins = (browser: TestBrowser, headers: Record<string, string> = {}) => browser.request(`${APP_ORIGIN}/api/providers/intercom/proxy/admins`, { method: 'GET', headers });

  it('signs in as the admin id of /me, with its verified e-mail and the workspace; no scope asked, the client in the form, a token that never expires with no refresh token', async () => {
    const { database, emulator: intercom, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.get('client_id')).toBe(CLIENT_ID);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toMatchObject({ type: 'admin', app: { id_code: 'ecahpwf5', name: 'Acme Support', region: 'US' } });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@acme.test', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(true);
    const token = await app.runtime.tokenStore.findToken(userId, 'intercom');
    expect(token).toMatchObject({ accessToken: expect.stringMatching(/^dG9rO/), refreshToken: null, expiresAt: null });
    const exchange = intercom.server.requests.find((r) => r.path === '/auth/eagle/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(intercom.server.requests.filter((r) => r.path === '/me').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('keeps an e-mail Intercom has not verified as unverified', async () => {
    const { database } = context;
    const { userId } = await signIn(person(102, 'Unverified Person', ACME, false));
    const user = await database.db.selectFrom('users').select(['email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.email).toBe('unverified@acme.test');
    expect(Boolean(user.email_verified)).toBe(false);
  });

  it('the proxy calls the API with the caller’s Intercom-Version (an unknown one is Intercom’s 400, passed on); 20 concurrent calls ask Intercom for no token, as there is nothing to refresh', async () => {
    const { emulator: intercom, app } = context;
    const { browser, userId } = await signIn(person(103, 'Grace Hopper'));
    const pinned = await admins(browser, { 'intercom-version': '2.11' });
    expect(pinned.status).toBe(200);
    expect(JSON.parse(pinned.text)).toMatchObject({ type: 'admin.list', admins: expect.arrayContaining([expect.objectContaining({ name: 'Grace Hopper' })]) });
    const sent = intercom.server.requests.filter((r) => r.path === '/admins').at(-1)!;
    expect(sent.headers['intercom-version']).toBe('2.11');
    expect(sent.headers.authorization).toBe(`Bearer ${(await app.runtime.tokenStore.findToken(userId, 'intercom'))!.accessToken}`);
    const unknown = await admins(browser, { 'intercom-version': '9.9' });
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.text)).toMatchObject({ type: 'error.list', errors: [{ code: 'intercom_version_invalid' }] });

    await expectNoTokenRequestFor20Calls(intercom, () => admins(browser));
  });

  it("the app uninstalled from the workspace (by a teammate's /auth/uninstall) marks the connection 'needs re-auth', with no token request", async () => {
    const { emulator: intercom, app } = context;
    const { browser, userId } = await signIn(person(104, 'Alan Turing', { idCode: 'tw0rkspc', name: 'Turing Ltd', region: 'EU' }));
    const teammate = await signIn(person(105, 'Joan Clarke', { idCode: 'tw0rkspc', name: 'Turing Ltd', region: 'EU' }));
    const teammateToken = (await app.runtime.tokenStore.findToken(teammate.userId, 'intercom'))!.accessToken;
    expect((await fetch(`${intercom.origin}/auth/uninstall`, { method: 'POST', headers: { authorization: `Bearer ${teammateToken}` } })).status).toBe(200);
    await expectNeedsReauthWithoutTokenRequest(context, 'intercom', userId, () => admins(browser));
  });

  it('disconnect deletes the tokens and asks Intercom nothing (its uninstall would end the whole workspace’s); a teammate’s connection keeps working', async () => {
    const leaving = await signIn(person(106, 'Leaving Person'));
    const staying = await signIn(person(107, 'Staying Person'));
    await expectDisconnectAsksNothing(context, 'intercom', leaving);
    expect((await admins(staying.browser)).status).toBe(200);
  });

  it('/me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, INTERCOM, person(110, 'Outage Profile'), (intercom) => intercom.failNextMe(500));
  });

  standardCases(() => context, INTERCOM, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(INTERCOM, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
