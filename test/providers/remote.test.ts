import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectKeptAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { REMOTE_ACCESS_TOKEN_SECONDS, startRemoteEmulator, type RemoteEmulator, type RemoteUser } from './remote.emulator.js';

// A client id and secret of the kind Remote issues to an API Partner.
const CLIENT_ID = 'o4673mpetii0prsg92mtcvs1j';
const CLIENT_SECRET = '1q2w3e4r5t6y7u8i9o0p1a2s3d4f5g6h7j8k9l0z1x2c3v4b5n6m';
const REDIRECT_URI = `${APP_ORIGIN}/auth/remote/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

function person(id: number, firstName: string, lastName: string): RemoteUser {
  const suffix = String(id).padStart(12, '0');
  return {
    id: `ffabca18-20fc-489d-995b-${suffix}`,
    name: `${firstName} ${lastName}`,
    email: `${firstName.toLowerCase()}@acme.test`,
    companyId: `754a654a-a442-469a-a5ec-${suffix}`,
    companyName: `${lastName} Ltd`,
  };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator (the identity moves with the API base). */
function remoteEnv(remote: RemoteEmulator): Record<string, string> {
  return presetEnv('remote', CLIENT_ID, CLIENT_SECRET, {
    REMOTE_AUTHORIZE_URL: `${remote.origin}/auth/oauth2/authorize`,
    REMOTE_ACCESS_TOKEN_URL: `${remote.origin}/auth/oauth2/token`,
    REMOTE_API_BASE_URL: `${remote.origin}/v1`,
  });
}

const REMOTE: StandardProvider<RemoteUser, RemoteEmulator> = {
  preset: 'remote',
  displayName: 'Remote',
  startEmulator: () => startRemoteEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: remoteEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

const employments = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/remote/proxy/employments`);

describeEachDialect('Remote, against an emulator of Remote', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), REMOTE);
  const signIn = (user: RemoteUser) => signInAs(context, 'remote', user);
  const tokenUrl = () => `${context.emulator.origin}/auth/oauth2/token`;

  it("signs in as the user id of /v1/identity/current with the name, an unverified e-mail and the company; no scope, no PKCE, the client as plain Basic, an hour's token with a refresh token", async () => {
    const { database, emulator: remote, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toEqual({ user_id: ada.id, name: 'Ada Lovelace', email: 'ada@acme.test', company_id: ada.companyId, company_name: 'Lovelace Ltd' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@acme.test', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'remote');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, REMOTE_ACCESS_TOKEN_SECONDS - 100, REMOTE_ACCESS_TOKEN_SECONDS);
    const exchange = remote.server.requests.findLast((r) => r.path === '/auth/oauth2/token')!;
    expect(exchange.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(remote.server.requests.findLast((r) => r.path === '/v1/identity/current')!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy calls the API under /v1; 20 concurrent calls on an expired token make one refresh, with the client as Basic, and the refresh token is kept', async () => {
    const { emulator: remote } = context;
    const { browser, userId } = await signIn(person(102, 'Grace', 'Hopper'));
    const first = await employments(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ data: { employments: [{ full_name: 'Grace Hopper' }], total_pages: 1 } });
    const { after } = await expectKeptAfterStorm(context, 'remote', userId, () => employments(browser));
    expectAccessTokenLifetime(after, REMOTE_ACCESS_TOKEN_SECONDS - 100, REMOTE_ACCESS_TOKEN_SECONDS);
    const refresh = remote.server.requests.findLast((r) => r.path === '/auth/oauth2/token')!;
    expect(refresh.headers.authorization).toMatch(/^Basic /);
    const again = await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, after.refreshToken!));
    expect(again).toMatchObject({ status: 200, body: { token_type: 'Bearer', expires_in: REMOTE_ACCESS_TOKEN_SECONDS, refresh_token: after.refreshToken } });
  });

  it('Remote takes the client only as Basic: the same refresh with the client in the form is refused', async () => {
    const { app } = context;
    const { userId } = await signIn(person(105, 'Edsger', 'Dijkstra'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'remote'))!;
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, stored.refreshToken!, { by: 'form' }))).toEqual({ status: 401, body: { error: 'invalid_client' } });
  });

  it('an API call with a token Remote does not take is a 401', async () => {
    const { emulator: remote } = context;
    const response = await fetch(`${remote.origin}/v1/employments`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(response.status).toBe(401);
  });

  it("the integration removed in Remote marks the connection 'needs re-auth' after one refresh Remote refuses", async () => {
    const { emulator: remote } = context;
    const leaving = person(103, 'Barbara', 'Liskov');
    const { browser, userId } = await signIn(leaving);
    remote.removeIntegration(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'remote', userId, () => employments(browser));
  });

  it('disconnect asks Remote nothing (it documents no revocation for partners) and forgets the tokens, which Remote still takes', async () => {
    const { emulator: remote, app } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye', 'Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'remote'))!;
    await expectDisconnectAsksNothing(context, 'remote', { browser, userId });
    expect(remote.accepts(stored.accessToken)).toBe(true);
  });

  it('/v1/identity/current failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, REMOTE, person(110, 'Outage', 'Profile'), (remote) => remote.failNextProfile(500));
  });

  standardCases(() => context, REMOTE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(REMOTE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Remote in production', () => {
  it("with the client alone, signs in at gateway.remote.com, reads the token identity and calls the API at /v1, with no scope and the client as Basic", () => {
    const { settings } = presetInProduction('remote', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Remote',
      endpoints: {
        authorizationEndpoint: 'https://gateway.remote.com/auth/oauth2/authorize',
        tokenEndpoint: 'https://gateway.remote.com/auth/oauth2/token',
        userinfoEndpoint: 'https://gateway.remote.com/v1/identity/current',
      },
      scope: '',
      apiBaseUrl: 'https://gateway.remote.com/v1',
      tokenEndpointAuthMethod: 'client_secret_basic',
      subjectClaim: 'user_id',
    });
  });
});
