// DPoP (RFC 9449) against a provider that binds tokens to keys: the dev provider (oidc-provider) with a public and
// a confidential client that must send proofs (dpop_bound_access_tokens) and nonces required on every proof. With
// `<NAME>_DPOP=on` the sign-in binds the tokens to a key of the connection's own, the userinfo request and every
// proxied call prove it, a refresh storm makes one refresh with the same key, and another server on the same
// database uses the key it finds there.
import { calculateJwkThumbprint, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevProvider, type DevProvider } from '../src/dev-provider/index.js';
import { DIALECTS } from './support/postgres.js';
import { disconnectThrough } from './providers/kit/provider-app.js';
import { expireStoredAccessToken } from './support/signed-in.js';
import { APP_ORIGIN, startTestApp, type TestApp } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';
import { throughDevProvider } from './support/dev-provider-pages.js';

const SECRET = 'a-client-secret-for-the-dpop-tests-0123456789';

describe('DPoP-bound tokens (<NAME>_DPOP=on) at a provider that requires them, with nonces', () => {
  let provider: DevProvider;

  beforeAll(async () => {
    provider = await startDevProvider({
      port: 0,
      requireDpopNonce: true,
      clients: [
        { clientId: 'bound-public', redirectUris: [`${APP_ORIGIN}/auth/bound/callback`], tokenEndpointAuthMethod: 'none', dpopBoundAccessTokens: true },
        { clientId: 'bound-confidential', clientSecret: SECRET, redirectUris: [`${APP_ORIGIN}/auth/confidential/callback`, `${APP_ORIGIN}/auth/unproven/callback`], dpopBoundAccessTokens: true },
        { clientId: 'bound-pushed', redirectUris: [`${APP_ORIGIN}/auth/pushed/callback`], tokenEndpointAuthMethod: 'none', dpopBoundAccessTokens: true, requirePushedAuthorizationRequests: true },
      ],
    });
  });
  afterAll(() => provider?.close());

  const env = (): Record<string, string> => ({
    OAUTH_PROVIDERS: 'bound,confidential,unproven,pushed',
    BOUND_ISSUER: provider.issuer,
    BOUND_CLIENT_ID: 'bound-public',
    BOUND_TOKEN_ENDPOINT_AUTH_METHOD: 'none',
    BOUND_SCOPE: 'openid profile email offline_access',
    // oidc-provider's userinfo (/me) checks the proof of a bound token as any resource server must.
    BOUND_API_BASE_URL: provider.issuer,
    BOUND_DPOP: 'on',
    CONFIDENTIAL_ISSUER: provider.issuer,
    CONFIDENTIAL_CLIENT_ID: 'bound-confidential',
    CONFIDENTIAL_CLIENT_SECRET: SECRET,
    CONFIDENTIAL_SCOPE: 'openid profile email offline_access',
    CONFIDENTIAL_API_BASE_URL: provider.issuer,
    CONFIDENTIAL_DPOP: 'on',
    // The same client without DPoP: the provider refuses its code exchange.
    UNPROVEN_ISSUER: provider.issuer,
    UNPROVEN_CLIENT_ID: 'bound-confidential',
    UNPROVEN_CLIENT_SECRET: SECRET,
    // A public client held to PAR: the request is pushed with a proof, whose key the provider binds the code to.
    PUSHED_ISSUER: provider.issuer,
    PUSHED_CLIENT_ID: 'bound-pushed',
    PUSHED_TOKEN_ENDPOINT_AUTH_METHOD: 'none',
    PUSHED_SCOPE: 'openid profile email offline_access',
    PUSHED_API_BASE_URL: provider.issuer,
    PUSHED_DPOP: 'on',
    PUSHED_PAR: 'on',
  });
  const { app, database } = useTestApp(DIALECTS[0]!, () => ({ sharedProvider: provider, env: env() }));

  async function signIn(name: string, username = 'alice') {
    const browser = app().browser();
    const start = await browser.get(`${APP_ORIGIN}/login/${name}?next=/api/me`, { followRedirects: false });
    const page = await throughDevProvider(browser, await browser.get(start.location!), username);
    return { browser, page, authorizationUrl: new URL(start.location!) };
  }

  /** The RFC 7638 thumbprint of the key the connection's tokens are bound to. */
  async function boundKeyThumbprint(userId: string, name: string): Promise<string> {
    const { kty, crv, x, y } = JSON.parse((await app().runtime.tokenStore.findToken(userId, name))!.dpopKey!) as JWK;
    return calculateJwkThumbprint({ kty, crv, x, y } as JWK, 'sha256');
  }

  const me = (browser: ReturnType<TestApp['browser']>, name: string) => browser.get(`${APP_ORIGIN}/api/providers/${name}/proxy/me`);

  it.each(['bound', 'confidential'])('%s: the sign-in binds the tokens to a new key of the connection, kept encrypted; userinfo and the proxy prove it, and the token is no bearer token', async (name) => {
    const { browser, page } = await signIn(name);
    expect(page.status).toBe(200);
    const userId = (JSON.parse(page.text) as { user: { id: string } }).user.id;
    const stored = (await app().runtime.tokenStore.findToken(userId, name))!;
    expect(stored.tokenType.toLowerCase()).toBe('dpop');
    const key = JSON.parse(stored.dpopKey!) as Record<string, unknown>;
    expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', d: expect.any(String) });
    const row = await database().db.selectFrom('tokens').select('dpop_key').where('user_id', '=', userId).where('provider', '=', name).executeTakeFirstOrThrow();
    expect(row.dpop_key).not.toContain(key.d as string);
    // The e-mail came from userinfo, which takes a bound token only with its proof.
    const account = await database().db.selectFrom('users').select('email').where('id', '=', userId).executeTakeFirstOrThrow();
    expect(account.email).toBe('alice@example.test');

    const proxied = await me(browser, name);
    expect(proxied.status).toBe(200);
    expect(JSON.parse(proxied.text)).toMatchObject({ sub: expect.any(String), email: 'alice@example.test' });
    const asBearer = await fetch(`${provider.issuer}/me`, { headers: { authorization: `Bearer ${stored.accessToken}` } });
    expect(asBearer.status).toBe(401);
  });

  it("the authorization request binds the code to the connection's key (dpop_jkt), which the provider holds the code exchange to", async () => {
    const { page, authorizationUrl } = await signIn('bound', 'bob');
    expect(page.status).toBe(200);
    const userId = (JSON.parse(page.text) as { user: { id: string } }).user.id;
    expect(authorizationUrl.searchParams.get('dpop_jkt')).toBe(await boundKeyThumbprint(userId, 'bound'));
  });

  it("a pushed request carries the proof of the connection's key: the browser has only the request_uri, and the code is exchanged with that key", async () => {
    const { browser, page, authorizationUrl } = await signIn('pushed', 'bob');
    expect([...authorizationUrl.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    expect(page.status).toBe(200);
    const userId = (JSON.parse(page.text) as { user: { id: string } }).user.id;
    expect((await app().runtime.tokenStore.findToken(userId, 'pushed'))!.tokenType.toLowerCase()).toBe('dpop');
    expect((await me(browser, 'pushed')).status).toBe(200);
  });

  it('20 concurrent calls on an expired bound token make one refresh, proven with the same key, whose new token the calls use', async () => {
    const { browser, page } = await signIn('bound', 'bob');
    const userId = (JSON.parse(page.text) as { user: { id: string } }).user.id;
    const before = (await app().runtime.tokenStore.findToken(userId, 'bound'))!;
    await expireStoredAccessToken(database(), userId, 'bound');
    const refreshes = provider.stats.refreshTokenGrants;
    const answers = await Promise.all(Array.from({ length: 20 }, () => me(browser, 'bound')));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(provider.stats.refreshTokenGrants - refreshes).toBe(1);
    const after = (await app().runtime.tokenStore.findToken(userId, 'bound'))!;
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.dpopKey).toBe(before.dpopKey);
    expect(after.tokenType.toLowerCase()).toBe('dpop');
  });

  it('another server on the same database proves the connection with the key it reads there, taking the nonce the provider asks for', async () => {
    const { browser, page } = await signIn('bound', 'alice');
    expect(page.status).toBe(200);
    const cookie = browser.cookies.cookieHeader(new URL(APP_ORIGIN)) ?? '';
    const other = await startTestApp({ databaseUrl: database().url, sharedProvider: provider, env: env() });
    try {
      const errors = provider.stats.grantErrors;
      const answer = await other.runtime.app.inject({ method: 'GET', url: '/api/providers/bound/proxy/me', headers: { cookie } });
      expect(answer.statusCode).toBe(200);
      expect(answer.json()).toMatchObject({ email: 'alice@example.test' });
      // No token request was needed, nor refused.
      expect(provider.stats.grantErrors).toBe(errors);
    } finally {
      await other.close();
    }
  });

  it("disconnect revokes the bound tokens at the provider (RFC 7009), with a proof of the connection's key", async () => {
    const { browser } = await signIn('bound', 'bob');
    const revocations = provider.stats.revocations;
    expect(await disconnectThrough(browser, 'bound')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(provider.stats.revocations).toBeGreaterThan(revocations);
  });

  it('the same client without DPoP cannot sign in: the provider refuses the code exchange, and nothing is stored', async () => {
    const { page } = await signIn('unproven', 'bob');
    // oidc-provider says only invalid_grant, "grant request is invalid", so the refusal is read as any refused code.
    expect(page.status).toBe(400);
    expect(page.text).toContain('Unproven did not accept this sign-in');
    const tokens = await database().db.selectFrom('tokens').select('id').where('provider', '=', 'unproven').execute();
    expect(tokens).toHaveLength(0);
  });
});
