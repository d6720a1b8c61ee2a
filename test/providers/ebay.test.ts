import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startEbayEmulator, type EbayEmulator, type EbayUser } from './ebay.emulator.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, disconnectThrough, presetEnv, signInAs } from './kit/provider-app.js';
import { expectKeptAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

const CLIENT_ID = 'PatSelle-PatsApp-PRD-1a2b3c4d5-6e7f8a9b';
// A secret with characters RFC 6749's form-encoding would change in a Basic header.
const CLIENT_SECRET = 'PRD-1a2b3c4d5e6f-7a8b+9c0d~e1f2';
const RUNAME = 'Pat_Seller-PatSelle-PatsAp-abcdefghij';
const CALLBACK = `${APP_ORIGIN}/auth/ebay/callback`;
const SCOPE_BASE = 'https://api.ebay.com/oauth/api_scope';
const BASIC = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

function seller(id: number, name: string): EbayUser {
  const [firstName, lastName = 'Seller'] = name.split(' ');
  return { userId: `nY8sGfq${id.toString(36)}`, username: `${firstName!.toLowerCase()}_${id}`, firstName: firstName!, lastName, email: `${firstName!.toLowerCase()}@sellers.test` };
}

/** Only the documented variables: the preset, the client, the RuName, the OAuth endpoints, the Identity API's user and the API base. */
function ebayEnv(ebay: EbayEmulator, more: Record<string, string> = {}): Record<string, string> {
  return presetEnv('ebay', CLIENT_ID, CLIENT_SECRET, {
    EBAY_RUNAME: RUNAME,
    EBAY_AUTHORIZE_URL: `${ebay.origin}/oauth2/authorize`,
    EBAY_ACCESS_TOKEN_URL: `${ebay.origin}/identity/v1/oauth2/token`,
    EBAY_USERINFO_URL: `${ebay.origin}/commerce/identity/v1/user/`,
    EBAY_API_BASE_URL: ebay.origin,
    ...more,
  });
}

const EBAY: StandardProvider<EbayUser, EbayEmulator> = {
  preset: 'ebay',
  displayName: 'eBay',
  startEmulator: () => startEbayEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, ruName: RUNAME, acceptedUrl: CALLBACK }),
  env: ebayEnv,
  people: standardPeople(seller),
  subjectOf: (user) => user.userId,
};

describeEachDialect('eBay, against an emulator of eBay', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), EBAY);

  const signIn = (user: EbayUser) => signInAs(context, 'ebay', user);
  const privilege = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/ebay/proxy/sell/account/v1/privilege`);

  it('signs in as the userId of the Identity API, named by first and last name, the username kept; the RuName as redirect_uri at both steps (the emulator takes at the exchange only the one the authorization had), Basic credentials as they are credentials, a 2-hour token with an 18-month refresh token', async () => {
    const { database, emulator: ebay, app } = context;
    const pat = seller(1001, 'Pat Jones');
    const { userId, request } = await signIn(pat);
    expect(request.get('redirect_uri')).toBe(RUNAME);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('scope')).toBe(`${SCOPE_BASE} ${SCOPE_BASE}/commerce.identity.readonly`);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(pat.userId);
    expect(JSON.parse(account.claims)).toMatchObject({ userId: pat.userId, username: pat.username, accountType: 'INDIVIDUAL' });
    // Without the e-mail scope the Identity API tells no e-mail.
    expect(await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow()).toEqual({ name: 'Pat Jones', email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'ebay');
    expect(token).toMatchObject({ refreshToken: expect.any(String), tokenType: 'bearer', scope: `${SCOPE_BASE} ${SCOPE_BASE}/commerce.identity.readonly` });
    expectAccessTokenLifetime(token, 7100, 7200);
    const exchange = ebay.server.requests.filter((r) => r.path === '/identity/v1/oauth2/token').at(-1)!;
    expect(exchange.headers.authorization).toBe(BASIC);
    expect(ebay.server.requests.filter((r) => r.path === '/commerce/identity/v1/user/').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy calls the Sell APIs; 20 concurrent calls on an expired token make one refresh, with Basic credentials as they are, and the refresh token, not rotated, is kept', async () => {
    const { emulator: ebay } = context;
    const { browser, userId } = await signIn(seller(1002, 'Sam Lister'));
    const { after, answers } = await expectKeptAfterStorm(context, 'ebay', userId, () => privilege(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ sellingLimit: { amount: { currency: 'USD', value: '5000.0' }, quantity: 100 } });
    const refresh = ebay.server.requests.filter((r) => r.path === '/identity/v1/oauth2/token').at(-1)!;
    expect(refresh.headers.authorization).toBe(BASIC);
    expectAccessTokenLifetime(after, 7100, 7200);
  });

  it("access ended in My eBay marks the connection 'needs re-auth' after one refused refresh", async () => {
    const { database, emulator: ebay } = context;
    const leaving = seller(1003, 'Lee Leaving');
    const { browser, userId } = await signIn(leaving);
    ebay.endAccess(leaving.userId);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'ebay', userId, () => privilege(browser));
  });

  it('disconnect deletes the tokens here and asks eBay nothing: it documents no revocation of User access tokens', async () => {
    const { emulator: ebay, app } = context;
    const { browser, userId } = await signIn(seller(1004, 'Dana Done'));
    const requests = ebay.server.requests.length;
    expect(await disconnectThrough(browser, 'ebay')).toEqual({ disconnected: true, revokedAtProvider: false });
    expect(ebay.server.requests.length).toBe(requests);
    expect(await app.runtime.tokenStore.findToken(userId, 'ebay')).toBeUndefined();
  });

  standardCases(() => context, EBAY, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeEachDialect('eBay with the e-mail scope', (dialect) => {
  const scope = `${SCOPE_BASE} ${SCOPE_BASE}/commerce.identity.readonly ${SCOPE_BASE}/commerce.identity.email.readonly`;
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: EBAY.startEmulator, env: (emulator) => ebayEnv(emulator, { EBAY_SCOPE: scope }) });

  it("stores the Identity API's e-mail, unverified: eBay does not say it was verified", async () => {
    const { database } = context;
    const kim = seller(1005, 'Kim Mailer');
    const { userId, request } = await signInAs(context, 'ebay', kim);
    expect(request.get('scope')).toBe(scope);
    expect(await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow()).toEqual({ name: 'Kim Mailer', email: kim.email });
    const account = await database.db.selectFrom('accounts').select('claims').where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(JSON.parse(account.claims)).toMatchObject({ email: kim.email });
    expect(JSON.parse(account.claims).email_verified).not.toBe(true);
  });
});

describeClientFailures(EBAY, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
