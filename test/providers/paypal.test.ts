import { expect, it } from 'vitest';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv, signInAs, signInThrough } from './kit/provider-app.js';
import { expectKeptAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, rowCounts, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startPaypalEmulator, type PaypalEmulator, type PaypalUser } from './paypal.emulator.js';

// A client id and secret as PayPal issues them: letters, digits, `-` and `_`, sent as they are in the Basic header.
const CLIENT_ID = 'AQkquBDf1zctJOWGKWUEtKXm6qVhueUEMvXO_-MCI4DQQ4-LWvkDLIN2fGsd';
const CLIENT_SECRET = 'EL1tVxAjhT7cJimnz5-Nsx9k2reTKSVfErNQF-CmrwJgxRtylkGTKlU4RvrX';
const REDIRECT_URI = `${APP_ORIGIN}/auth/paypal/callback`;
const SCOPE = 'openid profile email https://uri.paypal.com/services/paypalattributes';
const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
const USERINFO_PATH = '/v1/identity/oauth2/userinfo?schema=paypalv1.1';

function person(n: number, name: string, confirmed = true): PaypalUser {
  const [givenName, familyName] = name.split(' ') as [string, string];
  return {
    userId: `https://www.paypal.com/webapps/auth/identity/user/mWq6_1sU85v5EG9yHdPxJRrhGHrnMJ-${n.toString().padStart(6, '0')}`,
    payerId: `WDJJHEBZ${n.toString(36).toUpperCase().padStart(5, '0')}`,
    givenName,
    familyName,
    email: `${givenName.toLowerCase()}@acme.test`,
    confirmed,
  };
}

/** Only the documented variables: the preset, the client, and the site (as for the sandbox), whose API is the emulator's own origin. */
function paypalEnv(paypal: PaypalEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('paypal', CLIENT_ID, CLIENT_SECRET, {
    PAYPAL_BASE_URL: paypal.origin,
    ...extra,
  });
}

const PAYPAL: StandardProvider<PaypalUser, PaypalEmulator> = {
  preset: 'paypal',
  displayName: 'PayPal',
  startEmulator: () => startPaypalEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: paypalEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.userId,
};

describeEachDialect('PayPal, against an emulator of Log in with PayPal', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: PAYPAL.startEmulator, env: paypalEnv });

  const signIn = (user: PaypalUser) => signInAs(context, 'paypal', user);

  it('signs in as the paypalv1.1 userinfo user_id with the primary e-mail, confirmed, and the payer id kept; the openid, profile, email and paypalattributes scopes with PKCE and no nonce, Basic credentials as they are, 8-hour tokens, the ID token dropped unread', async () => {
    const { database, emulator: paypal, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe(SCOPE);
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.has('nonce')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.userId);
    expect(JSON.parse(account.claims)).toMatchObject({ payer_id: ada.payerId, verified_account: true, email: 'ada@acme.test', email_verified: true });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: 'ada@acme.test', email_verified: 1, name: 'Ada Lovelace' });
    const token = await app.runtime.tokenStore.findToken(userId, 'paypal');
    expect(token).toMatchObject({ refreshToken: expect.stringMatching(/^R23AA/), idToken: null, scope: SCOPE });
    expectAccessTokenLifetime(token, 28_700, 28_800);
    expect(paypal.server.requests.find((r) => r.path === '/v1/oauth2/token')!.headers.authorization).toBe(basic);
    const userinfo = paypal.server.requests.filter((r) => r.path.startsWith('/v1/identity/')).at(-1)!;
    expect(userinfo.path).toBe(USERINFO_PATH);
    expect(userinfo.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('a primary address PayPal has not confirmed is stored as unverified', async () => {
    const { database } = context;
    const { userId } = await signIn(person(106, 'Unconfirmed Person', false));
    const user = await database.db.selectFrom('users').select(['email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: 'unconfirmed@acme.test', email_verified: 0 });
  });

  it('the proxy calls the REST API; 20 concurrent calls on an expired token make one refresh, and the refresh token, which PayPal does not replace, is kept', async () => {
    const { emulator: paypal } = context;
    const grace = person(102, 'Grace Hopper');
    const { browser, userId } = await signIn(grace);
    const first = await browser.get(`${APP_ORIGIN}/api/providers/paypal/proxy${USERINFO_PATH}`);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ user_id: grace.userId, payer_id: grace.payerId });

    const { answers } = await expectKeptAfterStorm(context, 'paypal', userId, () => browser.get(`${APP_ORIGIN}/api/providers/paypal/proxy${USERINFO_PATH}`));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ name: 'Grace Hopper' });
    expect(paypal.server.requests.filter((r) => r.path === '/v1/oauth2/token').at(-1)!.headers.authorization).toBe(basic);
  });

  it("an app removed in the person's PayPal settings marks the connection 'needs re-auth' after one refresh PayPal refuses", async () => {
    const { database, emulator: paypal, app } = context;
    const { browser, userId } = await signIn(person(104, 'Barbara Liskov'));
    paypal.removeApp((await app.runtime.tokenStore.findToken(userId, 'paypal'))!.refreshToken!);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'paypal', userId, () => browser.get(`${APP_ORIGIN}/api/providers/paypal/proxy${USERINFO_PATH}`));
  });

  it('disconnect deletes the tokens; PayPal documents no revocation endpoint, and the answer says it was not revoked there', async () => {
    const { emulator: paypal } = context;
    const { browser, userId } = await signIn(person(105, 'Leaving Person'));
    await expectDisconnectAsksNothing(context, 'paypal', { browser, userId });
  });

  standardCases(() => context, PAYPAL, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeEachDialect('PayPal with a userinfo endpoint that does not take the schema asked for', (dialect) => {
  // The Identity API's other schema: PayPal answers 400 INVALID_REQUEST to one it does not support.
  const context = useProviderTest(() => dialect.openTestDatabase(), {
    startEmulator: PAYPAL.startEmulator,
    env: (paypal) => paypalEnv(paypal, { PAYPAL_USERINFO_URL: `${paypal.origin}/v1/identity/oauth2/userinfo?schema=openid` }),
  });

  it('fails the sign-in with a 502 naming the userinfo request and PayPal’s message, and stores nothing', async () => {
    const { database, emulator: paypal, app } = context;
    const before = await rowCounts(database);
    paypal.signInAs(person(107, 'Wrong Schema'));
    const page = await signInThrough(app.browser(), 'paypal');
    expect(page.status).toBe(502);
    expect(page.text).toContain('PayPal refused the userinfo request (HTTP 400: Invalid request.).');
    expect(await rowCounts(database)).toEqual(before);
    expect(paypal.server.counts.userinfo).toBe(1);
  });
});

describeClientFailures(PAYPAL, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
