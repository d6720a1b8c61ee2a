import { expect, it } from 'vitest';
import { describeEachDialect } from '../support/postgres.js';
import { startAmazonEmulator, type AmazonEmulator, type AmazonUser } from './amazon.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A Login with Amazon security profile's client id and secret, as Amazon shows them.
const CLIENT_ID = 'amzn1.application-oa2-client.4e3c1f0b9a7d4c2e8f6a5b4c3d2e1f0a';
const CLIENT_SECRET = 'amzn1.oa2-cs.v1.6f1e0d9c8b7a69584736251403f2e1d0c9b8a7968574635241302f1e0d9c8b7a';
const REDIRECT_URI = `${APP_ORIGIN}/auth/amazon/callback`;

function person(n: number, name: string): AmazonUser {
  return { userId: `amzn1.account.AEZKL${n.toString().padStart(6, '0')}QH2M4RTX`, name, email: `${name.split(' ')[0]!.toLowerCase()}@acme.test`, postalCode: '98109' };
}

/** Only the documented variables: the preset, the client, the API host (as for another region) and the sign-in page. */
function amazonEnv(amazon: AmazonEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('amazon', CLIENT_ID, CLIENT_SECRET, {
    AMAZON_BASE_URL: amazon.origin,
    AMAZON_AUTHORIZE_URL: `${amazon.origin}/ap/oa`,
    ...extra,
  });
}

const AMAZON: StandardProvider<AmazonUser, AmazonEmulator> = {
  preset: 'amazon',
  displayName: 'Amazon',
  startEmulator: () => startAmazonEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: amazonEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.userId,
};

describeEachDialect('Amazon, against an emulator of Login with Amazon', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: AMAZON.startEmulator, env: amazonEnv });

  const signIn = (user: AmazonUser) => signInAs(context, 'amazon', user);

  it('signs in as the user_id of /user/profile with its name and e-mail (verification unknown); the profile scope with PKCE, the client in the form body, one-hour tokens', async () => {
    const { database, emulator: amazon, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('profile');
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select('subject').where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.userId);
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: 'ada@acme.test', email_verified: null, name: 'Ada Lovelace' });
    const token = await app.runtime.tokenStore.findToken(userId, 'amazon');
    expect(token).toMatchObject({ accessToken: expect.stringMatching(/^Atza\|/), refreshToken: expect.stringMatching(/^Atzr\|/), scope: 'profile' });
    expectAccessTokenLifetime(token, 3500, 3600);
    expect(amazon.server.requests.find((r) => r.path === '/auth/o2/token')!.headers.authorization).toBeUndefined();
    expect(amazon.server.requests.filter((r) => r.path === '/user/profile').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy calls the profile API; 20 concurrent calls on an expired token make one refresh, whose new refresh token is kept', async () => {
    const { emulator: amazon } = context;
    const grace = person(102, 'Grace Hopper');
    const { browser, userId } = await signIn(grace);
    const first = await browser.get(`${APP_ORIGIN}/api/providers/amazon/proxy/user/profile`);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toEqual({ user_id: grace.userId, name: 'Grace Hopper', email: 'grace@acme.test' });

    const { after } = await expectRotatedAfterStorm(context, 'amazon', userId, () => browser.get(`${APP_ORIGIN}/api/providers/amazon/proxy/user/profile`));
    expect(after.refreshToken).toMatch(/^Atzr\|/);
  });

  it("an app removed in the person's Amazon account marks the connection 'needs re-auth' after one refresh Amazon refuses", async () => {
    const { database, emulator: amazon, app } = context;
    const { browser, userId } = await signIn(person(104, 'Barbara Liskov'));
    amazon.removeApp((await app.runtime.tokenStore.findToken(userId, 'amazon'))!.refreshToken!);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'amazon', userId, () => browser.get(`${APP_ORIGIN}/api/providers/amazon/proxy/user/profile`));
  });

  it('disconnect deletes the tokens; Amazon has no revocation endpoint, and the answer says it was not revoked there', async () => {
    const { emulator: amazon, app } = context;
    const { browser, userId } = await signIn(person(105, 'Leaving Person'));
    await expectDisconnectAsksNothing(context, 'amazon', { browser, userId });
  });

  standardCases(() => context, AMAZON, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeEachDialect('Amazon with the postal_code scope added', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: AMAZON.startEmulator, env: (amazon) => amazonEnv(amazon, { AMAZON_SCOPE: 'profile postal_code' }) });

  it('keeps the postal code with the profile', async () => {
    const { database, emulator: amazon, app } = context;
    const ada = person(201, 'Ada Lovelace');
    amazon.signInAs(ada);
    const browser = app.browser();
    const page = await browser.get(`${APP_ORIGIN}/login/amazon?next=/api/me`);
    expect(page.status).toBe(200);
    const userId = (JSON.parse(page.text) as { user: { id: string } }).user.id;
    const account = await database.db.selectFrom('accounts').select('claims').where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(JSON.parse(account.claims)).toMatchObject({ user_id: ada.userId, postal_code: '98109' });
    expect((await app.runtime.tokenStore.findToken(userId, 'amazon'))!.scope).toBe('profile postal_code');
  });
});

describeClientFailures(AMAZON, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
