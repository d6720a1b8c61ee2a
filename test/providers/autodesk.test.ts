import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startAutodeskEmulator, type AutodeskEmulator, type AutodeskUser } from './autodesk.emulator.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the forms the APS developer portal shows for a Traditional Web App.
const CLIENT_ID = 'Qm8vX2nL5kT9pR3sW7yZ1aB4cD6eF0gH';
const CLIENT_SECRET = 'Tz4Kp9Lm2Qr7Vx1N';
const REDIRECT_URI = `${APP_ORIGIN}/auth/autodesk/callback`;
const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

function person(id: number, name: string, emailVerified = true): AutodeskUser {
  const [givenName = name, familyName = ''] = name.split(' ');
  const username = name.replace(/\s/g, '').toLowerCase();
  return { id: `ADSK${String(id).padStart(6, '0')}`, givenName, familyName, username, email: `${username}@example.com`, emailVerified };
}

/** Only the documented variables: the preset, the client, the issuer pointed at the emulator (its discovery names the rest), and the API. */
function autodeskEnv(autodesk: AutodeskEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('autodesk', CLIENT_ID, CLIENT_SECRET, { AUTODESK_ISSUER: autodesk.issuer, AUTODESK_API_BASE_URL: autodesk.origin, ...extra });
}

/** A refresh at Autodesk itself, as another copy of the token would make it. */
function refreshAtAutodesk(autodesk: AutodeskEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${autodesk.origin}/authentication/v2/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken);
}

const startEmulator = (options: { now?: () => number } = {}) => startAutodeskEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, ...options });

const AUTODESK: StandardProvider<AutodeskUser, AutodeskEmulator> = {
  preset: 'autodesk',
  displayName: 'Autodesk',
  startEmulator: () => startEmulator(),
  env: autodeskEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.id,
};

