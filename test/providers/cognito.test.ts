import { describe, expect, it } from 'vitest';
import { providerSettings } from '../../src/config/provider-config.js';
import type { TestBrowser } from '../support/browser.js';
import { testClock } from '../support/clock.js';
import { describeEachDialect } from '../support/postgres.js';
import { startCognitoEmulator, type CognitoEmulator, type CognitoUser } from './cognito.emulator.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, disconnectThrough, presetEnv, signInAs, signInThrough } from './kit/provider-app.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// An app client id and secret as Cognito makes them (26 and 51 lower-case letters and digits).
const CLIENT_ID = '1example23456789abcdefghij';
const CLIENT_SECRET = '1a2b3c4d5e6f7g8h9i0jklmnopqrstuvwxyz1a2b3c4d5e6f7g8';
const USER_POOL_ID = 'eu-west-1_AbCdEf123';
const REDIRECT_URI = `${APP_ORIGIN}/auth/cognito/callback`;
const DAY = 86_400;
const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

function person(n: number, name: string, emailVerified = true): CognitoUser {
  const given = name.split(' ')[0]!.toLowerCase();
  return { sub: `a1b2c3d4-0000-4000-8000-${n.toString(16).padStart(12, '0')}`, username: given, name, email: `${given}@example.com`, emailVerified };
}

/** Only the documented variables: the preset, the client, a user pool id, and the issuer and API base pointed at the emulator. */
function cognitoEnv(cognito: CognitoEmulator): Record<string, string> {
  return presetEnv('cognito', CLIENT_ID, CLIENT_SECRET, {
    COGNITO_USER_POOL_ID: USER_POOL_ID,
    COGNITO_ISSUER: cognito.issuer,
    COGNITO_API_BASE_URL: cognito.domain,
  });
}

