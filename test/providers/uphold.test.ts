import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { describeClientFailures, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startUpholdEmulator, type UpholdEmulator, type UpholdUser } from './uphold.emulator.js';

// A client id and secret of the kind Uphold's developer dashboard gives an application.
const CLIENT_ID = 'c3b9e2f4a71d58c06e4b1a9d27f3c8e5b0a6d412';
const CLIENT_SECRET = '9f1e6c3a8b2d47e05c9a1f6b3e8d2c7a4b0f5e91';
const REDIRECT_URI = `${APP_ORIGIN}/auth/uphold/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

function person(id: number, firstName: string, lastName: string): UpholdUser {
  return { id: `21e65c4d-55e4-41be-97a1-${String(id).padStart(12, '0')}`, firstName, lastName, username: firstName.toLowerCase(), email: `${firstName.toLowerCase()}@wallet.test` };
}

/**
 * Only the documented variables: the preset, the client, the endpoints and API base pointed at the emulator (the
 * profile moves with the API base), and a scope that reads cards beside the user, as an app that lists them asks.
 */
function upholdEnv(uphold: UpholdEmulator): Record<string, string> {
  return presetEnv('uphold', CLIENT_ID, CLIENT_SECRET, {
    UPHOLD_AUTHORIZE_URL: `${uphold.origin}/authorize/${CLIENT_ID}`,
    UPHOLD_ACCESS_TOKEN_URL: `${uphold.origin}/oauth2/token`,
    UPHOLD_API_BASE_URL: `${uphold.origin}/v0`,
    UPHOLD_SCOPE: 'user:read cards:read',
  });
}

const UPHOLD: StandardProvider<UpholdUser, UpholdEmulator> = {
  preset: 'uphold',
  displayName: 'Uphold',
  startEmulator: () => startUpholdEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: upholdEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

const cards = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/uphold/proxy/me/cards`);

describeEachDialect('Uphold, against an emulator of its Web Application Flow and API', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), UPHOLD);

  const signIn = (user: UpholdUser) => signInAs(context, 'uphold', user);

  it('signs in as the id of /v0/me, named by its name, with its username and an unverified e-mail; the scope and state asked at /authorize/<client_id> without PKCE, the client as Basic, a token without token_type, end or refresh token', async () => {
    const { database, emulator: uphold, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('user:read cards:read');
    expect(request.get('state')).toMatch(/\S/);
    expect(request.has('code_challenge')).toBe(false);
    expect(uphold.server.requests.some((r) => r.path.startsWith(`/authorize/${CLIENT_ID}?`))).toBe(true);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toEqual({ id: ada.id, name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', preferred_username: 'ada', email: 'ada@wallet.test' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@wallet.test', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'uphold');
    expect(token).toMatchObject({ refreshToken: null, expiresAt: null, tokenType: 'bearer' });
    const exchange = uphold.server.requests.find((r) => r.path === '/oauth2/token')!;
    expect(exchange.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(uphold.server.requests.findLast((r) => r.path === '/v0/me')!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy calls /v0/me/cards with the token as Bearer; 20 concurrent calls ask Uphold for no token, as there is nothing to refresh', async () => {
    const { emulator: uphold, app } = context;
    const { browser, userId } = await signIn(person(102, 'Grace', 'Hopper'));
    const tokenRequests = uphold.server.counts.token_request ?? 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => cards(browser)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(JSON.parse(answers[0]!.text)).toMatchObject([{ currency: 'BTC', label: "Grace's BTC card" }]);
    expect(uphold.server.requests.findLast((r) => r.path === '/v0/me/cards')!.headers.authorization).toBe(`Bearer ${(await app.runtime.tokenStore.findToken(userId, 'uphold'))!.accessToken}`);
    expect(uphold.server.counts.token_request ?? 0).toBe(tokenRequests);
  });

  it("the person revoking the application's access (401) marks the connection 'needs re-auth', with no token request", async () => {
    const { emulator: uphold, app } = context;
    const leaving = person(103, 'Alan', 'Turing');
    const { browser, userId } = await signIn(leaving);
    uphold.revokeAccess(leaving);
    const tokenRequests = uphold.server.counts.token_request ?? 0;
    const call = await cards(browser);
    expect(call.status).toBe(401);
    expect(JSON.parse(call.text)).toMatchObject({ error: 'needs_reauth' });
    expect((await app.runtime.tokenStore.findToken(userId, 'uphold'))!.status).toBe('needs_reauth');
    expect(uphold.server.counts.token_request ?? 0).toBe(tokenRequests);
  });

  it('disconnect asks Uphold nothing (it documents no revocation of an OAuth token) and forgets the token, which Uphold still takes', async () => {
    const { emulator: uphold, app } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye', 'Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'uphold'))!;
    await expectDisconnectAsksNothing(context, 'uphold', { browser, userId });
    expect(uphold.accepts(stored.accessToken)).toBe(true);
  });

  it('/v0/me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, UPHOLD, person(110, 'Outage', 'Profile'), (uphold) => uphold.failNextProfile(500));
  });

  standardCases(() => context, UPHOLD, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(UPHOLD, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Uphold in production', () => {
  it("with the client alone, signs in at wallet.uphold.com/authorize/<client id>, reads /v0/me and calls the API at api.uphold.com/v0, asking user:read with the client as Basic", () => {
    const { settings } = presetInProduction('uphold', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Uphold',
      endpoints: {
        authorizationEndpoint: `https://wallet.uphold.com/authorize/${CLIENT_ID}`,
        tokenEndpoint: 'https://api.uphold.com/oauth2/token',
        userinfoEndpoint: 'https://api.uphold.com/v0/me',
      },
      scope: 'user:read',
      apiBaseUrl: 'https://api.uphold.com/v0',
      tokenEndpointAuthMethod: 'client_secret_basic',
      subjectClaim: 'id',
    });
  });
});
