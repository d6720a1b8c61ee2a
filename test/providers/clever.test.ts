import { decodeJwt } from 'jose';
import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startCleverEmulator, type CleverEmulator, type CleverUser } from './clever.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { describeClientFailures, rowCounts, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the kind Clever's application dashboard shows (20 and 40 hex digits).
const CLIENT_ID = '4c63c1cf623dce82caac';
const CLIENT_SECRET = 'b5d1a4e8c0f2937a6e1d4c8b2f0a9e7d3c5b1a08';
const REDIRECT_URI = `${APP_ORIGIN}/auth/clever/callback`;
const DISTRICT = '64ef5e6c8d6b17762d094e48';

function person(id: number, givenName: string, familyName: string): CleverUser {
  const suffix = String(id).padStart(4, '0');
  return {
    id: `64f0e2926b100a053fc0${suffix}`,
    legacyId: `64f0e2876b100a053fbf${suffix}`,
    district: DISTRICT,
    userType: 'teacher',
    givenName,
    familyName,
    email: `${givenName.toLowerCase()}.${familyName.toLowerCase()}@district.example.edu`,
  };
}

/** Only the documented variables: the preset, the client, the OAuth endpoints and the API base (/userinfo moves with it). */
function cleverEnv(clever: CleverEmulator): Record<string, string> {
  return presetEnv('clever', CLIENT_ID, CLIENT_SECRET, {
    CLEVER_AUTHORIZE_URL: `${clever.origin}/oauth/authorize`,
    CLEVER_ACCESS_TOKEN_URL: `${clever.origin}/oauth/tokens`,
    CLEVER_API_BASE_URL: clever.origin,
  });
}

const CLEVER: StandardProvider<CleverUser, CleverEmulator> = {
  preset: 'clever',
  displayName: 'Clever',
  startEmulator: () => startCleverEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: cleverEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

const me = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/clever/proxy/v3.0/me`);

describeEachDialect('Clever, against an emulator of Clever SSO', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), CLEVER);

  const signIn = (user: CleverUser) => signInAs(context, 'clever', user);

  it('signs in as the multi-role sub of /userinfo (not the pre-v3.0 user_id) with its given and family name and an e-mail Clever leaves unverified; no scope or PKCE asked, the client as HTTP Basic, a token kept without an expiry or a refresh token', async () => {
    const { database, emulator: clever, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.has('code_challenge')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toEqual({ sub: ada.id, name: 'Ada Lovelace', email: ada.email, user_type: 'teacher', district: DISTRICT, email_verified: false });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: ada.email, name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'clever');
    expect(token).toMatchObject({ refreshToken: null, expiresAt: null, tokenType: 'bearer' });
    const exchange = clever.server.requests.find((r) => r.path === '/oauth/tokens')!;
    expect(exchange.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    const parameters = clever.tokenParameters.at(-1)!;
    expect(parameters.get('grant_type')).toBe('authorization_code');
    expect(parameters.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(parameters.has('client_secret')).toBe(false);
    expect(clever.server.requests.filter((r) => r.path === '/userinfo').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('an application configured for OpenID Connect gets an identity token too, which is dropped unread: the person is still the sub of /userinfo', async () => {
    const { database, emulator: clever, app } = context;
    clever.configureForOidc();
    const grace = person(105, 'Grace', 'Hopper');
    const { userId } = await signIn(grace);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(grace.id);
    expect(JSON.parse(account.claims)).not.toHaveProperty('multi_role_user_id');
    expect(await app.runtime.tokenStore.findToken(userId, 'clever')).toMatchObject({ idToken: null });
    // What Clever sends such an application (its client, JSON, as Clever's pages show): an identity token naming the same person.
    const { code } = await codeFor(clever, grace);
    const direct = await fetch(`${clever.origin}/oauth/tokens`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ code, grant_type: 'authorization_code', redirect_uri: REDIRECT_URI }),
    });
    const body = (await direct.json()) as { id_token: string };
    expect(decodeJwt(body.id_token)).toMatchObject({ iss: 'https://clever.com', sub: grace.id, multi_role_user_id: grace.id, user_id: grace.legacyId, email_verified: false });
  });

  it('the proxy calls the Data API with the token as Bearer; 20 concurrent calls ask Clever for no token, as there is nothing to refresh', async () => {
    const { emulator: clever, app } = context;
    const alan = person(102, 'Alan', 'Turing');
    const { browser, userId } = await signIn(alan);
    const tokenRequests = clever.server.counts.token_request ?? 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => me(browser)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ type: 'user', data: { id: alan.id, district: DISTRICT } });
    const stored = await app.runtime.tokenStore.findToken(userId, 'clever');
    expect(clever.server.requests.filter((r) => r.path === '/v3.0/me').at(-1)!.headers.authorization).toBe(`Bearer ${stored!.accessToken}`);
    expect(clever.server.counts.token_request ?? 0).toBe(tokenRequests);
  });

  it("the district ending the person's access (a 401) marks the connection 'needs re-auth', with no token request", async () => {
    const { emulator: clever } = context;
    const leaving = person(103, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    expect((await me(browser)).status).toBe(200);
    clever.endAccess(leaving);
    await expectNeedsReauthWithoutTokenRequest(context, 'clever', userId, () => me(browser));
  });

  it('disconnect deletes the token here and asks Clever nothing: it documents no revocation of SSO tokens', async () => {
    const { browser, userId } = await signIn(person(104, 'Goodbye', 'Person'));
    await expectDisconnectAsksNothing(context, 'clever', { browser, userId });
  });

  it('a code from a login started at the Clever Portal, which the app did not ask for, is a 400 asking to sign in again: it is not exchanged and nothing is stored', async () => {
    const { database, emulator: clever, app } = context;
    const before = await rowCounts(database);
    const { code } = await codeFor(clever, person(106, 'Portal', 'Launch'));
    const tokenRequests = clever.server.counts.token_request ?? 0;
    const page = await app.browser().get(`${APP_ORIGIN}/auth/clever/callback?code=${code}`);
    expect(page.status).toBe(400);
    expect(page.text).toContain('This sign-in link is not valid in this browser');
    expect(clever.server.counts.token_request ?? 0).toBe(tokenRequests);
    expect(await rowCounts(database)).toEqual(before);
  });

  standardCases(() => context, CLEVER, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

/** A code Clever issues to `user` for the client, as a Clever Portal launch sends one to the redirect URI. */
async function codeFor(clever: CleverEmulator, user: CleverUser): Promise<{ code: string }> {
  clever.signInAs(user);
  const url = new URL(`${clever.origin}/oauth/authorize`);
  url.search = new URLSearchParams({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI }).toString();
  const answer = await fetch(url, { redirect: 'manual' });
  const code = new URL(answer.headers.get('location')!).searchParams.get('code');
  if (!code) throw new Error('Clever issued no code');
  return { code };
}

describeClientFailures(CLEVER, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

it("in production the preset calls Clever itself: clever.com's authorization page and token endpoint, api.clever.com's /userinfo and Data API, the client as HTTP Basic", () => {
  const settings = presetInProduction('clever', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }).settings({});
  expect(settings).toMatchObject({
    displayName: 'Clever',
    endpoints: { authorizationEndpoint: 'https://clever.com/oauth/authorize', tokenEndpoint: 'https://clever.com/oauth/tokens', userinfoEndpoint: 'https://api.clever.com/userinfo' },
    scope: '',
    apiBaseUrl: 'https://api.clever.com',
    tokenEndpointAuthMethod: 'client_secret_basic',
    idTokenUnused: true,
  });
});
