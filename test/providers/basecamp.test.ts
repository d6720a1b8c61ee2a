import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectKeptAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startBasecampEmulator, type BasecampEmulator, type BasecampUser } from './basecamp.emulator.js';

// A client id and secret of 40 hex digits, as Launchpad's integrations page shows them.
const CLIENT_ID = '0bf18204f5a28003bf7b9abb7e1db5e649d86ef4';
const CLIENT_SECRET = '7d3e9a1c5b8f2e6d4a0c9b7e3f1d5a8c2e6b4d0f';
const REDIRECT_URI = `${APP_ORIGIN}/auth/basecamp/callback`;
const USER_AGENT = `Tokenkeeper (Basecamp integration ${CLIENT_ID})`;
const TWO_WEEKS = 14 * 24 * 60 * 60;

function person(id: number, firstName: string, lastName: string, accountId = id * 10): BasecampUser {
  return { id, firstName, lastName, email: `${firstName.toLowerCase()}@example.com`, accounts: [{ id: accountId, name: `${firstName}'s Studio`, product: 'bc3' }] };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (Launchpad's, and the API's). */
function basecampEnv(basecamp: BasecampEmulator): Record<string, string> {
  return {
    OAUTH_PROVIDERS: 'basecamp',
    BASECAMP_PRESET: 'basecamp',
    BASECAMP_CLIENT_ID: CLIENT_ID,
    BASECAMP_CLIENT_SECRET: CLIENT_SECRET,
    BASECAMP_AUTHORIZE_URL: `${basecamp.origin}/authorization/new`,
    BASECAMP_ACCESS_TOKEN_URL: `${basecamp.origin}/authorization/token`,
    BASECAMP_USERINFO_URL: `${basecamp.origin}/authorization.json`,
    BASECAMP_API_BASE_URL: basecamp.origin,
  };
}

/** A refresh at Launchpad itself, as another copy of the token would make it. */
function refreshAtLaunchpad(basecamp: BasecampEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${basecamp.origin}/authorization/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const BASECAMP: StandardProvider<BasecampUser, BasecampEmulator> = {
  preset: 'basecamp',
  displayName: 'Basecamp',
  startEmulator: () => startBasecampEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: basecampEnv,
  people: {
    cancelled: person(1108, 'Changed', 'Mind'),
    'refused-code': person(1109, 'Refused', 'Code'),
    'wrong-secret': person(1301, 'Wrong', 'Secret'),
    'exchange-failure': person(1302, 'Outage', 'Person'),
  },
  subjectOf: (user) => String(user.id),
};

describeEachDialect('Basecamp, against an emulator of 37signals Launchpad and the Basecamp 4 API', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), BASECAMP);

  const signIn = (user: BasecampUser) => signInAs(context, 'basecamp', user);
  const projects = (browser: TestBrowser, accountId: number, headers: Record<string, string> = {}) => browser.get(`${APP_ORIGIN}/api/providers/basecamp/proxy/${accountId}/projects.json`, { headers });

  it('signs in as the identity id of authorization.json with the names and the e-mail unverified, keeping the accounts and their API bases; no scope or PKCE, the client in the form, a 2-week token and a refresh token', async () => {
    const { database, emulator: basecamp, app } = context;
    const jason: BasecampUser = {
      ...person(9999999, 'Jason', 'Fried'),
      accounts: [
        { id: 99999999, name: 'Honcho Design', product: 'bc3' },
        { id: 88888888, name: 'Old Honcho', product: 'bcx' },
      ],
    };
    const { userId, request } = await signIn(jason);
    expect(request.get('response_type')).toBe('code');
    expect(request.has('scope')).toBe(false);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('9999999');
    expect((JSON.parse(account.claims) as { basecamp_accounts: unknown }).basecamp_accounts).toEqual([
      { id: 99999999, product: 'bc3', name: 'Honcho Design', href: `${basecamp.origin}/99999999`, app_href: 'https://3.basecamp.com/99999999' },
      { id: 88888888, product: 'bcx', name: 'Old Honcho', href: `${basecamp.origin}/88888888/api/v1`, app_href: 'https://3.basecamp.com/88888888' },
    ]);
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Jason Fried', email: 'jason@example.com' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'basecamp');
    expect(token!.refreshToken).toEqual(expect.any(String));
    const lifetime = token!.expiresAt! - Math.floor(Date.now() / 1000);
    expect(lifetime).toBeGreaterThan(TWO_WEEKS - 100);
    expect(lifetime).toBeLessThanOrEqual(TWO_WEEKS);
    const exchange = basecamp.server.requests.findLast((r) => r.path.startsWith('/authorization/token'))!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(basecamp.server.requests.findLast((r) => r.path === '/authorization.json')!.headers['user-agent']).toBe(USER_AGENT);
  });

  it("the proxy calls an account's API with the integration's User-Agent, whatever the caller sends; an account the person lacks is Basecamp's 404", async () => {
    const { emulator: basecamp } = context;
    const grace = person(1102, 'Grace', 'Hopper');
    const { browser } = await signIn(grace);
    const answer = await projects(browser, grace.accounts[0]!.id, { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64)' });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual([expect.objectContaining({ name: "Grace's Studio HQ" })]);
    const call = basecamp.server.requests.findLast((r) => r.path.endsWith('/projects.json'))!;
    expect(call.headers).toMatchObject({ 'user-agent': USER_AGENT, authorization: expect.stringMatching(/^Bearer /) });
    expect((await projects(browser, 424242)).status).toBe(404);
  });

  it('20 concurrent calls on an expired token make one refresh; the refresh token, which does not rotate, stays the same and still works', async () => {
    const { emulator: basecamp } = context;
    const alan = person(1103, 'Alan', 'Turing');
    const { browser, userId } = await signIn(alan);
    const { before, after } = await expectKeptAfterStorm(context, 'basecamp', userId, () => projects(browser, alan.accounts[0]!.id));
    expect(after.expiresAt! - Math.floor(Date.now() / 1000)).toBeGreaterThan(TWO_WEEKS - 100);
    const refresh = basecamp.server.requests.findLast((r) => r.path.startsWith('/authorization/token'))!;
    expect(refresh.headers.authorization).toBeUndefined();
    expect((await refreshAtLaunchpad(basecamp, before.refreshToken!)).status).toBe(200);
  });

  it('token answers without token_type (as Launchpad gave them under OAuth 2.0 draft 5) are read as Bearer, at sign-in and at a refresh', async () => {
    const { database, emulator: basecamp, app } = context;
    const ada = person(1104, 'Ada', 'Lovelace');
    basecamp.answerWithoutTokenType();
    try {
      const { browser, userId } = await signIn(ada);
      expect(await app.runtime.tokenStore.findToken(userId, 'basecamp')).toMatchObject({ refreshToken: expect.any(String) });
      await expireAccessTokens(database, userId);
      const refreshes = basecamp.server.counts.refresh_token ?? 0;
      expect((await projects(browser, ada.accounts[0]!.id)).status).toBe(200);
      expect(basecamp.server.counts.refresh_token).toBe(refreshes + 1);
    } finally {
      basecamp.answerWithoutTokenType(false);
    }
  });

  it("the integration removed from the person's 37signals ID: the API refuses the token, the refresh is refused (invalid_grant), and the connection needs re-auth after one try", async () => {
    const { emulator: basecamp } = context;
    const leaving = person(1105, 'Edsger', 'Dijkstra');
    const { browser, userId } = await signIn(leaving);
    basecamp.removeIntegration(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'basecamp', userId, () => projects(browser, leaving.accounts[0]!.id));
  });

  it('disconnect deletes the tokens here and says they were not revoked at Basecamp, which documents no revocation: no request is sent', async () => {
    const { browser, userId } = await signIn(person(1106, 'Barbara', 'Liskov'));
    await expectDisconnectAsksNothing(context, 'basecamp', { browser, userId });
  });

  standardCases(() => context, BASECAMP, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(BASECAMP, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
