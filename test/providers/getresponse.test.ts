import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { GETRESPONSE_ACCESS_TOKEN_SECONDS, startGetResponseEmulator, type GetResponseAccount, type GetResponseEmulator } from './getresponse.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the kind a GetResponse application is given (hex strings).
const CLIENT_ID = '7c4f1a2b9d3e11ee8c900242ac120002';
const CLIENT_SECRET = '3f9a6c1d2e8b47d0a5c7e9f1b3d5a7c9e1f3b5d7';
const REDIRECT_URI = `${APP_ORIGIN}/auth/getresponse/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

function account(id: number, firstName: string, lastName: string): GetResponseAccount {
  return { accountId: `Ab${id.toString(36)}`, firstName, lastName, email: `${firstName.toLowerCase()}@acme.test`, companyName: `${lastName} Ltd` };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator (/v3/accounts moves with the API base). */
function getresponseEnv(getresponse: GetResponseEmulator): Record<string, string> {
  return presetEnv('getresponse', CLIENT_ID, CLIENT_SECRET, {
    GETRESPONSE_AUTHORIZE_URL: `${getresponse.origin}/oauth2_authorize.html`,
    GETRESPONSE_ACCESS_TOKEN_URL: `${getresponse.origin}/v3/token`,
    GETRESPONSE_API_BASE_URL: `${getresponse.origin}/v3`,
  });
}

const GETRESPONSE: StandardProvider<GetResponseAccount, GetResponseEmulator> = {
  preset: 'getresponse',
  displayName: 'GetResponse',
  startEmulator: () => startGetResponseEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: getresponseEnv,
  people: standardPeopleByNameParts(account),
  subjectOf: (user) => user.accountId,
};

const campaigns = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/getresponse/proxy/campaigns`);

describeEachDialect('GetResponse, against an emulator of GetResponse', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), GETRESPONSE);

  const signIn = (user: GetResponseAccount) => signInAs(context, 'getresponse', user);

  it('signs in as the accountId of /v3/accounts, named by the first and last names, with an unverified e-mail and the company; no scope, no PKCE, the client as Basic, a day-long token with a refresh token', async () => {
    const { database, emulator: getresponse, app } = context;
    const ada = account(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.has('code_challenge')).toBe(false);
    const stored = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(stored.subject).toBe(ada.accountId);
    expect(JSON.parse(stored.claims)).toEqual({ id: ada.accountId, name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', email: 'ada@acme.test', company: 'Lovelace Ltd' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@acme.test', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'getresponse');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, GETRESPONSE_ACCESS_TOKEN_SECONDS - 100, GETRESPONSE_ACCESS_TOKEN_SECONDS);
    const exchange = getresponse.server.requests.find((r) => r.path === '/v3/token')!;
    expect(exchange.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    expect(getresponse.server.requests.filter((r) => r.path === '/v3/accounts').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy calls the API v3; 20 concurrent calls on an expired token make one refresh, with the client as Basic, whose new refresh token is kept', async () => {
    const { emulator: getresponse } = context;
    const { browser, userId } = await signIn(account(102, 'Grace', 'Hopper'));
    const first = await campaigns(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject([{ campaignId: 'V', name: 'hopper_ltd_list' }]);
    const { after } = await expectRotatedAfterStorm(context, 'getresponse', userId, () => campaigns(browser));
    expectAccessTokenLifetime(after, GETRESPONSE_ACCESS_TOKEN_SECONDS - 100, GETRESPONSE_ACCESS_TOKEN_SECONDS);
    const refreshes = getresponse.server.requests.filter((r) => r.path === '/v3/token');
    expect(refreshes.at(-1)!.headers.authorization).toMatch(/^Basic /);
    const refreshed = await refreshAtProvider(`${getresponse.origin}/v3/token`, CLIENT, after.refreshToken!);
    expect(await refreshed.json()).toMatchObject({ token_type: 'Bearer', expires_in: GETRESPONSE_ACCESS_TOKEN_SECONDS, refresh_token: expect.any(String) });
  });

  it('the token endpoint takes the client as Basic only: in the form it is 401 invalid_client', async () => {
    const { emulator: getresponse } = context;
    const response = await fetch(`${getresponse.origin}/v3/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'anything', client_id: CLIENT_ID, client_secret: CLIENT_SECRET }) });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('an API call with a token GetResponse does not take is its 401 error object', async () => {
    const { emulator: getresponse } = context;
    const response = await fetch(`${getresponse.origin}/v3/campaigns`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ httpStatus: 401, code: 1014, moreInfo: 'https://apidocs.getresponse.com/v3/errors/1014' });
  });

  it("the application removed in GetResponse marks the connection 'needs re-auth' after one refresh GetResponse refuses", async () => {
    const { emulator: getresponse } = context;
    const leaving = account(103, 'Barbara', 'Liskov');
    const { browser, userId } = await signIn(leaving);
    getresponse.disconnectApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'getresponse', userId, () => campaigns(browser));
  });

  it('disconnect asks GetResponse nothing (it documents no revocation) and forgets the tokens, which GetResponse still takes', async () => {
    const { emulator: getresponse, app } = context;
    const { browser, userId } = await signIn(account(104, 'Goodbye', 'Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'getresponse'))!;
    await expectDisconnectAsksNothing(context, 'getresponse', { browser, userId });
    expect(getresponse.accepts(stored.accessToken)).toBe(true);
  });

  it('/v3/accounts failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, GETRESPONSE, account(110, 'Outage', 'Profile'), (getresponse) => getresponse.failNextProfile(500));
  });

  standardCases(() => context, GETRESPONSE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(GETRESPONSE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('GetResponse in production', () => {
  it('with the client alone, authorizes at app.getresponse.com, exchanges and reads /v3/accounts at api.getresponse.com and calls the API there, with no scope and the client as Basic', () => {
    const { settings } = presetInProduction('getresponse', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'GetResponse',
      endpoints: {
        authorizationEndpoint: 'https://app.getresponse.com/oauth2_authorize.html',
        tokenEndpoint: 'https://api.getresponse.com/v3/token',
        userinfoEndpoint: 'https://api.getresponse.com/v3/accounts',
      },
      scope: '',
      apiBaseUrl: 'https://api.getresponse.com/v3',
      tokenEndpointAuthMethod: 'client_secret_basic',
      subjectClaim: 'id',
    });
  });
});
