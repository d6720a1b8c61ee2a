import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { describeClientFailures, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startTwistEmulator, type TwistEmulator, type TwistUser } from './twist.emulator.js';

// A client id and secret of the kind Twist's app console gives a general integration.
const CLIENT_ID = '2b6a7f0e9c1d4e3f8a5b';
const CLIENT_SECRET = '7e1c9a3f5b2d8e4a6c0f1b3d5e7a9c2e4f6a8b0d';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/twist/callback`;

function person(n: number, name: string): TwistUser {
  return { id: 10_000 + n, name, email: `${name.split(' ')[0]!.toLowerCase()}@example.com` };
}

/** Only the documented variables: the preset, the client, and Twist's OAuth endpoints and API v3 pointed at the emulator (the session user moves with the API base). */
function twistEnv(twist: TwistEmulator): Record<string, string> {
  return presetEnv('twist', CLIENT_ID, CLIENT_SECRET, {
    TWIST_AUTHORIZE_URL: `${twist.origin}/oauth/authorize`,
    TWIST_ACCESS_TOKEN_URL: `${twist.origin}/oauth/access_token`,
    TWIST_REVOCATION_URL: `${twist.origin}/oauth/revoke`,
    TWIST_API_BASE_URL: `${twist.origin}/api/v3`,
  });
}

const TWIST: StandardProvider<TwistUser, TwistEmulator> = {
  preset: 'twist',
  displayName: 'Twist',
  startEmulator: () => startTwistEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: twistEnv,
  people: standardPeople(person),
  subjectOf: (user) => String(user.id),
};

const workspaces = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/twist/proxy/workspaces/get`);

describeEachDialect('Twist, against an emulator of Twist', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), TWIST);
  const signIn = (user: TwistUser) => signInAs(context, 'twist', user);

  it("signs in as the id of get_session_user with its name and an unverified e-mail, never the user's own API token; user:read,workspaces:read asked comma-separated, no PKCE, the client in the form, a token with no refresh token or end", async () => {
    const { database, emulator: twist, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('user:read,workspaces:read');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('10101');
    expect(JSON.parse(account.claims)).toEqual({ id: '10101', name: 'Ada Lovelace', nickname: 'Ada', email: 'ada@example.com', zoneinfo: 'Europe/Lisbon', picture: 'https://twist.imgix.net/avatars/10101/640.png' });
    expect(account.claims).not.toContain('user-api-token');
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'twist');
    expect(token).toMatchObject({ refreshToken: null, expiresAt: null });
    const exchange = twist.server.requests.find((r) => r.path === '/oauth/access_token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(twist.server.requests.findLast((r) => r.path === '/api/v3/users/get_session_user')!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy calls API v3 with the token as Bearer; 20 concurrent calls ask Twist for no token, as there is nothing to refresh', async () => {
    const { emulator: twist } = context;
    const { browser } = await signIn(person(102, 'Grace Hopper'));
    const tokenRequests = twist.server.counts.token_request ?? 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => workspaces(browser)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(JSON.parse(answers[0]!.text)).toMatchObject([{ id: 4201, name: 'Acme', creator: 10102 }]);
    expect(twist.server.counts.token_request ?? 0).toBe(tokenRequests);
  });

  it('the emulator refuses what Twist refuses: space-separated scopes, a token short of the scope, no token', async () => {
    const { emulator: twist } = context;
    const authorize = new URL(`${twist.origin}/oauth/authorize`);
    authorize.search = new URLSearchParams({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, scope: 'user:read workspaces:read', state: 'state-1234' }).toString();
    const refused = await fetch(authorize, { redirect: 'manual' });
    expect(new URL(refused.headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
    const unauthenticated = await fetch(`${twist.origin}/api/v3/workspaces/get`);
    expect(unauthenticated.status).toBe(401);
    expect(await unauthenticated.json()).toMatchObject({ error_code: 200, error_string: 'Invalid token' });
  });

  it("the integration removed in Twist (401 \"Invalid token\") marks the connection 'needs re-auth', with no token request", async () => {
    const { emulator: twist } = context;
    const leaving = person(103, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    twist.removeIntegration(leaving);
    await expectNeedsReauthWithoutTokenRequest(context, 'twist', userId, () => workspaces(browser));
  });

  it('disconnect revokes the access token at /oauth/revoke with the client, as JSON, and it ends', async () => {
    const { emulator: twist } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye Person'));
    const stored = await expectDisconnectRevokes(context, 'twist', { browser, userId }, { requests: 1 });
    expect(twist.revocations.at(-1)).toEqual({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, token: stored.accessToken });
    expect(twist.accepts(stored.accessToken)).toBe(false);
  });

  it('get_session_user failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, TWIST, person(110, 'Outage Profile'), (twist) => twist.failNextProfile(500));
  });

  standardCases(() => context, TWIST, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(TWIST, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Twist in production', () => {
  it('with the client alone, signs in at twist.com, reads the session user and calls API v3 at api.twist.com, revokes at twist.com/oauth/revoke', () => {
    const { settings } = presetInProduction('twist', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Twist',
      endpoints: {
        authorizationEndpoint: 'https://twist.com/oauth/authorize',
        tokenEndpoint: 'https://twist.com/oauth/access_token',
        userinfoEndpoint: 'https://api.twist.com/api/v3/users/get_session_user',
        revocationEndpoint: 'https://twist.com/oauth/revoke',
      },
      scope: 'user:read workspaces:read',
      apiBaseUrl: 'https://api.twist.com/api/v3',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
  });
});
