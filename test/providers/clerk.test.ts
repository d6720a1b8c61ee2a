import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startClerkEmulator, type ClerkEmulator, type ClerkUser } from './clerk.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs, startProviderTestApp } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectKeptAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// An OAuth application's credentials as the Clerk Dashboard shows them: a client id and a secret of letters and digits.
const CLIENT_ID = 'Wb7ZDqYtPNHHtJ3L';
const CLIENT_SECRET = 'kX4mQ8vRz2TnW6yB1cF9hJ3sL5pD7gA0eU2iO4rY6tE8wQ1z';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/clerk/callback`;

function person(id: number, firstName: string, lastName: string): ClerkUser {
  return { id: `user_2NNEqL2nrIRdJ194ndJq${String(id).padStart(6, '0')}`, firstName, lastName, username: `${firstName}${lastName}`.toLowerCase(), email: `${firstName.toLowerCase()}@example.com` };
}

/** Only the documented variables: the preset, the OAuth application, and the instance's Frontend API URL. */
function clerkEnv(clerk: ClerkEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('clerk', CLIENT_ID, CLIENT_SECRET, { CLERK_BASE_URL: clerk.origin, ...extra });
}

const subjectAt = (clerk: ClerkEmulator, user: ClerkUser) => `${user.id}@${new URL(clerk.origin).host}`;

let started: ClerkEmulator | undefined;
const CLERK: StandardProvider<ClerkUser, ClerkEmulator> = {
  preset: 'clerk',
  displayName: 'Clerk',
  startEmulator: async () => (started = await startClerkEmulator({ ...CLIENT, redirectUri: REDIRECT_URI })),
  env: clerkEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => subjectAt(started!, user),
};

const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/clerk/proxy/userinfo`);

/** A refresh at the instance itself, the client as HTTP Basic. */
const refreshAtClerk = (clerk: ClerkEmulator, refreshToken: string) => refreshAtProvider(`${clerk.origin}/oauth/token`, CLIENT, refreshToken);

describeEachDialect('Clerk, against an emulator of a Clerk instance as an OAuth provider', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), CLERK);
  const signIn = (user: ClerkUser) => signInAs(context, 'clerk', user);

  it("signs in as the user's ID qualified by the instance's host, with the names, username and verified e-mail; profile email offline_access with PKCE, the client as HTTP Basic, a day's token and a refresh token", async () => {
    const { database, emulator: clerk, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('profile email offline_access');
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.has('nonce')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(`${ada.id}@${new URL(clerk.origin).host}`);
    expect(JSON.parse(account.claims)).toMatchObject({ sub: ada.id, preferred_username: 'adalovelace', given_name: 'Ada', family_name: 'Lovelace' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect({ ...user, email_verified: Boolean(user.email_verified) }).toEqual({ name: 'Ada Lovelace', email: 'ada@example.com', email_verified: true });
    const token = await app.runtime.tokenStore.findToken(userId, 'clerk');
    expect(token).toMatchObject({ refreshToken: expect.stringMatching(/^ort_/), scope: 'profile email offline_access' });
    expectAccessTokenLifetime(token, 86300, 86400);
    const exchange = clerk.server.requests.filter((r) => r.path === '/oauth/token').at(-1)!;
    expect(exchange.headers.authorization).toMatch(/^Basic /);
    expect(clerk.server.requests.filter((r) => r.path === '/oauth/userinfo').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy reads the user info; 20 concurrent calls on an expired token make one refresh, and the refresh token, which never expires, is kept', async () => {
    const { emulator: clerk } = context;
    const { browser, userId } = await signIn(person(102, 'Alan', 'Turing'));
    const { before, answers } = await expectKeptAfterStorm(context, 'clerk', userId, () => userinfo(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ sub: person(102, 'Alan', 'Turing').id, email_verified: true });
    expect((await refreshAtClerk(clerk, before.refreshToken!)).status).toBe(200);
  });

  it("the person's grant ended at Clerk marks the connection 'needs re-auth' after one refused refresh", async () => {
    const { emulator: clerk } = context;
    const leaving = person(103, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    clerk.revokeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'clerk', userId, () => userinfo(browser));
  });

  it("a custom scope deleted in the Dashboard: Clerk refuses the refresh token with invalid_scope, which marks the connection 'needs re-auth' after that one refusal", async () => {
    const { database, emulator: clerk } = context;
    const scoped = await startProviderTestApp({ databaseUrl: database.url, env: clerkEnv(clerk, { CLERK_SCOPE: 'profile email offline_access read:projects' }) });
    let undo = (): void => undefined;
    try {
      const { browser, userId } = await signInAs({ emulator: clerk, app: scoped }, 'clerk', person(104, 'Scoped', 'Person'));
      const stored = (await scoped.runtime.tokenStore.findToken(userId, 'clerk'))!;
      expect(stored.scope).toBe('profile email offline_access read:projects');
      undo = clerk.deleteScope('read:projects');
      expect(await statusAndBody(refreshAtClerk(clerk, stored.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
      await expireAccessTokens(database, userId);
      await expectNeedsReauthAfterOneRefusedRefresh({ app: scoped, emulator: clerk }, 'clerk', userId, () => userinfo(browser));
    } finally {
      undo();
      await scoped.close();
    }
  });

  it('disconnect deletes the tokens here and asks Clerk nothing: its revocation is in the Backend API, with the secret key the preset does not hold', async () => {
    const { emulator: clerk, app } = context;
    const { browser, userId } = await signIn(person(105, 'Goodbye', 'Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'clerk'))!;
    await expectDisconnectAsksNothing(context, 'clerk', { browser, userId });
    expect(clerk.accepts(stored.accessToken)).toBe(true);
  });

  it('the user info failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, CLERK, person(106, 'Outage', 'Profile'), (clerk) => clerk.failNextUserinfoRequest(500));
  });

  standardCases(() => context, CLERK, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(CLERK, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the clerk preset in production', () => {
  const { settings, refusal } = presetInProduction('clerk', CLIENT);

  it("takes the instance's Frontend API URL, and needs it; every endpoint is the instance's", () => {
    expect(settings({ CLERK_BASE_URL: 'https://clerk.example.com/' })).toMatchObject({
      displayName: 'Clerk',
      endpoints: {
        authorizationEndpoint: 'https://clerk.example.com/oauth/authorize',
        tokenEndpoint: 'https://clerk.example.com/oauth/token',
        userinfoEndpoint: 'https://clerk.example.com/oauth/userinfo',
      },
      apiBaseUrl: 'https://clerk.example.com/oauth',
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
    expect(refusal({})).toContain('CLERK_BASE_URL');
  });
});
