import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { newServiceKey } from '../support/service-api.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, csrfTokenOf, disconnectThrough, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startNextcloudEmulator, type NextcloudEmulator, type NextcloudUser } from './nextcloud.emulator.js';

// A client identifier and secret of 64 letters and digits, as Nextcloud's OAuth 2.0 clients list shows them.
const CLIENT_ID = 'k3Vq9ZpL2xR7mW4tY8nB1cD6fG0hJ5sA9eU2iO7pQ3rT6yX1zC4vB8nM0lK5jH2g';
const CLIENT_SECRET = 'P9oI8uY7tR6eW5qA4sD3fG2hJ1kL0zX9cV8bN7mQ6wE5rT4yU3iO2pA1sD0fG9hJ';
const REDIRECT_URI = `${APP_ORIGIN}/auth/nextcloud/callback`;

function person(id: string, displayName: string): NextcloudUser {
  return { id, displayName, email: `${id}@example.com` };
}

/** Only the documented variables: the preset, the client, and the server's URL. */
function nextcloudEnv(nextcloud: NextcloudEmulator): Record<string, string> {
  return { OAUTH_PROVIDERS: 'nextcloud', NEXTCLOUD_PRESET: 'nextcloud', NEXTCLOUD_CLIENT_ID: CLIENT_ID, NEXTCLOUD_CLIENT_SECRET: CLIENT_SECRET, NEXTCLOUD_BASE_URL: nextcloud.origin };
}

