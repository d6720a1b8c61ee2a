import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { HOOTSUITE_ACCESS_TOKEN_SECONDS, startHootsuiteEmulator, type HootsuiteEmulator, type HootsuiteMember } from './hootsuite.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A REST API client id and secret of the kind the Hootsuite Developer Portal shows for an app.
const CLIENT_ID = 'l7xx6686afbacce448a0b8652dcc5cf9da34';
const CLIENT_SECRET = '5855e2c18e3348b09fc87460c991c713';
const REDIRECT_URI = `${APP_ORIGIN}/auth/hootsuite/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

function member(id: number, fullName: string): HootsuiteMember {
  return { id: String(15240000 + id), fullName, email: `${fullName.split(' ')[0]!.toLowerCase()}@acme.test` };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator (the member moves with the API base). */
function hootsuiteEnv(hootsuite: HootsuiteEmulator): Record<string, string> {
  return presetEnv('hootsuite', CLIENT_ID, CLIENT_SECRET, {
    HOOTSUITE_AUTHORIZE_URL: `${hootsuite.origin}/oauth2/auth`,
    HOOTSUITE_ACCESS_TOKEN_URL: `${hootsuite.origin}/oauth2/token`,
    HOOTSUITE_API_BASE_URL: `${hootsuite.origin}/v1`,
  });
}

const HOOTSUITE: StandardProvider<HootsuiteMember, HootsuiteEmulator> = {
  preset: 'hootsuite',
  displayName: 'Hootsuite',
  startEmulator: () => startHootsuiteEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: hootsuiteEnv,
  people: standardPeople(member),
  subjectOf: (someone) => someone.id,
};

const socialProfiles = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/hootsuite/proxy/me/socialProfiles`);

describeEachDialect('Hootsuite, against an emulator of Hootsuite', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), HOOTSUITE);

  const signIn = (someone: HootsuiteMember) => signInAs(context, 'hootsuite', someone);

  it('signs in as the member ID of /v1/me with the full name and an unverified e-mail; offline asked with a long enough state, no PKCE, the client as Basic alone with the redirect_uri again, a token with a refresh token', async () => {
    const { database, emulator: hootsuite, app } = context;
    const ada = member(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('offline');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('state')!.length).toBeGreaterThanOrEqual(8);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toEqual({ id: ada.id, name: 'Ada Lovelace', email: 'ada@acme.test' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@acme.test', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'hootsuite');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, HOOTSUITE_ACCESS_TOKEN_SECONDS - 100, HOOTSUITE_ACCESS_TOKEN_SECONDS);
    const exchange = hootsuite.server.requests.find((r) => r.path === '/oauth2/token')!;
    expect(exchange.headers.authorization).toMatch(/^Basic /);
    const form = hootsuite.tokenForms[0]!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(form.has('client_secret')).toBe(false);
    expect(hootsuite.server.requests.filter((r) => r.path === '/v1/me').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy calls the REST API; 20 concurrent calls on an expired token make one refresh, as Basic, whose new refresh token replaces the spent one', async () => {
    const { emulator: hootsuite } = context;
    const { browser, userId } = await signIn(member(102, 'Grace Hopper'));
    const first = await socialProfiles(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ data: [{ type: 'TWITTER', ownerId: member(102, 'Grace Hopper').id }] });
    const { before, after } = await expectRotatedAfterStorm(context, 'hootsuite', userId, () => socialProfiles(browser));
    const refresh = hootsuite.tokenForms.at(-1)!;
    expect(refresh.get('grant_type')).toBe('refresh_token');
    expect(refresh.has('client_id')).toBe(false);
    const spent = await refreshAtProvider(`${hootsuite.origin}/oauth2/token`, CLIENT, before.refreshToken!);
    expect(spent.status).toBe(400);
    const refreshed = await refreshAtProvider(`${hootsuite.origin}/oauth2/token`, CLIENT, after.refreshToken!);
    expect(await refreshed.json()).toMatchObject({ token_type: 'bearer', expires_in: HOOTSUITE_ACCESS_TOKEN_SECONDS, refresh_token: expect.any(String), scope: 'offline' });
  });

  it("Hootsuite's own refusals: a short state or an unknown scope is sent back, the client in the body is refused, a token the API does not take is its 401 with code 1001", async () => {
    const { emulator: hootsuite } = context;
    const authorize = (state: string, scope: string) => fetch(`${hootsuite.origin}/oauth2/auth?${new URLSearchParams({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, state, scope })}`, { redirect: 'manual' });
    expect(new URL((await authorize('short', 'offline')).headers.get('location')!).searchParams.get('error')).toBe('invalid_state');
    expect(new URL((await authorize('long-enough-state', 'offline publish')).headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
    const inBody = await refreshAtProvider(`${hootsuite.origin}/oauth2/token`, CLIENT, 'whatever', { by: 'form' });
    expect([inBody.status, await inBody.json()]).toEqual([401, { error: 'invalid_client' }]);
    const api = await fetch(`${hootsuite.origin}/v1/me`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(api.status).toBe(401);
    expect(await api.json()).toMatchObject({ errors: [{ code: 1001, message: 'Invalid access token' }] });
  });

  it("the app's access taken away marks the connection 'needs re-auth' after one refresh Hootsuite refuses", async () => {
    const { emulator: hootsuite } = context;
    const leaving = member(103, 'Barbara Liskov');
    const { browser, userId } = await signIn(leaving);
    hootsuite.removeAccess(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'hootsuite', userId, () => socialProfiles(browser));
  });

  it('disconnect asks Hootsuite nothing (it documents no revocation) and forgets the tokens, which Hootsuite still takes', async () => {
    const { emulator: hootsuite, app } = context;
    const { browser, userId } = await signIn(member(104, 'Goodbye Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'hootsuite'))!;
    await expectDisconnectAsksNothing(context, 'hootsuite', { browser, userId });
    expect(hootsuite.accepts(stored.accessToken)).toBe(true);
  });

  it('/v1/me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, HOOTSUITE, member(110, 'Outage Profile'), (hootsuite) => hootsuite.failNextProfile(500));
  });

  standardCases(() => context, HOOTSUITE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(HOOTSUITE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Hootsuite in production', () => {
  it('with the client alone, signs in, reads /v1/me and calls the REST API at platform.hootsuite.com, asking offline with the client as Basic', () => {
    const { settings } = presetInProduction('hootsuite', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Hootsuite',
      endpoints: {
        authorizationEndpoint: 'https://platform.hootsuite.com/oauth2/auth',
        tokenEndpoint: 'https://platform.hootsuite.com/oauth2/token',
        userinfoEndpoint: 'https://platform.hootsuite.com/v1/me',
      },
      scope: 'offline',
      apiBaseUrl: 'https://platform.hootsuite.com/v1',
      tokenEndpointAuthMethod: 'client_secret_basic',
      subjectClaim: 'id',
    });
  });
});
