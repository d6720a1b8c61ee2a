import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { SQUARESPACE_ACCESS_TOKEN_SECONDS, startSquarespaceEmulator, type SquarespaceEmulator, type SquarespaceWebsite } from './squarespace.emulator.js';

// A client id and secret of the kind Squarespace issues an OAuth client (alphanumeric).
const CLIENT_ID = 'wAHMs0yNCd2CyyoI0Eclva4GmZ1qqRPx';
const CLIENT_SECRET = 'k9Qz7LmT2vXc8RbN4hYw1JfD6sGp3Ua5';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/squarespace/callback`;
const USER_AGENT = 'Acme Orders / 2.1';

function website(n: number, title: string): SquarespaceWebsite {
  return { id: `5863f6faf7e0abc3cf95${String(n).padStart(4, '0')}`, siteId: `${title.toLowerCase().replace(/\s+/g, '-')}-${n}`, title };
}

/** Only the documented variables: the preset, the client, the User-Agent, and the endpoints and API base pointed at the emulator (the website's profile moves with the API base). */
function squarespaceEnv(squarespace: SquarespaceEmulator): Record<string, string> {
  return presetEnv('squarespace', CLIENT_ID, CLIENT_SECRET, {
    SQUARESPACE_AUTHORIZE_URL: `${squarespace.origin}/api/1/login/oauth/provider/authorize`,
    SQUARESPACE_ACCESS_TOKEN_URL: `${squarespace.origin}/api/1/login/oauth/provider/tokens`,
    SQUARESPACE_API_BASE_URL: squarespace.origin,
    SQUARESPACE_USER_AGENT: USER_AGENT,
  });
}

const SQUARESPACE: StandardProvider<SquarespaceWebsite, SquarespaceEmulator> = {
  preset: 'squarespace',
  displayName: 'Squarespace',
  startEmulator: () => startSquarespaceEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: squarespaceEnv,
  people: standardPeople(website),
  subjectOf: (site) => site.id,
};

const orders = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/squarespace/proxy/1.0/commerce/orders`);

