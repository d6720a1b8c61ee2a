import { decodeJwt } from 'jose';
import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startClassLinkEmulator, type ClassLinkEmulator, type ClassLinkUser } from './classlink.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { describeClientFailures, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the kind the ClassLink Developer Console assigns (46 and 40 hex digits).
const CLIENT_ID = 'c1587556210325442f066178b254bbc92cdc0e3e35a9c2';
const CLIENT_SECRET = '9f3e2d1c0b4a59687766554433221100ffeeddcc';
const REDIRECT_URI = `${APP_ORIGIN}/auth/classlink/callback`;

// One clock for the app and the emulator, which a test moves past ClassLink's 24 hours.
let clock = Math.floor(Date.now() / 1000);
const now = () => clock;

function person(id: number, firstName: string, lastName: string): ClassLinkUser {
  return {
    userId: 1_516_000 + id,
    tenantId: 2,
    tenant: 'ClassLink Demo',
    firstName,
    lastName,
    email: `${firstName.toLowerCase()}.${lastName.toLowerCase()}@district.example.edu`,
    loginId: `48015${String(id).padStart(5, '0')}`,
    role: 'Teacher',
  };
}

/** Only the documented variables: the preset, the client, the OAuth endpoints and the API base (/v2/my/info moves with it). */
function classlinkEnv(classlink: ClassLinkEmulator): Record<string, string> {
  return presetEnv('classlink', CLIENT_ID, CLIENT_SECRET, {
    CLASSLINK_AUTHORIZE_URL: `${classlink.origin}/oauth2/v2/auth`,
    CLASSLINK_ACCESS_TOKEN_URL: `${classlink.origin}/oauth2/v2/token`,
    CLASSLINK_API_BASE_URL: classlink.origin,
  });
}

const CLASSLINK: StandardProvider<ClassLinkUser, ClassLinkEmulator> = {
  preset: 'classlink',
  displayName: 'ClassLink',
  startEmulator: () => startClassLinkEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, now }),
  env: classlinkEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => String(user.userId),
};

const info = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/classlink/proxy/v2/my/info`);

describeEachDialect('ClassLink, against an emulator of ClassLink', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), CLASSLINK, { now });

  const signIn = (user: ClassLinkUser) => signInAs(context, 'classlink', user);

  it('signs in as the UserId of /v2/my/info with its display name, its e-mail (verification unknown) and LoginId; `profile` asked, no PKCE, the client in the form, a token kept without an expiry or a refresh token', async () => {
    const { database, emulator: classlink, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('profile');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(String(ada.userId));
    expect(JSON.parse(account.claims)).toEqual({ UserId: ada.userId, TenantId: 2, name: 'Ada Lovelace', email: ada.email, preferred_username: ada.loginId, Tenant: 'ClassLink Demo', Role: 'Teacher', SourcedId: ada.loginId });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: ada.email, email_verified: null, name: 'Ada Lovelace' });
    const token = await app.runtime.tokenStore.findToken(userId, 'classlink');
    expect(token).toMatchObject({ refreshToken: null, expiresAt: null, tokenType: 'bearer', idToken: null, scope: 'profile' });
    const exchange = classlink.server.requests.find((r) => r.path === '/oauth2/v2/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    const form = classlink.tokenForms.at(-1)!;
    expect(form.get('client_id')).toBe(CLIENT_ID);
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(classlink.server.requests.filter((r) => r.path === '/v2/my/info').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('ClassLink’s answer carries an ID token and its own response_type beside the token, and no expires_in: the ID token is dropped unread, the person still the UserId of /v2/my/info', async () => {
    const { emulator: classlink, app } = context;
    const grace = person(105, 'Grace', 'Hopper');
    const { userId } = await signIn(grace);
    const answer = classlink.tokenAnswers.at(-1)!;
    expect(Object.keys(answer).sort()).toEqual(['access_token', 'id_token', 'response_type', 'token_type']);
    expect(decodeJwt(answer.id_token as string)).toMatchObject({ iss: 'https://launchpad.classlink.com', sub: String(grace.userId), email_verified: true });
    expect(await app.runtime.tokenStore.findToken(userId, 'classlink')).toMatchObject({ idToken: null, accessToken: answer.access_token });
  });

  it('the proxy calls the API with the token as Bearer; 20 concurrent calls ask ClassLink for no token, as there is nothing to refresh', async () => {
    const { emulator: classlink, app } = context;
    const alan = person(102, 'Alan', 'Turing');
    const { browser, userId } = await signIn(alan);
    const tokenRequests = classlink.server.counts.token_request ?? 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => info(browser)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ UserId: alan.userId, TenantId: 2 });
    const stored = await app.runtime.tokenStore.findToken(userId, 'classlink');
    expect(classlink.server.requests.filter((r) => r.path === '/v2/my/info').at(-1)!.headers.authorization).toBe(`Bearer ${stored!.accessToken}`);
    expect(classlink.server.counts.token_request ?? 0).toBe(tokenRequests);
  });

  it("the district taking the application away (a 401) marks the connection 'needs re-auth', with no token request", async () => {
    const { emulator: classlink } = context;
    const leaving = person(103, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    expect((await info(browser)).status).toBe(200);
    classlink.removeAccess(leaving);
    await expectNeedsReauthWithoutTokenRequest(context, 'classlink', userId, () => info(browser));
  });

  it('disconnect deletes the token here and asks ClassLink nothing: it documents no revocation', async () => {
    const { browser, userId } = await signIn(person(104, 'Goodbye', 'Person'));
    await expectDisconnectAsksNothing(context, 'classlink', { browser, userId });
  });

  it('/v2/my/info failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, CLASSLINK, person(110, 'Outage', 'Profile'), (classlink) => classlink.failNextInfo(500));
  });

  standardCases(() => context, CLASSLINK, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });

  // Last: it moves the clock.
  it("a token past ClassLink's 24 hours, which its answer did not say, is refused by ClassLink: the connection needs re-auth, with no token request", async () => {
    const { emulator: classlink } = context;
    const { browser, userId } = await signIn(person(106, 'Day', 'Long'));
    // Used every hour and a half (the app's session stays alive), the token works until its 24 hours are up.
    for (let hours = 1.5; hours < 24; hours += 1.5) {
      clock += 5400;
      expect((await info(browser)).status).toBe(200);
    }
    clock += 5400 - 60;
    expect((await info(browser)).status).toBe(200);
    clock += 60;
    await expectNeedsReauthWithoutTokenRequest(context, 'classlink', userId, () => info(browser));
    expect(classlink.server.counts.refresh_token ?? 0).toBe(0);
  });
});

describeClientFailures(CLASSLINK, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

it("in production the preset calls ClassLink itself: launchpad.classlink.com's authorization and token endpoints, nodeapi.classlink.com's /v2/my/info and API, the client in the form", () => {
  const settings = presetInProduction('classlink', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }).settings({});
  expect(settings).toMatchObject({
    displayName: 'ClassLink',
    endpoints: { authorizationEndpoint: 'https://launchpad.classlink.com/oauth2/v2/auth', tokenEndpoint: 'https://launchpad.classlink.com/oauth2/v2/token', userinfoEndpoint: 'https://nodeapi.classlink.com/v2/my/info' },
    scope: 'profile',
    apiBaseUrl: 'https://nodeapi.classlink.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'UserId',
    idTokenUnused: true,
  });
});
