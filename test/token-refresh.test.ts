import * as oidc from 'openid-client';
import { expect, it } from 'vitest';
import { describeEachDialect } from './support/postgres.js';
import { expireStoredAccessToken, signedInUser } from './support/signed-in.js';
import { APP_ORIGIN, CLIENT_ID, CLIENT_SECRET } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

describeEachDialect('tokens stay fresh', (dialect) => {
  const { app, database } = useTestApp(dialect);

  const proxy = (cookie: string, path = 'profile') => app().runtime.app.inject({ method: 'GET', url: `/api/providers/toolkit/proxy/${path}`, headers: { cookie } });

  it('refresh runs once for 200 concurrent proxy calls with an expired token, and the grant survives', async () => {
    const alice = await signedInUser(app(), 'alice');
    const before = await app().runtime.tokenStore.findToken(alice.userId, 'toolkit');
    await expireStoredAccessToken(database(), alice.userId);
    const refreshes = app().provider.stats.refreshTokenGrants;

    const answers = await Promise.all(Array.from({ length: 200 }, () => proxy(alice.cookie)));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(200).fill(200));
    expect(JSON.parse(answers[0]!.body)).toMatchObject({ name: 'Alice Liddell' });
    expect(app().provider.stats.refreshTokenGrants).toBe(refreshes + 1);
    expect(app().provider.stats.grantErrors).toBe(0);

    // Rotation: a new refresh token replaced the old one in the same write as the new access token.
    const after = await app().runtime.tokenStore.findToken(alice.userId, 'toolkit');
    expect(after!.refreshToken).not.toBe(before!.refreshToken);
    expect(after!.accessToken).not.toBe(before!.accessToken);
    expect(after!.expiresAt).toBeGreaterThan(Math.floor(Date.now() / 1000) + 60);
    expect(after!.lastRefreshedAt).not.toBeNull();

    // The grant is still valid: the next refresh works too.
    await expireStoredAccessToken(database(), alice.userId);
    expect((await proxy(alice.cookie)).statusCode).toBe(200);
    expect(app().provider.stats.refreshTokenGrants).toBe(refreshes + 2);
    const events = await database().db.selectFrom('audit_log').select('event').where('event', '=', 'token.refreshed').execute();
    expect(events).toHaveLength(2);
  });

  it('invalid_grant marks the connection "needs re-auth"; later calls fail fast without asking the provider', async () => {
    const bob = await signedInUser(app(), 'bob');
    const stored = await app().runtime.tokenStore.findToken(bob.userId, 'toolkit');
    // The grant ends behind our back (as when the user revokes access at the provider).
    const config = await oidc.discovery(new URL(app().provider.issuer), CLIENT_ID, CLIENT_SECRET, undefined, { execute: [oidc.allowInsecureRequests] });
    await oidc.tokenRevocation(config, stored!.refreshToken!, { token_type_hint: 'refresh_token' });
    await expireStoredAccessToken(database(), bob.userId);
    const grantErrors = app().provider.stats.grantErrors;

    const first = await proxy(bob.cookie);
    expect(first.statusCode).toBe(401);
    expect(JSON.parse(first.body)).toMatchObject({ error: 'needs_reauth' });
    expect(app().provider.stats.grantErrors).toBe(grantErrors + 1);

    for (let i = 0; i < 5; i += 1) expect((await proxy(bob.cookie)).statusCode).toBe(401);
    expect(app().provider.stats.grantErrors).toBe(grantErrors + 1);

    const kept = await app().runtime.tokenStore.findToken(bob.userId, 'toolkit');
    expect(kept).toMatchObject({ status: 'needs_reauth', lastError: 'invalid_grant', refreshToken: stored!.refreshToken, accessToken: stored!.accessToken });
    const me = JSON.parse((await bob.browser.get(`${APP_ORIGIN}/api/me`)).text);
    expect(me.connections[0]).toMatchObject({ status: 'needs_reauth', needsReauth: true });
    const account = await bob.browser.get(`${APP_ORIGIN}/account`);
    expect(account.text).toContain('needs re-auth');
    expect(account.text).toContain('Sign in with Toolkit again');

    // Signing in again heals the connection.
    const again = await signedInUser(app(), 'bob');
    expect(again.userId).toBe(bob.userId);
    expect((await proxy(again.cookie)).statusCode).toBe(200);
  });

  it('disconnect revokes at the provider and deletes the tokens', async () => {
    const alice = await signedInUser(app(), 'alice');
    const stored = await app().runtime.tokenStore.findToken(alice.userId, 'toolkit');
    const revocations = app().provider.stats.revocations;

    const withoutCsrf = await app().runtime.app.inject({ method: 'POST', url: '/account/connections/toolkit/disconnect', headers: { cookie: alice.cookie } });
    expect(withoutCsrf.statusCode).toBe(403);

    const page = await alice.browser.post(`${APP_ORIGIN}/account/connections/toolkit/disconnect`, { _csrf: alice.csrfToken });
    expect(page.url).toBe(`${APP_ORIGIN}/account`);
    expect(page.text).toContain('No provider connected');
    expect(page.text).toContain('Disconnected from Toolkit: its tokens are revoked there and deleted here.');
    expect(app().provider.stats.revocations).toBeGreaterThan(revocations);
    expect(await app().runtime.tokenStore.findToken(alice.userId, 'toolkit')).toBeUndefined();

    // The provider no longer accepts the refresh token.
    const config = await oidc.discovery(new URL(app().provider.issuer), CLIENT_ID, CLIENT_SECRET, undefined, { execute: [oidc.allowInsecureRequests] });
    await expect(oidc.refreshTokenGrant(config, stored!.refreshToken!)).rejects.toMatchObject({ error: 'invalid_grant' });
    const proxied = await proxy(alice.cookie);
    expect(proxied.statusCode).toBe(409);
    expect(JSON.parse(proxied.body)).toMatchObject({ error: 'not_connected' });
    const audit = await database().db.selectFrom('audit_log').select(['event', 'detail']).where('event', '=', 'token.revoked').execute();
    expect(audit.length).toBeGreaterThan(0);
  });

  it('"Call the API" on the account page shows the protected API answer', async () => {
    const alice = await signedInUser(app(), 'alice');
    const account = await alice.browser.get(`${APP_ORIGIN}/account`);
    expect(account.text).toContain('Call the API');
    const result = await alice.browser.get(`${APP_ORIGIN}/account/connections/toolkit/call?path=notes`);
    expect(result.status).toBe(200);
    expect(result.text).toContain('answered <strong class="api-status">200</strong>');
    expect(result.text).toContain('&quot;notes&quot;');
  });

  it('"Refresh now" gets a new access token and shows the refresh time', async () => {
    const alice = await signedInUser(app(), 'alice');
    const before = await app().runtime.tokenStore.findToken(alice.userId, 'toolkit');
    const page = await alice.browser.post(`${APP_ORIGIN}/account/connections/toolkit/refresh`, { _csrf: alice.csrfToken });
    expect(page.url).toBe(`${APP_ORIGIN}/account`);
    const after = await app().runtime.tokenStore.findToken(alice.userId, 'toolkit');
    expect(after!.accessToken).not.toBe(before!.accessToken);
    expect(page.text).not.toContain('Last refreshed</dt><dd>never');
    // The page says what happened, once: it looks much the same before and after.
    expect(page.text).toMatch(/<p class="flash" role="status">Refreshed Toolkit&#39;s access token: it expires \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\.<\/p>/);
    expect((await alice.browser.get(`${APP_ORIGIN}/account`)).text).not.toContain('Refreshed Toolkit');
  });
});
