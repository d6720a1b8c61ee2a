import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { STARLING_ACCESS_TOKEN_SECONDS, STARLING_APPLICATION_SCOPES, startStarlingEmulator, type StarlingAccountHolder, type StarlingEmulator } from './starling.emulator.js';

// A client id and secret of the kind Starling's developer portal gives an application.
const CLIENT_ID = 'LAtyqeXrRrMKChRp0Tou';
const CLIENT_SECRET = '8v2KqZ0pT4xWn7RbL3cYh9FsJ6dMa1GeU5oQiNk0';
const REDIRECT_URI = `${APP_ORIGIN}/auth/starling/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

/** An account holder numbered `n`; the name only names their account, as /api/v2/identity/token names no one. */
function holder(n: number, name: string): StarlingAccountHolder {
  return { accountHolderUid: `a0be8f4a-faa9-40f8-a0b8-${String(n).padStart(12, '0')}`, accountName: `${name} Personal` };
}

/** Only the documented variables: the preset, the client, and Starling's OAuth endpoints and API pointed at the emulator (the identity moves with the API base). */
function starlingEnv(starling: StarlingEmulator): Record<string, string> {
  return presetEnv('starling', CLIENT_ID, CLIENT_SECRET, {
    STARLING_AUTHORIZE_URL: `${starling.origin}/`,
    STARLING_ACCESS_TOKEN_URL: `${starling.origin}/oauth/access-token`,
    STARLING_REVOCATION_URL: `${starling.origin}/api/v2/identity/logout`,
    STARLING_API_BASE_URL: `${starling.origin}/api/v2`,
  });
}

const STARLING: StandardProvider<StarlingAccountHolder, StarlingEmulator> = {
  preset: 'starling',
  displayName: 'Starling Bank',
  startEmulator: () => startStarlingEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: starlingEnv,
  people: standardPeople(holder),
  subjectOf: (someone) => someone.accountHolderUid,
};

const accounts = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/starling/proxy/accounts`);

describeEachDialect('Starling Bank, against an emulator of Starling', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), STARLING);

  const signIn = (someone: StarlingAccountHolder) => signInAs(context, 'starling', someone);
  const tokenUrl = () => `${context.emulator.origin}/oauth/access-token`;

  it("signs in as the accountHolderUid of /api/v2/identity/token, with no name or e-mail; no scope, no PKCE, the client in the form, a day's token with a refresh token", async () => {
    const { database, emulator: starling, app } = context;
    const ada = holder(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect([...request.keys()].sort()).toEqual(['client_id', 'redirect_uri', 'response_type', 'state']);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.accountHolderUid);
    expect(JSON.parse(account.claims)).toMatchObject({ accountHolderUid: ada.accountHolderUid });
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: null, name: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'starling');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: STARLING_APPLICATION_SCOPES });
    expectAccessTokenLifetime(token, STARLING_ACCESS_TOKEN_SECONDS - 100, STARLING_ACCESS_TOKEN_SECONDS);
    const exchange = starling.server.requests.find((r) => r.path === '/oauth/access-token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(starling.server.requests.find((r) => r.path === '/api/v2/identity/token')!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy calls API v2; 20 concurrent calls on an expired token make one refresh, with the client in the form, whose new refresh token is kept', async () => {
    const { browser, userId } = await signIn(holder(102, 'Alan Turing'));
    const { after, answers } = await expectRotatedAfterStorm(context, 'starling', userId, () => accounts(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ accounts: [{ name: 'Alan Turing Personal', currency: 'GBP' }] });
    expectAccessTokenLifetime(after, STARLING_ACCESS_TOKEN_SECONDS - 100, STARLING_ACCESS_TOKEN_SECONDS);
    const refreshed = await refreshAtProvider(tokenUrl(), CLIENT, after.refreshToken!, { by: 'form' });
    expect(await refreshed.json()).toMatchObject({ token_type: 'Bearer', expires_in: STARLING_ACCESS_TOKEN_SECONDS, refresh_token: expect.any(String) });
    expect((await refreshAtProvider(tokenUrl(), { clientId: CLIENT_ID, clientSecret: 'not-the-secret' }, after.refreshToken!, { by: 'form' })).status).toBe(401);
  });

  it("the application's access removed marks the connection 'needs re-auth' after one refresh Starling refuses", async () => {
    const { emulator: starling } = context;
    const leaving = holder(103, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    starling.removeAccess(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'starling', userId, () => accounts(browser));
  });

  it('disconnect logs the individual out with PUT /api/v2/identity/logout, the access token as Bearer, and the token stops working', async () => {
    const { emulator: starling } = context;
    const { browser, userId } = await signIn(holder(104, 'Goodbye Person'));
    const stored = await expectDisconnectRevokes(context, 'starling', { browser, userId }, { requests: 1 });
    expect(starling.logouts.at(-1)).toEqual({ method: 'PUT', authorization: `Bearer ${stored.accessToken}` });
    expect(starling.accepts(stored.accessToken)).toBe(false);
  });

  it("the emulator's API refuses a token it does not take with a 401 invalid_token", async () => {
    const { emulator: starling } = context;
    const unknown = await fetch(`${starling.origin}/api/v2/accounts`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toMatchObject({ error: 'invalid_token' });
  });

  it('/api/v2/identity/token failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, STARLING, holder(110, 'Outage Profile'), (starling) => starling.failNextProfile(500));
  });

  standardCases(() => context, STARLING, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(STARLING, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Starling Bank in production', () => {
  it("with the client alone, signs in at oauth.starlingbank.com, takes tokens at token-api.starlingbank.com, reads the token's identity, logs out and calls API v2 at api.starlingbank.com", () => {
    const { settings } = presetInProduction('starling', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Starling Bank',
      endpoints: {
        authorizationEndpoint: 'https://oauth.starlingbank.com/',
        tokenEndpoint: 'https://token-api.starlingbank.com/oauth/access-token',
        userinfoEndpoint: 'https://api.starlingbank.com/api/v2/identity/token',
        revocationEndpoint: 'https://api.starlingbank.com/api/v2/identity/logout',
      },
      scope: '',
      apiBaseUrl: 'https://api.starlingbank.com/api/v2',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'accountHolderUid',
    });
  });
});