const hubs = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/autodesk/proxy/project/v1/hubs`);

describeEachDialect('Autodesk, against an emulator of APS authentication v2', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), AUTODESK);

  const signIn = (user: AutodeskUser) => signInAs(context, 'autodesk', user);

  it("signs in through discovery as the ID token's sub, with userinfo's name and verified e-mail; openid user-profile:read data:read with PKCE S256 and a nonce, Basic credentials as they are, an hour-long token and a refresh token", async () => {
    const { database, emulator: autodesk, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('openid user-profile:read data:read');
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.get('nonce')).toEqual(expect.any(String));
    expect(autodesk.server.requests.some((r) => r.path === '/.well-known/openid-configuration')).toBe(true);
    const account = await database.db.selectFrom('accounts').select(['issuer', 'subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toMatchObject({ issuer: autodesk.issuer, subject: ada.id });
    expect(JSON.parse(account.claims)).toMatchObject({ sub: ada.id, preferred_username: 'adalovelace', given_name: 'Ada', country_code: 'US', company: 'Acme Corp' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Ada Lovelace', email: 'adalovelace@example.com' });
    expect(Boolean(user.email_verified)).toBe(true);
    const token = await app.runtime.tokenStore.findToken(userId, 'autodesk');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, 3500, 3600);
    const exchange = autodesk.server.requests.find((r) => r.path === '/authentication/v2/token')!;
    expect(exchange.headers.authorization).toBe(basic);
  });

  it('an e-mail Autodesk has not verified is stored unverified; signing in again finds the same person by sub whatever the username became', async () => {
    const { database } = context;
    const first = await signIn(person(102, 'Grace Hopper', false));
    const user = await database.db.selectFrom('users').select(['email', 'email_verified']).where('id', '=', first.userId).executeTakeFirstOrThrow();
    expect(user.email).toBe('gracehopper@example.com');
    expect(Boolean(user.email_verified)).toBe(false);
    const second = await signIn({ ...person(102, 'Grace Hopper', false), username: 'renamed102' });
    expect(second.userId).toBe(first.userId);
  });

  it('the proxy reaches the Data Management API; 20 concurrent calls on an expired token make one refresh, the new refresh token is kept, and the spent one is refused', async () => {
    const { emulator: autodesk } = context;
    const { browser, userId } = await signIn(person(103, 'Storm Person'));
    const { before, answers } = await expectRotatedAfterStorm(context, 'autodesk', userId, () => hubs(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ jsonapi: { version: '1.0' }, data: [{ type: 'hubs', attributes: { name: "Storm's Hub" } }] });
    expect(await statusAndBody(refreshAtAutodesk(autodesk, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("a refresh token Autodesk refuses (400 invalid_grant) marks the connection 'needs re-auth', with one attempt", async () => {
    const { database, emulator: autodesk, app } = context;
    const { browser, userId } = await signIn(person(104, 'Refused Refresh'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'autodesk');
    // Spent behind the app's back (another copy of the token used it): Autodesk no longer takes the stored one.
    expect((await refreshAtAutodesk(autodesk, stored!.refreshToken!)).status).toBe(200);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator: autodesk }, 'autodesk', userId, () => hubs(browser));
  });

  it('disconnect revokes at /authentication/v2/revoke with Basic and token_type_hint, the refresh token first, then the access token: neither works afterwards', async () => {
    const { emulator: autodesk } = context;
    const { browser, userId } = await signIn(person(105, 'Leaving Person'));
    const stored = await expectDisconnectRevokes(context, 'autodesk', { browser, userId }, { requests: 2 });
    expect(autodesk.revoked.slice(-2)).toEqual([
      { token: stored.refreshToken, hint: 'refresh_token' },
      { token: stored.accessToken, hint: 'access_token' },
    ]);
    expect(autodesk.server.requests.filter((r) => r.path === '/authentication/v2/revoke').slice(-2).map((r) => r.headers.authorization)).toEqual([basic, basic]);
    expect(autodesk.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtAutodesk(autodesk, stored.refreshToken!)).status).toBe(400);
  });

  it('the token endpoint refuses a client sent both as Basic and in the body, as Autodesk documents', async () => {
    const { emulator: autodesk } = context;
    const both = await fetch(`${autodesk.origin}/authentication/v2/token`, {
      method: 'POST',
      headers: { authorization: basic },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'any', client_id: CLIENT_ID, client_secret: CLIENT_SECRET }),
    });
    expect(both.status).toBe(400);
    expect(await both.json()).toMatchObject({ error: 'invalid_request' });
  });

  standardCases(() => context, AUTODESK, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeEachDialect('Autodesk without data:read', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: AUTODESK.startEmulator, env: (autodesk) => autodeskEnv(autodesk, { AUTODESK_SCOPE: 'openid user-profile:read' }) });

  it('signs in, and the Data Management API answers 403 through the proxy, which is passed on without a refresh', async () => {
    const { emulator: autodesk } = context;
    const { browser } = await signInAs(context, 'autodesk', person(106, 'Narrow Scope'));
    const refreshes = autodesk.server.counts.refresh_token ?? 0;
    const call = await hubs(browser);
    expect(call.status).toBe(403);
    expect(autodesk.server.counts.refresh_token ?? 0).toBe(refreshes);
  });
});

describeKeepAlive(AUTODESK, {
  title: 'Autodesk refresh tokens (15 days) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last quarter (3.75 days) of its refresh token’s 15 days, and the new refresh token keeps it working past the first one’s end',
  startEmulator: (now) => startEmulator({ now }),
  person: person(107, 'Idle Person'),
  dueAfterDays: 11.25,
  // 16.25 days after sign-in: the first refresh token (15 days, and spent) has ended; the sweep's still works.
  usedAgainAfterDays: 5,
  firstRefreshTokenRefused: async (autodesk, refreshToken) => {
    expect((await refreshAtAutodesk(autodesk, refreshToken)).status).toBe(400);
  },
});

describeClientFailures(AUTODESK, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
