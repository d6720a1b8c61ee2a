// The security checklist, "Sign-in" and "Tokens": every hostile answer of a provider is
// refused, at sign-in and at refresh, with a clear page (4xx for a bad
// callback, 502/503/504 for a provider fault, never 500), nothing stored, the
// user not signed in, and whoever was signed in before left untouched.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { StoredTokenSet } from '../src/client/token-store.js';
import type { TestBrowser } from './support/browser.js';
import { startHostileProvider, type HostileProvider, type IdTokenMisbehaviour, type Misbehaviour } from './support/hostile-provider.js';
import { describeEachDialect, DIALECTS, type TestDatabase } from './support/postgres.js';
import { expireStoredAccessToken } from './support/signed-in.js';
import { APP_ORIGIN, CLIENT_ID, CLIENT_SECRET, startTestApp, type TestApp } from './support/test-app.js';

const ME = `${APP_ORIGIN}/api/me`;
const now = () => Math.floor(Date.now() / 1000);

/** The app's "toolkit" provider pointed at the hostile provider (the dev provider startTestApp also starts is not used). */
function startAppAgainst(hostile: HostileProvider, databaseUrl: string): Promise<TestApp> {
  return startTestApp({
    databaseUrl,
    env: {
      TOOLKIT_ISSUER: hostile.issuer,
      TOOLKIT_CLIENT_ID: CLIENT_ID,
      TOOLKIT_CLIENT_SECRET: CLIENT_SECRET,
      TOOLKIT_API_BASE_URL: `${hostile.issuer}/api`,
      PROVIDER_TIMEOUT_SECONDS: '1',
    },
  });
}

