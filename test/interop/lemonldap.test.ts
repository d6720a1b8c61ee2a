// Tokenkeeper against a third real, OpenID-certified server: LemonLDAP::NG
// 2.16, as Debian packages it, its portal as the OpenID provider
// (test/interop/lemonldap-server.ts), configured only through the documented
// LEMONLDAP_* variables: the lemonldap preset, for where LemonLDAP::NG departs
// from RFC 6749 (Basic credentials read as they are, so the client goes in
// the form; a refresh token it does not know refused with invalid_request),
// the issuer (its discovery names the endpoints), and its /oauth2 path as the
// API base, where its userinfo endpoint is an API that takes the access
// token. The preset asks for offline_access, with prompt=consent, as OpenID
// Connect Core §11 asks and LemonLDAP::NG checks, for a refresh token.
//
// What LemonLDAP::NG 2.16 does not offer, by its own discovery document
// (asserted below): an RFC 7009 revocation endpoint (no revocation_endpoint),
// so disconnect cannot revoke there; and OpenID Connect Back-Channel Logout
// (backchannel_logout_supported: false; it logs relying parties out through
// front-channel iframes only), so signing out there cannot end a session here.
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { APP_ORIGIN } from '../providers/kit/provider-app.js';
import type { BrowserResponse, TestBrowser } from '../support/browser.js';
import { expireStoredAccessToken } from '../support/signed-in.js';
import { expectAllAnswered, expectDisconnected, expectNeedsReauth, expectRefreshed, expectSignedIn, proxied, storedToken, userIdOf, useInteropCase, withAppConfiguredBy } from './interop-case.js';
import { describeEachDialectWithLemonldap, LEMONLDAP_DEMO_USERS, signInAtLemonldap, startLemonldap, type LemonldapDemoUser } from './lemonldap-server.js';

const PROVIDER = 'lemonldap';
const CLIENT_ID = 'tokenkeeper-interop';
/** A secret whose Basic credentials, taken as they are, have a `/` in their base64, where LemonLDAP::NG stops reading them. */
const CLIENT_SECRET = secretCutInBasic();
/** The client's credentials as they are (RFC 7617), not form-encoded. */
const PLAIN_BASIC = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
/** RFC 6749 §2.3.1's client_secret_post, which LemonLDAP::NG reads as the RFC says (Basic credentials it does not: see below). */
const CLIENT_FORM = { client_id: CLIENT_ID, client_secret: CLIENT_SECRET };
/** The lemonldap preset's scope. */
const SCOPE = 'openid profile email offline_access';
/** What LemonLDAP::NG grants and answers for SCOPE: offline_access is not named in the token response's scope. */
const GRANTED_SCOPE = 'openid profile email';
/**
 * LemonLDAP::NG's short access tokens, as long as the default refresh leeway (60 s): the leeway
 * is capped at half a token's lifetime, so a fresh token is used, not refreshed.
 */
const ACCESS_TOKEN_SECONDS = 60;
const STORM = 30;

/**
 * 48 random hex digits and a `?`, which lands third in its group of three bytes (the id and `:` are 20 bytes, the
 * digits 48), so its low six bits, all ones, are the base64's last character, a `/`.
 */
function secretCutInBasic(): string {
  const secret = `${randomBytes(24).toString('hex')}?`;
  if (!/[+/]/.test(Buffer.from(`${CLIENT_ID}:${secret}`).toString('base64').replace(/=+$/, ''))) throw new Error('the secret does not put a / in its Basic credentials');
  return secret;
}

