import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs, startProviderTestApp } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startMuralEmulator, type MuralEmulator, type MuralUser } from './mural.emulator.js';

const CLIENT_ID = 'c5b1e7a0-3f2d-4e8b-9a61-7d0f2c4b8e19';
const CLIENT_SECRET = 'Vq8xN2mR5tY7wB3kP9sD4fH6jL1zC0aE';
const REDIRECT_URI = `${APP_ORIGIN}/auth/mural/callback`;
const OAUTH = '/api/public/v1/authorization/oauth2';
const BASIC = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

function person(id: number, firstName: string, lastName: string): MuralUser {
  return {
    id: `u${(7_340_000 + id).toString(36)}`,
    firstName,
    lastName,
    email: `${firstName.toLowerCase()}.${lastName.toLowerCase()}@mural.test`,
    workspace: { id: `ws${id}`, name: `${lastName} Studio` },
  };
}

/** Only the documented variables: the preset, the client, each OAuth endpoint pointed at the emulator (refreshes through <NAME>_REFRESH_URL) and the API base (/users/me moves with it). */
function muralEnv(mural: MuralEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('mural', CLIENT_ID, CLIENT_SECRET, {
    MURAL_AUTHORIZE_URL: `${mural.origin}${OAUTH}/`,
    MURAL_ACCESS_TOKEN_URL: `${mural.origin}${OAUTH}/token`,
    MURAL_REFRESH_URL: `${mural.origin}${OAUTH}/refresh`,
    MURAL_API_BASE_URL: `${mural.origin}/api/public/v1`,
    ...extra,
  });
}

