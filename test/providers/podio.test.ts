import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startPodioEmulator, type PodioEmulator, type PodioUser } from './podio.emulator.js';

// A client id (the application's name as Podio's API key generator makes it) and a secret of letters and digits.
const CLIENT_ID = 'tokenkeeper-test';
const CLIENT_SECRET = 'Vq8nR3tX6wK1pL9sD4fG7hJ2zC5bN0mA3eY8uI1oP6rT9yW2xZ5cV7bN4mQ1aS3d';
const REDIRECT_URI = `${APP_ORIGIN}/auth/podio/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

function person(id: number, name: string): PodioUser {
  return { userId: 4_100_000 + id, profileId: 9_200_000 + id, name, mail: `${name.toLowerCase().replace(/\s/g, '.')}@example.com` };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (the user status moves with the API base). */
function podioEnv(podio: PodioEmulator): Record<string, string> {
  return presetEnv('podio', CLIENT_ID, CLIENT_SECRET, {
    PODIO_AUTHORIZE_URL: `${podio.origin}/oauth/authorize`,
    PODIO_ACCESS_TOKEN_URL: `${podio.origin}/oauth/token/v2`,
    PODIO_API_BASE_URL: podio.origin,
  });
}

/** A refresh at Podio itself, with the JSON body Podio documents, as another copy of the token would make it. */
function refreshAtPodio(podio: PodioEmulator, refreshToken: string): Promise<Response> {
  return fetch(`${podio.origin}/oauth/token/v2`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }),
  });
}

const PODIO: StandardProvider<PodioUser, PodioEmulator> = {
  preset: 'podio',
  displayName: 'Podio',
  startEmulator: () => startPodioEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: podioEnv,
  people: standardPeople(person),
  subjectOf: (user) => String(user.userId),
};

const scopeOf = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/podio/proxy/oauth/scope`);

describeEachDialect('Podio, against an emulator of Podio', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), PODIO);

  const signIn = (user: PodioUser) => signInAs(context, 'podio', user);

  it("signs in as the user_id of /user/status with the profile's name and the primary mail (verification unknown); no scope and no PKCE asked, the code exchanged at /oauth/token/v2 as JSON with the client in it, and the token kept with its refresh token", async () => {
    const { database, emulator: podio, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.has('code_challenge')).toBe(false);
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('4100101');
    expect(JSON.parse(account.claims)).toMatchObject({ user_id: 4_100_101, name: 'Ada Lovelace' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada.lovelace@example.com', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'podio');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, 8 * 3600 - 100, 8 * 3600);
    expect(podio.tokenContentTypes.at(-1)).toMatch(/^application\/json/);
    const exchange = podio.server.requests.findLast((r) => r.path === '/oauth/token/v2')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(podio.server.requests.findLast((r) => r.path === '/user/status')!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('signing in again finds the same person by the user id, whatever the name', async () => {
    const first = await signIn(person(105, 'Old Name'));
    const second = await signIn({ ...person(105, 'New Name'), mail: 'old.name@example.com' });
    expect(second.userId).toBe(first.userId);
  });

  it('the proxy calls the Podio API; 20 concurrent calls on an expired token make one refresh (a JSON body), the refresh token it answers is kept, and the used one is refused with invalid_grant', async () => {
    const { emulator: podio } = context;
    const { browser, userId } = await signIn(person(102, 'Alan Turing'));
    const { before, answers } = await expectRotatedAfterStorm(context, 'podio', userId, () => scopeOf(browser));
    expect(JSON.parse(answers[0]!.text)).toEqual([{ ref_type: null, ref_id: null, permissions: ['all'] }]);
    expect(podio.tokenContentTypes.at(-1)).toMatch(/^application\/json/);
    expect(await statusAndBody(refreshAtPodio(podio, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("the app removed from the person's Podio account marks the connection 'needs re-auth' after one refused refresh", async () => {
    const { emulator: podio } = context;
    const leaving = person(103, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    podio.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'podio', userId, () => scopeOf(browser));
  });

  it('disconnect deletes the token here and asks Podio nothing: Podio documents no revocation endpoint', async () => {
    const { emulator: podio } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye Person'));
    const stored = (await context.app.runtime.tokenStore.findToken(userId, 'podio'))!;
    await expectDisconnectAsksNothing(context, 'podio', { browser, userId });
    expect(podio.accepts(stored.accessToken)).toBe(true);
  });

  it('the user status failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, PODIO, person(110, 'Outage Profile'), (podio) => podio.failNextProfile(500));
  });

  standardCases(() => context, PODIO, { cancelled: { sentAs: 'error_reason=user_denied, error=access_denied' }, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(PODIO, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Podio in production', () => {
  it("with the client alone, signs in at Podio's own endpoints with no scope, the client in a JSON body, and calls api.podio.com", () => {
    const { settings } = presetInProduction('podio', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Podio',
      endpoints: {
        authorizationEndpoint: 'https://podio.com/oauth/authorize',
        tokenEndpoint: 'https://api.podio.com/oauth/token/v2',
        userinfoEndpoint: 'https://api.podio.com/user/status',
      },
      scope: '',
      apiBaseUrl: 'https://api.podio.com',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'user_id',
    });
    expect(settings({}).endpoints?.revocationEndpoint).toBeUndefined();
  });
});