async function countRows(database: TestDatabase, table: 'users' | 'tokens'): Promise<number> {
  const row = await database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

interface Signed {
  browser: TestBrowser;
  userId: string;
  cookie: string;
}

/** Signs `sub` in through the hostile provider, which redirects straight back; fails unless it works. */
async function signInAs(app: TestApp, hostile: HostileProvider, sub: string): Promise<Signed> {
  hostile.signInAs({ sub, name: `User ${sub}`, email: `${sub}@hostile.test` });
  const browser = app.browser();
  const page = await browser.get(`${APP_ORIGIN}/login/toolkit`);
  expect(page.url).toBe(`${APP_ORIGIN}/`);
  const me = await browser.get(ME);
  expect(me.status).toBe(200);
  const userId = (JSON.parse(me.text) as { user: { id: string } }).user.id;
  return { browser, userId, cookie: browser.cookies.cookieHeader(new URL(APP_ORIGIN)) ?? '' };
}

function tokenValues(token: StoredTokenSet | undefined) {
  return token && { accessToken: token.accessToken, refreshToken: token.refreshToken, idToken: token.idToken, expiresAt: token.expiresAt };
}

const past = now() - 3600;

/** ID tokens that must be refused wherever they come from. */
const BAD_ID_TOKENS: Array<{ name: string; idToken: IdTokenMisbehaviour }> = [
  { name: 'a bad signature (payload changed after signing)', idToken: { signing: 'tampered-payload' } },
  { name: 'a signature by another key under the published kid', idToken: { signing: 'forged-key' } },
  { name: 'alg: none', idToken: { signing: 'none' } },
  { name: 'HS256 signed with the public key as the secret', idToken: { signing: 'hs256-with-public-key' } },
  { name: 'a wrong iss', idToken: { claims: { iss: 'https://evil.example' } } },
  { name: 'a wrong aud', idToken: { claims: { aud: 'another-client' } } },
  { name: 'an extra aud without azp', idToken: { claims: { aud: [CLIENT_ID, 'another-client'] } } },
  { name: 'an extra aud with azp naming the other client', idToken: { claims: { aud: [CLIENT_ID, 'another-client'], azp: 'another-client' } } },
  { name: 'no sub', idToken: { claims: { sub: undefined } } },
  { name: 'no iat', idToken: { claims: { iat: undefined } } },
  { name: 'no exp', idToken: { claims: { exp: undefined } } },
  { name: 'expired', idToken: { claims: { iat: past - 300, exp: past } } },
  { name: 'a kid the provider does not publish', idToken: { kid: 'not-published' } },
  { name: 'a rotated key the JWKS does not list', idToken: { signing: 'unpublished-key' } },
];

const HUGE = `{"access_token":"${'x'.repeat(1024 * 1024 + 1)}","token_type":"Bearer"}`;

/** Token endpoint answers that must be refused, and the status and error code each becomes. */
const BAD_TOKEN_RESPONSES: Array<{ name: string; misbehaviour: Misbehaviour; status: number; code: string; message: RegExp }> = [
  { name: 'null', misbehaviour: { tokenEndpoint: { kind: 'json', body: null } }, status: 502, code: 'provider_bad_response', message: /failed validation/ },
  { name: '[]', misbehaviour: { tokenEndpoint: { kind: 'json', body: [] } }, status: 502, code: 'provider_bad_response', message: /failed validation/ },
  { name: 'an HTML page', misbehaviour: { tokenEndpoint: { kind: 'raw', contentType: 'text/html', body: '<html><body>Maintenance</body></html>' } }, status: 502, code: 'provider_bad_response', message: /failed validation/ },
  { name: '200 with an error member', misbehaviour: { tokenEndpoint: { kind: 'json', body: { error: 'invalid_request' } } }, status: 502, code: 'provider_bad_response', message: /failed validation/ },
  { name: 'no access_token', misbehaviour: { tokenEndpoint: { kind: 'edit', set: { access_token: undefined } } }, status: 502, code: 'provider_bad_response', message: /failed validation/ },
  { name: 'expires_in as a word', misbehaviour: { tokenEndpoint: { kind: 'edit', set: { expires_in: 'soon' } } }, status: 502, code: 'provider_bad_response', message: /failed validation/ },
  { name: 'a body over 1 MiB (Content-Length)', misbehaviour: { tokenEndpoint: { kind: 'raw', contentType: 'application/json', body: HUGE } }, status: 502, code: 'provider_bad_response', message: /failed/ },
  { name: 'a body over 1 MiB (chunked)', misbehaviour: { tokenEndpoint: { kind: 'raw', contentType: 'application/json', body: HUGE, chunked: true } }, status: 502, code: 'provider_bad_response', message: /failed/ },
  { name: '500', misbehaviour: { tokenEndpoint: { kind: 'json', status: 500, body: { error: 'server_error' } } }, status: 502, code: 'provider_error', message: /HTTP 500/ },
  { name: '503 with Retry-After', misbehaviour: { tokenEndpoint: { kind: 'raw', status: 503, contentType: 'text/html', body: 'busy', headers: { 'retry-after': '120' } } }, status: 503, code: 'provider_unavailable', message: /temporarily unavailable \(HTTP 503\)/ },
  { name: 'an answer slower than PROVIDER_TIMEOUT_SECONDS', misbehaviour: { tokenEndpoint: { kind: 'slow', ms: 1_500 } }, status: 504, code: 'provider_timeout', message: /did not answer .* in time/ },
  { name: 'a connection reset', misbehaviour: { tokenEndpoint: { kind: 'reset' } }, status: 503, code: 'provider_unreachable', message: /could not be reached/ },
  // Outbound requests go only to the provider's own endpoints: a redirect elsewhere is not followed.
  // Were it followed, port 9 would refuse the connection and the answer would be 503 provider_unreachable.
  { name: 'a redirect to another host', misbehaviour: { tokenEndpoint: { kind: 'raw', status: 307, contentType: 'text/plain', body: '', headers: { location: 'http://127.0.0.1:9/token' } } }, status: 502, code: 'provider_bad_response', message: /HTTP 307, a redirect to http:\/\/127\.0\.0\.1:9\/token, which is not followed/ },
];

describeEachDialect('a hostile provider', (dialect) => {
  let database: TestDatabase;
  let hostile: HostileProvider;
  let app: TestApp;
  let bystander: Signed;
  let bystanderToken: ReturnType<typeof tokenValues>;
  let sequence = 0;

  beforeAll(async () => {
    database = await dialect.openTestDatabase({ migrate: false });
    hostile = await startHostileProvider({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    app = await startAppAgainst(hostile, database.url);
    bystander = await signInAs(app, hostile, 'bystander');
    bystanderToken = tokenValues(await app.runtime.tokenStore.findToken(bystander.userId, 'toolkit'));
  });
  afterEach(() => hostile?.behave());
  afterAll(async () => {
    await app?.close();
    await hostile?.close();
    await database?.close();
  });

  /** Whoever was signed in before still is, with the same tokens. */
  async function expectBystanderUntouched(): Promise<void> {
    expect((await bystander.browser.get(ME)).status).toBe(200);
    expect(tokenValues(await app.runtime.tokenStore.findToken(bystander.userId, 'toolkit'))).toEqual(bystanderToken);
  }

  /** A first sign-in of a new subject while the provider misbehaves: refused with `status`, nothing stored. */
  async function expectSignInRefused(misbehaviour: Misbehaviour, status: number, message: RegExp): Promise<void> {
    const counts = { users: await countRows(database, 'users'), tokens: await countRows(database, 'tokens') };
    hostile.signInAs({ sub: `newcomer-${(sequence += 1)}` });
    hostile.misbehave(misbehaviour);
    const browser = app.browser();
    const page = await browser.get(`${APP_ORIGIN}/login/toolkit`);
    expect(page.url).toMatch(`${APP_ORIGIN}/auth/toolkit/callback?`);
    expect(page.status).toBe(status);
    expect(page.text).toMatch(message);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect({ users: await countRows(database, 'users'), tokens: await countRows(database, 'tokens') }).toEqual(counts);
    expect((await browser.get(ME)).status).toBe(401);
    await expectBystanderUntouched();
  }

  describe('at sign-in', () => {
    it.each(BAD_ID_TOKENS)('an ID token with $name: 502, nothing stored', async ({ idToken }) => {
      await expectSignInRefused({ idToken }, 502, /failed validation/);
    });

    it.each([
      { name: 'a wrong nonce', idToken: { claims: { nonce: 'another-flow' } } },
      { name: 'no nonce', idToken: { claims: { nonce: undefined } } },
    ])('an ID token with $name: 502, nothing stored', async ({ idToken }) => {
      await expectSignInRefused({ idToken }, 502, /failed validation/);
    });

    it.each(BAD_TOKEN_RESPONSES)('a token response that is $name: $status, nothing stored', async ({ misbehaviour, status, message }) => {
      await expectSignInRefused(misbehaviour, status, message);
    });

    it('userinfo naming another sub than the ID token: 502, nothing stored', async () => {
      await expectSignInRefused({ userinfo: { sub: 'someone-else' } }, 502, /userinfo request/);
    });

    it.each([
      { name: 'missing', callbackIss: null },
      { name: 'another issuer', callbackIss: 'https://evil.example' },
    ])('RFC 9207 iss in the callback $name: 400, no code exchange', async ({ callbackIss }) => {
      const grants = hostile.stats.authorizationCodeGrants;
      await expectSignInRefused({ callbackIss }, 400, /did not come from Toolkit/);
      expect(hostile.stats.authorizationCodeGrants).toBe(grants);
    });

    it('expires_in as a numeric string is read as a number (RFC 6749 leaves no doubt about its meaning)', async () => {
      hostile.misbehave({ tokenEndpoint: { kind: 'edit', set: { expires_in: '300' } } });
      const user = await signInAs(app, hostile, 'numeric-string');
      const token = await app.runtime.tokenStore.findToken(user.userId, 'toolkit');
      expect(token?.expiresAt).toBeGreaterThanOrEqual(now() + 290);
    });
  });

  describe('at refresh', () => {
    const callApi = (user: Signed) =>
      app.runtime.app.inject({ method: 'GET', url: '/api/providers/toolkit/proxy/profile', headers: { cookie: user.cookie } });

    /** Signs a new user in properly, expires their access token, then the refresh meets `misbehaviour`. */
    async function expectRefreshRefused(misbehaviour: Misbehaviour, status: number, code: string): Promise<void> {
      const user = await signInAs(app, hostile, `refresher-${(sequence += 1)}`);
      await expireStoredAccessToken(database, user.userId);
      const before = await app.runtime.tokenStore.findToken(user.userId, 'toolkit');
      const refreshes = hostile.stats.refreshTokenGrants;
      hostile.misbehave(misbehaviour);
      const answer = await callApi(user);
      expect(answer.statusCode).toBe(status);
      expect(JSON.parse(answer.body)).toMatchObject({ error: code });
      expect(hostile.stats.refreshTokenGrants).toBe(refreshes + 1);
      const after = await app.runtime.tokenStore.findToken(user.userId, 'toolkit');
      expect(tokenValues(after)).toEqual(tokenValues(before));
      expect(after).toMatchObject({ status: 'active', lastError: code });
      // Still signed in: only the refresh failed.
      expect((await user.browser.get(ME)).status).toBe(200);
      await expectBystanderUntouched();
    }

    it('works when the provider behaves (the proxy call refreshes first)', async () => {
      const user = await signInAs(app, hostile, 'well-behaved');
      await expireStoredAccessToken(database, user.userId);
      const before = await app.runtime.tokenStore.findToken(user.userId, 'toolkit');
      const answer = await callApi(user);
      expect(answer.statusCode).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({ sub: 'well-behaved' });
      expect((await app.runtime.tokenStore.findToken(user.userId, 'toolkit'))?.accessToken).not.toBe(before?.accessToken);
    });

    it.each([
      ...BAD_ID_TOKENS,
      { name: 'another sub than the stored one', idToken: { claims: { sub: 'someone-else' } } },
    ])('an ID token with $name: 502, the stored tokens unchanged', async ({ idToken }) => {
      await expectRefreshRefused({ idToken }, 502, 'provider_bad_response');
    });

    it.each(BAD_TOKEN_RESPONSES)('a token response that is $name: $status, the stored tokens unchanged', async ({ misbehaviour, status, code }) => {
      await expectRefreshRefused(misbehaviour, status, code);
    });

    it('invalid_grant, by contrast, marks the connection "needs re-auth"', async () => {
      const user = await signInAs(app, hostile, `revoked-${(sequence += 1)}`);
      await expireStoredAccessToken(database, user.userId);
      hostile.misbehave({ tokenEndpoint: { kind: 'json', status: 400, body: { error: 'invalid_grant' } } });
      const answer = await callApi(user);
      expect(answer.statusCode).toBe(401);
      expect(JSON.parse(answer.body)).toMatchObject({ error: 'needs_reauth' });
      expect(await app.runtime.tokenStore.findToken(user.userId, 'toolkit')).toMatchObject({ status: 'needs_reauth' });
      await expectBystanderUntouched();
    });
  });
});

describe('a hostile provider before any sign-in', () => {
  const sqlite = DIALECTS[0]!;
  let database: TestDatabase;
  let hostile: HostileProvider;
  let app: TestApp;

  beforeAll(async () => {
    hostile = await startHostileProvider({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  });
  afterEach(async () => {
    vi.useRealTimers();
    hostile.behave();
    await app?.close();
    await database?.close();
  });
  afterAll(() => hostile?.close());

  async function freshApp(): Promise<void> {
    database = await sqlite.openTestDatabase({ migrate: false });
    app = await startAppAgainst(hostile, database.url);
  }

  it('discovery whose issuer differs from the configured one: 502 at sign-in start, nothing stored', async () => {
    await freshApp();
    hostile.misbehave({ discovery: { issuer: 'https://other.example' } });
    const browser = app.browser();
    const page = await browser.get(`${APP_ORIGIN}/login/toolkit`);
    expect(page.status).toBe(502);
    expect(page.text).toContain('discovery');
    expect(await database.db.selectFrom('login_transactions').selectAll().execute()).toHaveLength(0);
    expect(hostile.stats.authorizations).toBe(0);
    expect((await browser.get(ME)).status).toBe(401);
  });

  it('keys rotated between discovery and the callback: the new published key is fetched and the sign-in works', async () => {
    await freshApp();
    hostile.signInAs({ sub: 'rotated-early' });
    const browser = app.browser();
    const login = await browser.get(`${APP_ORIGIN}/login/toolkit`, { followRedirects: false });
    expect(login.status).toBe(303);
    await hostile.rotateSigningKey();
    const page = await browser.get(login.location!);
    expect(page.url).toBe(`${APP_ORIGIN}/`);
    expect((await browser.get(ME)).status).toBe(200);
  });

  it('keys rotated after the JWKS was cached: refused within the minute (openid-client refetches at most once a minute), accepted after it', async () => {
    await freshApp();
    await signInAs(app, hostile, 'before-rotation');
    const fetches = hostile.stats.jwksFetches;
    await hostile.rotateSigningKey();

    hostile.signInAs({ sub: 'after-rotation' });
    const early = await app.browser().get(`${APP_ORIGIN}/login/toolkit`);
    expect(early.status).toBe(502);
    expect(await countRows(database, 'users')).toBe(1);
    expect(hostile.stats.jwksFetches).toBe(fetches);

    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    vi.setSystemTime(Date.now() + 61_000);
    const later = await signInAs(app, hostile, 'after-rotation');
    expect(later.userId).toBeTruthy();
    expect(hostile.stats.jwksFetches).toBe(fetches + 1);
  });
});
