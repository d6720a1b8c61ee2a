import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, csrfTokenOf, presetEnv, signInAs } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startWaveEmulator, type WaveEmulator, type WaveUser } from './wave.emulator.js';

// A client id and secret of the form Wave's Manage Applications page shows.
const CLIENT_ID = 'Pk7sQ2wXr9TzLm4VbN8cYd3FgHj6KaE1uR5oIe0W';
const CLIENT_SECRET = 'x4Rt9YbLq2Wm7ZcVn5Kd8Hs3Jf6Pg1Ua0EiOoTyQrWsXeDcVfBgNhMjK2lL9pZ';
const REDIRECT_URI = `${APP_ORIGIN}/auth/wave/callback`;

function person(id: number, firstName: string, lastName: string): WaveUser {
  return { id: Buffer.from(`User:${id}`).toString('base64'), firstName, lastName, email: `${firstName.toLowerCase()}@example.com` };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (the user query moves with the API base). */
function waveEnv(wave: WaveEmulator): Record<string, string> {
  return presetEnv('wave', CLIENT_ID, CLIENT_SECRET, {
    WAVE_AUTHORIZE_URL: `${wave.origin}/oauth2/authorize/`,
    WAVE_ACCESS_TOKEN_URL: `${wave.origin}/oauth2/token/`,
    WAVE_REVOCATION_URL: `${wave.origin}/oauth2/token-revoke/`,
    WAVE_API_BASE_URL: wave.origin,
  });
}

/** A refresh at Wave itself, as another copy of the token would make it. */
function refreshAtWave(wave: WaveEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${wave.origin}/oauth2/token/`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const WAVE: StandardProvider<WaveUser, WaveEmulator> = {
  preset: 'wave',
  displayName: 'Wave',
  startEmulator: () => startWaveEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: waveEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

const businesses = async (browser: TestBrowser) =>
  browser.request(`${APP_ORIGIN}/api/providers/wave/proxy/graphql/public`, { method: 'POST', headers: { 'x-csrf-token': await csrfTokenOf(browser) }, json: { query: '{ businesses { edges { node { id name } } } }' } });

describeEachDialect('Wave, against an emulator of Wave', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), WAVE);

  const signIn = (user: WaveUser) => signInAs(context, 'wave', user);

  it("signs in as the id of the GraphQL user query, POSTed to /graphql/public, with the first and last names and the default e-mail (verification unknown); user:read and business:read asked, a state, no PKCE, the client in the form, two-hour tokens with a refresh token", async () => {
    const { database, emulator: wave, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('user:read business:read');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('state')).toEqual(expect.any(String));
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toMatchObject({ id: ada.id, given_name: 'Ada', family_name: 'Lovelace' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'wave');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'user:read business:read' });
    expectAccessTokenLifetime(token, 7100, 7200);
    const exchange = wave.server.requests.find((r) => r.path === '/oauth2/token/')!;
    expect(exchange.headers.authorization).toBeUndefined();
    const profile = wave.server.requests.find((r) => r.path === '/graphql/public')!;
    expect(profile).toMatchObject({ method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token!.accessToken}` } });
  });

  it('the proxy POSTs GraphQL; 20 concurrent calls on an expired token make one refresh, the new refresh token is kept with the scope, and the spent one is refused', async () => {
    const { emulator: wave } = context;
    const { browser, userId } = await signIn(person(102, 'Alan', 'Turing'));
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'wave', userId, () => businesses(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ data: { businesses: { edges: [{ node: { name: 'Lovelace Analytical Engines' } }] } } });
    expect(after.scope).toBe(before.scope);
    expectAccessTokenLifetime(after, 7100, 7200);
    expect(await statusAndBody(refreshAtWave(wave, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("a refresh token spent elsewhere marks the connection 'needs re-auth' after one refresh Wave refuses", async () => {
    const { database, emulator: wave, app } = context;
    const { browser, userId } = await signIn(person(103, 'Spent', 'Elsewhere'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'wave');
    expect((await refreshAtWave(wave, stored!.refreshToken!)).status).toBe(200);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'wave', userId, () => businesses(browser));
  });

  it('disconnect revokes at /oauth2/token-revoke/ (which takes only the client in the form), and the tokens end there', async () => {
    const { emulator: wave } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye', 'Person'));
    const stored = await expectDisconnectRevokes(context, 'wave', { browser, userId });
    expect(wave.server.requests.find((r) => r.path === '/oauth2/token-revoke/')!.headers.authorization).toBeUndefined();
    expect(wave.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtWave(wave, stored.refreshToken!)).status).toBe(400);
  });

  it('the user query failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, WAVE, person(110, 'Outage', 'Profile'), (wave) => wave.failNextProfile(500));
  });

  standardCases(() => context, WAVE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(WAVE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Wave in production', () => {
  it("with the client alone, signs in at Wave's own endpoints, reads the user from gql.waveapps.com and revokes at api.waveapps.com", () => {
    const { settings } = presetInProduction('wave', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    expect(settings({})).toMatchObject({
      displayName: 'Wave',
      endpoints: {
        authorizationEndpoint: 'https://api.waveapps.com/oauth2/authorize/',
        tokenEndpoint: 'https://api.waveapps.com/oauth2/token/',
        userinfoEndpoint: 'https://gql.waveapps.com/graphql/public',
        revocationEndpoint: 'https://api.waveapps.com/oauth2/token-revoke/',
      },
      scope: 'user:read business:read',
      apiBaseUrl: 'https://gql.waveapps.com',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
  });
});
