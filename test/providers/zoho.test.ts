import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, disconnectThrough, signInAs, signInThrough } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectKeptAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expireAccessTokens, rowCounts, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startZohoEmulator, type ZohoEmulator, type ZohoUser } from './zoho.emulator.js';

// A client id and secret of the form Zoho's API console shows.
const CLIENT_ID = '1000.GMB0YULZHJK411248S8I5GZ4CHUEX0';
const CLIENT_SECRET = '122c324d3496d5d777ceeebc129470715fbb856b7';
const REDIRECT_URI = `${APP_ORIGIN}/auth/zoho/callback`;

function person(zuid: number, first: string, last: string, accountsServer?: string): ZohoUser {
  return { zuid, firstName: first, lastName: last, email: `${first.toLowerCase()}@zylker.test`, ...(accountsServer ? { accountsServer } : {}) };
}

/**
 * Only the documented variables: the preset, the client, the accounts server sign-ins start at (every OAuth endpoint
 * is on it), the other data centre's accounts server, the scope, and the API origin (the host api_domain may name).
 */
function zohoEnv(zoho: ZohoEmulator): Record<string, string> {
  return {
    OAUTH_PROVIDERS: 'zoho',
    ZOHO_PRESET: 'zoho',
    ZOHO_CLIENT_ID: CLIENT_ID,
    ZOHO_CLIENT_SECRET: CLIENT_SECRET,
    ZOHO_BASE_URL: zoho.origin,
    ZOHO_REGIONAL_SERVERS: zoho.otherDataCentres.map((other) => other.origin).join(','),
    ZOHO_SCOPE: 'AaaServer.profile.READ ZohoCRM.users.READ',
    ZOHO_API_BASE_URL: zoho.origin,
  };
}

/** The US data centre, where sign-ins start, and the EU one beside it: the same client registered at both (Multi DC). */
async function startDataCentres(): Promise<ZohoEmulator> {
  const client = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI };
  const eu = await startZohoEmulator({ ...client, location: 'eu' });
  return startZohoEmulator({ ...client, otherDataCentres: [eu] });
}

