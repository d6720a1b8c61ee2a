import { expect, it } from 'vitest';
import { describeEachDialect } from '../support/postgres.js';
import { expectOneRefreshFor20Calls } from './kit/concurrent-calls.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, disconnectThrough, presetEnv, signInAs, signInThrough } from './kit/provider-app.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { countRows, describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startPipedriveEmulator, type PipedriveEmulator, type PipedriveUser } from './pipedrive.emulator.js';

// An id and secret with characters that form-encoding would change: sent as they are in the Basic header, as Pipedrive documents it.
const CLIENT_ID = 'b4d083d9216986345b32';
const CLIENT_SECRET = '5de81994d77491d22bc10eab3bc0810f84864297_-.';
const REDIRECT_URI = `${APP_ORIGIN}/auth/pipedrive/callback`;
const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

function person(id: number, name: string): PipedriveUser {
  const first = name.split(' ')[0]!.toLowerCase();
  return { id, name, email: `${first}@acme.test`, companyId: 5_000 + id, companyDomain: `acme${id}` };
}

/** Only the documented variables: the preset, the client, the OAuth endpoints, and the API origin (the host a token answer's api_domain may name). */
function pipedriveEnv(pipedrive: PipedriveEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('pipedrive', CLIENT_ID, CLIENT_SECRET, {
    PIPEDRIVE_AUTHORIZE_URL: `${pipedrive.origin}/oauth/authorize`,
    PIPEDRIVE_ACCESS_TOKEN_URL: `${pipedrive.origin}/oauth/token`,
    PIPEDRIVE_REVOCATION_URL: `${pipedrive.origin}/oauth/revoke`,
    PIPEDRIVE_API_BASE_URL: pipedrive.origin,
    ...extra,
  });
}

const PIPEDRIVE: StandardProvider<PipedriveUser, PipedriveEmulator> = {
  preset: 'pipedrive',
  displayName: 'Pipedrive',
  startEmulator: () => startPipedriveEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: pipedriveEnv,
  people: {
    'refused-code': person(108, 'Refused Code'),
    'wrong-secret': person(301, 'Wrong Secret'),
    'exchange-failure': person(302, 'Outage Person'),
  },
  subjectOf: (user) => String(user.id),
};

