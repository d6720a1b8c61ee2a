import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { openIdCases } from './kit/openid-cases.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startSupabaseAuthEmulator, SUPABASE_ACCESS_TOKEN_SECONDS, type SupabaseAuthEmulator, type SupabaseUser } from './supabase_auth.emulator.js';

// A client id (a UUID) and secret of the kind Supabase registers for a confidential OAuth client.
const CLIENT_ID = '9a8b7c6d-5e4f-4a2b-9c0d-9e8f7a6b5c4d';
const CLIENT_SECRET = 'sb-oauth-secret-4f3e2d1c0b9a8f7e6d5c4b3a2918f7e6';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/supabase_auth/callback`;
const SCOPE = 'openid email profile';
const BASIC = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

function person(n: number, name: string, emailVerified = true): SupabaseUser {
  const local = name.toLowerCase().replace(/\s+/g, '.');
  return { id: `5f2c1a8e-3b4d-4e6f-8a9b-${String(n).padStart(12, '0')}`, name, email: `${local}@example.com`, emailVerified };
}

/** Only the documented variables: the preset, the client, and the project's URL on the emulator. */
function supabaseEnv(supabase: SupabaseAuthEmulator): Record<string, string> {
  return presetEnv('supabase_auth', CLIENT_ID, CLIENT_SECRET, { SUPABASE_AUTH_BASE_URL: supabase.origin });
}

const SUPABASE: StandardProvider<SupabaseUser, SupabaseAuthEmulator> = {
  preset: 'supabase_auth',
  displayName: 'Supabase Auth',
  startEmulator: () => startSupabaseAuthEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: supabaseEnv,
  people: standardPeople((n, name) => person(n, name)),
  subjectOf: (user) => user.id,
};

describeEachDialect('Supabase Auth, against an emulator of a project’s OAuth 2.1 Server', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), SUPABASE);

  const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/supabase_auth/proxy/oauth/userinfo`);
  const openId = openIdCases(context, SUPABASE, userinfo);
  const tokenRequests = () => context.emulator.server.requests.filter((r) => r.path === '/auth/v1/oauth/token');
  const tokenUrl = () => `${context.emulator.issuer}/oauth/token`;

  it('signs in through discovery at <project URL>/auth/v1 as the user’s UUID, named and with the e-mail Supabase says is verified; openid email profile with PKCE S256, the client as Basic as written, an hour’s token with a refresh token', async () => {
    const { emulator: supabase } = context;
    const ada = person(101, 'Ada Lovelace');
    const { request } = await openId.expectSignIn(ada, {
      scope: SCOPE,
      account: { issuer: supabase.issuer, subject: ada.id },
      user: { name: 'Ada Lovelace', email: 'ada.lovelace@example.com', emailVerified: true },
      token: { lifetime: SUPABASE_ACCESS_TOKEN_SECONDS, scope: SCOPE },
    });
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(tokenRequests()[0]!.headers.authorization).toBe(BASIC);
    const form = supabase.tokenForms[0]!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(form.get('code_verifier')).toEqual(expect.any(String));
    expect(form.has('client_secret')).toBe(false);
  });

  it('an e-mail Supabase does not say is verified is stored unverified', async () => {
    await openId.expectStoredEmail(person(102, 'Unverified Person', false), { email: 'unverified.person@example.com', verified: false });
  });

  it('signing in again finds the same account by the UUID', async () => {
    await openId.expectSameAccountOnReturn(person(103, 'Margaret Hamilton'));
  });

  it('the proxy calls under the issuer with the token as Bearer (/oauth/userinfo)', async () => {
    const grace = person(104, 'Grace Hopper');
    await openId.expectProxyReaches(grace, { sub: grace.id, email: 'grace.hopper@example.com', name: 'Grace Hopper' });
  });

  it('20 concurrent calls on an expired token make one refresh with the client as Basic; its new refresh token is kept, and the spent one is refused', async () => {
    const { emulator: supabase } = context;
    const { before } = await openId.expectRotatedAfterStorm(person(105, 'Alan Turing'));
    expect(tokenRequests().at(-1)!.headers.authorization).toBe(BASIC);
    expect(supabase.tokenForms.at(-1)!.get('grant_type')).toBe('refresh_token');
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('the user deleted in the project: the refresh is refused, and the connection needs re-auth after one try', async () => {
    await openId.expectNeedsReauthOnceEnded(person(106, 'Edsger Dijkstra'), (leaving) => context.emulator.removeUser(leaving));
  });

  it('disconnect asks Supabase nothing (it documents no revocation endpoint) and forgets the tokens, which Supabase still takes', async () => {
    const { emulator: supabase, app } = context;
    const signedIn = await openId.signIn(person(107, 'Barbara Liskov'));
    const stored = (await app.runtime.tokenStore.findToken(signedIn.userId, 'supabase_auth'))!;
    await expectDisconnectAsksNothing(context, 'supabase_auth', signedIn);
    expect(supabase.accepts(stored.accessToken)).toBe(true);
  });

  it('Supabase refuses the client in the form when it is registered for Basic, an authorization request without PKCE, and a token userinfo does not take', async () => {
    const { emulator: supabase } = context;
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, 'x', { by: 'form' }))).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    const asked = new URL(`${supabase.issuer}/oauth/authorize`);
    for (const [name, value] of Object.entries({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, scope: SCOPE, state: 's1' })) asked.searchParams.set(name, value);
    const refused = await fetch(asked, { redirect: 'manual' });
    expect(new URL(refused.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
    const api = await fetch(`${supabase.issuer}/oauth/userinfo`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(api.status).toBe(401);
  });

  standardCases(() => context, SUPABASE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(SUPABASE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the supabase_auth preset in production', () => {
  const { settings, refusal } = presetInProduction('supabase_auth', CLIENT);

  it('takes <project URL>/auth/v1 as issuer and API, asks openid email profile with the client as plain Basic, and needs the project URL', () => {
    expect(settings({ SUPABASE_AUTH_BASE_URL: 'https://abcdefghijklmnopqrst.supabase.co' })).toMatchObject({
      displayName: 'Supabase Auth',
      discovery: { issuer: 'https://abcdefghijklmnopqrst.supabase.co/auth/v1' },
      scope: SCOPE,
      apiBaseUrl: 'https://abcdefghijklmnopqrst.supabase.co/auth/v1',
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
    });
    expect(refusal({})).toContain('SUPABASE_AUTH_BASE_URL is missing');
  });
});
