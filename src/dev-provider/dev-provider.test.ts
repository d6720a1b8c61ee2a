import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildAuthorizationRequest, discoverTestClient, newBrowser, oauthErrorOf, signIn, TEST_CLIENT } from '../../test/dev-provider/sign-in.js';
import { DEMO_ACCOUNTS } from './accounts.js';
import { startDevProvider } from './dev-provider.js';
import { oidcProviderOf } from './instances.js';
import type { DevProvider } from './types.js';

const alice = DEMO_ACCOUNTS.find((account) => account.username === 'alice')!;

describe('dev provider', () => {
  let devProvider: DevProvider;
  let config: oidc.Configuration;

  beforeAll(async () => {
    devProvider = await startDevProvider({ port: 0, clients: [TEST_CLIENT], accessTokenTtl: 120 });
    config = await discoverTestClient(devProvider.issuer);
  });

  afterAll(async () => {
    await devProvider.close();
  });

  it('listens on the port it reports, with a localhost issuer', () => {
    expect(devProvider.port).toBeGreaterThan(0);
    expect(devProvider.issuer).toBe(`http://localhost:${devProvider.port}`);
  });

  it('advertises the code flow with PKCE S256, both client secret methods, revocation and iss in responses', async () => {
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(devProvider.issuer);
    expect(metadata.response_types_supported).toEqual(['code']);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.token_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none']);
    expect(metadata.scopes_supported).toEqual(['openid', 'profile', 'email', 'offline_access', 'notes:read']);
    expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
    expect(metadata.revocation_endpoint).toBe(`${devProvider.issuer}/token/revocation`);
    expect(metadata.userinfo_endpoint).toBeDefined();

    const jwks = (await (await fetch(metadata.jwks_uri!)).json()) as { keys: Array<Record<string, unknown>> };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d'); // public part only
  });

  it('signs alice in with PKCE: access, refresh and ID tokens with her claims', async () => {
    const before = devProvider.stats.authorizationCodeGrants;
    const { tokens, pages } = await signIn(config);

    expect(pages.map((page) => /<title>([^<]*)<\/title>/.exec(page.text)?.[1])).toEqual(['Sign in to Toolkit', 'Authorize']);
    expect(tokens.access_token).toEqual(expect.any(String));
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.scope?.split(' ').sort()).toEqual(['email', 'notes:read', 'offline_access', 'openid', 'profile']);
    expect(tokens.claims()).toMatchObject({
      iss: devProvider.issuer,
      aud: TEST_CLIENT.clientId,
      sub: alice.sub,
      name: 'Alice Liddell',
      preferred_username: 'alice',
      email: 'alice@example.test',
      email_verified: true,
    });

    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, alice.sub);
    expect(userinfo).toMatchObject({ sub: alice.sub, name: 'Alice Liddell', preferred_username: 'alice', email: 'alice@example.test' });
    expect(devProvider.stats.authorizationCodeGrants).toBe(before + 1);
  });

  it('honours accessTokenTtl in expires_in', async () => {
    const { tokens } = await signIn(config);
    expect(tokens.expires_in).toBe(120);
  });

  it('accepts client_secret_basic as well as client_secret_post', async () => {
    const basic = await discoverTestClient(devProvider.issuer, oidc.ClientSecretBasic(TEST_CLIENT.clientSecret));
    const post = await discoverTestClient(devProvider.issuer, oidc.ClientSecretPost(TEST_CLIENT.clientSecret));
    const { tokens } = await signIn(basic);
    const refreshed = await oidc.refreshTokenGrant(post, tokens.refresh_token!);
    expect(refreshed.access_token).toEqual(expect.any(String));
  });

  it('refuses a wrong client secret with invalid_client', async () => {
    const wrong = await oidc.discovery(new URL(devProvider.issuer), TEST_CLIENT.clientId, 'not-the-secret', undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    const { tokens } = await signIn(config);
    const errorsBefore = devProvider.stats.grantErrors;
    expect(await oauthErrorOf(oidc.refreshTokenGrant(wrong, tokens.refresh_token!))).toBe('invalid_client');
    expect(devProvider.stats.grantErrors).toBe(errorsBefore + 1);
  });

  it('shows an escaped error and the form again for a wrong password, and issues no code', async () => {
    const browser = newBrowser();
    const request = await buildAuthorizationRequest(config);
    const login = await browser.get(request.url);
    const failed = await browser.submitForm(login, { username: '<b>alice</b>', password: 'wrong' });

    expect(failed.status).toBe(401);
    expect(failed.location).toBeUndefined();
    expect(failed.text).toContain('Wrong username or password.');
    expect(failed.text).toContain('value="&lt;b&gt;alice&lt;/b&gt;"');
    expect(failed.text).not.toContain('<b>alice</b>');
    expect(failed.text).toMatch(/<form method="post" action="\/interaction\/[\w-]+\/login">/);

    // The same form still works afterwards.
    const consent = await browser.submitForm(failed, { username: 'alice', password: 'alice' });
    const done = await browser.submitForm(consent);
    expect(new URL(done.location!).searchParams.get('code')).toEqual(expect.any(String));
  });

  it('refuses an authorization request without PKCE, or with the plain method', async () => {
    const withoutPkce = oidc.buildAuthorizationUrl(config, {
      redirect_uri: TEST_CLIENT.redirectUris[0]!,
      scope: 'openid',
      state: 'state-1',
    });
    const refused = await newBrowser().get(withoutPkce);
    const callback = new URL(refused.location!);
    expect(callback.searchParams.get('error')).toBe('invalid_request');
    expect(callback.searchParams.get('error_description')).toMatch(/PKCE/);
    expect(callback.searchParams.get('code')).toBeNull();
    expect(callback.searchParams.get('iss')).toBe(devProvider.issuer);

    const plain = oidc.buildAuthorizationUrl(config, {
      redirect_uri: TEST_CLIENT.redirectUris[0]!,
      scope: 'openid',
      code_challenge: 'a'.repeat(43),
      code_challenge_method: 'plain',
    });
    const plainRefused = new URL((await newBrowser().get(plain)).location!);
    expect(plainRefused.searchParams.get('error')).toBe('invalid_request');
    expect(plainRefused.searchParams.get('code')).toBeNull();
  });

  it('renders an error page, not a redirect, for an unregistered redirect_uri', async () => {
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: 'http://evil.example/callback',
      scope: 'openid',
      code_challenge: 'a'.repeat(43),
      code_challenge_method: 'S256',
    });
    const page = await newBrowser().get(url);
    expect(page.status).toBe(400);
    expect(page.location).toBeUndefined();
    expect(page.text).toContain('redirect_uri did not match any of the client&#39;s registered redirect_uris');
  });

  it('grants no scope that is not in its list', async () => {
    const { tokens } = await signIn(config, { scope: 'openid admin notes:read' });
    expect(tokens.scope?.split(' ').sort()).toEqual(['notes:read', 'openid']);
  });

  it('asks for consent once per grant, and a cancelled consent gives access_denied', async () => {
    const first = await signIn(config);
    expect(first.pages).toHaveLength(2);
    // Same browser, scopes already granted, no prompt: already signed in and consented.
    const again = await signIn(config, { browser: first.browser, prompt: null });
    expect(again.pages).toHaveLength(0);
    // prompt=consent asks again, even for scopes already granted.
    const asked = await signIn(config, { browser: first.browser, prompt: 'consent' });
    expect(asked.pages.map((page) => /<title>([^<]*)<\/title>/.exec(page.text)?.[1])).toEqual(['Authorize']);

    const browser = newBrowser();
    const login = await browser.get((await buildAuthorizationRequest(config)).url);
    const consent = await browser.submitForm(login, { username: 'bob', password: 'bob' });
    const abortHref = /<a class="cancel" href="([^"]+)"/.exec(consent.text)?.[1];
    const aborted = await browser.get(new URL(abortHref!, consent.url));
    expect(new URL(aborted.location!).searchParams.get('error')).toBe('access_denied');
  });

  it("escapes mallory's hostile name on the consent page", async () => {
    const browser = newBrowser();
    const login = await browser.get((await buildAuthorizationRequest(config)).url);
    const consent = await browser.submitForm(login, { username: 'mallory', password: 'mallory' });
    expect(consent.text).toContain('Signed in as &lt;img src=x onerror=alert(1)&gt; (mallory)');
    expect(consent.text).not.toContain('<img');
    expect(consent.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('answers 400 on an interaction page without its cookie', async () => {
    const page = await newBrowser().get(`${devProvider.issuer}/interaction/some-uid`);
    expect(page.status).toBe(400);
    expect(page.text).toContain('This sign-in page has expired');
    expect(page.text).toContain('did not send the cookie that ties the page to its sign-in');
  });
});

describe('dev provider refresh tokens', () => {
  let devProvider: DevProvider;
  let config: oidc.Configuration;

  beforeAll(async () => {
    devProvider = await startDevProvider({ port: 0, clients: [TEST_CLIENT] });
    config = await discoverTestClient(devProvider.issuer);
  });

  afterAll(async () => {
    await devProvider.close();
  });

  it('rotates: reusing a rotated refresh token is invalid_grant and revokes the grant', async () => {
    const { tokens } = await signIn(config);
    const before = { ...devProvider.stats };

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).toEqual(expect.any(String));
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.access_token).not.toBe(tokens.access_token);

    expect(await oauthErrorOf(oidc.refreshTokenGrant(config, tokens.refresh_token!))).toBe('invalid_grant');
    // The whole grant is gone: the newest refresh token and access token too.
    expect(await oauthErrorOf(oidc.refreshTokenGrant(config, refreshed.refresh_token!))).toBe('invalid_grant');
    const api = await fetch(`${devProvider.issuer}/api/profile`, { headers: { authorization: `Bearer ${refreshed.access_token}` } });
    expect(api.status).toBe(401);

    expect(devProvider.stats.refreshTokenGrants).toBe(before.refreshTokenGrants + 1);
    expect(devProvider.stats.grantErrors).toBe(before.grantErrors + 2);
  });

  it('counts exactly the refreshes made in refreshTokenGrants', async () => {
    const { tokens } = await signIn(config);
    const before = devProvider.stats.refreshTokenGrants;
    let refreshToken = tokens.refresh_token!;
    for (let i = 0; i < 3; i += 1) {
      refreshToken = (await oidc.refreshTokenGrant(config, refreshToken)).refresh_token!;
    }
    expect(devProvider.stats.refreshTokenGrants).toBe(before + 3);
  });

  it('drops offline_access without prompt=consent (OpenID Connect Core §11): no refresh token', async () => {
    const { tokens } = await signIn(config, { prompt: null });
    expect(tokens.scope?.split(' ')).not.toContain('offline_access');
    expect(tokens.refresh_token).toBeUndefined();
    const withoutOffline = await signIn(config, { scope: 'openid profile' });
    expect(withoutOffline.tokens.refresh_token).toBeUndefined();
  });

  it('a refresh token for offline_access granted with consent outlives the provider session (logout)', async () => {
    const { tokens, browser } = await signIn(config);
    expect(tokens.refresh_token).toEqual(expect.any(String));

    // End the session at the provider (RP-initiated logout, "Yes, sign me out").
    const logoutPage = await browser.get(`${devProvider.issuer}/session/end`);
    expect(logoutPage.text).toContain('<title>Sign out</title>');
    const signedOut = await browser.submitForm(logoutPage, { logout: 'yes' });
    expect(signedOut.text).toContain('You have been signed out.');
    // The next authorization request has to sign in again...
    const next = await browser.get((await buildAuthorizationRequest(config)).url);
    expect(next.text).toContain('<title>Sign in to Toolkit</title>');

    // ...but the tokens issued before still work.
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    const userinfo = await oidc.fetchUserInfo(config, refreshed.access_token, alice.sub);
    expect(userinfo.name).toBe('Alice Liddell');
  });

  it('counts a revocation, and revoking the refresh token ends the grant', async () => {
    const { tokens } = await signIn(config);
    const before = devProvider.stats.revocations;

    await oidc.tokenRevocation(config, tokens.refresh_token!, { token_type_hint: 'refresh_token' });
    expect(devProvider.stats.revocations).toBe(before + 1);
    expect(await oauthErrorOf(oidc.refreshTokenGrant(config, tokens.refresh_token!))).toBe('invalid_grant');
    const api = await fetch(`${devProvider.issuer}/api/profile`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(api.status).toBe(401);

    // RFC 7009 §2.2: an unknown token is still a 200, but nothing was revoked.
    await oidc.tokenRevocation(config, 'no-such-token');
    expect(devProvider.stats.revocations).toBe(before + 1);
  });

  it('revoking only the access token also revokes the refresh token of its grant', async () => {
    const { tokens } = await signIn(config);
    await oidc.tokenRevocation(config, tokens.access_token, { token_type_hint: 'access_token' });
    expect(await oauthErrorOf(oidc.refreshTokenGrant(config, tokens.refresh_token!))).toBe('invalid_grant');
  });
});

