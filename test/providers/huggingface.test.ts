import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startHuggingFaceEmulator, HUGGINGFACE_ACCESS_TOKEN_SECONDS, type HuggingFaceEmulator, type HuggingFaceUser } from './huggingface.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { openIdCases } from './kit/openid-cases.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id (a UUID) and secret of the kind Hugging Face shows for an OAuth application.
const CLIENT_ID = '5e6f7a8b-1c2d-4e3f-9a0b-c1d2e3f4a5b6';
const CLIENT_SECRET = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/huggingface/callback`;
const SCOPE = 'openid profile email';
const BASIC = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

function person(n: number, fullname: string, emailVerified = true): HuggingFaceUser {
  const username = fullname.toLowerCase().replace(/\s+/g, '-');
  return { id: `6523f1a0b7c4d9e8f0${String(n).padStart(6, '0')}`, username, fullname, email: `${username}@example.com`, emailVerified };
}

/** Only the documented variables: the preset, the client, and the issuer and the Hub API on the emulator. */
function huggingfaceEnv(hf: HuggingFaceEmulator): Record<string, string> {
  return presetEnv('huggingface', CLIENT_ID, CLIENT_SECRET, { HUGGINGFACE_ISSUER: hf.issuer, HUGGINGFACE_API_BASE_URL: `${hf.origin}/api` });
}

const HUGGINGFACE: StandardProvider<HuggingFaceUser, HuggingFaceEmulator> = {
  preset: 'huggingface',
  displayName: 'Hugging Face',
  startEmulator: () => startHuggingFaceEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: huggingfaceEnv,
  people: standardPeople((n, name) => person(n, name)),
  subjectOf: (user) => user.id,
};

describeEachDialect('Hugging Face, against an emulator of Sign in with HF', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), HUGGINGFACE);

  const whoami = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/huggingface/proxy/whoami-v2`);
  const openId = openIdCases(context, HUGGINGFACE, whoami);
  const tokenRequests = () => context.emulator.server.requests.filter((r) => r.path === '/oauth/token');
  const tokenUrl = () => `${context.emulator.origin}/oauth/token`;

  it("signs in through discovery as the sub, named by the full name with the username, the e-mail Hugging Face says is verified; openid profile email with PKCE S256, the client as plain Basic (its UUID id not form-encoded), an 8-hour token with a refresh token", async () => {
    const { emulator: hf } = context;
    const ada = person(101, 'Ada Lovelace');
    await openId.expectSignIn(ada, {
      scope: SCOPE,
      account: { issuer: hf.issuer, subject: ada.id },
      user: { name: 'Ada Lovelace', email: 'ada-lovelace@example.com', username: 'ada-lovelace', emailVerified: true },
      token: { lifetime: HUGGINGFACE_ACCESS_TOKEN_SECONDS, scope: SCOPE, accessToken: expect.stringMatching(/^hf_oauth_/) },
    });
    expect(tokenRequests()[0]!.headers.authorization).toBe(BASIC);
    const form = hf.tokenForms[0]!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(form.get('code_verifier')).toEqual(expect.any(String));
    expect(form.has('client_secret')).toBe(false);
  });

  it('an e-mail Hugging Face does not say is verified is stored unverified', async () => {
    await openId.expectStoredEmail(person(102, 'Unverified Person', false), { email: 'unverified-person@example.com', verified: false });
  });

  it('signing in again after a rename finds the same account by the sub, not the username', async () => {
    const { database } = context;
    const returning = person(103, 'Margaret Hamilton');
    const first = await openId.signIn(returning);
    const second = await openId.signIn({ ...returning, username: 'mhamilton' });
    expect(second.userId).toBe(first.userId);
    expect(await database.db.selectFrom('accounts').select('id').where('provider', '=', 'huggingface').where('subject', '=', returning.id).execute()).toHaveLength(1);
  });

  it('the proxy calls the Hub API under /api with the token as Bearer (whoami-v2)', async () => {
    const { emulator: hf } = context;
    const grace = person(104, 'Grace Hopper');
    await openId.expectProxyReaches(grace, { type: 'user', id: grace.id, name: 'grace-hopper', fullname: 'Grace Hopper', email: 'grace-hopper@example.com' });
    expect(hf.server.requests.findLast((r) => r.path === '/api/whoami-v2')!.headers.authorization).toMatch(/^Bearer hf_oauth_/);
  });

  it('20 concurrent calls on an expired token make one refresh with the client as Basic; its new refresh token is kept, and the spent one is refused', async () => {
    const { emulator: hf } = context;
    const { before, after } = await openId.expectRotatedAfterStorm(person(105, 'Alan Turing'));
    expect(after.scope).toBe(SCOPE);
    expect(tokenRequests().at(-1)!.headers.authorization).toBe(BASIC);
    expect(hf.tokenForms.at(-1)!.get('grant_type')).toBe('refresh_token');
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('the application revoked in the person’s Connected Apps: the refresh is refused, and the connection needs re-auth after one try', async () => {
    await openId.expectNeedsReauthOnceEnded(person(106, 'Edsger Dijkstra'), (leaving) => context.emulator.removeAccess(leaving));
  });

  it('disconnect asks Hugging Face nothing (its discovery names no revocation endpoint) and forgets the tokens, which Hugging Face still takes', async () => {
    const { emulator: hf, app } = context;
    const signedIn = await openId.signIn(person(107, 'Barbara Liskov'));
    const stored = (await app.runtime.tokenStore.findToken(signedIn.userId, 'huggingface'))!;
    await expectDisconnectAsksNothing(context, 'huggingface', signedIn);
    expect(hf.accepts(stored.accessToken)).toBe(true);
  });

  it('Hugging Face refuses the client in the form rather than as Basic, a scope it does not have, and a token its API does not take', async () => {
    const { emulator: hf } = context;
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, 'x', { by: 'form' }))).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    const asked = new URL(`${hf.origin}/oauth/authorize`);
    for (const [name, value] of Object.entries({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, scope: 'openid admin', state: 's1' })) asked.searchParams.set(name, value);
    const refused = await fetch(asked, { redirect: 'manual' });
    expect(new URL(refused.headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
    const api = await fetch(`${hf.origin}/api/whoami-v2`, { headers: { authorization: 'Bearer hf_oauth_not-a-token' } });
    expect(api.status).toBe(401);
  });

  standardCases(() => context, HUGGINGFACE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(HUGGINGFACE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the huggingface preset in production', () => {
  it('with the client alone, discovers https://huggingface.co, asks openid profile email with the client as plain Basic, and calls the Hub API under /api', () => {
    const { settings } = presetInProduction('huggingface', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Hugging Face',
      discovery: { issuer: 'https://huggingface.co' },
      scope: SCOPE,
      apiBaseUrl: 'https://huggingface.co/api',
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      refreshTokenNeedsConsent: false,
    });
  });
});