const MURAL: StandardProvider<MuralUser, MuralEmulator> = {
  preset: 'mural',
  displayName: 'Mural',
  startEmulator: () => startMuralEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: muralEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

const workspaces = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/mural/proxy/workspaces`);

describeEachDialect('Mural, against an emulator of Mural', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: MURAL.startEmulator, env: (mural) => muralEnv(mural, { MURAL_SCOPE: 'identity:read workspaces:read' }) });

  const signIn = (user: MuralUser) => signInAs(context, 'mural', user);

  it('signs in as the id of /users/me (inside its value), firstName and lastName the name, its e-mail (verification unknown); the scopes asked, PKCE, the client as plain Basic, a 15-minute token and a refresh token', async () => {
    const { database, emulator: mural, app } = context;
    const ada = person(1, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('identity:read workspaces:read');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toEqual({ id: ada.id, name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', email: ada.email, picture: `https://app.mural.test/avatars/${ada.id}.png` });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Ada Lovelace', email: ada.email, email_verified: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'mural');
    expect(token).toMatchObject({ accessToken: expect.stringMatching(/^mural_at_/), refreshToken: expect.stringMatching(/^mural_rt_/), scope: 'identity:read workspaces:read' });
    expectAccessTokenLifetime(token, 15 * 60 - 60, 15 * 60);
    const exchange = mural.server.requests.find((r) => r.path === `${OAUTH}/token`)!;
    expect(exchange.headers.authorization).toBe(BASIC);
    const me = mural.server.requests.filter((r) => r.path === '/api/public/v1/users/me').at(-1)!;
    expect(me.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy lists workspaces; 20 concurrent calls on an expired token make one refresh, at …/oauth2/refresh, whose new refresh token replaces the spent one, which Mural then refuses', async () => {
    const { database, emulator: mural, app } = context;
    const grace = person(2, 'Grace', 'Hopper');
    const { browser, userId } = await signIn(grace);
    const before = await app.runtime.tokenStore.findToken(userId, 'mural');
    await expireAccessTokens(database, userId);
    const refreshes = mural.server.counts.refresh_request ?? 0;
    const tokenRequests = mural.server.counts.token_request ?? 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => workspaces(browser)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(JSON.parse(answers[0]!.text)).toEqual({ value: [grace.workspace] });
    expect(mural.server.counts.refresh_request).toBe(refreshes + 1);
    expect(mural.server.counts.token_request ?? 0).toBe(tokenRequests);
    const refresh = mural.server.requests.filter((r) => r.path === `${OAUTH}/refresh`).at(-1)!;
    expect(refresh.headers.authorization).toBe(BASIC);
    const after = await app.runtime.tokenStore.findToken(userId, 'mural');
    expect(after!.accessToken).not.toBe(before!.accessToken);
    expect(after!.refreshToken).toMatch(/^mural_rt_/);
    expect(after!.refreshToken).not.toBe(before!.refreshToken);
    expect(mural.accepts(after!.accessToken)).toBe(true);
    const spent = await refreshAtProvider(`${mural.origin}${OAUTH}/refresh`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, before!.refreshToken!);
    expect(spent.status).toBe(400);
    expect(await spent.json()).toEqual({ error: 'invalid_grant' });
  });

  it('a 401 TOKEN_EXPIRED for a token Mural ended before its time is refreshed once and the call retried; a 401 for a scope not granted is refreshed once and then passed on', async () => {
    const { database, emulator: mural, app } = context;
    const { browser, userId } = await signIn(person(3, 'Ended', 'Early'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'mural');
    mural.endAccessToken(stored!.accessToken);
    const refreshes = mural.server.counts.refresh_request ?? 0;
    expect((await workspaces(browser)).status).toBe(200);
    expect(mural.server.counts.refresh_request).toBe(refreshes + 1);
    expect((await app.runtime.tokenStore.findToken(userId, 'mural'))!.accessToken).not.toBe(stored!.accessToken);

    const narrow = await startProviderTestApp({ databaseUrl: database.url, env: muralEnv(mural) });
    try {
      mural.signInAs(person(4, 'Profile', 'Only'));
      const browserOfNarrow = narrow.browser();
      const start = await browserOfNarrow.get(`${APP_ORIGIN}/login/mural?next=/api/me`, { followRedirects: false });
      expect(new URL(start.location!).searchParams.get('scope')).toBe('identity:read');
      expect((await browserOfNarrow.get(start.location!)).status).toBe(200);
      const before = mural.server.counts.refresh_request ?? 0;
      const refused = await browserOfNarrow.get(`${APP_ORIGIN}/api/providers/mural/proxy/workspaces`);
      expect(refused.status).toBe(401);
      expect(mural.server.counts.refresh_request).toBe(before + 1);
      expect(JSON.parse(refused.text)).toEqual({ code: 'UNAUTHORIZED', message: 'This endpoint requires the workspaces:read scope.' });
    } finally {
      await narrow.close();
    }
  });

  it('a scope not ticked on the app ends on Mural’s “Uh-oh” page, with no code and nothing sent back to the app', async () => {
    const { database, emulator: mural } = context;
    const wide = await startProviderTestApp({ databaseUrl: database.url, env: muralEnv(mural, { MURAL_SCOPE: 'identity:read templates:write' }) });
    try {
      mural.signInAs(person(5, 'Too', 'Wide'));
      const browser = wide.browser();
      const start = await browser.get(`${APP_ORIGIN}/login/mural?next=/api/me`, { followRedirects: false });
      const page = await browser.get(start.location!, { followRedirects: false });
      expect(page.status).toBe(400);
      expect(page.text).toContain('Uh-oh');
      expect(page.location).toBeUndefined();
    } finally {
      await wide.close();
    }
  });

  it("a refresh token Mural refuses (the person removed the app) marks the connection 'needs re-auth', with one attempt", async () => {
    const { database, emulator: mural } = context;
    const leaving = person(6, 'Removed', 'App');
    const { browser, userId } = await signIn(leaving);
    mural.removeApp(leaving);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'mural', userId, () => workspaces(browser));
  });

  it('disconnect deletes the tokens here and asks Mural nothing: it documents no revocation', async () => {
    const { browser, userId } = await signIn(person(7, 'Leaving', 'Person'));
    await expectDisconnectAsksNothing(context, 'mural', { browser, userId });
  });

  standardCases(() => context, MURAL, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(MURAL, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

it("in production the preset calls Mural itself: app.mural.co's authorization, token and refresh URLs and its public API, the client as plain Basic", () => {
  const settings = presetInProduction('mural', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }).settings({});
  expect(settings).toMatchObject({
    displayName: 'Mural',
    endpoints: {
      authorizationEndpoint: 'https://app.mural.co/api/public/v1/authorization/oauth2/',
      tokenEndpoint: 'https://app.mural.co/api/public/v1/authorization/oauth2/token',
      refreshEndpoint: 'https://app.mural.co/api/public/v1/authorization/oauth2/refresh',
      userinfoEndpoint: 'https://app.mural.co/api/public/v1/users/me',
    },
    scope: 'identity:read',
    apiBaseUrl: 'https://app.mural.co/api/public/v1',
    tokenEndpointAuthMethod: 'client_secret_basic',
    subjectClaim: 'id',
  });
});
