import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { EPIC_ACCESS_TOKEN_SECONDS, startEpicGamesEmulator, type EpicAccount, type EpicGamesEmulator } from './epic_games.emulator.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the kind the Epic Developer Portal shows for a product's client.
const CLIENT_ID = 'xyza7891Tk3mQpLw8RvB2nCd6FhJ0sGe';
const CLIENT_SECRET = 'Vb7Lr2Nq9/Xk4Tm8Wc1+Hs6Jd5Fg0Ya3Ue2Io7Pz';
const REDIRECT_URI = `${APP_ORIGIN}/auth/epic_games/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const PLAIN_BASIC = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

function person(id: number, displayName: string): EpicAccount {
  return { accountId: `8a41c3f0b29d4e7e9c15a0d2f6b7${String(id).padStart(4, '0')}`, displayName };
}

/** Only the documented variables: the preset, the client, each endpoint pointed at the emulator, and the API base. */
function epicEnv(epic: EpicGamesEmulator): Record<string, string> {
  return presetEnv('epic_games', CLIENT_ID, CLIENT_SECRET, {
    EPIC_GAMES_AUTHORIZE_URL: `${epic.origin}/id/authorize`,
    EPIC_GAMES_ACCESS_TOKEN_URL: `${epic.origin}/epic/oauth/v2/token`,
    EPIC_GAMES_REVOCATION_URL: `${epic.origin}/epic/oauth/v2/revoke`,
    EPIC_GAMES_API_BASE_URL: `${epic.origin}/epic`,
  });
}

const EPIC: StandardProvider<EpicAccount, EpicGamesEmulator> = {
  preset: 'epic_games',
  displayName: 'Epic Games',
  startEmulator: () => startEpicGamesEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: epicEnv,
  people: standardPeople(person),
  subjectOf: (account) => account.accountId,
};

const accounts = (browser: TestBrowser, account: EpicAccount) => browser.get(`${APP_ORIGIN}/api/providers/epic_games/proxy/id/v2/accounts?accountId=${account.accountId}`);

describeEachDialect('Epic Games, against an emulator of Epic Account Services', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), EPIC);
  const signIn = (account: EpicAccount) => signInAs(context, 'epic_games', account);
  const tokenUrl = () => `${context.emulator.origin}/epic/oauth/v2/token`;

  it('signs in as the account_id of the token answer (no profile call), basic_profile asked without PKCE, the client as plain Basic, a 2-hour token with a refresh token', async () => {
    const { database, emulator: epic, app } = context;
    const ada = person(101, 'AdaPlays');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('basic_profile');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const exchange = epic.server.requests.find((r) => r.path === '/epic/oauth/v2/token')!;
    expect(exchange.headers.authorization).toBe(PLAIN_BASIC);
    expect(epic.server.requests.filter((r) => r.path.startsWith('/epic/id'))).toEqual([]);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.accountId);
    expect(JSON.parse(account.claims)).toEqual({ account_id: ada.accountId });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: null, email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'epic_games');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'basic_profile' });
    expectAccessTokenLifetime(token, EPIC_ACCESS_TOKEN_SECONDS - 100, EPIC_ACCESS_TOKEN_SECONDS);
  });

  it('the proxy calls the accounts API with the token as Bearer; 20 concurrent calls on an expired token make one refresh, the client as plain Basic, whose new refresh token is kept', async () => {
    const { emulator: epic } = context;
    const grace = person(102, 'GraceGG');
    const { browser, userId } = await signIn(grace);
    const first = await accounts(browser, grace);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toEqual([{ accountId: grace.accountId, displayName: 'GraceGG', preferredLanguage: 'en' }]);
    const { after } = await expectRotatedAfterStorm(context, 'epic_games', userId, () => accounts(browser, grace));
    expectAccessTokenLifetime(after, EPIC_ACCESS_TOKEN_SECONDS - 100, EPIC_ACCESS_TOKEN_SECONDS);
    expect(epic.server.requests.filter((r) => r.path === '/epic/oauth/v2/token').at(-1)!.headers.authorization).toBe(PLAIN_BASIC);
    const refreshed = await refreshAtProvider(tokenUrl(), CLIENT, after.refreshToken!);
    expect(await refreshed.json()).toMatchObject({ token_type: 'bearer', expires_in: EPIC_ACCESS_TOKEN_SECONDS, refresh_token: expect.any(String), account_id: grace.accountId });
    expect((await refreshAtProvider(tokenUrl(), CLIENT, after.refreshToken!, { by: 'form' })).status).toBe(401);
  });

  it("the application removed from the person's Epic account marks the connection 'needs re-auth' after one refresh Epic refuses", async () => {
    const { emulator: epic } = context;
    const leaving = person(103, 'LeavingSoon');
    const { browser, userId } = await signIn(leaving);
    epic.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'epic_games', userId, () => accounts(browser, leaving));
  });

  it('disconnect revokes the refresh token, then the access token, at /epic/oauth/v2/revoke with the client as Basic, and both end', async () => {
    const { emulator: epic } = context;
    const { browser, userId } = await signIn(person(104, 'RadiaP'));
    const stored = await expectDisconnectRevokes(context, 'epic_games', { browser, userId }, { requests: 2 });
    expect(epic.revocations.slice(-2).map((form) => form.token)).toEqual([stored.refreshToken, stored.accessToken]);
    expect(epic.server.requests.filter((r) => r.path === '/epic/oauth/v2/revoke').at(-1)!.headers.authorization).toBe(PLAIN_BASIC);
    expect(epic.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtProvider(tokenUrl(), CLIENT, stored.refreshToken!)).status).toBe(400);
  });

  standardCases(() => context, EPIC, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(EPIC, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Epic Games in production', () => {
  it('with the client alone, signs in at www.epicgames.com, takes and revokes tokens at api.epicgames.dev with the client as plain Basic, and calls the API there', () => {
    const { settings } = presetInProduction('epic_games', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Epic Games',
      endpoints: {
        authorizationEndpoint: 'https://www.epicgames.com/id/authorize',
        tokenEndpoint: 'https://api.epicgames.dev/epic/oauth/v2/token',
        revocationEndpoint: 'https://api.epicgames.dev/epic/oauth/v2/revoke',
      },
      scope: 'basic_profile',
      apiBaseUrl: 'https://api.epicgames.dev/epic',
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      subjectClaim: 'account_id',
    });
  });
});
