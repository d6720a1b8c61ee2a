import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { useLocalhostNames } from '../support/localhost-names.js';
import { describeEachDialect } from '../support/postgres.js';
import { startDatadogEmulator, type DatadogEmulator, type DatadogUser } from './datadog.emulator.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, disconnectThrough, signInAs, signInThrough } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, rowCounts, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the form Datadog's Developer Platform shows.
const CLIENT_ID = '9f3c6a1e-5b2d-4e8f-a7c0-1d2e3f4a5b6c';
const CLIENT_SECRET = 'ddoc_4c7e1b9a2f6d3e8c5b0a7f4e1d9c6b3a';
const REDIRECT_URI = `${APP_ORIGIN}/auth/datadog/callback`;

// The emulated sites are reached at api.<site> under .localhost, as Datadog's API hosts are named.
useLocalhostNames();

function person(id: number, name: string, site?: string): DatadogUser {
  return { id: `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`, name, email: `${name.split(' ')[0]!.toLowerCase()}@example.com`, ...(site ? { site } : {}) };
}

/**
 * Only the documented variables: the preset, the client, the US1 site's authorization page and API host (where its
 * token, user and revocation endpoints are), and the other site emulated, by its API host.
 */
function datadogEnv(us: DatadogEmulator): Record<string, string> {
  return {
    OAUTH_PROVIDERS: 'datadog',
    DATADOG_PRESET: 'datadog',
    DATADOG_CLIENT_ID: CLIENT_ID,
    DATADOG_CLIENT_SECRET: CLIENT_SECRET,
    DATADOG_AUTHORIZE_URL: `${us.origin}/oauth2/v1/authorize`,
    DATADOG_ACCESS_TOKEN_URL: `${us.apiOrigin}/oauth2/v1/token`,
    DATADOG_REVOCATION_URL: `${us.apiOrigin}/oauth2/v1/revoke`,
    DATADOG_API_BASE_URL: us.apiOrigin,
    DATADOG_REGIONAL_SERVERS: us.otherSites.map((site) => site.apiOrigin).join(','),
  };
}

/** The US1 site, where sign-ins start, and EU1 beside it: the same client at both. */
async function startSites(): Promise<DatadogEmulator> {
  const client = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI };
  const eu = await startDatadogEmulator({ ...client, label: 'eu1' });
  return startDatadogEmulator({ ...client, otherSites: [eu] });
}