describe('dev provider without rotation', () => {
  it('keeps the same refresh token when rotateRefreshTokens is false', async () => {
    const devProvider = await startDevProvider({ port: 0, clients: [TEST_CLIENT], rotateRefreshTokens: false });
    try {
      const config = await discoverTestClient(devProvider.issuer);
      const { tokens } = await signIn(config);
      const first = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
      const second = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
      expect(first.refresh_token).toBe(tokens.refresh_token);
      expect(second.refresh_token).toBe(tokens.refresh_token);
      expect(devProvider.stats.refreshTokenGrants).toBe(2);
      expect(devProvider.stats.grantErrors).toBe(0);
    } finally {
      await devProvider.close();
    }
  });
});

describe('dev provider errors and logs', () => {
  it('answers an unexpected error with a generic server_error page, and logs the detail, never a token', async () => {
    const lines: Array<{ level: string; obj: object; msg?: string }> = [];
    const logger = {
      info: (obj: object, msg?: string) => lines.push({ level: 'info', obj, msg }),
      warn: (obj: object, msg?: string) => lines.push({ level: 'warn', obj, msg }),
    };
    const devProvider = await startDevProvider({ port: 0, clients: [TEST_CLIENT], logger });
    try {
      const config = await discoverTestClient(devProvider.issuer);
      const { tokens } = await signIn(config);
      await oidc.refreshTokenGrant(config, tokens.refresh_token!);
      await oidc.tokenRevocation(config, tokens.refresh_token!);

      oidcProviderOf(devProvider).interactionDetails = async () => {
        throw new Error('internal detail 1234');
      };
      const page = await newBrowser().get(`${devProvider.issuer}/interaction/some-uid`);
      expect(page.status).toBe(500);
      expect(page.text).toContain('server_error');
      expect(page.text).not.toContain('internal detail 1234');

      expect(lines.some((line) => line.level === 'warn' && String((line.obj as { err?: Error }).err?.message) === 'internal detail 1234')).toBe(true);
      expect(lines.some((line) => line.msg === 'dev provider listening')).toBe(true);
      const logged = JSON.stringify(lines);
      for (const token of [tokens.access_token, tokens.refresh_token!, tokens.id_token!]) expect(logged).not.toContain(token);
    } finally {
      await devProvider.close();
    }
  });

  it('logs each token request, issued or refused, with its grant type, client and account: one line per refresh at the provider', async () => {
    const lines: Array<{ obj: Record<string, unknown>; msg?: string }> = [];
    const logger = { info: (obj: object, msg?: string) => lines.push({ obj: obj as Record<string, unknown>, msg }), warn: () => undefined };
    const devProvider = await startDevProvider({ port: 0, clients: [TEST_CLIENT], logger });
    try {
      const config = await discoverTestClient(devProvider.issuer);
      const { tokens } = await signIn(config);
      const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
      // The rotated refresh token, presented again.
      expect(await oauthErrorOf(oidc.refreshTokenGrant(config, tokens.refresh_token!))).toBe('invalid_grant');

      const grants = lines.filter((line) => line.msg?.startsWith('dev provider: token'));
      expect(grants).toEqual([
        { msg: 'dev provider: token issued', obj: { grantType: 'authorization_code', clientId: TEST_CLIENT.clientId, username: 'alice' } },
        { msg: 'dev provider: token issued', obj: { grantType: 'refresh_token', clientId: TEST_CLIENT.clientId, username: 'alice' } },
        { msg: 'dev provider: token request refused', obj: expect.objectContaining({ grantType: 'refresh_token', clientId: TEST_CLIENT.clientId, error: 'invalid_grant' }) },
      ]);
      const logged = JSON.stringify(lines);
      for (const token of [tokens.access_token, tokens.refresh_token!, refreshed.access_token, refreshed.refresh_token!]) expect(logged).not.toContain(token);
      expect(logged).not.toContain(TEST_CLIENT.clientSecret);
    } finally {
      await devProvider.close();
    }
  });
});

