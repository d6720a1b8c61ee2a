import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startMasEmulator, type MasEmulator, type MasUser } from './mas.emulator.js';

// A static client of MAS's configuration: a ULID and its secret.
const CLIENT_ID = '01JAYS74TCG3BTWKADN5Q4518C';
const CLIENT_SECRET = 'mas-client-secret-3f9d2c7a1b';
const REDIRECT_URI = `${APP_ORIGIN}/auth/mas/callback`;
const SERVER_NAME = 'example.com';

function person(n: number, name: string): MasUser {
  const first = name.split(' ')[0]!.toLowerCase();
  // The Matrix localpart, unlike the e-mail's.
  return { id: `01JB0000000000000000000${String(n).padStart(3, '0')}`, username: `${first}.m`, email: `${first}@example.com` };
}

/** The documented variables: MAS's issuer, and the homeserver as the API, both the emulator. */
function masEnv(mas: MasEmulator): Record<string, string> {
  return presetEnv('mas', CLIENT_ID, CLIENT_SECRET, { MAS_BASE_URL: mas.issuer, MAS_API_BASE_URL: mas.origin });
}

const refreshAtMas = (mas: MasEmulator, refreshToken: string) => refreshAtProvider(`${mas.issuer}oauth2/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken);

const MAS: StandardProvider<MasUser, MasEmulator> = {
  preset: 'mas',
  displayName: 'Matrix Authentication Service',
  startEmulator: () => startMasEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, serverName: SERVER_NAME }),
  env: masEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.id,
};

describeEachDialect('Matrix Authentication Service, against an emulator of MAS and its homeserver', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), MAS);

  const signIn = (user: MasUser) => signInAs(context, 'mas', user);
  const whoami = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/mas/proxy/_matrix/client/v3/account/whoami`);

  it('signs in through discovery at the issuer as the MAS user id sub (the username kept as preferred), with the ID token’s e-mail; openid email and the client-server API, no device scope, PKCE, the client by Basic; 5-minute tokens and a refresh token', async () => {
    const { database, emulator: mas, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('openid email urn:matrix:client:api:*');
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.get('prompt')).toBeNull();
    const account = await database.db.selectFrom('accounts').select(['issuer', 'subject']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toEqual({ issuer: mas.issuer, subject: ada.id });
    const user = await database.db.selectFrom('users').select(['username', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ username: 'ada.m', email: 'ada@example.com', email_verified: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'mas');
    expect(token).toMatchObject({ refreshToken: expect.stringMatching(/^mar_/), scope: 'openid email urn:matrix:client:api:*' });
    expectAccessTokenLifetime(token, 300 - 60, 300);
    expect(mas.server.counts.client_secret_basic).toBeGreaterThan(0);
    expect(mas.server.counts.client_secret_post).toBeUndefined();
    expect(mas.server.counts.userinfo).toBeGreaterThan(0);
  });

  it('the proxy reaches the homeserver’s client-server API with the token (whoami)', async () => {
    const { emulator: mas } = context;
    const { browser } = await signIn(person(102, 'Grace Hopper'));
    const answer = await whoami(browser);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ user_id: '@grace.m:example.com', is_guest: false });
    expect(mas.server.requests.findLast((r) => r.path === '/_matrix/client/v3/account/whoami')!.headers.authorization).toMatch(/^Bearer mat_/);
  });

  it('20 concurrent calls on an expired token make one refresh; the new refresh token is kept, works, and MAS refuses the used one', async () => {
    const { database, emulator: mas } = context;
    const { browser, userId } = await signIn(person(103, 'Alan Turing'));
    const { before } = await expectRotatedAfterStorm(context, 'mas', userId, () => whoami(browser));
    expect(await statusAndBody(refreshAtMas(mas, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    await expireAccessTokens(database, userId);
    expect((await whoami(browser)).status).toBe(200);
  });

  it("the user's sessions ended by an administrator: the refresh is refused, and the connection needs re-auth after one try", async () => {
    const leaving = person(104, 'Edsger Dijkstra');
    const { browser, userId } = await signIn(leaving);
    context.emulator.endSessions(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'mas', userId, () => whoami(browser));
  });

  it('disconnect revokes at /oauth2/revoke (RFC 7009), ending the session: the access token and the refresh token stop working', async () => {
    const { emulator: mas } = context;
    const { browser, userId } = await signIn(person(105, 'Barbara Liskov'));
    const stored = await expectDisconnectRevokes(context, 'mas', { browser, userId });
    expect(mas.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtMas(mas, stored.refreshToken!)).status).toBe(400);
  });

  it('signing in again finds the same person by the MAS user id', async () => {
    const { database } = context;
    const returning = person(106, 'Margaret Hamilton');
    const first = await signIn(returning);
    const second = await signIn(returning);
    expect(second.userId).toBe(first.userId);
    expect(await database.db.selectFrom('accounts').select('id').where('provider', '=', 'mas').where('subject', '=', returning.id).execute()).toHaveLength(1);
  });

  standardCases(() => context, MAS, { cancelled: {}, refusedCode: { sentAs: 'invalid_grant' } });
});

describeClientFailures(MAS, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the mas preset in production', () => {
  const { settings, refusal } = presetInProduction('mas', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

  it('takes MAS’s issuer, with or without its closing slash, and sends the client by Basic; the API is the homeserver, set apart', () => {
    for (const baseUrl of ['https://auth.example.com', 'https://auth.example.com/']) {
      expect(settings({ MAS_BASE_URL: baseUrl })).toMatchObject({
        displayName: 'Matrix Authentication Service',
        discovery: { issuer: 'https://auth.example.com/' },
        scope: 'openid email urn:matrix:client:api:*',
        tokenEndpointAuthMethod: 'client_secret_basic',
        refreshTokenNeedsConsent: false,
      });
    }
    expect(settings({ MAS_BASE_URL: 'https://auth.example.com/', MAS_API_BASE_URL: 'https://matrix.example.com' }).apiBaseUrl).toBe('https://matrix.example.com');
  });

  it('needs the issuer', () => {
    expect(refusal({})).toContain('MAS_BASE_URL is missing (the mas preset makes the issuer from it; or set MAS_ISSUER)');
  });
});
