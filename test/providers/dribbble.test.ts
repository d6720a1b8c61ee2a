import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startDribbbleEmulator, type DribbbleEmulator, type DribbbleUser } from './dribbble.emulator.js';
import { expectNoTokenRequestFor20Calls } from './kit/concurrent-calls.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs, startProviderTestApp } from './kit/provider-app.js';
import { describeClientFailures, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the form Dribbble's applications have (64 hex digits each).
const CLIENT_ID = '4f8c2a9e1b7d3065a2c4e6f8091b3d5f7a9c1e3b5d7f9012a4c6e8f0b2d4f6a8';
const CLIENT_SECRET = '9e7c5a3f1d8b6049e2c0a8f6d4b2e0c8a6f4d2b0e8c6a4f2d0b8e6c4a2f0d8b6';
const REDIRECT_URI = `${APP_ORIGIN}/auth/dribbble/callback`;

function person(id: number, name: string): DribbbleUser {
  return { id, name, login: name.toLowerCase().replace(/\W+/g, '') };
}

/** Only the documented variables: the preset, the client, the OAuth endpoints and the API base (/user moves with it). */
function dribbbleEnv(dribbble: DribbbleEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('dribbble', CLIENT_ID, CLIENT_SECRET, {
    DRIBBBLE_AUTHORIZE_URL: `${dribbble.origin}/oauth/authorize`,
    DRIBBBLE_ACCESS_TOKEN_URL: `${dribbble.origin}/oauth/token`,
    DRIBBBLE_API_BASE_URL: `${dribbble.origin}/v2`,
    ...extra,
  });
}

const DRIBBBLE: StandardProvider<DribbbleUser, DribbbleEmulator> = {
  preset: 'dribbble',
  displayName: 'Dribbble',
  startEmulator: () => startDribbbleEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: dribbbleEnv,
  people: standardPeople(person),
  subjectOf: (user) => String(user.id),
};

describeEachDialect('Dribbble, against an emulator of Dribbble', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), DRIBBBLE);

  const signIn = (user: DribbbleUser) => signInAs(context, 'dribbble', user);
  const shots = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/dribbble/proxy/user/shots`);

  it('signs in as the numeric id of /v2/user (not the login), with its name and login and no e-mail; public without PKCE, the client in the form, a token with no end and no refresh token', async () => {
    const { database, emulator: dribbble, app } = context;
    const { userId, request } = await signIn(person(1, 'Dan Cederholm'));
    expect(request.get('scope')).toBe('public');
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('1');
    expect(JSON.parse(account.claims)).toMatchObject({ id: '1', name: 'Dan Cederholm', login: 'dancederholm' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Dan Cederholm', email: null, email_verified: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'dribbble');
    expect(token).toMatchObject({ refreshToken: null, expiresAt: null, scope: 'public' });
    const exchange = dribbble.server.requests.filter((r) => r.path === '/oauth/token').at(-1)!;
    expect(exchange.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(exchange.headers.authorization).toBeUndefined();
    expect(dribbble.server.requests.filter((r) => r.path === '/v2/user').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy calls API v2 with the token as Bearer; 20 concurrent calls ask Dribbble for no token, as there is nothing to refresh', async () => {
    const { emulator: dribbble } = context;
    const { browser } = await signIn(person(102, 'Shot Maker'));
    const answers = await expectNoTokenRequestFor20Calls(dribbble, () => shots(browser));
    expect(JSON.parse(answers[0]!.text)).toEqual([expect.objectContaining({ id: 471756, title: 'Sasquatch' })]);
    expect(dribbble.server.counts.shots).toBeGreaterThanOrEqual(20);
  });

  it('a person who already holds a token is sent back at once with the scopes of their last authorization: the token answer says which, and that is what is kept', async () => {
    const { database, emulator: dribbble } = context;
    const player = person(103, 'Returning Player');
    await signIn(player);
    const uploads = await startProviderTestApp({ databaseUrl: database.url, env: dribbbleEnv(dribbble, { DRIBBBLE_SCOPE: 'public upload' }) });
    try {
      const { userId, request } = await signInAs({ emulator: dribbble, app: uploads }, 'dribbble', player);
      expect(request.get('scope')).toBe('public upload');
      expect(await uploads.runtime.tokenStore.findToken(userId, 'dribbble')).toMatchObject({ scope: 'public' });
    } finally {
      await uploads.close();
    }
  });

  it('public upload is asked as configured by a person new to the app, and kept as granted', async () => {
    const { database, emulator: dribbble } = context;
    const uploads = await startProviderTestApp({ databaseUrl: database.url, env: dribbbleEnv(dribbble, { DRIBBBLE_SCOPE: 'public upload' }) });
    try {
      const { userId } = await signInAs({ emulator: dribbble, app: uploads }, 'dribbble', person(104, 'New Uploader'));
      expect(await uploads.runtime.tokenStore.findToken(userId, 'dribbble')).toMatchObject({ scope: 'public upload' });
    } finally {
      await uploads.close();
    }
  });

  it("the app revoked in the person's Dribbble settings (401) marks the connection 'needs re-auth', with no token request", async () => {
    const { emulator: dribbble } = context;
    const leaving = person(105, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    dribbble.revokeApp(leaving);
    await expectNeedsReauthWithoutTokenRequest(context, 'dribbble', userId, () => shots(browser));
  });

  it('disconnect deletes the token here and asks Dribbble nothing: it documents no revocation endpoint', async () => {
    const { emulator: dribbble, app } = context;
    const { browser, userId } = await signIn(person(106, 'Goodbye Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'dribbble'))!;
    await expectDisconnectAsksNothing(context, 'dribbble', { browser, userId });
    expect(dribbble.accepts(stored.accessToken)).toBe(true);
  });

  it('/v2/user failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, DRIBBBLE, person(107, 'Outage Again'), (dribbble) => dribbble.failNextUserRequest(500));
  });

  standardCases(() => context, DRIBBBLE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(DRIBBBLE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

it("in production the preset calls Dribbble itself: dribbble.com's authorization page and token endpoint, api.dribbble.com's API v2 and /user", () => {
  const settings = presetInProduction('dribbble', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }).settings({});
  expect(settings.endpoints).toMatchObject({ authorizationEndpoint: 'https://dribbble.com/oauth/authorize', tokenEndpoint: 'https://dribbble.com/oauth/token', userinfoEndpoint: 'https://api.dribbble.com/v2/user' });
  expect(settings.apiBaseUrl).toBe('https://api.dribbble.com/v2');
});
