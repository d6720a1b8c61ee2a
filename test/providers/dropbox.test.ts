import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { ALL_PERMISSIONS, newServiceKey } from '../support/service-api.js';
import { startDropboxEmulator, type DropboxEmulator, type DropboxUser } from './dropbox.emulator.js';
import { APP_ORIGIN, csrfTokenOf, disconnectThrough, presetEnv, signInAs } from './kit/provider-app.js';
import { expectKeptAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

const CLIENT_ID = 'a12fbpq596acfbc';
const CLIENT_SECRET = 'dropbox-test-secret';
const REDIRECT_URI = `${APP_ORIGIN}/auth/dropbox/callback`;

function person(accountId: string, givenName: string, familyName: string): DropboxUser {
  return { accountId, givenName, familyName, email: `${givenName.toLowerCase()}@dropbox.test`, emailVerified: true };
}

/** Only the documented variables: the preset, the client, its issuer (discovery) and API pointed at the emulator. */
function dropboxEnv(dropbox: DropboxEmulator): Record<string, string> {
  return presetEnv('dropbox', CLIENT_ID, CLIENT_SECRET, {
    DROPBOX_ISSUER: dropbox.origin,
    DROPBOX_API_BASE_URL: dropbox.origin,
    // The preset's content.dropboxapi.com stays one of its API bases; the emulator's stands in for it here.
    DROPBOX_EXTRA_API_BASE_URLS: dropbox.contentOrigin,
  });
}

const DROPBOX: StandardProvider<DropboxUser, DropboxEmulator> = {
  preset: 'dropbox',
  displayName: 'Dropbox',
  startEmulator: () => startDropboxEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: dropboxEnv,
  people: {
    'refused-code': person('dbid:refused', 'Refused', 'Code'),
    'wrong-secret': person('dbid:wrong', 'Wrong', 'Secret'),
    'exchange-failure': person('dbid:outage', 'Outage', 'Person'),
  },
  subjectOf: (user) => user.accountId,
};

describeEachDialect('Dropbox, against an emulator of Dropbox', (dialect) => {
  /** Seconds Dropbox's clock runs ahead of the app's. */
  let dropboxAhead = 0;
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: () => startDropboxEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, now: () => Math.floor(Date.now() / 1000) + dropboxAhead }), env: dropboxEnv });

  const signIn = (user: DropboxUser) => signInAs(context, 'dropbox', user);

  const rpc = (browser: TestBrowser, csrf: string, route: string) =>
    browser.request(`${APP_ORIGIN}/api/providers/dropbox/proxy/2/${route}`, { method: 'POST', headers: { 'x-csrf-token': csrf } });

  it('asks for offline access with PKCE, signs in as the ID token sub (dbid:…) and never calls the POST-only userinfo', async () => {
    const { database, emulator: dropbox, app } = context;
    const { userId, request } = await signIn(person('dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc', 'Franz', 'Ferdinand'));
    expect(request.get('token_access_type')).toBe('offline');
    expect(request.get('scope')).toBe('openid email profile account_info.read');
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['issuer', 'subject']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toEqual({ issuer: dropbox.origin, subject: 'dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc' });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    // No `name` claim: the given and family names make it (OIDC Core §5.1).
    expect(user).toEqual({ name: 'Franz Ferdinand', email: 'franz@dropbox.test' });
    const token = await app.runtime.tokenStore.findToken(userId, 'dropbox');
    expect(token).toMatchObject({ refreshToken: expect.any(String), idToken: expect.any(String) });
    expect(token!.expiresAt! - Math.floor(Date.now() / 1000)).toBeGreaterThan(14_000);
    expect(dropbox.server.counts.userinfo).toBeUndefined();
    // The app key and secret went as form parameters.
    expect(dropbox.server.requests.find((r) => r.path === '/oauth2/token')!.headers.authorization).toBeUndefined();
  });

  it('the proxy reaches the RPC API; 20 concurrent calls on an expired token make one refresh, and the refresh token (not rotated) stays', async () => {
    const { emulator: dropbox } = context;
    const { browser, userId } = await signIn(person('dbid:storm', 'Storm', 'Static'));
    const csrf = await csrfTokenOf(browser);
    const { answers } = await expectKeptAfterStorm(context, 'dropbox', userId, () => rpc(browser, csrf, 'users/get_current_account'));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ account_id: 'dbid:storm', name: { display_name: 'Storm Static' } });
  });

  it('files go up and come down through the proxies on the content host, chosen with Tokenkeeper-Api-Base: arguments in Dropbox-API-Arg, metadata back in Dropbox-API-Result', async () => {
    const { emulator: dropbox, app } = context;
    const { browser, userId } = await signIn(person('dbid:files', 'Filed', 'Away'));
    const csrf = await csrfTokenOf(browser);
    const cookie = browser.cookies.cookieHeader(new URL(APP_ORIGIN))!;
    const onContentHost = (route: string, arg: object, extra: { body?: Buffer; headers?: Record<string, string> } = {}) =>
      app.runtime.app.inject({
        method: 'POST',
        url: `/api/providers/dropbox/proxy/2/files/${route}`,
        headers: { cookie, 'x-csrf-token': csrf, 'tokenkeeper-api-base': dropbox.contentOrigin, 'dropbox-api-arg': JSON.stringify(arg), ...extra.headers },
        ...(extra.body ? { payload: extra.body } : {}),
      });
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252, 13, 10]);
    const upload = await onContentHost('upload', { path: '/Reports/Q3.bin', mode: 'add' }, { body: bytes, headers: { 'content-type': 'application/octet-stream' } });
    expect(upload.statusCode).toBe(200);
    expect(upload.json()).toMatchObject({ name: 'Q3.bin', path_display: '/Reports/Q3.bin', size: 8 });
    const download = await onContentHost('download', { path: '/reports/q3.bin' });
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(bytes)).toBe(true);
    expect(JSON.parse(String(download.headers['dropbox-api-result']))).toMatchObject({ name: 'Q3.bin', size: 8 });
    const token = await app.runtime.tokenStore.findToken(userId, 'dropbox');
    expect(dropbox.content.requests.map((request) => request.headers.authorization)).toEqual([`Bearer ${token!.accessToken}`, `Bearer ${token!.accessToken}`]);
    expect(dropbox.server.requests.some((request) => request.path.startsWith('/2/files/'))).toBe(false);
    // Dropbox's own 409 for a missing file is Dropbox's answer, passed back.
    const missing = await onContentHost('download', { path: '/nothing.txt' });
    expect(missing.statusCode).toBe(409);
    expect(missing.headers['tokenkeeper-upstream']).toBe('true');

    // A backend with a service key reaches the same host the same way.
    const key = await newServiceKey(app, `files-${dialect.name}`, ALL_PERMISSIONS);
    const viaService = await app.runtime.app.inject({
      method: 'POST',
      url: `/api/v1/users/${userId}/connections/dropbox/proxy/2/files/download`,
      headers: { authorization: `Bearer ${key}`, 'tokenkeeper-api-base': dropbox.contentOrigin, 'dropbox-api-arg': JSON.stringify({ path: '/Reports/Q3.bin' }) },
    });
    expect(viaService.statusCode).toBe(200);
    expect(viaService.rawPayload.equals(bytes)).toBe(true);
    expect(viaService.headers['dropbox-api-result']).toBeDefined();
  });

  it('a file over 1 MiB goes up to the content host as a stream (PROXY_UPLOAD_LIMIT_MB), through either proxy, and comes down whole', async () => {
    const { emulator: dropbox, app } = context;
    const { browser, userId } = await signIn(person('dbid:large', 'Large', 'Files'));
    const csrf = await csrfTokenOf(browser);
    const cookie = browser.cookies.cookieHeader(new URL(APP_ORIGIN))!;
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 5);
    for (let at = 0; at < bytes.length; at += 1) bytes[at] = (at * 31) % 256;
    const upload = await app.runtime.app.inject({
      method: 'POST',
      url: '/api/providers/dropbox/proxy/2/files/upload',
      headers: {
        cookie,
        'x-csrf-token': csrf,
        'tokenkeeper-api-base': dropbox.contentOrigin,
        'dropbox-api-arg': JSON.stringify({ path: '/Video/clip.mp4', mode: 'add' }),
        'content-type': 'application/octet-stream',
      },
      payload: bytes,
    });
    expect(upload.statusCode).toBe(200);
    expect(upload.json()).toMatchObject({ name: 'clip.mp4', path_display: '/Video/clip.mp4', size: bytes.length });
    expect(dropbox.content.requests.at(-1)!.headers['content-length']).toBe(String(bytes.length));

    const key = await newServiceKey(app, `large-${dialect.name}`, ALL_PERMISSIONS);
    const again = await app.runtime.app.inject({
      method: 'POST',
      url: `/api/v1/users/${userId}/connections/dropbox/proxy/2/files/upload`,
      headers: {
        authorization: `Bearer ${key}`,
        'tokenkeeper-api-base': dropbox.contentOrigin,
        'dropbox-api-arg': JSON.stringify({ path: '/Video/clip.mp4', mode: 'overwrite' }),
        'content-type': 'application/octet-stream',
      },
      payload: bytes,
    });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ size: bytes.length, rev: '000000002' });
    const download = await app.runtime.app.inject({
      method: 'POST',
      url: `/api/v1/users/${userId}/connections/dropbox/proxy/2/files/download`,
      headers: { authorization: `Bearer ${key}`, 'tokenkeeper-api-base': dropbox.contentOrigin, 'dropbox-api-arg': JSON.stringify({ path: '/video/clip.mp4' }) },
    });
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(bytes)).toBe(true);
  });

  it('Tokenkeeper-Api-Base naming anything but one of Dropbox\'s API bases is refused before any call', async () => {
    const { emulator: dropbox, app } = context;
    const { browser } = await signIn(person('dbid:elsewhere', 'Else', 'Where'));
    const csrf = await csrfTokenOf(browser);
    const cookie = browser.cookies.cookieHeader(new URL(APP_ORIGIN))!;
    const contentCalls = dropbox.content.requests.length;
    const apiCalls = dropbox.server.requests.length;
    for (const base of ['https://evil.example', `${dropbox.contentOrigin}.evil.example`, 'javascript:alert(1)', `${dropbox.contentOrigin}?x=1`, `${dropbox.contentOrigin}, https://evil.example`]) {
      const answer = await app.runtime.app.inject({
        method: 'POST',
        url: '/api/providers/dropbox/proxy/2/files/download',
        headers: { cookie, 'x-csrf-token': csrf, 'tokenkeeper-api-base': base, 'dropbox-api-arg': '{"path":"/a"}' },
      });
      expect(answer.statusCode, base).toBe(400);
      expect(answer.json(), base).toMatchObject({ error: 'invalid_api_path' });
      expect(answer.headers['tokenkeeper-upstream'], base).toBeUndefined();
    }
    expect(dropbox.content.requests.length).toBe(contentCalls);
    expect(dropbox.server.requests.length).toBe(apiCalls);
  });

  it('disconnect refreshes an expired token, then revokes with it at /2/auth/token/revoke: the grant ends', async () => {
    const { database, emulator: dropbox, app } = context;
    const { browser, userId } = await signIn(person('dbid:leaving', 'Leaving', 'Person'));
    const signedInWith = await app.runtime.tokenStore.findToken(userId, 'dropbox');
    await expireAccessTokens(database, userId);
    const refreshes = dropbox.server.counts.refresh_token ?? 0;
    expect(await disconnectThrough(browser, 'dropbox')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(dropbox.server.counts.refresh_token).toBe(refreshes + 1);
    const revocation = dropbox.server.requests.findLast((r) => r.path === '/2/auth/token/revoke')!;
    expect(revocation.headers.authorization).toMatch(/^Bearer sl\.u\./);
    expect(revocation.headers.authorization).not.toBe(`Bearer ${signedInWith!.accessToken}`);
    // The refresh token went with it.
    const refresh = await fetch(`${dropbox.origin}/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: signedInWith!.refreshToken!, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }),
    });
    expect(refresh.status).toBe(400);
    expect(await app.runtime.tokenStore.findToken(userId, 'dropbox')).toBeUndefined();
  });

  it('a grant the person already ended at Dropbox (401 invalid_access_token) still counts as revoked', async () => {
    const { emulator: dropbox, app } = context;
    const { browser, userId } = await signIn(person('dbid:unlinked', 'Unlinked', 'Elsewhere'));
    dropbox.unlinkApp((await app.runtime.tokenStore.findToken(userId, 'dropbox'))!.accessToken);
    expect(await disconnectThrough(browser, 'dropbox')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(await app.runtime.tokenStore.findToken(userId, 'dropbox')).toBeUndefined();
  });

  it('an expired token that cannot be refreshed (Dropbox failing the refresh) is not reported as revoked: the grant lives on at Dropbox', async () => {
    const { database, emulator: dropbox, app } = context;
    const { browser, userId } = await signIn(person('dbid:stranded', 'Stranded', 'Grant'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'dropbox');
    const csrf = await csrfTokenOf(browser);
    await expireAccessTokens(database, userId);
    dropbox.failNextTokenRequest(503);
    // The access token's four hours are over at Dropbox too.
    dropboxAhead = 14_400 + 60;
    let answer;
    try {
      answer = await browser.request(`${APP_ORIGIN}/account/connections/dropbox`, { method: 'DELETE', headers: { 'x-csrf-token': csrf } });
    } finally {
      dropboxAhead = 0;
    }
    expect(answer.status).toBe(200);
    expect(dropbox.server.requests.findLast((r) => r.path === '/2/auth/token/revoke')!.headers.authorization).toBe(`Bearer ${stored!.accessToken}`);
    // Dropbox answered the expired access token with 401 expired_access_token: it said nothing of the grant.
    expect(JSON.parse(answer.text)).toEqual({ disconnected: true, revokedAtProvider: false });
    const refresh = await fetch(`${dropbox.origin}/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: stored!.refreshToken!, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }),
    });
    expect(refresh.status).toBe(200);
    expect(await app.runtime.tokenStore.findToken(userId, 'dropbox')).toBeUndefined();
  });

  standardCases(() => context, DROPBOX, { refusedCode: { sentAs: 'invalid_grant' } });
});

describeClientFailures(DROPBOX, { wrongSecret: { sentAs: 'invalid_client' }, exchangeFailure: {} });