describeEachDialect('Pipedrive, against an emulator of Pipedrive', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), PIPEDRIVE);

  const signIn = (user: PipedriveUser) => signInAs(context, 'pipedrive', user);

  it('signs in as data.id of {api_domain}/api/v1/users/me, keeps api_domain as the connection’s API origin and the app’s scopes space-separated; no scope asked for, Basic credentials as they are', async () => {
    const { database, emulator: pipedrive, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('101');
    expect(JSON.parse(account.claims)).toMatchObject({ company_id: 5101, company_domain: 'acme101' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: 'ada@acme.test', email_verified: null, name: 'Ada Lovelace' });
    const row = await database.db.selectFrom('tokens').select(['api_base_url', 'scope']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(row).toEqual({ api_base_url: pipedrive.origin, scope: 'base deals:read' });
    const token = await app.runtime.tokenStore.findToken(userId, 'pipedrive');
    expectAccessTokenLifetime(token, 3500, 3599);
    expect(pipedrive.server.requests.find((r) => r.path === '/oauth/token')!.headers.authorization).toBe(basic);
  });

  it('the proxy calls the company’s API; 20 concurrent calls on an expired token make one refresh, keeping the refresh token and the API origin', async () => {
    const { database, emulator: pipedrive, app } = context;
    const { browser, userId } = await signIn(person(102, 'Grace Hopper'));
    const first = await browser.get(`${APP_ORIGIN}/api/providers/pipedrive/proxy/api/v1/deals`);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ success: true, data: [{ title: 'Deal of acme102' }] });

    const before = await app.runtime.tokenStore.findToken(userId, 'pipedrive');
    await expireAccessTokens(database, userId);
    await expectOneRefreshFor20Calls(pipedrive, () => browser.get(`${APP_ORIGIN}/api/providers/pipedrive/proxy/api/v1/deals`));
    const after = await app.runtime.tokenStore.findToken(userId, 'pipedrive');
    expect(after!.accessToken).not.toBe(before!.accessToken);
    expect(after!.refreshToken).toBe(before!.refreshToken);
    expect(after!.apiBaseUrl).toBe(pipedrive.origin);
  });

  it('an access token Pipedrive answers 401 for is refreshed once and the call sent again', async () => {
    const { emulator: pipedrive, app } = context;
    const { browser, userId } = await signIn(person(103, 'Alan Turing'));
    const before = await app.runtime.tokenStore.findToken(userId, 'pipedrive');
    // Ended at Pipedrive (an access token revoked alone) though not expired by the stored expiry.
    await fetch(`${pipedrive.origin}/oauth/revoke`, { method: 'POST', headers: { authorization: basic }, body: new URLSearchParams({ token: before!.accessToken }) });
    const refreshes = pipedrive.server.counts.refresh_token ?? 0;
    const call = await browser.get(`${APP_ORIGIN}/api/providers/pipedrive/proxy/api/v1/deals`);
    expect(call.status).toBe(200);
    expect(pipedrive.server.counts.refresh_token).toBe(refreshes + 1);
  });

  it('an api_domain outside pipedrive.com and the configured API host is refused: 502, no token sent there, nothing stored', async () => {
    const { database, emulator: pipedrive, app } = context;
    const users = await countRows(database, 'users');
    pipedrive.setApiDomain('https://collector.example.net');
    try {
      pipedrive.signInAs(person(104, 'Eve Mallory'));
      const page = await signInThrough(app.browser(), 'pipedrive');
      expect(page.status).toBe(502);
      expect(page.text).toContain('named an API origin (api_domain) outside its own domains');
    } finally {
      pipedrive.setApiDomain(pipedrive.origin);
    }
    expect(await countRows(database, 'users')).toBe(users);
  });

  it("a refresh token Pipedrive refuses (400 invalid_grant) marks the connection 'needs re-auth', with one attempt", async () => {
    const { database, emulator: pipedrive, app } = context;
    const { browser, userId } = await signIn(person(105, 'Barbara Liskov'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'pipedrive');
    // The app uninstalled at Pipedrive's side: its refresh token is revoked.
    await fetch(`${pipedrive.origin}/oauth/revoke`, { method: 'POST', headers: { authorization: basic }, body: new URLSearchParams({ token: stored!.refreshToken! }) });
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator: pipedrive }, 'pipedrive', userId, () => browser.get(`${APP_ORIGIN}/api/providers/pipedrive/proxy/api/v1/deals`));
  });

  it('disconnect revokes at Pipedrive (RFC 7009, Basic credentials): the installation ends, refresh token and access token alike', async () => {
    const { emulator: pipedrive, app } = context;
    const { browser, userId } = await signIn(person(106, 'Edsger Dijkstra'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'pipedrive');
    expect(await disconnectThrough(browser, 'pipedrive')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(pipedrive.server.requests.filter((r) => r.path === '/oauth/revoke').at(-1)!.headers.authorization).toBe(basic);
    expect(pipedrive.accepts(stored!.accessToken)).toBe(false);
    const replay = await fetch(`${pipedrive.origin}/oauth/token`, { method: 'POST', headers: { authorization: basic }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: stored!.refreshToken! }) });
    expect(replay.status).toBe(400);
    expect(await app.runtime.tokenStore.findToken(userId, 'pipedrive')).toBeUndefined();
  });

  it('a declined installation says so and asks for no token', async () => {
    const { emulator: pipedrive, app } = context;
    const exchanges = pipedrive.server.counts.authorization_code ?? 0;
    pipedrive.signInAs(person(107, 'Changed Mind'));
    pipedrive.denyNextAuthorization();
    const page = await signInThrough(app.browser(), 'pipedrive');
    expect(page.status).toBe(400);
    expect(page.text).toContain('Sign-in with Pipedrive was cancelled or refused at Pipedrive.');
    expect(pipedrive.server.counts.authorization_code ?? 0).toBe(exchanges);
  });

  standardCases(() => context, PIPEDRIVE, { refusedCode: { sentAs: '400 invalid_grant' } });
});

describeKeepAlive(PIPEDRIVE, {
  title: 'Pipedrive refresh tokens (60 days unused) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last 7 days of its 60, and each refresh starts the 60 days again',
  startEmulator: (now) => startPipedriveEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, now }),
  person: person(201, 'Idle Person'),
  dueAfterDays: 53,
  rotates: false,
  // 100 days after sign-in, but 47 after the last use: the same refresh token still works.
  usedAgainAfterDays: 47,
});

describeClientFailures(PIPEDRIVE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
