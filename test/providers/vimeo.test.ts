import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectNoTokenRequestFor20Calls } from './kit/concurrent-calls.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, signInAs, startProviderTestApp } from './kit/provider-app.js';
import { describeClientFailures, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startVimeoEmulator, type VimeoEmulator, type VimeoUser } from './vimeo.emulator.js';

// A client id of the form Vimeo's apps have (40 hex digits), and a secret with the `+` and `/` Vimeo's secrets hold.
const CLIENT_ID = '8f1ae2b7c4d90e3a5b6c7d8e9f0a1b2c3d4e5f60';
const CLIENT_SECRET = 'Xq7+Jb2kLm/9PzR4sT1uVw3+yZ5aB6cD/eF8gH0iJ2kL4mN6oP8qR0sT2uV4wX6y';
const REDIRECT_URI = `${APP_ORIGIN}/auth/vimeo/callback`;
const ACCEPT = 'application/vnd.vimeo.*+json;version=3.4';

function person(id: number, name: string): VimeoUser {
  return { id: String(id), name, username: name.toLowerCase().replace(/\W+/g, '') };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (/me and DELETE /tokens move with the API base). */
function vimeoEnv(vimeo: VimeoEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return {
    OAUTH_PROVIDERS: 'vimeo',
    VIMEO_PRESET: 'vimeo',
    VIMEO_CLIENT_ID: CLIENT_ID,
    VIMEO_CLIENT_SECRET: CLIENT_SECRET,
    VIMEO_AUTHORIZE_URL: `${vimeo.origin}/oauth/authorize`,
    VIMEO_ACCESS_TOKEN_URL: `${vimeo.origin}/oauth/access_token`,
    VIMEO_API_BASE_URL: vimeo.origin,
    ...extra,
  };
}

const VIMEO: StandardProvider<VimeoUser, VimeoEmulator> = {
  preset: 'vimeo',
  displayName: 'Vimeo',
  startEmulator: () => startVimeoEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: vimeoEnv,
  people: {
    cancelled: person(1108, 'Changed Mind'),
    'refused-code': person(1109, 'Refused Code'),
    'wrong-secret': person(1301, 'Wrong Secret'),
    'exchange-failure': person(1302, 'Outage Person'),
  },
  subjectOf: (user) => user.id,
};

describeEachDialect('Vimeo, against an emulator of Vimeo', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), VIMEO);

  const signIn = (user: VimeoUser) => signInAs(context, 'vimeo', user);
  const videos = (browser: TestBrowser) => browser.request(`${APP_ORIGIN}/api/providers/vimeo/proxy/me/videos`, { method: 'GET' });

  it('signs in as the numeric id of /me, with its name and no e-mail; public private without PKCE, Basic credentials as they are, API version 3.4 asked, a token with no end and no refresh token', async () => {
    const { database, emulator: vimeo, app } = context;
    const staff = person(152184, 'Staff Picks');
    const { userId, request } = await signIn(staff);
    expect(request.get('scope')).toBe('public private');
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select('subject').where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('152184');
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: null, name: 'Staff Picks' });
    expect(await app.runtime.tokenStore.findToken(userId, 'vimeo')).toMatchObject({ refreshToken: null, expiresAt: null, scope: 'public private' });
    const exchange = vimeo.server.requests.filter((r) => r.path === '/oauth/access_token').at(-1)!;
    expect(exchange.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    expect(vimeo.server.requests.filter((r) => r.path === '/me').at(-1)!.headers.accept).toBe(ACCEPT);
  });

  it('the proxy calls the API with version 3.4 asked (the private videos with the private scope); 20 concurrent calls ask Vimeo for no token', async () => {
    const { emulator: vimeo } = context;
    const { browser } = await signIn(person(1102, 'Proxy Person'));
    const answers = await expectNoTokenRequestFor20Calls(vimeo, () => videos(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ total: 2, data: [{ name: 'The New Vimeo Player' }, { name: 'A private cut' }] });
    expect(vimeo.server.requests.filter((r) => r.path === '/me/videos').every((r) => r.headers.accept === ACCEPT)).toBe(true);
  });

  it("an app removed in Vimeo marks the connection 'needs re-auth' at the API's 401, with no token request; disconnect then counts Vimeo's 401 as revoked", async () => {
    const { emulator: vimeo } = context;
    const leaving = person(1103, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    vimeo.removeAppInVimeo(leaving);
    await expectNeedsReauthWithoutTokenRequest(context, 'vimeo', userId, () => videos(browser));
    await expectDisconnectRevokes(context, 'vimeo', { browser, userId }, { requests: 1 });
  });

  it('disconnect revokes the access token with DELETE /tokens', async () => {
    const { emulator: vimeo, app } = context;
    const { browser, userId } = await signIn(person(1104, 'Goodbye Person'));
    expect(vimeo.accepts((await app.runtime.tokenStore.findToken(userId, 'vimeo'))!.accessToken)).toBe(true);
    const stored = await expectDisconnectRevokes(context, 'vimeo', { browser, userId }, { requests: 1 });
    const revocation = vimeo.server.requests.filter((r) => r.path === '/tokens').at(-1)!;
    expect(revocation).toMatchObject({ method: 'DELETE', headers: { accept: ACCEPT, authorization: `Bearer ${stored.accessToken}` } });
    expect(vimeo.accepts(stored.accessToken)).toBe(false);
  });

  it('a narrower scope is asked as configured, and the token sees only what it grants', async () => {
    const { database, emulator: vimeo } = context;
    const narrow = await startProviderTestApp({ databaseUrl: database.url, env: vimeoEnv(vimeo, { VIMEO_SCOPE: 'public' }) });
    try {
      const { browser, userId, request } = await signInAs({ emulator: vimeo, app: narrow }, 'vimeo', person(1105, 'Public Only'));
      expect(request.get('scope')).toBe('public');
      const answer = await videos(browser);
      expect(JSON.parse(answer.text)).toMatchObject({ total: 1, data: [{ name: 'The New Vimeo Player' }] });
      expect(await narrow.runtime.tokenStore.findToken(userId, 'vimeo')).toMatchObject({ scope: 'public' });
    } finally {
      await narrow.close();
    }
  });

  it('/me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, VIMEO, person(1110, 'Outage Again'), (vimeo) => vimeo.failNextMeRequest(500));
  });

  standardCases(() => context, VIMEO, { cancelled: {}, refusedCode: { sentAs: "400 invalid_request 'Invalid authorization code'" } });
});

describeClientFailures(VIMEO, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