/** A refresh at a Datadog site itself, as another copy of the token would make it, the client in the form. */
function refreshAtDatadog(site: DatadogEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${site.apiOrigin}/oauth2/v1/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const DATADOG: StandardProvider<DatadogUser, DatadogEmulator> = {
  preset: 'datadog',
  displayName: 'Datadog',
  startEmulator: startSites,
  env: datadogEnv,
  people: standardPeople((id, name) => person(id, name)),
  subjectOf: (user) => user.id,
};

const dashboards = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/datadog/proxy/api/v1/dashboard`);

describeEachDialect('Datadog, against emulators of two Datadog sites', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), DATADOG);
  const signIn = (user: DatadogUser) => signInAs(context, 'datadog', user);

  it("signs in as data.id of /api/v2/current_user with its name, e-mail and handle (verification unknown); no scope asked, PKCE S256, the client in the form, 1-hour tokens and a refresh token; the connection's API is the configured host", async () => {
    const { database, emulator: us, app } = context;
    const ada = person(1, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBeNull();
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toMatchObject({ id: ada.id, handle: 'ada@example.com' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'datadog');
    expect(token).toMatchObject({ refreshToken: expect.any(String), authorizationServerUrl: null, apiBaseUrl: null });
    expectAccessTokenLifetime(token, 3500, 3600);
    const exchange = us.server.requests.find((r) => r.path === '/oauth2/v1/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers.host).toBe(new URL(us.apiOrigin).host);
    expect(us.server.counts.current_user).toBeGreaterThan(0);
  });

  it('the proxy calls the API host; 20 concurrent calls on an expired token make one refresh, the new pair is kept and the used refresh token is refused', async () => {
    const { emulator: us } = context;
    const { browser, userId } = await signIn(person(2, 'Storm Person'));
    const { before, answers } = await expectRotatedAfterStorm(context, 'datadog', userId, () => dashboards(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ dashboards: [{ title: "Storm Person's dashboard" }] });
    expect(await statusAndBody(refreshAtDatadog(us, before.refreshToken!))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("the authorization revoked at Datadog marks the connection 'needs re-auth' after the API's 401, with one refused refresh", async () => {
    const { emulator: us } = context;
    const leaving = person(3, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    us.revokeAuthorization(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'datadog', userId, () => dashboards(browser));
  });

  it('disconnect revokes both tokens at /oauth2/v1/revoke (RFC 7009, the client in the form), and they end', async () => {
    const { emulator: us } = context;
    const { browser, userId } = await signIn(person(4, 'Goodbye Person'));
    const stored = await expectDisconnectRevokes(context, 'datadog', { browser, userId }, { requests: 2 });
    const sent = us.server.requests.filter((r) => r.path === '/oauth2/v1/revoke').at(-1)!;
    expect(sent.headers.host).toBe(new URL(us.apiOrigin).host);
    expect(us.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtDatadog(us, stored.refreshToken!)).status).toBe(400);
  });

  it("a person of another site is signed in there: the code exchanged and the user read at api.<domain>, the API called there, one refresh there for 20 calls on an expired token, and disconnect revoking there; the US1 site never sees a token", async () => {
    const { database, emulator: us, app } = context;
    const eu = us.otherSites[0]!;
    const usCounts = { ...us.server.counts };
    const euCounts = { ...eu.server.counts };
    const europe = person(5, 'Europa Person', eu.site);
    const { browser, userId } = await signIn(europe);
    expect(eu.server.counts.authorization_code).toBe((euCounts.authorization_code ?? 0) + 1);
    expect(eu.server.counts.current_user).toBe((euCounts.current_user ?? 0) + 1);
    const account = await database.db.selectFrom('accounts').select('subject').where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(europe.id);
    const stored = await app.runtime.tokenStore.findToken(userId, 'datadog');
    expect(stored).toMatchObject({ authorizationServerUrl: eu.apiOrigin, apiBaseUrl: eu.apiOrigin, refreshToken: expect.any(String) });

    const first = await dashboards(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ dashboards: [{ title: "Europa Person's dashboard" }] });
    await expireAccessTokens(database, userId);
    const answers = await Promise.all(Array.from({ length: 20 }, () => dashboards(browser)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(eu.server.counts.refresh_token).toBe((euCounts.refresh_token ?? 0) + 1);
    const refreshed = await app.runtime.tokenStore.findToken(userId, 'datadog');
    expect(refreshed).toMatchObject({ authorizationServerUrl: eu.apiOrigin, apiBaseUrl: eu.apiOrigin });
    expect(refreshed!.refreshToken).not.toBe(stored!.refreshToken);
    expect(eu.accepts(refreshed!.accessToken)).toBe(true);

    expect(await disconnectThrough(browser, 'datadog')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(eu.server.counts.revoke).toBe((euCounts.revoke ?? 0) + 2);
    expect(eu.accepts(refreshed!.accessToken)).toBe(false);
    for (const step of ['token_request', 'refresh_token', 'current_user', 'dashboards', 'revoke']) expect(us.server.counts[step]).toBe(usCounts[step]);
  });

  it.each([
    ['a real site not among DATADOG_REGIONAL_SERVERS', 'datadoghq.eu', 'http://api.datadoghq.eu'],
    ['a host of its own', 'evil.example', 'http://api.evil.example'],
    ['a look-alike of the other site', 'eu1.localhost.evil.example', 'http://api.eu1.localhost.evil.example'],
    ['credentials before another host', 'x@evil.example', 'api.x@evil.example'],
  ])('a callback whose domain names %s is refused with a 400 that says so; no code is exchanged anywhere and nothing is stored', async (_name, domain, shown) => {
    const { database, emulator: us, app } = context;
    const eu = us.otherSites[0]!;
    const before = await rowCounts(database);
    const requests = { us: us.server.requests.length, eu: eu.server.requests.length };
    us.signInAs(person(6, 'Elsewhere Person', domain));
    const page = await signInThrough(app.browser(), 'datadog');
    expect(page.status).toBe(400);
    expect(page.text).toContain(`This Datadog account is served by Datadog&#39;s server ${shown}, which this site does not sign in with (DATADOG_REGIONAL_SERVERS lists those it does), so it cannot be connected here.`);
    // The authorization request alone reached the emulators: no token request, at either site.
    expect(us.server.requests.slice(requests.us).map((r) => r.path.split('?')[0])).toEqual(['/oauth2/v1/authorize']);
    expect(eu.server.requests.length).toBe(requests.eu);
    expect(await rowCounts(database)).toEqual(before);
  });

  standardCases(() => context, DATADOG, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(DATADOG, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

it("in production, DATADOG_REGIONAL_SERVERS must be https origins; by default every site's API host is listed", () => {
  const production = presetInProduction('datadog', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  expect(production.settings({}).regionalServers).toEqual([
    'https://api.datadoghq.com',
    'https://api.us3.datadoghq.com',
    'https://api.us5.datadoghq.com',
    'https://api.datadoghq.eu',
    'https://api.ddog-gov.com',
    'https://api.us2.ddog-gov.com',
    'https://api.ap1.datadoghq.com',
    'https://api.ap2.datadoghq.com',
  ]);
  expect(production.settings({ DATADOG_REGIONAL_SERVERS: 'https://api.datadoghq.eu,https://api.uk1.datadoghq.com' }).regionalServers).toEqual(['https://api.datadoghq.eu', 'https://api.uk1.datadoghq.com']);
  expect(production.refusal({ DATADOG_REGIONAL_SERVERS: 'http://api.datadoghq.eu' })).toBe('Configuration error: DATADOG_REGIONAL_SERVERS has "http://api.datadoghq.eu": servers must use https in production');
});
