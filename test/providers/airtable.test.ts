import { expect, it } from 'vitest';
import { describeEachDialect } from '../support/postgres.js';
import { startAirtableEmulator, type AirtableEmulator, type AirtableUser } from './airtable.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// An id and secret with characters that form-encoding would change: sent as they are in the Basic header, as Airtable's example does.
const CLIENT_ID = '5f0c3e1a-7d2b-4c9e-8a41-2b6d9e0f7c13';
const CLIENT_SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9_-.';
const REDIRECT_URI = `${APP_ORIGIN}/auth/airtable/callback`;
const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

function person(id: string, email: string): AirtableUser {
  return { id, email };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator. */
function airtableEnv(airtable: AirtableEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('airtable', CLIENT_ID, CLIENT_SECRET, {
    AIRTABLE_AUTHORIZE_URL: `${airtable.origin}/oauth2/v1/authorize`,
    AIRTABLE_ACCESS_TOKEN_URL: `${airtable.origin}/oauth2/v1/token`,
    AIRTABLE_USERINFO_URL: `${airtable.origin}/v0/meta/whoami`,
    AIRTABLE_API_BASE_URL: `${airtable.origin}/v0`,
    ...extra,
  });
}

const AIRTABLE: StandardProvider<AirtableUser, AirtableEmulator> = {
  preset: 'airtable',
  displayName: 'Airtable',
  startEmulator: () => startAirtableEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: airtableEnv,
  people: {
    cancelled: person('usrChangedMind', 'changed@airtable.test'),
    'refused-code': person('usrRefusedCode', 'code@airtable.test'),
    'wrong-secret': person('usrWrongSecret', 'wrong@airtable.test'),
    'exchange-failure': person('usrOutagePerson', 'outage@airtable.test'),
  },
  subjectOf: (user) => user.id,
};

describeEachDialect('Airtable, against an emulator of Airtable', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), AIRTABLE);

  const signIn = (user: AirtableUser) => signInAs(context, 'airtable', user);

  it('signs in as the Airtable user id of /v0/meta/whoami with its e-mail; PKCE S256, Basic credentials as they are, 60-minute tokens', async () => {
    const { database, emulator: airtable, app } = context;
    const { userId, request } = await signIn(person('usrL2PNC5o3H4lBEi', 'foo@airtable.test'));
    expect(request.get('scope')).toBe('data.records:read schema.bases:read user.email:read');
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('usrL2PNC5o3H4lBEi');
    expect(JSON.parse(account.claims)).toMatchObject({ email: 'foo@airtable.test', scopes: ['data.records:read', 'schema.bases:read', 'user.email:read'] });
    const user = await database.db.selectFrom('users').select(['email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.email).toBe('foo@airtable.test');
    const token = await app.runtime.tokenStore.findToken(userId, 'airtable');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, 3500, 3600);
    expect(airtable.server.requests.find((r) => r.path === '/oauth2/v1/token')!.headers.authorization).toBe(basic);
  });

  it('the proxy reaches the API; 20 concurrent calls on an expired token make one refresh, the rotated refresh token is kept, and Airtable refuses the old one', async () => {
    const { emulator: airtable } = context;
    const { browser, userId } = await signIn(person('usrStormRotating1', 'storm@airtable.test'));
    const { before, answers } = await expectRotatedAfterStorm(context, 'airtable', userId, () => browser.get(`${APP_ORIGIN}/api/providers/airtable/proxy/appX1y2Z3a4B5c6D7/Tasks`));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ records: [{ fields: { Name: 'Tasks of appX1y2Z3a4B5c6D7' } }] });
    const replay = await fetch(`${airtable.origin}/oauth2/v1/token`, { method: 'POST', headers: { authorization: basic }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: before.refreshToken! }) });
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it("a refresh token Airtable refuses (400 invalid_grant) marks the connection 'needs re-auth', with one attempt", async () => {
    const { database, emulator: airtable, app } = context;
    const { browser, userId } = await signIn(person('usrRefusedRefresh', 'refused@airtable.test'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'airtable');
    // Rotated behind the app's back (another copy of the token used it): Airtable no longer takes the stored one.
    const elsewhere = await fetch(`${airtable.origin}/oauth2/v1/token`, { method: 'POST', headers: { authorization: basic }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: stored!.refreshToken! }) });
    expect(elsewhere.status).toBe(200);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator: airtable }, 'airtable', userId, () => browser.get(`${APP_ORIGIN}/api/providers/airtable/proxy/meta/whoami`));
  });

  it('disconnect deletes the tokens here and asks Airtable nothing: it documents no revocation', async () => {
    const { browser, userId } = await signIn(person('usrLeavingPerson', 'leaving@airtable.test'));
    await expectDisconnectAsksNothing(context, 'airtable', { browser, userId });
  });

  standardCases(() => context, AIRTABLE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeKeepAlive(AIRTABLE, {
  title: 'Airtable refresh tokens (60 days) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last 7 days of its refresh token’s 60, and the connection outlives that refresh token',
  startEmulator: (now) => startAirtableEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, now }),
  person: person('usrIdlePerson', 'idle@airtable.test'),
  dueAfterDays: 53,
  // Past the first refresh token's 60 days, the connection works: the new one refreshes its access token.
  usedAgainAfterDays: 10,
});

describeClientFailures(AIRTABLE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
