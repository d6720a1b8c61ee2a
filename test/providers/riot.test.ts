import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { openIdCases } from './kit/openid-cases.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { encryptedPuuid, RIOT_ACCESS_TOKEN_SECONDS, startRiotEmulator, type RiotEmulator, type RiotPlayer } from './riot.emulator.js';

// A client id of the kind an RSO client is named by (the product's name, no punctuation or spaces) and a secret.
const CLIENT_ID = 'acmestats';
const CLIENT_SECRET = 'mQ7vK2xN9pR4tW8yB3dF6hJ1lZ5cG0sE';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/riot/callback`;
const BASIC = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

function person(n: number, name: string): RiotPlayer {
  return { puuid: `5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a${String(n).padStart(6, '0')}`, gameName: name.split(' ')[0]!, tagLine: `EUW${n}` };
}

/** Only the documented variables: the preset, the client, and the issuer and the API base on the emulator. */
function riotEnv(riot: RiotEmulator): Record<string, string> {
  return presetEnv('riot', CLIENT_ID, CLIENT_SECRET, { RIOT_ISSUER: riot.issuer, RIOT_API_BASE_URL: riot.origin });
}

const RIOT: StandardProvider<RiotPlayer, RiotEmulator> = {
  preset: 'riot',
  displayName: 'Riot Games',
  startEmulator: () => startRiotEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: riotEnv,
  people: standardPeople(person),
  subjectOf: (player) => player.puuid,
};

describeEachDialect('Riot Games, against an emulator of Riot Sign On and account-v1', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), RIOT);

  const accountMe = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/riot/proxy/riot/account/v1/accounts/me`);
  const openId = openIdCases(context, RIOT, accountMe);
  const tokenRequests = () => context.emulator.server.requests.filter((r) => r.path === '/token');
  const tokenUrl = () => `${context.emulator.origin}/token`;

  it("signs in through discovery as the ID token's sub (the PUUID), no name or e-mail; openid offline_access with consent and without PKCE, the client as Basic, an hour's token with a refresh token", async () => {
    const { database, emulator: riot, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await openId.signIn(ada);
    expect(request.get('scope')).toBe('openid offline_access');
    expect(request.get('prompt')).toBe('consent');
    expect(request.get('nonce')).toEqual(expect.any(String));
    expect(request.has('code_challenge')).toBe(false);
    expect(riot.server.requests.some((r) => r.path === '/.well-known/openid-configuration')).toBe(true);
    expect(await database.db.selectFrom('accounts').select(['issuer', 'subject']).where('user_id', '=', userId).executeTakeFirstOrThrow()).toEqual({ issuer: riot.issuer, subject: ada.puuid });
    expect(await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow()).toEqual({ name: null, email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'riot');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'openid offline_access' });
    expectAccessTokenLifetime(token, RIOT_ACCESS_TOKEN_SECONDS - 100, RIOT_ACCESS_TOKEN_SECONDS);
    expect(tokenRequests()[0]!.headers.authorization).toBe(BASIC);
    expect(Object.fromEntries(riot.tokenForms[0]!)).toEqual({ grant_type: 'authorization_code', code: expect.any(String), redirect_uri: REDIRECT_URI });
  });

  it('signing in again finds the same account by the PUUID, whatever the Riot ID became', async () => {
    const first = await openId.signIn(person(105, 'Grace Hopper'));
    const second = await openId.signIn({ ...person(105, 'Grace Hopper'), gameName: 'Amazing', tagLine: 'NA1' });
    expect(second.userId).toBe(first.userId);
    expect(await context.database.db.selectFrom('accounts').select('id').where('provider', '=', 'riot').where('subject', '=', person(105, '').puuid).execute()).toHaveLength(1);
  });

  it("the proxy calls account-v1's /accounts/me with the RSO token as Bearer", async () => {
    const { emulator: riot } = context;
    const alan = person(102, 'Alan Turing');
    await openId.expectProxyReaches(alan, { puuid: encryptedPuuid(alan.puuid), gameName: 'Alan', tagLine: 'EUW102' });
    expect(riot.server.requests.findLast((r) => r.path === '/riot/account/v1/accounts/me')!.headers.authorization).toMatch(/^Bearer /);
  });

  it('20 concurrent calls on an expired token make one refresh with the client as Basic; its new refresh token is kept, and the spent one is refused', async () => {
    const { emulator: riot } = context;
    const { before, after } = await openId.expectRotatedAfterStorm(person(103, 'Edsger Dijkstra'));
    expect(tokenRequests().at(-1)!.headers.authorization).toBe(BASIC);
    expect(Object.fromEntries(riot.tokenForms.at(-1)!)).toEqual({ grant_type: 'refresh_token', refresh_token: before.refreshToken });
    expectAccessTokenLifetime(after, RIOT_ACCESS_TOKEN_SECONDS - 100, RIOT_ACCESS_TOKEN_SECONDS);
    expect((await refreshAtProvider(tokenUrl(), CLIENT, before.refreshToken!)).status).toBe(400);
  });

  it("the application's access taken away: the refresh is refused, and the connection needs re-auth after one try", async () => {
    await openId.expectNeedsReauthOnceEnded(person(104, 'Barbara Liskov'), (leaving) => context.emulator.removeApp(leaving));
  });

  it('disconnect asks Riot nothing (no revocation is documented) and forgets the tokens, which Riot still takes', async () => {
    const { emulator: riot, app } = context;
    const signedIn = await openId.signIn(person(106, 'Frances Allen'));
    const stored = (await app.runtime.tokenStore.findToken(signedIn.userId, 'riot'))!;
    await expectDisconnectAsksNothing(context, 'riot', signedIn);
    expect(riot.accepts(stored.accessToken)).toBe(true);
  });

  it('Riot refuses the client in the form rather than as Basic, an authorization without openid, and an API call without a token it takes', async () => {
    const { emulator: riot } = context;
    expect((await refreshAtProvider(tokenUrl(), CLIENT, 'x', { by: 'form' })).status).toBe(401);
    const asked = new URL(`${riot.origin}/authorize`);
    for (const [name, value] of Object.entries({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, scope: 'cpid', state: 's1' })) asked.searchParams.set(name, value);
    const refused = await fetch(asked, { redirect: 'manual' });
    expect(new URL(refused.headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
    const call = await fetch(`${riot.origin}/riot/account/v1/accounts/me`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(call.status).toBe(401);
    expect(await call.json()).toEqual({ status: { message: 'Unauthorized', status_code: 401 } });
  });

  standardCases(() => context, RIOT, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(RIOT, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the riot preset in production', () => {
  it('with the client alone, discovers https://auth.riotgames.com, asks openid offline_access with the client as Basic and no PKCE, and calls the Americas routing host', () => {
    const { settings } = presetInProduction('riot', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Riot Games',
      discovery: { issuer: 'https://auth.riotgames.com' },
      scope: 'openid offline_access',
      apiBaseUrl: 'https://americas.api.riotgames.com',
      extraApiBaseUrls: ['https://*.api.riotgames.com'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      pkce: false,
    });
  });
});
