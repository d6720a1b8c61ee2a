import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startBattlenetEmulator, type BattlenetEmulator, type BattlenetUser } from './battlenet.emulator.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { APP_ORIGIN, disconnectThrough, presetEnv, signInAs } from './kit/provider-app.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id (32 hex digits) and secret (32 letters and digits), as the Blizzard Developer Portal shows them.
const CLIENT_ID = '5d1e2a0c9f7b4e3a8c6d1f0b2a9e7c41';
const CLIENT_SECRET = 'Qx7Lm2Np9Rs4Tv6Wy8Za1Bc3De5Fg0Hj';
const REDIRECT_URI = `${APP_ORIGIN}/auth/battlenet/callback`;
const BASIC = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

function person(id: number, name: string): BattlenetUser {
  return { id: 100_000_000 + id, battletag: `${name.replace(/\s/g, '')}#${1000 + id}`, characters: { us: [`${name.split(' ')[0]}us`], eu: [`${name.split(' ')[0]}eu`] } };
}

/** Only the documented variables: the preset, the client, BATTLENET_BASE_URL naming the OAuth server (as for China's), and the API, whose hosts are Blizzard's own. */
function battlenetEnv(battlenet: BattlenetEmulator): Record<string, string> {
  return presetEnv('battlenet', CLIENT_ID, CLIENT_SECRET, {
    BATTLENET_BASE_URL: battlenet.origin,
    BATTLENET_API_BASE_URL: battlenet.origin,
    BATTLENET_EXTRA_API_BASE_URLS: battlenet.euOrigin,
  });
}

const BATTLENET: StandardProvider<BattlenetUser, BattlenetEmulator> = {
  preset: 'battlenet',
  displayName: 'Battle.net',
  startEmulator: () => startBattlenetEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: battlenetEnv,
  people: standardPeople(person),
  subjectOf: (user) => String(user.id),
};

describeEachDialect('Battle.net, against an emulator of its OAuth server and two regions of its API', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), BATTLENET);

  const signIn = (user: BattlenetUser) => signInAs(context, 'battlenet', user);
  const wowProfile = (browser: TestBrowser, region = 'us', headers: Record<string, string> = {}) => browser.get(`${APP_ORIGIN}/api/providers/battlenet/proxy/profile/user/wow?namespace=profile-${region}&locale=en_US`, { headers });

  it('signs in through discovery as the ID token’s sub (the account id), the BattleTag of userinfo the name, no e-mail; the game scopes with PKCE and a nonce, Basic credentials, a 24-hour token and no refresh token', async () => {
    const { database, emulator: battlenet, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('openid wow.profile sc2.profile d3.profile');
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.get('nonce')).toEqual(expect.any(String));
    expect(battlenet.server.requests.some((r) => r.path === '/.well-known/openid-configuration')).toBe(true);
    const account = await database.db.selectFrom('accounts').select(['issuer', 'subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toMatchObject({ issuer: battlenet.issuer, subject: String(ada.id) });
    expect(JSON.parse(account.claims)).toMatchObject({ sub: String(ada.id), id: ada.id, battletag: 'AdaLovelace#1101', battle_tag: 'AdaLovelace#1101' });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'AdaLovelace#1101', email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'battlenet');
    expect(token).toMatchObject({ refreshToken: null, scope: 'openid wow.profile sc2.profile d3.profile' });
    expectAccessTokenLifetime(token, 86_399 - 100, 86_399);
    expect(battlenet.server.requests.findLast((r) => r.path === '/token')!.headers.authorization).toBe(BASIC);
  });

  it('signing in again finds the same person by the account id, whatever the BattleTag became', async () => {
    const { database } = context;
    const first = await signIn(person(105, 'Grace Hopper'));
    const second = await signIn({ ...person(105, 'Grace Hopper'), battletag: 'Amazing#2222' });
    expect(second.userId).toBe(first.userId);
    expect(await database.db.selectFrom('accounts').select('id').where('provider', '=', 'battlenet').where('subject', '=', String(person(105, '').id)).execute()).toHaveLength(1);
  });

  it('the proxy calls the US region by default, and the European one the caller names with Tokenkeeper-Api-Base', async () => {
    const { emulator: battlenet } = context;
    const { browser } = await signIn(person(102, 'Alan Turing'));
    const us = await wowProfile(browser);
    expect(us.status).toBe(200);
    expect(JSON.parse(us.text)).toMatchObject({ wow_accounts: [{ characters: [{ name: 'Alanus', realm: { slug: 'area-52' } }] }] });
    const eu = await wowProfile(browser, 'eu', { 'tokenkeeper-api-base': battlenet.euOrigin });
    expect(eu.status).toBe(200);
    expect(JSON.parse(eu.text)).toMatchObject({ wow_accounts: [{ characters: [{ name: 'Alaneu', realm: { slug: 'silvermoon' } }] }] });
    expect(battlenet.euServer.requests.findLast((r) => r.path.startsWith('/profile/user/wow'))!.headers.authorization).toMatch(/^Bearer /);
  });

  it('once the 24-hour token has ended, calls answer needs_reauth without asking Battle.net for anything, and the connection is marked', async () => {
    const { database, emulator: battlenet, app } = context;
    const { browser, userId } = await signIn(person(103, 'Edsger Dijkstra'));
    await expireAccessTokens(database, userId);
    const tokenRequests = battlenet.server.counts.token_request ?? 0;
    const apiCalls = battlenet.server.counts.wow_profile ?? 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => wowProfile(browser)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(401));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ error: 'needs_reauth' });
    expect(battlenet.server.counts.token_request ?? 0).toBe(tokenRequests);
    expect(battlenet.server.counts.wow_profile ?? 0).toBe(apiCalls);
    expect((await app.runtime.tokenStore.findToken(userId, 'battlenet'))!.status).toBe('needs_reauth');
  });

  it('the app removed in the Battle.net account: the API’s 401 marks the connection needs re-auth, with no refresh to try; disconnect then counts it as revoked', async () => {
    const { emulator: battlenet, app } = context;
    const leaving = person(104, 'Barbara Liskov');
    const { browser, userId } = await signIn(leaving);
    battlenet.removeApp(leaving);
    const tokenRequests = battlenet.server.counts.token_request ?? 0;
    const call = await wowProfile(browser);
    expect(call.status).toBe(401);
    expect(JSON.parse(call.text)).toMatchObject({ error: 'needs_reauth' });
    expect((await wowProfile(browser)).status).toBe(401);
    expect(battlenet.server.counts.token_request ?? 0).toBe(tokenRequests);
    expect((await app.runtime.tokenStore.findToken(userId, 'battlenet'))!.status).toBe('needs_reauth');
    expect(await disconnectThrough(browser, 'battlenet')).toEqual({ disconnected: true, revokedAtProvider: true });
  });

  it('disconnect revokes the access token at the /revoke of the discovery document, with Basic credentials, and Battle.net takes it no more', async () => {
    const { emulator: battlenet } = context;
    const { browser, userId } = await signIn(person(106, 'Frances Allen'));
    const stored = await expectDisconnectRevokes(context, 'battlenet', { browser, userId }, { requests: 1 });
    expect(battlenet.server.requests.findLast((r) => r.path === '/revoke')!.headers.authorization).toBe(BASIC);
    expect(battlenet.accepts(stored.accessToken)).toBe(false);
  });

  standardCases(() => context, BATTLENET, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(BATTLENET, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