const COGNITO: StandardProvider<CognitoUser, CognitoEmulator> = {
  preset: 'cognito',
  displayName: 'Amazon Cognito',
  startEmulator: () => startCognitoEmulator({ userPoolId: USER_POOL_ID, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: cognitoEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.sub,
};

describeEachDialect('Amazon Cognito, against an emulator of a user pool with a domain', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: COGNITO.startEmulator, env: cognitoEnv });

  const signIn = (user: CognitoUser) => signInAs(context, 'cognito', user);

  const userInfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/cognito/proxy/oauth2/userInfo`);

  it('signs in as the sub, with openid email profile, PKCE and Basic credentials; the e-mail verified as userInfo’s string says; a one-hour token and a refresh token', async () => {
    const { database, emulator: cognito, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('openid email profile');
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.get('nonce')).toEqual(expect.any(String));
    const account = await database.db.selectFrom('accounts').select(['issuer', 'subject']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toEqual({ issuer: cognito.issuer, subject: ada.sub });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect({ ...user, email_verified: Boolean(user.email_verified) }).toEqual({ name: 'Ada Lovelace', email: 'ada@example.com', email_verified: true });
    const token = await app.runtime.tokenStore.findToken(userId, 'cognito');
    expect(token!.refreshToken).toEqual(expect.any(String));
    expectAccessTokenLifetime(token, 3500, 3600);
    expect(cognito.server.requests.find((r) => r.path === '/oauth2/token')!.headers.authorization).toBe(basic);
    expect(cognito.server.counts.client_secret_post).toBeUndefined();
    // Discovery and the keys on the issuer's host, everything else on the pool's domain.
    expect(cognito.issuerServer.requests.map((r) => r.path)).toContain(`/${USER_POOL_ID}/.well-known/openid-configuration`);
  });

  it('an e-mail userInfo says is "false" is stored as not verified', async () => {
    const { database } = context;
    const { userId } = await signIn(person(106, 'Unverified Person', false));
    const user = await database.db.selectFrom('users').select(['email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect({ ...user, email_verified: user.email_verified === null ? null : Boolean(user.email_verified) }).toEqual({ email: 'unverified@example.com', email_verified: false });
  });

  it('the proxy reaches /oauth2/userInfo on the domain; 20 concurrent calls on an expired token make one refresh, and the refresh token, which the answer does not repeat, is kept', async () => {
    const { database, emulator: cognito, app } = context;
    const grace = person(102, 'Grace Hopper');
    const { browser, userId } = await signIn(grace);
    const first = await userInfo(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toEqual({ sub: grace.sub, email_verified: 'true', name: 'Grace Hopper', email: 'grace@example.com', username: 'grace' });

    const before = await app.runtime.tokenStore.findToken(userId, 'cognito');
    await expireAccessTokens(database, userId);
    const refreshes = cognito.server.counts.refresh_token ?? 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => userInfo(browser)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(cognito.server.counts.refresh_token).toBe(refreshes + 1);
    const after = await app.runtime.tokenStore.findToken(userId, 'cognito');
    expect(after!.accessToken).not.toBe(before!.accessToken);
    expect(after!.refreshToken).toBe(before!.refreshToken);
    // The same refresh token works again.
    await expireAccessTokens(database, userId);
    expect((await userInfo(browser)).status).toBe(200);
    expect(cognito.server.counts.refresh_token).toBe(refreshes + 2);
  });

  it('disconnect revokes the refresh token at /oauth2/revoke, which ends its access tokens; the access token Cognito will not take there (unsupported_token_type) does not make it fail', async () => {
    const { emulator: cognito } = context;
    const barbara = person(103, 'Barbara Liskov');
    const { browser, userId } = await signIn(barbara);
    const stored = await expectDisconnectRevokes(context, 'cognito', { browser, userId }, { requests: 2 });
    const revokeRequest = cognito.server.requests.filter((r) => r.path === '/oauth2/revoke').at(-2)!;
    expect(revokeRequest.headers.authorization).toBe(basic);
    expect(cognito.liveGrants(barbara.sub)).toBe(0);
    expect(cognito.accepts(stored.accessToken)).toBe(false);
  });

  it('an app client with token revocation off (400 invalid_request): disconnect deletes the tokens here and says Cognito did not revoke them', async () => {
    const { emulator: cognito, app } = context;
    const { browser, userId } = await signIn(person(104, 'Edsger Dijkstra'));
    cognito.setTokenRevocation(false);
    try {
      expect(await disconnectThrough(browser, 'cognito')).toEqual({ disconnected: true, revokedAtProvider: false });
    } finally {
      cognito.setTokenRevocation(true);
    }
    expect(cognito.liveGrants(person(104, 'Edsger Dijkstra').sub)).toBe(1);
    expect(await app.runtime.tokenStore.findToken(userId, 'cognito')).toBeUndefined();
  });

  it('a user signed out everywhere (GlobalSignOut): the refresh Cognito refuses (invalid_grant) marks the connection "needs re-auth", once', async () => {
    const { emulator: cognito } = context;
    const alan = person(105, 'Alan Turing');
    const { browser, userId } = await signIn(alan);
    cognito.globalSignOut(alan.sub);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'cognito', userId, () => userInfo(browser));
  });

  standardCases(() => context, COGNITO, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeEachDialect('Amazon Cognito refresh tokens (30 days from the sign-in; an app client that rotates them)', (dialect) => {
  // Cognito, the app and its sweep share one clock that moves only when told.
  const clock = testClock();
  const context = useProviderTest(
    () => dialect.openTestDatabase(),
    { startEmulator: () => startCognitoEmulator({ userPoolId: USER_POOL_ID, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, rotation: { gracePeriodSeconds: 0 }, now: clock.now }), env: cognitoEnv },
    { now: clock.now },
  );

  async function signIn(user: CognitoUser): Promise<string> {
    const { emulator: cognito, app } = context;
    cognito.signInAs(user);
    const page = await signInThrough(app.browser(), 'cognito', '/api/me');
    expect(page.status).toBe(200);
    return (JSON.parse(page.text) as { user: { id: string } }).user.id;
  }

  it('each refresh answers a new refresh token, kept in place of the old (which Cognito no longer takes); none of them outlives the 30 days, and no sweep refreshes for nothing', async () => {
    const { emulator: cognito, app } = context;
    const userId = await signIn(person(201, 'Rotating Person'));
    const first = await app.runtime.tokenStore.findToken(userId, 'cognito');
    const refreshes = cognito.server.counts.refresh_token ?? 0;

    clock.advance(2 * 3600);
    const twenty = await Promise.all(Array.from({ length: 20 }, () => app.runtime.tokens.getAccessToken(userId, 'cognito')));
    expect(new Set(twenty.map((token) => token.accessToken)).size).toBe(1);
    expect(cognito.server.counts.refresh_token).toBe(refreshes + 1);
    const rotated = await app.runtime.tokenStore.findToken(userId, 'cognito');
    expect(rotated!.refreshToken).not.toBe(first!.refreshToken);

    // Cognito states no end for its refresh tokens and none idles out: the sweep has nothing to do.
    clock.advance(25 * DAY);
    expect(await app.runtime.refreshKeepalive!.sweep()).toMatchObject({ due: 0, refreshed: 0 });
    const { accessToken } = await app.runtime.tokens.getAccessToken(userId, 'cognito');
    expect(cognito.accepts(accessToken)).toBe(true);
    expect(cognito.server.counts.refresh_token).toBe(refreshes + 2);

    // 30 days after the sign-in the newest refresh token ends with the first: the connection needs signing in again.
    clock.advance(5 * DAY);
    await expect(app.runtime.tokens.getAccessToken(userId, 'cognito')).rejects.toMatchObject({ code: 'needs_reauth' });
    expect(cognito.server.counts.refresh_token).toBe(refreshes + 3);
    expect((await app.runtime.tokenStore.findToken(userId, 'cognito'))!.status).toBe('needs_reauth');
  });
});

describeClientFailures(COGNITO, { wrongSecret: { sentAs: '400 invalid_client' }, exchangeFailure: {} });

describe('the cognito preset in production', () => {
  const env = { COGNITO_PRESET: 'cognito', COGNITO_CLIENT_ID: CLIENT_ID, COGNITO_CLIENT_SECRET: CLIENT_SECRET };

  it('makes the issuer from COGNITO_USER_POOL_ID, its region first, and needs it (or COGNITO_ISSUER)', () => {
    expect(providerSettings({ ...env, COGNITO_USER_POOL_ID: 'us-gov-west-1_AbCdEf123' }, 'cognito', true)).toMatchObject({
      displayName: 'Amazon Cognito',
      discovery: { issuer: 'https://cognito-idp.us-gov-west-1.amazonaws.com/us-gov-west-1_AbCdEf123' },
      scope: 'openid email profile',
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshTokenNeedsConsent: false,
    });
    expect(providerSettings({ ...env, COGNITO_USER_POOL_ID: 'eu-west-1_AbCdEf123' }, 'cognito', true)).not.toHaveProperty('apiBaseUrl');
    expect(() => providerSettings(env, 'cognito', true)).toThrow('COGNITO_USER_POOL_ID is missing (the cognito preset makes the issuer from it; or set COGNITO_ISSUER)');
    for (const wrong of ['AbCdEf123', 'eu-west-1', 'eu-west-1_', 'eu-west-1_Ab/../x', 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123']) {
      expect(() => providerSettings({ ...env, COGNITO_USER_POOL_ID: wrong }, 'cognito', true)).toThrow(
        `COGNITO_USER_POOL_ID is not a valid userPoolId (got "${wrong}"); a user pool id is its region, an underscore, then letters and digits, e.g. us-east-1_AbCdEf123`,
      );
    }
  });

  it('COGNITO_DOMAIN puts the OAuth endpoints on the pool’s domain, over what discovery says, and is the API base', () => {
    expect(providerSettings({ ...env, COGNITO_USER_POOL_ID: 'eu-west-1_AbCdEf123', COGNITO_DOMAIN: 'auth.example.com' }, 'cognito', true)).toMatchObject({
      discovery: { issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123' },
      apiBaseUrl: 'https://auth.example.com',
      metadataOverrides: {
        authorizationEndpoint: 'https://auth.example.com/oauth2/authorize',
        tokenEndpoint: 'https://auth.example.com/oauth2/token',
        userinfoEndpoint: 'https://auth.example.com/oauth2/userInfo',
        revocationEndpoint: 'https://auth.example.com/oauth2/revoke',
      },
    });
    expect(() => providerSettings({ ...env, COGNITO_USER_POOL_ID: 'eu-west-1_AbCdEf123', COGNITO_DOMAIN: 'https://auth.example.com' }, 'cognito', true)).toThrow(
      'COGNITO_DOMAIN is not a valid domain (got "https://auth.example.com"); give the host name alone, e.g. auth.example.com',
    );
  });
});
