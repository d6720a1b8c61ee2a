import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectKeptAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { LYFT_ACCESS_TOKEN_SECONDS, startLyftEmulator, type LyftEmulator, type LyftUser } from './lyft.emulator.js';

// A client id and secret of the form Lyft's developer portal shows.
const CLIENT_ID = 'Lq8XbJ3kY2mN';
const CLIENT_SECRET = 'pZ7wR4tV9sK2hF6dL1gC8nB5mX3qA0eT';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/lyft/callback`;

function person(id: number, firstName: string, lastName: string): LyftUser {
  return { id: `7766301986624${String(id).padStart(5, '0')}`, firstName, lastName };
}

/** Only the documented variables: the preset, the client, and each endpoint and the API base pointed at the emulator (the profile moves with the API base). */
function lyftEnv(lyft: LyftEmulator): Record<string, string> {
  return presetEnv('lyft', CLIENT_ID, CLIENT_SECRET, {
    LYFT_AUTHORIZE_URL: `${lyft.origin}/oauth/authorize`,
    LYFT_ACCESS_TOKEN_URL: `${lyft.origin}/oauth/token`,
    LYFT_REVOCATION_URL: `${lyft.origin}/oauth/revoke_refresh_token`,
    LYFT_API_BASE_URL: `${lyft.origin}/v1`,
  });
}

const LYFT: StandardProvider<LyftUser, LyftEmulator> = {
  preset: 'lyft',
  displayName: 'Lyft',
  startEmulator: () => startLyftEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: lyftEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

const rides = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/lyft/proxy/rides?start_time=2026-01-01T00:00:00Z`);

describeEachDialect('Lyft, against an emulator of Lyft', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), LYFT);
  const signIn = (user: LyftUser) => signInAs(context, 'lyft', user);
  const tokenUrl = () => `${context.emulator.origin}/oauth/token`;

  it('signs in as the id of /v1/profile with the first and last names, no e-mail; public profile rides.read offline asked, no PKCE, the code exchanged as JSON with the client by Basic, a 1-hour token and a refresh token', async () => {
    const { database, emulator: lyft, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('public profile rides.read offline');
    expect(request.get('response_type')).toBe('code');
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toEqual({ id: ada.id, name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace' });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Ada Lovelace', email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'lyft');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'public profile rides.read offline' });
    expectAccessTokenLifetime(token, LYFT_ACCESS_TOKEN_SECONDS - 100, LYFT_ACCESS_TOKEN_SECONDS);
    const exchange = lyft.server.requests.findLast((r) => r.path === '/oauth/token')!;
    expect(exchange.headers['content-type']).toMatch(/^application\/json/);
    expect(exchange.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    const sent = Object.fromEntries(lyft.tokenRequests.at(-1)!);
    expect(sent).toMatchObject({ grant_type: 'authorization_code', code: expect.any(String) });
    expect(sent.client_secret).toBeUndefined();
    expect(lyft.server.requests.findLast((r) => r.path === '/v1/profile')!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('signing in again finds the same person by the id, whatever their name became', async () => {
    const first = await signIn(person(105, 'Grace', 'Hopper'));
    const second = await signIn({ ...person(105, 'Grace', 'Hopper'), lastName: 'Murray' });
    expect(second.userId).toBe(first.userId);
  });

  it('the proxy calls API v1; 20 concurrent calls on an expired token make one refresh, as JSON with the client by Basic, and the refresh token is kept', async () => {
    const { emulator: lyft } = context;
    const { browser, userId } = await signIn(person(102, 'Alan', 'Turing'));
    const first = await rides(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ ride_history: [{ ride_id: '123456789', passenger: { first_name: 'Alan' } }] });
    const { after } = await expectKeptAfterStorm(context, 'lyft', userId, () => rides(browser));
    expectAccessTokenLifetime(after, LYFT_ACCESS_TOKEN_SECONDS - 100, LYFT_ACCESS_TOKEN_SECONDS);
    expect(Object.fromEntries(lyft.tokenRequests.at(-1)!)).toEqual({ grant_type: 'refresh_token', refresh_token: after.refreshToken });
    expect(lyft.server.requests.findLast((r) => r.path === '/oauth/token')!.headers['content-type']).toMatch(/^application\/json/);
  });

  it('Lyft refuses the client in the body instead of Basic, and a token it does not take (401)', async () => {
    const { emulator: lyft } = context;
    const refused = await refreshAtProvider(tokenUrl(), CLIENT, 'anything', { by: 'form' });
    expect(await statusAndBody(refused)).toEqual({ status: 401, body: { error: 'invalid_client' } });
    const unknown = await fetch(`${lyft.origin}/v1/profile`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(unknown.status).toBe(401);
  });

  it("the app removed from the person's Lyft account: the refused refresh marks the connection 'needs re-auth' after one try", async () => {
    const { emulator: lyft } = context;
    const leaving = person(103, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    lyft.revokeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'lyft', userId, () => rides(browser));
  });

  it('disconnect revokes the refresh token at /oauth/revoke_refresh_token, the client by Basic and the token as JSON, and the grant ends', async () => {
    const { emulator: lyft } = context;
    const { browser, userId } = await signIn(person(104, 'Radia', 'Perlman'));
    const stored = await expectDisconnectRevokes(context, 'lyft', { browser, userId }, { requests: 1 });
    expect(lyft.revocations.at(-1)).toEqual({ token: stored.refreshToken });
    const sent = lyft.server.requests.findLast((r) => r.path === '/oauth/revoke_refresh_token')!;
    expect(sent.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    expect(lyft.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtProvider(tokenUrl(), CLIENT, stored.refreshToken!)).status).toBe(400);
  });

  it('/v1/profile failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, LYFT, person(110, 'Outage', 'Profile'), (lyft) => lyft.failNextProfile(500));
  });

  standardCases(() => context, LYFT, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(LYFT, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the lyft preset in production', () => {
  it('with the client alone, signs in, exchanges and revokes at api.lyft.com and calls API v1 there, asking public profile rides.read offline with the client by Basic', () => {
    const { settings } = presetInProduction('lyft', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Lyft',
      endpoints: {
        authorizationEndpoint: 'https://api.lyft.com/oauth/authorize',
        tokenEndpoint: 'https://api.lyft.com/oauth/token',
        userinfoEndpoint: 'https://api.lyft.com/v1/profile',
        revocationEndpoint: 'https://api.lyft.com/oauth/revoke_refresh_token',
      },
      scope: 'public profile rides.read offline',
      apiBaseUrl: 'https://api.lyft.com/v1',
      tokenEndpointAuthMethod: 'client_secret_basic',
      pkce: false,
      subjectClaim: 'id',
    });
  });
});