/** A refresh at Zoho itself, as another copy of the token would make it. */
async function refreshAtZoho(zoho: ZohoEmulator, refreshToken: string): Promise<Record<string, unknown>> {
  const answer = await refreshAtProvider(`${zoho.origin}/oauth/v2/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
  return (await answer.json()) as Record<string, unknown>;
}

const ZOHO: StandardProvider<ZohoUser, ZohoEmulator> = {
  preset: 'zoho',
  displayName: 'Zoho',
  startEmulator: startDataCentres,
  env: zohoEnv,
  people: {
    cancelled: person(60_000_108, 'Changed', 'Mind'),
    'refused-code': person(60_000_109, 'Refused', 'Code'),
    'wrong-secret': person(60_000_301, 'Wrong', 'Secret'),
    'exchange-failure': person(60_000_302, 'Outage', 'Person'),
  },
  subjectOf: (user) => String(user.zuid),
};

describeEachDialect('Zoho, against emulators of two Zoho data centres', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), ZOHO);

  const signIn = (user: ZohoUser) => signInAs(context, 'zoho', user);
  /** Signs in again in a browser that is signed in already, as a returning person does. */
  const signInAgain = async (browser: TestBrowser, user: ZohoUser) => {
    context.emulator.signInAs(user);
    const start = await browser.get(`${APP_ORIGIN}/login/zoho?next=/api/me`, { followRedirects: false });
    const page = await browser.get(start.location!);
    expect(page.status).toBe(200);
    return { request: new URL(start.location!).searchParams, userId: (JSON.parse(page.text) as { user: { id: string } }).user.id };
  };
  const currentUser = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/zoho/proxy/crm/v8/users?type=CurrentUser`);

  it('signs in as the ZUID of /oauth/user/info with its names and e-mail (verification unknown); the scopes comma-joined with access_type=offline and consent, the client in the form, 1-hour tokens, a refresh token and the api_domain kept', async () => {
    const { database, emulator: zoho, app } = context;
    const ada = person(61_234_567, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('AaaServer.profile.READ,ZohoCRM.users.READ');
    expect(request.get('access_type')).toBe('offline');
    expect(request.get('prompt')).toBe('consent');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('61234567');
    expect(JSON.parse(account.claims)).toMatchObject({ zuid: '61234567', display_name: 'ada.lovelace' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@zylker.test', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'zoho');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'AaaServer.profile.READ ZohoCRM.users.READ', apiBaseUrl: zoho.origin });
    const lifetime = token!.expiresAt! - Math.floor(Date.now() / 1000);
    expect(lifetime).toBeGreaterThan(3500);
    expect(lifetime).toBeLessThanOrEqual(3600);
    const exchange = zoho.server.requests.find((r) => r.path === '/oauth/v2/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(zoho.liveRefreshGrants(ada)).toBe(1);
  });

  it('a returning person is not asked for consent again: Zoho issues no new refresh token, and the one held is kept', async () => {
    const { emulator: zoho, app } = context;
    const grace = person(61_234_568, 'Grace', 'Hopper');
    const { browser, userId } = await signIn(grace);
    const before = await app.runtime.tokenStore.findToken(userId, 'zoho');
    const again = await signInAgain(browser, grace);
    expect(again.userId).toBe(userId);
    expect(again.request.get('prompt')).toBeNull();
    expect(zoho.liveRefreshGrants(grace)).toBe(1);
    const after = await app.runtime.tokenStore.findToken(userId, 'zoho');
    expect(after!.accessToken).not.toBe(before!.accessToken);
    expect(after!.refreshToken).toBe(before!.refreshToken);
    expect(zoho.accepts(after!.accessToken)).toBe(true);
  });

  it('the proxy calls the CRM API at the api_domain; 20 concurrent calls on an expired token make one refresh, and the refresh token (not rotated) stays and still works', async () => {
    const { emulator: zoho } = context;
    const alan = person(61_234_569, 'Alan', 'Turing');
    const { browser, userId } = await signIn(alan);
    const first = await currentUser(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ users: [{ full_name: 'Alan Turing', zuid: '61234569' }] });
    const { before, after } = await expectKeptAfterStorm(context, 'zoho', userId, () => currentUser(browser));
    expect(after.apiBaseUrl).toBe(zoho.origin);
    expect(await refreshAtZoho(zoho, before.refreshToken!)).toMatchObject({ access_token: expect.any(String) });
  });

  it("the app revoked under Connected Apps at Zoho: Zoho's HTTP 200 invalid_code to one refresh marks the connection 'needs re-auth'; disconnect then counts the grant as revoked, and the next sign-in asks for consent and brings a new refresh token", async () => {
    const { emulator: zoho, app } = context;
    const leaving = person(61_234_570, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    zoho.revokeInZoho(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'zoho', userId, () => currentUser(browser));

    const again = await signInAgain(browser, leaving);
    expect(again.request.get('prompt')).toBe('consent');
    const renewed = await app.runtime.tokenStore.findToken(userId, 'zoho');
    expect(renewed).toMatchObject({ status: 'active', refreshToken: expect.any(String) });
    expect(zoho.liveRefreshGrants(leaving)).toBe(1);

    zoho.revokeInZoho(leaving);
    await expireAccessTokens(context.database, userId);
    expect((await currentUser(browser)).status).toBe(401);
    expect(await disconnectThrough(browser, 'zoho')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(await app.runtime.tokenStore.findToken(userId, 'zoho')).toBeUndefined();
  });

  it('disconnect revokes the refresh token at /oauth/v2/token/revoke, the token in the query, and both tokens end', async () => {
    const { emulator: zoho } = context;
    const { browser, userId } = await signIn(person(61_234_571, 'Goodbye', 'Person'));
    const stored = await expectDisconnectRevokes(context, 'zoho', { browser, userId }, { requests: 1 });
    const sent = zoho.server.requests.filter((r) => r.path.startsWith('/oauth/v2/token/revoke')).at(-1)!;
    expect(sent.path).toBe(`/oauth/v2/token/revoke?token=${encodeURIComponent(stored.refreshToken!)}`);
    expect(zoho.accepts(stored.accessToken)).toBe(false);
    expect(await refreshAtZoho(zoho, stored.refreshToken!)).toEqual({ error: 'invalid_code' });
  });

  it("a person of the other data centre is signed in there: the code exchanged and the profile read at that accounts-server, the CRM called at its api_domain, one refresh there for 20 calls on an expired token, and disconnect revoking there; the US server never sees a token", async () => {
    const { database, emulator: us, app } = context;
    const eu = us.otherDataCentres[0]!;
    const usCounts = { ...us.server.counts };
    const euCounts = { ...eu.server.counts };
    const europe = person(61_234_580, 'Europa', 'Person', eu.origin);
    const { browser, userId, request } = await signIn(europe);
    expect(request.get('scope')).toBe('AaaServer.profile.READ,ZohoCRM.users.READ');
    expect(eu.authorizationRequests.at(-1)!.toString()).toBe(us.authorizationRequests.at(-1)!.toString());
    expect(eu.server.counts.token_request).toBe((euCounts.token_request ?? 0) + 1);
    expect(eu.server.counts.user_info).toBe((euCounts.user_info ?? 0) + 1);
    const account = await database.db.selectFrom('accounts').select('subject').where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('61234580');
    const stored = await app.runtime.tokenStore.findToken(userId, 'zoho');
    expect(stored).toMatchObject({ authorizationServerUrl: eu.origin, apiBaseUrl: eu.origin, refreshToken: expect.any(String) });

    const first = await currentUser(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ users: [{ full_name: 'Europa Person', zuid: '61234580' }] });
    await expireAccessTokens(database, userId);
    const answers = await Promise.all(Array.from({ length: 20 }, () => currentUser(browser)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(eu.server.counts.refresh_token).toBe((euCounts.refresh_token ?? 0) + 1);
    const refreshed = await app.runtime.tokenStore.findToken(userId, 'zoho');
    expect(refreshed).toMatchObject({ authorizationServerUrl: eu.origin, refreshToken: stored!.refreshToken });
    expect(eu.accepts(refreshed!.accessToken)).toBe(true);

    expect(await disconnectThrough(browser, 'zoho')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(eu.server.counts.revoke).toBe((euCounts.revoke ?? 0) + 1);
    expect(eu.accepts(refreshed!.accessToken)).toBe(false);
    for (const step of ['token_request', 'refresh_token', 'user_info', 'crm_users', 'revoke']) expect(us.server.counts[step]).toBe(usCounts[step]);
  });

  it("a person whose callback names an accounts-server not among ZOHO_REGIONAL_SERVERS is refused with a 400 that says so; no code is exchanged and nothing is stored", async () => {
    const { database, emulator: zoho, app } = context;
    const before = await rowCounts(database);
    const exchanges = zoho.server.counts.token_request ?? 0;
    zoho.signInAs(person(61_234_572, 'Europe', 'Person', 'https://accounts.zoho.eu'));
    const page = await signInThrough(app.browser(), 'zoho');
    expect(page.status).toBe(400);
    expect(page.text).toContain(
      'This Zoho account is served by Zoho&#39;s server https://accounts.zoho.eu, which this site does not sign in with (ZOHO_REGIONAL_SERVERS lists those it does), so it cannot be connected here.',
    );
    expect(zoho.server.counts.token_request ?? 0).toBe(exchanges);
    expect(await rowCounts(database)).toEqual(before);
  });

  it("an api_domain outside Zoho's API domains fails the sign-in (502) before any token is sent there, and nothing is stored", async () => {
    const { database, emulator: zoho, app } = context;
    const before = await rowCounts(database);
    zoho.signInAs(person(61_234_573, 'Elsewhere', 'Person'));
    zoho.nameApiDomainNext('https://www.zohoapis.com.evil.example');
    const page = await signInThrough(app.browser(), 'zoho');
    expect(page.status).toBe(502);
    expect(page.text).toContain('Zoho named an API origin (api_domain) outside its own domains; no token is sent there.');
    expect(await rowCounts(database)).toEqual(before);
  });

  standardCases(() => context, ZOHO, { cancelled: {}, refusedCode: { sentAs: 'HTTP 200 invalid_code' } });
});

describeClientFailures(ZOHO, { wrongSecret: { sentAs: 'HTTP 200 invalid_client_secret' }, exchangeFailure: {} });
