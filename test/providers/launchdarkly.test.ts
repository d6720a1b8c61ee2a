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
import { LAUNCHDARKLY_ACCESS_TOKEN_SECONDS, startLaunchDarklyEmulator, type LaunchDarklyEmulator, type LaunchDarklyMember } from './launchdarkly.emulator.js';

// A client id and secret of the kind LaunchDarkly's OAuth2 client API answers.
const CLIENT_ID = 'b7d2c9e4-3a1f-4e6b-9c8d-2f5a7e1b4c3d';
const CLIENT_SECRET = 'ldoc-9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const REDIRECT_URI = `${APP_ORIGIN}/auth/launchdarkly/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const ACCOUNT = '5f3a1c2b9d8e7f6a5b4c3d2e';

function member(id: number, name: string, accountId = ACCOUNT): LaunchDarklyMember {
  return { id: `60a7b8c9d0e1f2a3b4c5${String(id).padStart(4, '0')}`, accountId, name };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator (the profile moves with the API base). */
function launchdarklyEnv(emulator: LaunchDarklyEmulator): Record<string, string> {
  return presetEnv('launchdarkly', CLIENT_ID, CLIENT_SECRET, {
    LAUNCHDARKLY_AUTHORIZE_URL: `${emulator.origin}/trust/oauth/authorize`,
    LAUNCHDARKLY_ACCESS_TOKEN_URL: `${emulator.origin}/trust/oauth/token`,
    LAUNCHDARKLY_REVOCATION_URL: `${emulator.origin}/trust/oauth/revoke`,
    LAUNCHDARKLY_API_BASE_URL: `${emulator.origin}/api/v2`,
  });
}

const LAUNCHDARKLY: StandardProvider<LaunchDarklyMember, LaunchDarklyEmulator> = {
  preset: 'launchdarkly',
  displayName: 'LaunchDarkly',
  startEmulator: () => startLaunchDarklyEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: launchdarklyEnv,
  people: standardPeople((id, name) => member(id, name)),
  subjectOf: (someone) => `${someone.id}@${someone.accountId}`,
};

const projects = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/launchdarkly/proxy/projects`);

describeEachDialect('LaunchDarkly, against an emulator of LaunchDarkly', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), LAUNCHDARKLY);

  const signIn = (someone: LaunchDarklyMember) => signInAs(context, 'launchdarkly', someone);

  it('signs in as the caller identity’s member qualified by the account; reader asked, PKCE S256, the client in the form', async () => {
    const { database, emulator, app } = context;
    const ada = member(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('reader');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(`${ada.id}@${ACCOUNT}`);
    expect(JSON.parse(account.claims)).toEqual({ id: `${ada.id}@${ACCOUNT}`, member_id: ada.id, account_id: ACCOUNT, client_id: CLIENT_ID });
    const token = await app.runtime.tokenStore.findToken(userId, 'launchdarkly');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, LAUNCHDARKLY_ACCESS_TOKEN_SECONDS - 100, LAUNCHDARKLY_ACCESS_TOKEN_SECONDS);
    const form = emulator.tokenForms[0]!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('client_id')).toBe(CLIENT_ID);
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
    expect(form.get('code_verifier')).toEqual(expect.any(String));
    expect(emulator.server.requests.filter((r) => r.path === '/api/v2/caller-identity').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the same member id in another account is another account here', async () => {
    const { database } = context;
    const here = await signIn(member(105, 'Twin One'));
    const there = await signIn(member(105, 'Twin Two', '5f3a1c2b9d8e7f6a5b4c0000'));
    const subjects = await database.db.selectFrom('accounts').select('subject').where('user_id', 'in', [here.userId, there.userId]).execute();
    expect(subjects).toHaveLength(2);
    expect(here.userId).not.toBe(there.userId);
  });

  it('the proxy calls the REST API; 20 concurrent calls on an expired token make one refresh, with the client in the form, whose new refresh token is kept', async () => {
    const { emulator } = context;
    const { browser, userId } = await signIn(member(102, 'Grace Hopper'));
    const first = await projects(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ items: [{ key: 'default' }], totalCount: 1 });
    const { after } = await expectRotatedAfterStorm(context, 'launchdarkly', userId, () => projects(browser));
    expectAccessTokenLifetime(after, LAUNCHDARKLY_ACCESS_TOKEN_SECONDS - 100, LAUNCHDARKLY_ACCESS_TOKEN_SECONDS);
    const refresh = emulator.tokenForms.at(-1)!;
    expect(refresh.get('grant_type')).toBe('refresh_token');
    expect(refresh.get('client_id')).toBe(CLIENT_ID);
    expect(refresh.get('client_secret')).toBe(CLIENT_SECRET);
    const refreshed = await refreshAtProvider(`${emulator.origin}/trust/oauth/token`, CLIENT, after.refreshToken!, { by: 'form' });
    expect(await refreshed.json()).toMatchObject({ token_type: 'Bearer', expires_in: LAUNCHDARKLY_ACCESS_TOKEN_SECONDS, refresh_token: expect.any(String) });
  });

  it('an API call with a token LaunchDarkly does not take is its 401, and a scope it does not know is invalid_scope', async () => {
    const { emulator } = context;
    const response = await fetch(`${emulator.origin}/api/v2/projects`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ code: 'unauthorized', message: 'Invalid access token' });
    const authorize = new URL(`${emulator.origin}/trust/oauth/authorize`);
    for (const [key, value] of Object.entries({ client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, response_type: 'code', scope: 'admin', state: 's' })) authorize.searchParams.set(key, value);
    const refused = await fetch(authorize, { redirect: 'manual' });
    expect(new URL(refused.headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
  });

  it("the app's access revoked in LaunchDarkly marks the connection 'needs re-auth' after one refresh LaunchDarkly refuses", async () => {
    const { emulator } = context;
    const leaving = member(103, 'Barbara Liskov');
    const { browser, userId } = await signIn(leaving);
    emulator.removeAccess(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'launchdarkly', userId, () => projects(browser));
  });

  it('disconnect revokes the refresh token, then the access token, at /trust/oauth/revoke with the client in the form, and both end', async () => {
    const { emulator } = context;
    const { browser, userId } = await signIn(member(104, 'Radia Perlman'));
    const stored = await expectDisconnectRevokes(context, 'launchdarkly', { browser, userId }, { requests: 2 });
    expect(emulator.revocations.slice(-2)).toEqual([
      { token: stored.refreshToken, token_type_hint: 'refresh_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET },
      { token: stored.accessToken, token_type_hint: 'access_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET },
    ]);
    expect(emulator.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtProvider(`${emulator.origin}/trust/oauth/token`, CLIENT, stored.refreshToken!, { by: 'form' })).status).toBe(400);
  });

  it('/api/v2/caller-identity failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, LAUNCHDARKLY, member(110, 'Outage Profile'), (emulator) => emulator.failNextProfile(500));
  });

  standardCases(() => context, LAUNCHDARKLY, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(LAUNCHDARKLY, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('LaunchDarkly in production', () => {
  it('with the client alone, signs in at app.launchdarkly.com, reads the caller identity, revokes at /trust/oauth/revoke and calls /api/v2, asking reader with the client in the form', () => {
    const { settings } = presetInProduction('launchdarkly', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'LaunchDarkly',
      endpoints: {
        authorizationEndpoint: 'https://app.launchdarkly.com/trust/oauth/authorize',
        tokenEndpoint: 'https://app.launchdarkly.com/trust/oauth/token',
        userinfoEndpoint: 'https://app.launchdarkly.com/api/v2/caller-identity',
        revocationEndpoint: 'https://app.launchdarkly.com/trust/oauth/revoke',
      },
      scope: 'reader',
      apiBaseUrl: 'https://app.launchdarkly.com/api/v2',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
  });
});
