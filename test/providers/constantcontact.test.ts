import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startConstantContactEmulator, type ConstantContactAccount, type ConstantContactEmulator } from './constantcontact.emulator.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// An API key (client id) of the UUID form the Developer Portal shows, and a secret with characters form-encoding would change: Basic carries them as they are.
const CLIENT_ID = '7b2c5e1a-9d4f-4a3b-8c6e-1f2a3b4c5d6e';
const CLIENT_SECRET = 'Xq3-vN8_kP2.mR7zL5wT9yB1';
const REDIRECT_URI = `${APP_ORIGIN}/auth/constantcontact/callback`;
const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

function account(accountId: string, firstName: string, lastName: string): ConstantContactAccount {
  return { accountId, firstName, lastName, email: `${firstName.toLowerCase()}@example.com`, organization: `${lastName} Cleaning` };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (the account summary moves with the API base). */
function constantContactEnv(emulator: ConstantContactEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('constantcontact', CLIENT_ID, CLIENT_SECRET, {
    CONSTANTCONTACT_AUTHORIZE_URL: `${emulator.origin}/oauth2/default/v1/authorize`,
    CONSTANTCONTACT_ACCESS_TOKEN_URL: `${emulator.origin}/oauth2/default/v1/token`,
    CONSTANTCONTACT_REVOCATION_URL: `${emulator.origin}/oauth2/default/v1/revoke`,
    CONSTANTCONTACT_API_BASE_URL: `${emulator.origin}/v3`,
    ...extra,
  });
}

/** A refresh at Constant Contact itself, as another copy of the token would make it. */
function refreshThere(emulator: ConstantContactEmulator, refreshToken: string): Promise<Response> {
  return fetch(`${emulator.origin}/oauth2/default/v1/token`, { method: 'POST', headers: { authorization: basic }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }) });
}

const CONSTANT_CONTACT: StandardProvider<ConstantContactAccount, ConstantContactEmulator> = {
  preset: 'constantcontact',
  displayName: 'Constant Contact',
  startEmulator: () => startConstantContactEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: constantContactEnv,
  people: {
    cancelled: account('a07e1changedmind0001', 'Changed', 'Mind'),
    'refused-code': account('a07e1refusedcode0001', 'Refused', 'Code'),
    'wrong-secret': account('a07e1wrongsecret0001', 'Wrong', 'Secret'),
    'exchange-failure': account('a07e1outageperson001', 'Outage', 'Person'),
  },
  subjectOf: (user) => user.accountId,
};

describeEachDialect('Constant Contact, against an emulator of Constant Contact', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), CONSTANT_CONTACT);

  const signIn = (user: ConstantContactAccount) => signInAs(context, 'constantcontact', user);
  const contactLists = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/constantcontact/proxy/contact_lists`);

  it('signs in as the encoded_account_id of /v3/account/summary, named by its first and last name, its contact e-mail unverified; state and PKCE S256 sent, Basic credentials as they are, 24-hour tokens with a refresh token', async () => {
    const { database, emulator, app } = context;
    const { userId, request } = await signIn(account('a07e1ikxyomhd4la0o9', 'Debora', 'Lang'));
    expect(request.get('scope')).toBe('account_read contact_data offline_access');
    expect(request.get('state')).toEqual(expect.any(String));
    expect(request.get('code_challenge_method')).toBe('S256');
    const stored = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(stored.subject).toBe('a07e1ikxyomhd4la0o9');
    expect(JSON.parse(stored.claims)).toMatchObject({ encoded_account_id: 'a07e1ikxyomhd4la0o9', name: 'Debora Lang', organization_name: 'Lang Cleaning' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: 'debora@example.com', email_verified: null, name: 'Debora Lang' });
    const token = await app.runtime.tokenStore.findToken(userId, 'constantcontact');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'account_read contact_data offline_access' });
    expectAccessTokenLifetime(token, 86_300, 86_400);
    const exchange = emulator.server.requests.find((r) => r.path === '/oauth2/default/v1/token')!;
    expect(exchange.headers.authorization).toBe(basic);
  });

  it('the proxy reaches the V3 API; 20 concurrent calls on an expired token make one refresh, the rotated refresh token is kept, and the old one is refused', async () => {
    const { emulator } = context;
    const { browser, userId } = await signIn(account('a07e1stormrotating01', 'Storm', 'Person'));
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'constantcontact', userId, () => contactLists(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ lists: [{ name: 'Person Cleaning customers' }], lists_count: 1 });
    expect(after.scope).toBe(before.scope);
    expect(await statusAndBody(refreshThere(emulator, before.refreshToken!))).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'The refresh token is invalid or expired.' } });
  });

  it("a refresh token Constant Contact refuses (invalid_grant) marks the connection 'needs re-auth', with one attempt", async () => {
    const { database, emulator, app } = context;
    const { browser, userId } = await signIn(account('a07e1refusedrefresh1', 'Refused', 'Refresh'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'constantcontact');
    // Rotated behind the app's back (another copy of the token used it): Constant Contact no longer takes the stored one.
    expect((await refreshThere(emulator, stored!.refreshToken!)).status).toBe(200);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator }, 'constantcontact', userId, () => contactLists(browser));
  });

  it('disconnect revokes at /oauth2/default/v1/revoke with Basic, the refresh token first, which ends the grant: neither token works afterwards', async () => {
    const { emulator } = context;
    const { browser, userId } = await signIn(account('a07e1leavingperson01', 'Leaving', 'Person'));
    const stored = await expectDisconnectRevokes(context, 'constantcontact', { browser, userId }, { requests: 2 });
    const sent = emulator.server.requests.filter((r) => r.path === '/oauth2/default/v1/revoke').slice(-2);
    expect(sent.map((r) => r.headers.authorization)).toEqual([basic, basic]);
    expect(emulator.revoked.slice(-2)).toEqual([stored.refreshToken, stored.accessToken]);
    expect(emulator.accepts(stored.accessToken)).toBe(false);
    expect((await refreshThere(emulator, stored.refreshToken!)).status).toBe(400);
  });

  standardCases(() => context, CONSTANT_CONTACT, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeEachDialect('Constant Contact without offline_access', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), {
    startEmulator: CONSTANT_CONTACT.startEmulator,
    env: (emulator) => constantContactEnv(emulator, { CONSTANTCONTACT_SCOPE: 'account_read contact_data' }),
  });

  it('signs in without a refresh token: offline_access is the scope that brings one', async () => {
    const { app } = context;
    const { userId } = await signInAs(context, 'constantcontact', account('a07e1noofflineacc001', 'Online', 'Only'));
    const token = await app.runtime.tokenStore.findToken(userId, 'constantcontact');
    expect(token).toMatchObject({ scope: 'account_read contact_data' });
    expect(token!.refreshToken).toBeNull();
  });
});

describeKeepAlive(CONSTANT_CONTACT, {
  title: 'Constant Contact refresh tokens (180 days unused) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last 7 days of its refresh token’s 180, and the connection outlives that refresh token',
  startEmulator: (now) => startConstantContactEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, now }),
  person: account('a07e1idleperson00001', 'Idle', 'Person'),
  dueAfterDays: 173,
  // Past the first refresh token's 180 days, the connection works: the rotated one refreshes its access token.
  usedAgainAfterDays: 10,
});

describeClientFailures(CONSTANT_CONTACT, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
