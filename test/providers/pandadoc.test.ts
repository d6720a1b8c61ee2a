import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startPandaDocEmulator, type PandaDocEmulator, type PandaDocUser } from './pandadoc.emulator.js';

// A client id and secret of the form the PandaDoc Developer Dashboard shows (40 hexadecimal characters each).
const CLIENT_ID = '3f6c2a9e1b7d4c8a0e5f9b2d6a1c4e7f8b0d3a5c';
const CLIENT_SECRET = 'a8e1c5f0b3d7e2a9c4f6b1d8e0a3c7f5b2d9e4a6';
const REDIRECT_URI = `${APP_ORIGIN}/auth/pandadoc/callback`;

function person(n: number, firstName: string, lastName: string, emailVerified = true): PandaDocUser {
  return { userId: `uXk${n}bQ7rT2mWc9pLs4eVd`, membershipId: `mZq${n}aN5vY8hJk3tRf6gB`, firstName, lastName, email: `${firstName.toLowerCase()}@example.com`, emailVerified };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (the member moves with the API base). */
function pandadocEnv(pandadoc: PandaDocEmulator): Record<string, string> {
  return presetEnv('pandadoc', CLIENT_ID, CLIENT_SECRET, {
    PANDADOC_AUTHORIZE_URL: `${pandadoc.origin}/oauth2/authorize`,
    PANDADOC_ACCESS_TOKEN_URL: `${pandadoc.origin}/oauth2/access_token`,
    PANDADOC_API_BASE_URL: pandadoc.origin,
  });
}

const PANDADOC: StandardProvider<PandaDocUser, PandaDocEmulator> = {
  preset: 'pandadoc',
  displayName: 'PandaDoc',
  startEmulator: () => startPandaDocEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: pandadocEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.userId,
};

const documents = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/pandadoc/proxy/public/v1/documents`);

describeEachDialect('PandaDoc, against an emulator of PandaDoc', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), PANDADOC);

  const signIn = (user: PandaDocUser) => signInAs(context, 'pandadoc', user);

  it('signs in as the user_id of /public/v1/members/current/ (not the per-workspace membership_id) with the names, the e-mail as PandaDoc verified it and the workspace; scope=read+write, no PKCE, the client in the form, a year-long token with a refresh token', async () => {
    const { database, emulator: pandadoc, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('read write');
    expect(request.get('response_type')).toBe('code');
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.userId);
    expect(JSON.parse(account.claims)).toMatchObject({ user_id: ada.userId, given_name: 'Ada', family_name: 'Lovelace', workspace: 'vWk7sPQ3nGfX2bT9aRcE4m', workspace_name: 'Acme Sales' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(true);
    const token = await app.runtime.tokenStore.findToken(userId, 'pandadoc');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'read write' });
    expectAccessTokenLifetime(token, 31_535_900, 31_535_999);
    const exchange = pandadoc.server.requests.find((r) => r.path === '/oauth2/access_token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
  });

  it('an e-mail PandaDoc has not verified is stored as unverified', async () => {
    const { database } = context;
    const { userId } = await signIn(person(105, 'Grace', 'Hopper', false));
    const user = await database.db.selectFrom('users').select(['email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.email).toBe('grace@example.com');
    expect(Boolean(user.email_verified)).toBe(false);
  });

  it('the proxy calls the Public API; 20 concurrent calls on an expired token make one refresh, and the refresh token it answers is kept with a new year-long access token', async () => {
    const { browser, userId } = await signIn(person(102, 'Alan', 'Turing'));
    const { after, answers } = await expectRotatedAfterStorm(context, 'pandadoc', userId, () => documents(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ results: [{ id: 'msFYActMfJHqNTKH8YSvF1', name: 'Sample Proposal' }] });
    expect(after.scope).toBe('read write');
    expectAccessTokenLifetime(after, 31_535_900, 31_535_999);
  });

  it("the app removed in PandaDoc marks the connection 'needs re-auth' after one refresh PandaDoc refuses", async () => {
    const { emulator: pandadoc } = context;
    const leaving = person(103, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    pandadoc.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'pandadoc', userId, () => documents(browser));
  });

  it('disconnect deletes the tokens here and says they were not revoked at PandaDoc, which documents no endpoint for it: no request is sent', async () => {
    const { browser, userId } = await signIn(person(104, 'Goodbye', 'Person'));
    await expectDisconnectAsksNothing(context, 'pandadoc', { browser, userId });
  });

  it('the profile failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, PANDADOC, person(110, 'Outage', 'Profile'), (pandadoc) => pandadoc.failNextProfile(500));
  });

  standardCases(() => context, PANDADOC, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(PANDADOC, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
