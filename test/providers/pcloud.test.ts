import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { useLocalhostNames } from '../support/localhost-names.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectNoTokenRequestFor20Calls } from './kit/concurrent-calls.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, rowCounts, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startPCloudEmulator, type PCloudEmulator, type PCloudUser } from './pcloud.emulator.js';

// A client id and secret of the form pCloud's "My Apps" shows.
const CLIENT_ID = 'k7Qm2XvZp9W';
const CLIENT_SECRET = 'T4nB8yR1cL6dH3sF9gJ2kM5pQ0wE';
const REDIRECT_URI = `${APP_ORIGIN}/auth/pcloud/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

// The emulated API servers are reached at api. and eapi.localhost, as pCloud's are api. and eapi.pcloud.com.
useLocalhostNames();

function person(id: number, name: string, hostname?: string): PCloudUser {
  return { id: 17_000_000 + id, email: `${name.split(' ')[0]!.toLowerCase()}@example.com`, emailVerified: id % 2 === 1, ...(hostname ? { hostname } : {}) };
}

/** Only the documented variables: the preset, the client, the authorization page, the US server (its token endpoint, userinfo and API), and the European server as a regional one. */
function pcloudEnv(us: PCloudEmulator): Record<string, string> {
  return presetEnv('pcloud', CLIENT_ID, CLIENT_SECRET, {
    PCLOUD_AUTHORIZE_URL: `${us.origin}/oauth2/authorize`,
    PCLOUD_ACCESS_TOKEN_URL: `${us.apiOrigin}/oauth2_token`,
    PCLOUD_USERINFO_URL: `${us.apiOrigin}/userinfo`,
    PCLOUD_API_BASE_URL: us.apiOrigin,
    PCLOUD_REGIONAL_SERVERS: us.otherRegions.map((region) => region.apiOrigin).join(','),
  });
}

/** The US server, where sign-ins start, and the European one beside it: the same client at both. */
async function startRegions(): Promise<PCloudEmulator> {
  const client = { ...CLIENT, redirectUri: REDIRECT_URI };
  const eu = await startPCloudEmulator({ ...client, label: 'eapi', locationId: 2 });
  return startPCloudEmulator({ ...client, label: 'api', locationId: 1, otherRegions: [eu] });
}

const PCLOUD: StandardProvider<PCloudUser, PCloudEmulator> = {
  preset: 'pcloud',
  displayName: 'pCloud',
  startEmulator: startRegions,
  env: pcloudEnv,
  people: standardPeople((id, name) => person(id, name)),
  subjectOf: (user) => String(user.id),
};

const listfolder = (browser: TestBrowser, query = '?folderid=0') => browser.get(`${APP_ORIGIN}/api/providers/pcloud/proxy/listfolder${query}`);
const lastRequest = (emulator: PCloudEmulator, path: string) => emulator.server.requests.filter((r) => r.path.startsWith(path)).at(-1)!;

describeEachDialect('pCloud, against emulators of its two API servers', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), PCLOUD);
  const signIn = (user: PCloudUser) => signInAs(context, 'pcloud', user);

  it("signs in as userinfo's userid with the e-mail and its verification; no scope, no PKCE, the client in the form, a token with no end and no refresh token, sent as access_token; the connection's API is the configured server", async () => {
    const { database, emulator: us, app } = context;
    const ada = person(1, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.has('code_challenge')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(String(ada.id));
    expect(JSON.parse(account.claims)).toMatchObject({ userid: String(ada.id), email: 'ada@example.com', email_verified: true });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.email).toBe('ada@example.com');
    expect(Boolean(user.email_verified)).toBe(true);
    const token = await app.runtime.tokenStore.findToken(userId, 'pcloud');
    expect(token).toMatchObject({ refreshToken: null, expiresAt: null, authorizationServerUrl: null, apiBaseUrl: null });
    const exchange = lastRequest(us, '/oauth2_token');
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers.host).toBe(us.hostname);
    const profile = lastRequest(us, '/userinfo');
    expect(profile.headers.authorization).toBeUndefined();
    expect(new URL(profile.path, us.apiOrigin).searchParams.get('access_token')).toBe(token!.accessToken);
  });

  it('an unverified e-mail is stored as such', async () => {
    const { database } = context;
    const { userId } = await signIn(person(2, 'Grace Hopper'));
    const user = await database.db.selectFrom('users').select(['email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.email).toBe('grace@example.com');
    expect(Boolean(user.email_verified)).toBe(false);
  });

  it("oauth2_token answers its failures with HTTP 200 and a result code: a missing code, a wrong secret, a code it does not know", async () => {
    const { emulator: us } = context;
    const send = (form: Record<string, string>) => statusAndBody(fetch(`${us.apiOrigin}/oauth2_token`, { method: 'POST', body: new URLSearchParams(form) }));
    expect(await send({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET })).toEqual({ status: 200, body: { result: 1022, error: "Please provide 'code'." } });
    expect(await send({ client_id: CLIENT_ID, client_secret: 'not-the-secret', code: 'c' })).toEqual({ status: 200, body: { result: 2002, error: "Invalid 'client_secret' provided." } });
    expect(await send({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code: 'c' })).toEqual({ status: 200, body: { result: 2012, error: "Invalid 'code' provided." } });
  });

  it("the proxy calls the API with the token as access_token in place of the caller's own; 20 concurrent calls ask pCloud for no token, as there is nothing to refresh", async () => {
    const { emulator: us, app } = context;
    const { browser, userId } = await signIn(person(3, 'Joan Clarke'));
    const accessToken = (await app.runtime.tokenStore.findToken(userId, 'pcloud'))!.accessToken;
    const answer = await listfolder(browser, '?folderid=0&access_token=someone-elses');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ result: 0, metadata: { folderid: 0, contents: [{ name: 'joan@example.com.txt' }] } });
    const sent = lastRequest(us, '/listfolder');
    expect(sent.headers.authorization).toBeUndefined();
    expect(new URL(sent.path, us.apiOrigin).searchParams.getAll('access_token')).toEqual([accessToken]);
    await expectNoTokenRequestFor20Calls(us, () => listfolder(browser));
  });

  it("the app's access removed in pCloud (HTTP 200, result 2000) marks the connection 'needs re-auth', with no token request", async () => {
    const { emulator: us } = context;
    const leaving = person(4, 'Barbara Liskov');
    const { browser, userId } = await signIn(leaving);
    us.removeApp(leaving);
    await expectNeedsReauthWithoutTokenRequest(context, 'pcloud', userId, () => listfolder(browser));
  });

  it('disconnect asks pCloud nothing (it documents no revocation) and forgets the token, which pCloud still takes', async () => {
    const { emulator: us, app } = context;
    const { browser, userId } = await signIn(person(5, 'Goodbye Person'));
    const accessToken = (await app.runtime.tokenStore.findToken(userId, 'pcloud'))!.accessToken;
    await expectDisconnectAsksNothing(context, 'pcloud', { browser, userId });
    expect(us.accepts(accessToken)).toBe(true);
  });

  it('a person in Europe is signed in at the hostname the callback names: the code exchanged, userinfo read and the API called at eapi, which the US server never sees', async () => {
    const { database, emulator: us, app } = context;
    const eu = us.otherRegions[0]!;
    const usCounts = { ...us.server.counts };
    const euCounts = { ...eu.server.counts };
    const europe = person(7, 'Europa Person', eu.hostname);
    const { browser, userId } = await signIn(europe);
    expect(eu.server.counts.authorization_code).toBe((euCounts.authorization_code ?? 0) + 1);
    expect(eu.server.counts.userinfo).toBe((euCounts.userinfo ?? 0) + 1);
    const account = await database.db.selectFrom('accounts').select('subject').where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(String(europe.id));
    const stored = await app.runtime.tokenStore.findToken(userId, 'pcloud');
    expect(stored).toMatchObject({ authorizationServerUrl: eu.apiOrigin, apiBaseUrl: eu.apiOrigin, refreshToken: null });
    const answer = await listfolder(browser);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ metadata: { contents: [{ name: 'europa@example.com.txt' }] } });
    expect(eu.server.counts.listfolder).toBe((euCounts.listfolder ?? 0) + 1);
    for (const step of ['token_request', 'userinfo', 'listfolder']) expect(us.server.counts[step]).toBe(usCounts[step]);
  });

  it('a callback naming a hostname that is not one of the regional servers is refused before the code goes anywhere, and nothing is stored', async () => {
    const { database, emulator: us, app } = context;
    const before = await rowCounts(database);
    const tokenRequests = us.server.counts.token_request ?? 0;
    us.signInAs(person(8, 'Forged Host'));
    const browser = app.browser();
    const stopped = await browser.get(`${APP_ORIGIN}/login/pcloud`, { stopAt: `${APP_ORIGIN}/auth/pcloud/callback` });
    const callback = new URL(stopped.location!);
    callback.searchParams.set('hostname', 'attacker.example');
    const page = await browser.get(callback);
    expect(page.status).toBe(400);
    expect(us.server.counts.token_request ?? 0).toBe(tokenRequests);
    expect(await rowCounts(database)).toEqual(before);
  });

  it('userinfo failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, PCLOUD, person(10, 'Outage Profile'), (us) => us.failNextProfile(500));
  });

  standardCases(() => context, PCLOUD, { cancelled: {}, refusedCode: { sentAs: "HTTP 200, result 2012 \"Invalid 'code' provided.\"" } });
});

describeClientFailures(PCLOUD, { wrongSecret: { sentAs: "HTTP 200, result 2002 \"Invalid 'client_secret' provided.\"" }, exchangeFailure: {} });

describe('pCloud in production', () => {
  it('with the client alone, signs in at my.pcloud.com, exchanges codes and calls the API at api.pcloud.com, or at eapi.pcloud.com for a person in Europe', () => {
    const { settings } = presetInProduction('pcloud', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'pCloud',
      endpoints: {
        authorizationEndpoint: 'https://my.pcloud.com/oauth2/authorize',
        tokenEndpoint: 'https://api.pcloud.com/oauth2_token',
        userinfoEndpoint: 'https://api.pcloud.com/userinfo',
      },
      regionalServers: ['https://api.pcloud.com', 'https://eapi.pcloud.com'],
      scope: '',
      apiBaseUrl: 'https://api.pcloud.com',
      accessTokenParameter: 'access_token',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'userid',
    });
  });
});