/** A refresh at Squarespace as its integrations send one: the client as HTTP Basic, a JSON body. */
const refreshAtSquarespace = (tokenUrl: string, refreshToken: string) =>
  fetch(tokenUrl, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`, 'content-type': 'application/json', 'user-agent': USER_AGENT },
    body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: refreshToken }),
  });

describeEachDialect('Squarespace, against an emulator of its OAuth and Commerce APIs', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), SQUARESPACE);
  const signIn = (site: SquarespaceWebsite) => signInAs(context, 'squarespace', site);
  const tokenUrl = () => `${context.emulator.origin}/api/1/login/oauth/provider/tokens`;

  it('signs in as the id of /1.0/authorization/website, named by its title, no e-mail; website.orders.read asked offline without PKCE, the code exchanged as JSON with the client as Basic, a 30-minute token with a refresh token', async () => {
    const { database, emulator: squarespace, app } = context;
    const shop = website(101, 'Lovelace Prints');
    const { userId, request } = await signIn(shop);
    expect(request.get('scope')).toBe('website.orders.read');
    expect(request.get('access_type')).toBe('offline');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('state')).toEqual(expect.any(String));
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(shop.id);
    expect(JSON.parse(account.claims)).toEqual({ id: shop.id, name: 'Lovelace Prints', site_id: shop.siteId, url: `https://${shop.siteId}.squarespace.com` });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Lovelace Prints', email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'squarespace');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'website.orders.read' });
    expectAccessTokenLifetime(token, SQUARESPACE_ACCESS_TOKEN_SECONDS - 100, SQUARESPACE_ACCESS_TOKEN_SECONDS);
    const exchange = squarespace.server.requests.find((r) => r.path === '/api/1/login/oauth/provider/tokens')!;
    expect(exchange.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    expect(squarespace.tokenRequests[0]).toEqual({ contentType: 'application/json', userAgent: USER_AGENT, body: { grant_type: 'authorization_code', code: expect.any(String), redirect_uri: REDIRECT_URI } });
    const profileRequest = squarespace.server.requests.findLast((r) => r.path === '/1.0/authorization/website')!;
    expect(profileRequest.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
    expect(profileRequest.headers['user-agent']).toBe(USER_AGENT);
  });

  it('the proxy calls the Commerce APIs with the configured User-Agent whatever the caller sends; 20 concurrent calls on an expired token make one JSON refresh, whose new refresh token is kept, and Squarespace refuses the spent one', async () => {
    const { emulator: squarespace } = context;
    const { browser, userId } = await signIn(website(102, 'Hopper Goods'));
    const first = await browser.get(`${APP_ORIGIN}/api/providers/squarespace/proxy/1.0/commerce/orders`, { headers: { 'user-agent': 'Mozilla/5.0 (a browser)' } });
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ result: [{ orderNumber: '1001' }], pagination: { hasNextPage: false } });
    expect(squarespace.server.requests.findLast((r) => r.path === '/1.0/commerce/orders')!.headers['user-agent']).toBe(USER_AGENT);
    const { before, after } = await expectRotatedAfterStorm(context, 'squarespace', userId, () => orders(browser));
    expectAccessTokenLifetime(after, SQUARESPACE_ACCESS_TOKEN_SECONDS - 100, SQUARESPACE_ACCESS_TOKEN_SECONDS);
    expect(squarespace.tokenRequests.at(-1)).toEqual({ contentType: 'application/json', userAgent: USER_AGENT, body: { grant_type: 'refresh_token', refresh_token: before.refreshToken } });
    expect(await statusAndBody(refreshAtSquarespace(tokenUrl(), before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('a token request with the client in the body rather than as Basic is refused, as is an API call with a token Squarespace does not take', async () => {
    const { emulator: squarespace } = context;
    const inBody = await fetch(tokenUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: 'x', client_id: CLIENT_ID, client_secret: CLIENT_SECRET }) });
    expect(inBody.status).toBe(401);
    expect(await statusAndBody(fetch(`${squarespace.origin}/1.0/commerce/orders`, { headers: { authorization: 'Bearer not-a-token' } }))).toMatchObject({ status: 401, body: { type: 'AUTHORIZATION_ERROR' } });
  });

  it("the extension removed by the website's owner marks the connection 'needs re-auth' after one refresh Squarespace refuses", async () => {
    const { emulator: squarespace } = context;
    const leaving = website(103, 'Liskov Studio');
    const { browser, userId } = await signIn(leaving);
    squarespace.removeExtension(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'squarespace', userId, () => orders(browser));
  });

  it('disconnect asks Squarespace nothing (no revocation is documented) and forgets the tokens', async () => {
    const { emulator: squarespace, app } = context;
    const { browser, userId } = await signIn(website(104, 'Goodbye Shop'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'squarespace'))!;
    await expectDisconnectAsksNothing(context, 'squarespace', { browser, userId });
    expect(squarespace.accepts(stored.accessToken)).toBe(true);
  });

  it('/1.0/authorization/website failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, SQUARESPACE, website(110, 'Outage Shop'), (squarespace) => squarespace.failNextWebsite(500));
  });

  standardCases(() => context, SQUARESPACE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(SQUARESPACE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the squarespace preset in production', () => {
  it('with the client alone, signs in at login.squarespace.com, reads the website at api.squarespace.com and calls the API there as Tokenkeeper, asking website.orders.read offline with the client as Basic', () => {
    const { settings } = presetInProduction('squarespace', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Squarespace',
      endpoints: {
        authorizationEndpoint: 'https://login.squarespace.com/api/1/login/oauth/provider/authorize',
        tokenEndpoint: 'https://login.squarespace.com/api/1/login/oauth/provider/tokens',
        userinfoEndpoint: 'https://api.squarespace.com/1.0/authorization/website',
      },
      scope: 'website.orders.read',
      authorizationParams: { access_type: 'offline' },
      apiBaseUrl: 'https://api.squarespace.com',
      apiHeaders: { 'user-agent': 'Tokenkeeper' },
      tokenEndpointAuthMethod: 'client_secret_basic',
      pkce: false,
      subjectClaim: 'id',
      refreshTokenIdleSeconds: 7 * 86_400,
    });
    expect(settings({}).endpoints?.revocationEndpoint).toBeUndefined();
  });
});