describe('a login or consent page posted again after its sign-in ended', () => {
  it('(the Back button after signing in) says the page expired and leads back to the app, instead of oidc-provider\'s "interaction session not found"', async () => {
    const devProvider = await startDevProvider({ port: 0, clients: [TEST_CLIENT] });
    try {
      const browser = newBrowser();
      const login = await browser.get((await buildAuthorizationRequest(await discoverTestClient(devProvider.issuer))).url);
      const consent = await browser.submitForm(login, { username: 'alice', password: 'alice' });
      expect((await browser.submitForm(consent, {})).location).toMatch(/^http:\/\/127\.0\.0\.1:9\/auth\/toolkit\/callback\?code=/);

      for (const [page, fields] of [[login, { username: 'alice', password: 'alice' }], [consent, {}]] as const) {
        const again = await browser.submitForm(page, fields);
        expect(again.status).toBe(400);
        expect(again.text).toContain('This sign-in page has expired');
        expect(again.text).toContain('<a href="http://127.0.0.1:9/">Back to http://127.0.0.1:9</a>');
        expect(again.text).toContain('it was finished already');
        expect(again.text).not.toContain('interaction session');
      }
    } finally {
      await devProvider.close();
    }
  });
});

describe('startDevProvider options', () => {
  it('refuses bad options with a message naming the option', async () => {
    await expect(startDevProvider({ port: 0, clients: [] })).rejects.toThrow('option clients must list at least one client');
    await expect(startDevProvider({ port: 0, clients: [TEST_CLIENT], accessTokenTtl: 0 })).rejects.toThrow(/option accessTokenTtl/);
    await expect(startDevProvider({ port: 70000, clients: [TEST_CLIENT] })).rejects.toThrow(/option port/);
  });

  it('rejects when the port is taken, and close() can be called twice', async () => {
    const first = await startDevProvider({ port: 0, clients: [TEST_CLIENT] });
    try {
      await expect(startDevProvider({ port: first.port, clients: [TEST_CLIENT] })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.close();
      await first.close();
    }
  });
});
