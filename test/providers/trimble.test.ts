import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { openIdCases } from './kit/openid-cases.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startTrimbleEmulator, TRIMBLE_ACCESS_TOKEN_SECONDS, type TrimbleEmulator, type TrimbleUser } from './trimble.emulator.js';

// A client id (a UUID) and secret of the form Trimble's Developer Console shows for an application.
const CLIENT_ID = '9b1f2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d';
const CLIENT_SECRET = 'f3A9-kQ2_mZ7.xR4pL8wN1vB6tY0sD5h';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/trimble/callback`;
const PLAIN_BASIC = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

function person(n: number, firstName: string, lastName: string, emailVerified = true): TrimbleUser {
  return { id: `3c1d5e7f-2a4b-4c6d-8e0f-1a2b3c${String(n).padStart(6, '0')}`, firstName, lastName, email: `${firstName.toLowerCase()}@acme.test`, emailVerified };
}

/** Only the documented variables: the preset, the client, and the issuer and the API base on the emulator. */
function trimbleEnv(trimble: TrimbleEmulator): Record<string, string> {
  return presetEnv('trimble', CLIENT_ID, CLIENT_SECRET, { TRIMBLE_ISSUER: trimble.issuer, TRIMBLE_API_BASE_URL: trimble.origin });
}

const TRIMBLE: StandardProvider<TrimbleUser, TrimbleEmulator> = {
  preset: 'trimble',
  displayName: 'Trimble',
  startEmulator: () => startTrimbleEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: trimbleEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

describeEachDialect('Trimble, against an emulator of Trimble Identity', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), TRIMBLE);

  const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/trimble/proxy/oauth/userinfo`);
  const openId = openIdCases(context, TRIMBLE, userinfo);
  const tokenRequests = () => context.emulator.server.requests.filter((r) => r.path === '/oauth/token');
  const tokenUrl = () => `${context.emulator.origin}/oauth/token`;

  it("signs in through discovery as the ID token's sub, named by given_name and family_name, with the e-mail Trimble says is verified; openid without PKCE, the client as plain Basic, an hour's token with a refresh token", async () => {
    const { database, emulator: trimble, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    // Not openId.expectSignIn, which expects PKCE: Trimble's PKCE would need a new verifier at each refresh.
    const { userId, request } = await openId.signIn(ada);
    expect(request.get('scope')).toBe('openid');
    expect(request.has('code_challenge')).toBe(false);
    expect(request.has('prompt')).toBe(false);
    expect(await database.db.selectFrom('accounts').select(['issuer', 'subject']).where('user_id', '=', userId).executeTakeFirstOrThrow()).toEqual({ issuer: trimble.issuer, subject: ada.id });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Ada Lovelace', email: 'ada@acme.test' });
    expect(Boolean(user.email_verified)).toBe(true);
    const token = await app.runtime.tokenStore.findToken(userId, 'trimble');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'openid' });
    expectAccessTokenLifetime(token, TRIMBLE_ACCESS_TOKEN_SECONDS - 100, TRIMBLE_ACCESS_TOKEN_SECONDS);
    expect(tokenRequests()[0]!.headers.authorization).toBe(PLAIN_BASIC);
    expect(Object.fromEntries(trimble.tokenForms[0]!)).toEqual({ grant_type: 'authorization_code', code: expect.any(String), redirect_uri: REDIRECT_URI });
  });

  it('an e-mail Trimble does not say is verified is stored unverified', async () => {
    await openId.expectStoredEmail(person(102, 'Unverified', 'Person', false), { email: 'unverified@acme.test', verified: false });
  });

  it('signing in again finds the same account by the sub', async () => {
    await openId.expectSameAccountOnReturn(person(110, 'Returning', 'Person'));
  });

  it("the proxy reaches /oauth/userinfo on the issuer's host with the token", async () => {
    const grace = person(103, 'Grace', 'Hopper');
    await openId.expectProxyReaches(grace, { sub: grace.id, given_name: 'Grace', family_name: 'Hopper', email: 'grace@acme.test', email_verified: true });
  });

  it('20 concurrent calls on an expired token make one refresh with the client as plain Basic and no code_verifier; its new refresh token is kept, and the spent one is refused', async () => {
    const { emulator: trimble } = context;
    const { before, after } = await openId.expectRotatedAfterStorm(person(104, 'Alan', 'Turing'));
    expect(tokenRequests().at(-1)!.headers.authorization).toBe(PLAIN_BASIC);
    expect(Object.fromEntries(trimble.tokenForms.at(-1)!)).toEqual({ grant_type: 'refresh_token', refresh_token: before.refreshToken });
    expect((await refreshAtProvider(tokenUrl(), CLIENT, before.refreshToken!)).status).toBe(400);
    expect((await refreshAtProvider(tokenUrl(), CLIENT, after.refreshToken!)).status).toBe(200);
  });

  it("the application's access removed: the refresh is refused, and the connection needs re-auth after one try", async () => {
    await openId.expectNeedsReauthOnceEnded(person(105, 'Edsger', 'Dijkstra'), (leaving) => context.emulator.removeUser(leaving));
  });

  it('disconnect revokes the refresh token at /oauth/revoke with the client as plain Basic; the access token Trimble will not revoke there ends with it', async () => {
    const { emulator: trimble } = context;
    const signedIn = await openId.signIn(person(106, 'Barbara', 'Liskov'));
    const stored = await expectDisconnectRevokes(context, 'trimble', signedIn, { requests: 2 });
    expect(trimble.revocations.slice(-2)).toEqual([
      { token: stored.refreshToken, token_type_hint: 'refresh_token' },
      { token: stored.accessToken, token_type_hint: 'access_token' },
    ]);
    expect(trimble.server.requests.filter((r) => r.path === '/oauth/revoke').every((r) => r.headers.authorization === PLAIN_BASIC)).toBe(true);
    expect(trimble.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtProvider(tokenUrl(), CLIENT, stored.refreshToken!)).status).toBe(400);
  });

  it('Trimble refuses the client in the form rather than as Basic, and an authorization without openid', async () => {
    const { emulator: trimble } = context;
    expect((await refreshAtProvider(tokenUrl(), CLIENT, 'x', { by: 'form' })).status).toBe(401);
    const asked = new URL(`${trimble.origin}/oauth/authorize`);
    for (const [name, value] of Object.entries({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, scope: 'my-app', state: 's1' })) asked.searchParams.set(name, value);
    const refused = await fetch(asked, { redirect: 'manual' });
    expect(new URL(refused.headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
  });

  standardCases(() => context, TRIMBLE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(TRIMBLE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the Trimble emulator', () => {
  it('refuses the refresh of a grant whose authorization sent a PKCE challenge when no new code_verifier comes with it (Serial PKCE)', async () => {
    const trimble = await startTrimbleEmulator({ ...CLIENT, redirectUri: REDIRECT_URI });
    try {
      trimble.signInAs(person(120, 'Serial', 'Pkce'));
      const verifier = 'v'.repeat(64);
      const { createHash } = await import('node:crypto');
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      const authorize = new URL(`${trimble.origin}/oauth/authorize`);
      for (const [name, value] of Object.entries({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, scope: 'openid', state: 's', code_challenge: challenge, code_challenge_method: 'S256' })) authorize.searchParams.set(name, value);
      const code = new URL((await fetch(authorize, { redirect: 'manual' })).headers.get('location')!).searchParams.get('code')!;
      const exchange = await fetch(`${trimble.origin}/oauth/token`, {
        method: 'POST',
        headers: { authorization: PLAIN_BASIC, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier }),
      });
      const { refresh_token: refreshToken } = (await exchange.json()) as { refresh_token: string };
      expect((await refreshAtProvider(`${trimble.origin}/oauth/token`, CLIENT, refreshToken)).status).toBe(400);
    } finally {
      await trimble.close();
    }
  });
});

describe('the trimble preset in production', () => {
  it('with the client alone, discovers https://id.trimble.com, asks openid with the client as plain Basic and no PKCE, and calls the issuer\'s host', () => {
    const { settings } = presetInProduction('trimble', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Trimble',
      discovery: { issuer: 'https://id.trimble.com' },
      scope: 'openid',
      apiBaseUrl: 'https://id.trimble.com',
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      pkce: false,
    });
  });
});