/** A refresh at Nextcloud itself, as another copy of the token would make it. */
function refreshAtNextcloud(nextcloud: NextcloudEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${nextcloud.origin}/index.php/apps/oauth2/api/v1/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const NEXTCLOUD: StandardProvider<NextcloudUser, NextcloudEmulator> = {
  preset: 'nextcloud',
  displayName: 'Nextcloud',
  startEmulator: () => startNextcloudEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: nextcloudEnv,
  people: {
    'refused-code': person('refused', 'Refused Code'),
    'wrong-secret': person('wrongsecret', 'Wrong Secret'),
    'exchange-failure': person('outage', 'Outage Person'),
  },
  subjectOf: (user) => user.id,
};

describeEachDialect('Nextcloud, against an emulator of a Nextcloud server', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), NEXTCLOUD);

  const signIn = (user: NextcloudUser) => signInAs(context, 'nextcloud', user);
  const readme = (browser: TestBrowser, user: NextcloudUser) => browser.get(`${APP_ORIGIN}/api/providers/nextcloud/proxy/remote.php/dav/files/${user.id}/Readme.md`);

  it('signs in as the user id of the OCS API (the token answer’s user_id) with the display name and the e-mail unverified; no scope, the client in the form, a 1-hour token and a refresh token', async () => {
    const { database, emulator: nextcloud, app } = context;
    const { userId, request } = await signIn(person('ada', 'Ada Lovelace'));
    expect(request.get('scope') ?? '').toBe('');
    expect(request.get('response_type')).toBe('code');
    const account = await database.db.selectFrom('accounts').select('subject').where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('ada');
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'nextcloud');
    expect(token!.refreshToken).toEqual(expect.any(String));
    const lifetime = token!.expiresAt! - Math.floor(Date.now() / 1000);
    expect(lifetime).toBeGreaterThan(3500);
    expect(lifetime).toBeLessThanOrEqual(3600);
    expect(nextcloud.server.requests.find((r) => r.path.startsWith('/index.php/apps/oauth2/api/v1/token'))!.headers.authorization).toBeUndefined();
    expect(nextcloud.server.requests.findLast((r) => r.path.startsWith('/ocs/v2.php/cloud/user'))!.headers['ocs-apirequest']).toBe('true');
  });

  it('the proxy reaches WebDAV and the OCS API on the server with the token as Bearer, OCS-APIRequest sent along', async () => {
    const { emulator: nextcloud } = context;
    const grace = person('grace', 'Grace Hopper');
    const { browser } = await signIn(grace);
    const file = await readme(browser, grace);
    expect(file.status).toBe(200);
    expect(file.text).toBe('# Welcome to Nextcloud, Grace Hopper\n');
    expect(nextcloud.server.requests.findLast((r) => r.path.startsWith('/remote.php/dav/'))!.headers.authorization).toMatch(/^Bearer /);
    const capabilities = await browser.get(`${APP_ORIGIN}/api/providers/nextcloud/proxy/ocs/v2.php/cloud/capabilities?format=json`);
    expect(capabilities.status).toBe(200);
    expect(JSON.parse(capabilities.text)).toMatchObject({ ocs: { data: { version: { major: 31 } } } });
  });

  it("WebDAV's own methods go through the proxies: PROPFIND with its Depth lists a folder (207), MKCOL makes one; from a page they need the CSRF token", async () => {
    const { emulator: nextcloud, app } = context;
    const ada = person('ada-webdav', 'Ada Lovelace');
    const { browser, userId } = await signIn(ada);
    const folder = `${APP_ORIGIN}/api/providers/nextcloud/proxy/remote.php/dav/files/${ada.id}/`;
    const propfind = '<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/></d:prop></d:propfind>';
    const csrf = await csrfTokenOf(browser);

    expect((await browser.request(folder, { method: 'PROPFIND', headers: { depth: '1', 'content-type': 'application/xml' }, text: propfind })).status).toBe(403);
    const made = await browser.request(`${folder}Reports`, { method: 'MKCOL', headers: { 'x-csrf-token': csrf } });
    expect(made.status).toBe(201);
    const bodies = nextcloud.server.counts.propfind_body ?? 0;
    const listed = await browser.request(folder, { method: 'PROPFIND', headers: { depth: '1', 'content-type': 'application/xml', 'x-csrf-token': csrf }, text: propfind });
    expect(listed.status).toBe(207);
    expect(listed.headers.get('content-type')).toContain('application/xml');
    expect(listed.text).toContain(`<d:href>/remote.php/dav/files/${ada.id}/Reports/</d:href>`);
    expect(nextcloud.server.requests.findLast((r) => r.method === 'PROPFIND')!.headers).toMatchObject({ depth: '1', authorization: expect.stringMatching(/^Bearer /) });
    expect(nextcloud.server.counts.propfind_body).toBe(bodies + 1);

    const key = await newServiceKey(app, `webdav-${Date.now()}`, ['proxy']);
    const byService = await app.runtime.app.inject({
      method: 'PROPFIND',
      url: `/api/v1/users/${userId}/connections/nextcloud/proxy/remote.php/dav/files/${ada.id}/`,
      headers: { authorization: `Bearer ${key}`, depth: '0', 'content-type': 'application/xml' },
      payload: propfind,
    });
    expect(byService.statusCode).toBe(207);
    expect(byService.body).toContain(`<d:href>/remote.php/dav/files/${ada.id}/</d:href>`);
    expect(byService.body).not.toContain('Reports');
  });

  it('20 concurrent calls on an expired token make one refresh; the new pair is kept, and Nextcloud takes neither old token again', async () => {
    const { emulator: nextcloud } = context;
    const alan = person('alan', 'Alan Turing');
    const { browser, userId } = await signIn(alan);
    const { before } = await expectRotatedAfterStorm(context, 'nextcloud', userId, () => readme(browser, alan));
    expect(nextcloud.accepts(before.accessToken)).toBe(false);
    expect(await statusAndBody(refreshAtNextcloud(nextcloud, before.refreshToken!))).toEqual({ status: 400, body: { error: 'invalid_request' } });
  });

  it("the client revoked in the person's Nextcloud security settings: the API refuses the token, the refresh is refused (invalid_request, read as invalid_grant), and the connection needs re-auth after one try; disconnect then counts it as revoked already", async () => {
    const { emulator: nextcloud, app } = context;
    const leaving = person('edsger', 'Edsger Dijkstra');
    const { browser, userId } = await signIn(leaving);
    nextcloud.revokeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'nextcloud', userId, () => readme(browser, leaving));
    expect(await disconnectThrough(browser, 'nextcloud')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(await app.runtime.tokenStore.findToken(userId, 'nextcloud')).toBeUndefined();
  });

  it('disconnect deletes the app password at /ocs/v2.php/core/apppassword: the grant ends at Nextcloud (its refresh token refused) and the tokens are deleted here', async () => {
    const { emulator: nextcloud } = context;
    const barbara = person('barbara', 'Barbara Liskov');
    const { browser, userId } = await signIn(barbara);
    const stored = await expectDisconnectRevokes(context, 'nextcloud', { browser, userId }, { counter: 'apppassword_delete', requests: 1 });
    expect(nextcloud.server.requests.findLast((r) => r.path.startsWith('/ocs/v2.php/core/apppassword'))!.headers['ocs-apirequest']).toBe('true');
    expect(nextcloud.accepts(stored.accessToken)).toBe(false);
    expect(nextcloud.liveGrants(barbara)).toBe(0);
    expect((await refreshAtNextcloud(nextcloud, stored.refreshToken!)).status).toBe(400);
  });

  // No cancelled case: Nextcloud's grant page has no refusal that goes back to the client.
  standardCases(() => context, NEXTCLOUD, { refusedCode: { sentAs: '400 invalid_request, read as invalid_grant' } });
});

describeClientFailures(NEXTCLOUD, { wrongSecret: { sentAs: '400 invalid_client' }, exchangeFailure: {} });