describeEachDialectWithLemonldap('LemonLDAP::NG 2.16, a real OpenID provider', (dialect) => {
  const interop = useInteropCase(dialect, {
    provider: PROVIDER,
    proxyPath: 'userinfo',
    start: () =>
      startLemonldap({
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectUri: `${APP_ORIGIN}/auth/${PROVIDER}/callback`,
        accessTokenSeconds: ACCESS_TOKEN_SECONDS,
      }),
    env: (lemonldap) => ({
      OAUTH_PROVIDERS: PROVIDER,
      LEMONLDAP_PRESET: 'lemonldap',
      LEMONLDAP_ISSUER: lemonldap.issuer,
      LEMONLDAP_CLIENT_ID: CLIENT_ID,
      LEMONLDAP_CLIENT_SECRET: CLIENT_SECRET,
      LEMONLDAP_API_BASE_URL: lemonldap.oauth2,
    }),
  });

  /** Signs `username` in through LemonLDAP::NG's login form and consent page. */
  async function signIn(username: LemonldapDemoUser): Promise<{ browser: TestBrowser; userId: string; authorization: URL; landed: BrowserResponse }> {
    const browser = interop.app.browser();
    const loginPage = await browser.get(`${APP_ORIGIN}/login/${PROVIDER}?next=/account`);
    expect(loginPage.url.startsWith(`${interop.server.oauth2}/authorize?`)).toBe(true);
    const landed = await signInAtLemonldap(browser, loginPage, username);
    return { browser, userId: await userIdOf(interop, username), authorization: new URL(loginPage.url), landed };
  }

  /** The access tokens LemonLDAP::NG issued by refreshing with `refreshToken`. */
  function refreshesWith(refreshToken: string): number {
    return interop.server.tokenSessions().filter((session) => session.type === 'access_token' && session.offlineSessionId === refreshToken).length;
  }

  function userinfoAtLemonldap(accessToken: string): Promise<Response> {
    return fetch(`${interop.server.oauth2}/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });
  }

  /** A refresh grant sent straight to LemonLDAP::NG with the client's credentials in `authorization`, or in the form. */
  function refreshAtLemonldap(refreshToken: string, authorization?: string): Promise<Response> {
    return fetch(`${interop.server.oauth2}/token`, {
      method: 'POST',
      headers: authorization ? { authorization } : {},
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, ...(authorization ? {} : CLIENT_FORM) }),
    });
  }

  /** LemonLDAP::NG's RFC 7662 introspection of an access token, as the client. */
  async function introspectAtLemonldap(token: string): Promise<{ active: boolean }> {
    const response = await fetch(`${interop.server.oauth2}/introspect`, { method: 'POST', body: new URLSearchParams({ ...CLIENT_FORM, token }) });
    expect(response.status).toBe(200);
    return (await response.json()) as { active: boolean };
  }

  it("signs in through LemonLDAP::NG's login form and consent page with PKCE, as its sub, with the name and e-mail of its userinfo, and an offline refresh token", async () => {
    const signedIn = await signIn('dwho');
    expect(signedIn.authorization.searchParams.get('prompt')).toBe('consent');
    const expected = { ...LEMONLDAP_DEMO_USERS.dwho, issuer: interop.server.issuer, subject: 'dwho', scope: SCOPE, grantedScope: GRANTED_SCOPE };
    const token = await expectSignedIn(interop, signedIn, { ...expected, accessTokenSeconds: ACCESS_TOKEN_SECONDS });
    expect(interop.server.tokenSessions()).toContainEqual({ id: token.refreshToken, type: 'refresh_token', user: 'dwho' });
    expect(await introspectAtLemonldap(token.accessToken)).toMatchObject({ active: true, sub: 'dwho', client_id: CLIENT_ID });
  });

  it("the proxy calls LemonLDAP::NG's userinfo with the user's token, without a refresh", async () => {
    const { browser, userId } = await signIn('rtyler');
    const stored = await storedToken(interop, userId);
    const answer = await proxied(interop, browser);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ sub: 'rtyler', preferred_username: 'rtyler', name: 'Rose Tyler', email: 'rtyler@badwolf.org' });
    expect(refreshesWith(stored.refreshToken!)).toBe(0);
    expect((await storedToken(interop, userId)).accessToken).toBe(stored.accessToken);
  });

  it(`${STORM} concurrent calls with an expired token make exactly one refresh at LemonLDAP::NG, and its refresh token, not rotated, is kept`, async () => {
    const { browser, userId } = await signIn('msmith');
    const before = await storedToken(interop, userId);
    await expireStoredAccessToken(interop.database, userId, PROVIDER);

    await expectAllAnswered(interop, browser, STORM, { sub: 'msmith' });
    // One refresh: one access token in LemonLDAP::NG's storage issued with this refresh token.
    expect(refreshesWith(before.refreshToken!)).toBe(1);

    const after = await expectRefreshed(interop, userId, before, ACCESS_TOKEN_SECONDS);
    // LemonLDAP::NG's refresh answer has no refresh_token: the one sent stays good (RFC 6749 §6).
    expect(after.refreshToken).toBe(before.refreshToken);
    expect(await introspectAtLemonldap(after.accessToken)).toMatchObject({ active: true, sub: 'msmith' });
  });

  it('LemonLDAP::NG publishes no revocation endpoint and no back-channel logout, so disconnect forgets the tokens here and revokes nothing there', async () => {
    const lemonldap = interop.server;
    const discovery = (await (await fetch(`${lemonldap.issuer}.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({ issuer: lemonldap.issuer, introspection_endpoint: `${lemonldap.oauth2}/introspect`, backchannel_logout_supported: false });
    expect(discovery).not.toHaveProperty('revocation_endpoint');

    const { browser, userId } = await signIn('dwho');
    const stored = await storedToken(interop, userId);
    await expectDisconnected(interop, browser, userId, false);
    // Still good there until it expires: the app cannot end it.
    expect(await introspectAtLemonldap(stored.accessToken)).toMatchObject({ active: true });
  });

  it('a refresh token an administrator deleted at LemonLDAP::NG turns an expired token into 401 needs_reauth, with one refresh attempt only', async () => {
    const lemonldap = interop.server;
    const { browser, userId } = await signIn('rtyler');
    const stored = await storedToken(interop, userId);
    lemonldap.deleteSession(stored.refreshToken!);
    expect(lemonldap.tokenSessions().map((session) => session.id)).not.toContain(stored.refreshToken);
    await expireStoredAccessToken(interop.database, userId, PROVIDER);

    const refused = `Unable to find OIDC session ${stored.refreshToken}`;
    const first = await proxied(interop, browser);
    const second = await proxied(interop, browser);
    // LemonLDAP::NG refused the one refresh (invalid_request, which the preset reads as invalid_grant); the second call did not ask again.
    expect(lemonldap.logged(refused)).toBe(1);
    await expectNeedsReauth(interop, browser, userId, first, second);
  });

  it("an access token an administrator deleted at LemonLDAP::NG is refreshed once after its userinfo answers 401, and the call retried", async () => {
    const { browser, userId } = await signIn('msmith');
    const stored = await storedToken(interop, userId);
    // Ended at LemonLDAP::NG only: the app still thinks it has a minute left.
    interop.server.deleteSession(stored.accessToken);
    const refused = await userinfoAtLemonldap(stored.accessToken);
    expect(refused.status).toBe(401);

    const answer = await proxied(interop, browser);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ sub: 'msmith' });
    expect(refreshesWith(stored.refreshToken!)).toBe(1);
    expect((await storedToken(interop, userId)).accessToken).not.toBe(stored.accessToken);
  });

  it('departs from RFC 6749 as the preset says: Basic credentials read as they are, not form-decoded, and cut at a + or / of their base64; an unknown refresh token refused with invalid_request', async () => {
    const { userId } = await signIn('dwho');
    const stored = await storedToken(interop, userId);
    // RFC 6749 §2.3.1: the client id form-encoded (`-` as %2D, as openid-client sends it) before Basic; LemonLDAP::NG knows no such client.
    const formEncoded = `Basic ${Buffer.from(`${CLIENT_ID.replaceAll('-', '%2D')}:${CLIENT_SECRET}`).toString('base64')}`;
    expect((await refreshAtLemonldap(stored.refreshToken!, formEncoded)).status).toBe(401);
    // As they are, they are refused too: it reads the base64 only up to its first + or / (`Basic (\w+)`), so the secret it decodes is cut.
    expect((await refreshAtLemonldap(stored.refreshToken!, PLAIN_BASIC)).status).toBe(401);
    const inForm = await refreshAtLemonldap(stored.refreshToken!);
    expect(inForm.status).toBe(200);
    expect(await inForm.json()).not.toHaveProperty('refresh_token');

    const unknown = await refreshAtLemonldap(randomBytes(32).toString('hex'));
    expect([unknown.status, await unknown.json()]).toEqual([400, { error: 'invalid_request' }]);
  });

  it('configured by its portal URL alone (LEMONLDAP_BASE_URL), the preset finds the issuer and sends the browser to its login form', async () => {
    const lemonldap = interop.server;
    const env = { OAUTH_PROVIDERS: PROVIDER, LEMONLDAP_PRESET: 'lemonldap', LEMONLDAP_BASE_URL: lemonldap.origin, LEMONLDAP_CLIENT_ID: CLIENT_ID, LEMONLDAP_CLIENT_SECRET: CLIENT_SECRET };
    await withAppConfiguredBy(interop, env, async (byPortal) => {
      const loginPage = await byPortal.browser().get(`${APP_ORIGIN}/login/${PROVIDER}`);
      expect(loginPage.status).toBe(200);
      const authorization = new URL(loginPage.url);
      expect(authorization.href.startsWith(`${lemonldap.oauth2}/authorize?`)).toBe(true);
      expect(authorization.searchParams.get('scope')).toBe(SCOPE);
      expect(loginPage.text).toContain('<form id="lform"');
    });
  });
});
