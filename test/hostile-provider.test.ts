// The security checklist, "Sign-in" and "Tokens": every hostile answer of a provider is
// refused, at sign-in and at refresh, with its exact status and error code
// (4xx for a bad callback, 502/503/504 for a provider fault, never 500),
// nothing stored, the user not signed in, and whoever was signed in before
// left untouched.
import type pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ErrorCode } from '../src/client/error-codes.js';
import { setUserFlags } from '../src/db/user.repository.js';
import type { StoredTokenSet } from '../src/client/token-store.js';
import type { TestBrowser } from './support/browser.js';
import { startHostileProvider, type HostileProvider, type IdTokenMisbehaviour, type Misbehaviour } from './support/hostile-provider.js';
import { describeEachDialect, DIALECTS, type TestDatabase } from './support/postgres.js';
import { expireStoredAccessToken } from './support/signed-in.js';
import { APP_ORIGIN, CLIENT_ID, CLIENT_SECRET, type TestApp } from './support/test-app.js';
import { useTestApp, type UseTestAppOptions } from './support/use-test-app.js';

const ME = `${APP_ORIGIN}/api/me`;
const CALLBACK = `${APP_ORIGIN}/auth/toolkit/callback`;
/** A request that prefers JSON gets the error as `{ error, message }` (README, "Errors"). */
const JSON_PLEASE = { accept: 'application/json' };
const now = () => Math.floor(Date.now() / 1000);

/** The log lines the app writes, parsed, for the fields an answer does not carry (`providerError`). */
class LogLines implements pino.DestinationStream {
  lines: Array<Record<string, unknown>> = [];
  write(line: string): void {
    this.lines.push(JSON.parse(line) as Record<string, unknown>);
  }
  /** What the error handler logged for each refused request since the last call: its code and the provider's own error value. */
  takeErrors(): Array<{ code: unknown; providerError: unknown }> {
    const errors = this.lines.filter((line) => line.code !== undefined).map((line) => ({ code: line.code, providerError: line.providerError ?? null }));
    this.lines = [];
    return errors;
  }
}

/** The app's "toolkit" provider pointed at the hostile provider (the dev provider startTestApp also starts is not used). */
function againstHostile(hostile: HostileProvider, log?: LogLines): UseTestAppOptions {
  return {
    env: {
      TOOLKIT_ISSUER: hostile.issuer,
      TOOLKIT_CLIENT_ID: CLIENT_ID,
      TOOLKIT_CLIENT_SECRET: CLIENT_SECRET,
      TOOLKIT_API_BASE_URL: `${hostile.issuer}/api`,
      PROVIDER_TIMEOUT_SECONDS: '1',
    },
    ...(log ? { logDestination: log, logLevel: 'info' } : {}),
  };
}

/** The ids of every user, identity (account) and token row: equal before and after means nothing was created or removed. */
async function storedRows(database: TestDatabase): Promise<Record<'users' | 'accounts' | 'tokens', string[]>> {
  const ids = async (table: 'users' | 'accounts' | 'tokens') =>
    (await database.db.selectFrom(table).select('id').orderBy('id').execute()).map((row) => String(row.id));
  return { users: await ids('users'), accounts: await ids('accounts'), tokens: await ids('tokens') };
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

/** How a refusal must look: its status and code, its message, and the provider's own error value (null: none, as for every validation failure). */
interface Refusal {
  status: number;
  code: ErrorCode;
  message: RegExp;
  providerError: string | null;
}

const past = now() - 3600;

/** ID tokens that must be refused wherever they come from: each fails validation, so 502 `provider_bad_response`. */
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

const ID_TOKEN_REFUSAL: Refusal = { status: 502, code: 'provider_bad_response', message: /failed validation/, providerError: null };

const HUGE = `{"access_token":"${'x'.repeat(1024 * 1024 + 1)}","token_type":"Bearer"}`;

/** Token endpoint answers that must be refused, and the refusal each becomes (at sign-in and at refresh alike, but for the wording of a refusal). */
const BAD_TOKEN_RESPONSES: Array<{ name: string; misbehaviour: Misbehaviour } & Omit<Refusal, 'message'> & { message: RegExp | { signIn: RegExp; refresh: RegExp } }> = [
  { name: 'null', misbehaviour: { tokenEndpoint: { kind: 'json', body: null } }, status: 502, code: 'provider_bad_response', message: /failed validation/, providerError: null },
  { name: '[]', misbehaviour: { tokenEndpoint: { kind: 'json', body: [] } }, status: 502, code: 'provider_bad_response', message: /failed validation/, providerError: null },
  { name: 'an HTML page', misbehaviour: { tokenEndpoint: { kind: 'raw', contentType: 'text/html', body: '<html><body>Maintenance</body></html>' } }, status: 502, code: 'provider_bad_response', message: /failed validation/, providerError: null },
  // RFC 6749 §5.2 errors come with HTTP 400 (or 401): a 200 is a token response, and this one has no access_token.
  { name: '200 with an error member', misbehaviour: { tokenEndpoint: { kind: 'json', body: { error: 'invalid_request' } } }, status: 502, code: 'provider_bad_response', message: /failed validation/, providerError: null },
  { name: 'no access_token', misbehaviour: { tokenEndpoint: { kind: 'edit', set: { access_token: undefined } } }, status: 502, code: 'provider_bad_response', message: /failed validation/, providerError: null },
  { name: 'expires_in as a word', misbehaviour: { tokenEndpoint: { kind: 'edit', set: { expires_in: 'soon' } } }, status: 502, code: 'provider_bad_response', message: /failed validation/, providerError: null },
  // The code is the contract; the wording is either (openid-client wraps the read error in its own ClientError, so the app says "failed validation").
  { name: 'a body over 1 MiB (Content-Length)', misbehaviour: { tokenEndpoint: { kind: 'raw', contentType: 'application/json', body: HUGE } }, status: 502, code: 'provider_bad_response', message: /with more than we read/, providerError: null },
  { name: 'a body over 1 MiB (chunked)', misbehaviour: { tokenEndpoint: { kind: 'raw', contentType: 'application/json', body: HUGE, chunked: true } }, status: 502, code: 'provider_bad_response', message: /with more than we read/, providerError: null },
  // A refusal of a request that should have worked (RFC 6749 §5.2): the provider's own value is kept as providerError, never used as our code.
  {
    name: 'a 400 refusal (unauthorized_client)',
    misbehaviour: { tokenEndpoint: { kind: 'json', status: 400, body: { error: 'unauthorized_client' } } },
    status: 502,
    code: 'provider_error',
    message: { signIn: /refused the sign-in \(unauthorized_client\); check the client id/, refresh: /refused the token refresh \(unauthorized_client\)/ },
    providerError: 'unauthorized_client',
  },
  { name: '500', misbehaviour: { tokenEndpoint: { kind: 'json', status: 500, body: { error: 'server_error' } } }, status: 502, code: 'provider_error', message: /failed the .* \(HTTP 500\)/, providerError: null },
  { name: '503 with Retry-After', misbehaviour: { tokenEndpoint: { kind: 'raw', status: 503, contentType: 'text/html', body: 'busy', headers: { 'retry-after': '120' } } }, status: 503, code: 'provider_unavailable', message: /temporarily unavailable \(HTTP 503\)/, providerError: null },
  // The provider timeout is a real one (an AbortSignal on the request, over a socket): this waits the 1 s it is set
  // to at sign-in, and twice that at refresh (a refresh's answer may carry the only copy of a rotated refresh token).
  { name: 'an answer slower than twice PROVIDER_TIMEOUT_SECONDS', misbehaviour: { tokenEndpoint: { kind: 'slow', ms: 2_500 } }, status: 504, code: 'provider_timeout', message: /did not answer .* in time/, providerError: null },
  { name: 'a connection reset', misbehaviour: { tokenEndpoint: { kind: 'reset' } }, status: 503, code: 'provider_unreachable', message: /could not be reached/, providerError: null },
  // Outbound requests go only to the provider's own endpoints: a redirect elsewhere is not followed.
  // Were it followed, port 9 would refuse the connection and the answer would be 503 provider_unreachable.
  { name: 'a redirect to another host', misbehaviour: { tokenEndpoint: { kind: 'raw', status: 307, contentType: 'text/plain', body: '', headers: { location: 'http://127.0.0.1:9/token' } } }, status: 502, code: 'provider_bad_response', message: /HTTP 307, a redirect to http:\/\/127\.0\.0\.1:9\/token, which is not followed/, providerError: null },
];

function refusalAt(step: 'signIn' | 'refresh', { status, code, message, providerError }: (typeof BAD_TOKEN_RESPONSES)[number]): Refusal {
  return { status, code, providerError, message: message instanceof RegExp ? message : message[step] };
}

describeEachDialect('a hostile provider', (dialect) => {
  let hostile: HostileProvider;
  const log = new LogLines();
  let bystander: Signed;
  let bystanderToken: ReturnType<typeof tokenValues>;
  let sequence = 0;

  beforeAll(async () => {
    hostile = await startHostileProvider({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  });
  afterAll(() => hostile?.close());
  const { app, database } = useTestApp(dialect, () => againstHostile(hostile, log));
  beforeAll(async () => {
    bystander = await signInAs(app(), hostile, 'bystander');
    bystanderToken = tokenValues(await app().runtime.tokenStore.findToken(bystander.userId, 'toolkit'));
  });
  afterEach(() => hostile?.behave());

  /** Whoever was signed in before still is, with the same tokens. */
  async function expectBystanderUntouched(): Promise<void> {
    expect((await bystander.browser.get(ME)).status).toBe(200);
    expect(tokenValues(await app().runtime.tokenStore.findToken(bystander.userId, 'toolkit'))).toEqual(bystanderToken);
  }

  /**
   * A first sign-in of a new subject while the provider misbehaves: its
   * callback (asked for as JSON, to read the code) is refused as `refusal`
   * says, and no user, identity or token row is created.
   */
  async function expectSignInRefused(misbehaviour: Misbehaviour, refusal: Refusal): Promise<void> {
    const rows = await storedRows(database());
    hostile.signInAs({ sub: `newcomer-${(sequence += 1)}` });
    hostile.misbehave(misbehaviour);
    const browser = app().browser();
    const redirect = await browser.get(`${APP_ORIGIN}/login/toolkit`, { stopAt: CALLBACK });
    expect(redirect.location).toMatch(`${CALLBACK}?`);
    log.takeErrors();
    const callback = await browser.get(redirect.location!, { headers: JSON_PLEASE });
    expect(callback.status).toBe(refusal.status);
    expect(callback.headers.get('content-type')).toContain('application/json');
    expect(JSON.parse(callback.text)).toEqual({ error: refusal.code, message: expect.stringMatching(refusal.message) });
    expect(log.takeErrors()).toEqual([{ code: refusal.code, providerError: refusal.providerError }]);
    expect(await storedRows(database())).toEqual(rows);
    expect((await browser.get(ME)).status).toBe(401);
    await expectBystanderUntouched();
  }

  describe('at sign-in', () => {
    it.each(BAD_ID_TOKENS)('an ID token with $name: 502 provider_bad_response, nothing stored', async ({ idToken }) => {
      await expectSignInRefused({ idToken }, ID_TOKEN_REFUSAL);
    });

    it.each([
      { name: 'a wrong nonce', idToken: { claims: { nonce: 'another-flow' } } },
      { name: 'no nonce', idToken: { claims: { nonce: undefined } } },
    ])('an ID token with $name: 502 provider_bad_response, nothing stored', async ({ idToken }) => {
      await expectSignInRefused({ idToken }, ID_TOKEN_REFUSAL);
    });

    it.each(BAD_TOKEN_RESPONSES)('a token response that is $name: $status $code, nothing stored', async (bad) => {
      await expectSignInRefused(bad.misbehaviour, refusalAt('signIn', bad));
    });

    it('userinfo naming another sub than the ID token: 502 provider_bad_response, nothing stored', async () => {
      await expectSignInRefused({ userinfo: { sub: 'someone-else' } }, { status: 502, code: 'provider_bad_response', message: /userinfo request/, providerError: null });
    });

    it.each([
      { name: 'missing', callbackIss: null },
      { name: 'another issuer', callbackIss: 'https://evil.example' },
    ])('RFC 9207 iss in the callback $name: 400 invalid_callback, no code exchange', async ({ callbackIss }) => {
      const grants = hostile.stats.authorizationCodeGrants;
      await expectSignInRefused({ callbackIss }, { status: 400, code: 'invalid_callback', message: /did not come from Toolkit/, providerError: null });
      expect(hostile.stats.authorizationCodeGrants).toBe(grants);
    });

    it('a browser is shown the refusal as a page with the same status and message, and is not signed in', async () => {
      const rows = await storedRows(database());
      hostile.signInAs({ sub: `newcomer-${(sequence += 1)}` });
      hostile.misbehave({ idToken: { signing: 'none' } });
      const browser = app().browser();
      const page = await browser.get(`${APP_ORIGIN}/login/toolkit`);
      expect(page.url).toMatch(`${CALLBACK}?`);
      expect(page.status).toBe(502);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.text).toMatch(/<p class="error-message">Toolkit gave an answer to the sign-in that failed validation/);
      expect(await storedRows(database())).toEqual(rows);
      expect((await browser.get(ME)).status).toBe(401);
    });

    it('expires_in as a numeric string is read as a number (RFC 6749 leaves no doubt about its meaning)', async () => {
      hostile.misbehave({ tokenEndpoint: { kind: 'edit', set: { expires_in: '300' } } });
      const user = await signInAs(app(), hostile, 'numeric-string');
      const token = await app().runtime.tokenStore.findToken(user.userId, 'toolkit');
      expect(token?.expiresAt).toBeGreaterThanOrEqual(now() + 290);
    });
    // openid-client takes any number of 0 or more as expires_in; refresh_token_expires_in (not in RFC 6749) is read
    // by Tokenkeeper alone. What is stored must fit a PostgreSQL bigint read back as a JavaScript number, and every
    // page that shows it must still answer (a Date ends in the year 275760).
    it.each([
      { name: 'a fractional expires_in', set: { expires_in: 300.5 }, expiresIn: 300, refreshTokenExpiresIn: null },
      { name: 'an expires_in past the year 9999', set: { expires_in: 1e13 }, expiresIn: null, refreshTokenExpiresIn: null },
      { name: 'an expires_in of 1e300', set: { expires_in: 1e300 }, expiresIn: null, refreshTokenExpiresIn: null },
      { name: 'a refresh_token_expires_in past the year 275760', set: { refresh_token_expires_in: 1e13 }, expiresIn: 300, refreshTokenExpiresIn: null },
      { name: 'the largest safe integer as refresh_token_expires_in', set: { refresh_token_expires_in: Number.MAX_SAFE_INTEGER }, expiresIn: 300, refreshTokenExpiresIn: null },
      { name: 'a refresh_token_expires_in of a year', set: { refresh_token_expires_in: 31_536_000 }, expiresIn: 300, refreshTokenExpiresIn: 31_536_000 },
    ])('$name: the sign-in works, the expiry is kept in whole seconds up to the year 9999, and the pages showing it answer', async ({ set, expiresIn, refreshTokenExpiresIn }) => {
      hostile.misbehave({ tokenEndpoint: { kind: 'edit', set } });
      const before = now();
      const user = await signInAs(app(), hostile, `lifetime-${(sequence += 1)}`);
      hostile.behave();
      const token = await app().runtime.tokenStore.findToken(user.userId, 'toolkit');
      const within = (at: number | null | undefined, seconds: number | null) =>
        seconds === null ? expect(at ?? null).toBeNull() : expect(at).toSatisfy((value: number) => value >= before + seconds && value <= now() + seconds);
      within(token?.expiresAt, expiresIn);
      within(token?.refreshTokenExpiresAt, refreshTokenExpiresIn);
      const me = await user.browser.get(ME);
      expect(me.status).toBe(200);
      expect(JSON.parse(me.text).connections[0]).toMatchObject({ expiresAt: token?.expiresAt ?? null, refreshTokenExpiresAt: token?.refreshTokenExpiresAt ?? null });
      expect((await user.browser.get(`${APP_ORIGIN}/account`)).status).toBe(200);
      await setUserFlags(database().db, user.userId, { isStaff: true });
      const [row] = await database().db.selectFrom('tokens').select('id').where('user_id', '=', user.userId).execute();
      for (const url of ['/admin/tokens', `/admin/tokens/${row!.id}`]) {
        expect((await app().runtime.app.inject({ url, headers: { cookie: user.cookie } })).statusCode, url).toBe(200);
      }
    });
  });

  describe('at refresh', () => {
    const callApi = (user: Signed) =>
      app().runtime.app.inject({ method: 'GET', url: '/api/providers/toolkit/proxy/profile', headers: { cookie: user.cookie } });

    /**
     * Signs a new user in properly, expires their access token, then the
     * refresh meets `misbehaviour`: the proxied call is refused as `refusal`
     * says, the stored tokens are the ones from before, and no row is created.
     */
    async function expectRefreshRefused(misbehaviour: Misbehaviour, refusal: Refusal): Promise<void> {
      const user = await signInAs(app(), hostile, `refresher-${(sequence += 1)}`);
      await expireStoredAccessToken(database(), user.userId);
      const before = await app().runtime.tokenStore.findToken(user.userId, 'toolkit');
      const rows = await storedRows(database());
      const refreshes = hostile.stats.refreshTokenGrants;
      hostile.misbehave(misbehaviour);
      log.takeErrors();
      const answer = await callApi(user);
      expect(answer.statusCode).toBe(refusal.status);
      expect(JSON.parse(answer.body)).toEqual({ error: refusal.code, message: expect.stringMatching(refusal.message) });
      expect(log.takeErrors()).toEqual([{ code: refusal.code, providerError: refusal.providerError }]);
      expect(hostile.stats.refreshTokenGrants).toBe(refreshes + 1);
      const after = await app().runtime.tokenStore.findToken(user.userId, 'toolkit');
      expect(tokenValues(after)).toEqual(tokenValues(before));
      expect(after).toMatchObject({ status: 'active', lastError: refusal.code });
      expect(await storedRows(database())).toEqual(rows);
      // Still signed in: only the refresh failed.
      expect((await user.browser.get(ME)).status).toBe(200);
      await expectBystanderUntouched();
    }

    it('works when the provider behaves (the proxy call refreshes first)', async () => {
      const user = await signInAs(app(), hostile, 'well-behaved');
      await expireStoredAccessToken(database(), user.userId);
      const before = await app().runtime.tokenStore.findToken(user.userId, 'toolkit');
      const refreshes = hostile.stats.refreshTokenGrants;
      const answer = await callApi(user);
      expect(answer.statusCode).toBe(200);
      expect(JSON.parse(answer.body)).toEqual({ sub: 'well-behaved', name: 'User well-behaved', email: 'well-behaved@hostile.test' });
      expect(hostile.stats.refreshTokenGrants).toBe(refreshes + 1);
      const after = await app().runtime.tokenStore.findToken(user.userId, 'toolkit');
      expect(after?.accessToken).not.toBe(before?.accessToken);
      expect(after?.refreshToken).not.toBe(before?.refreshToken);
      expect(after).toMatchObject({ status: 'active', lastError: null });
    });

    it.each(BAD_ID_TOKENS)('an ID token with $name: 502 provider_bad_response, the stored tokens unchanged', async ({ idToken }) => {
      await expectRefreshRefused({ idToken }, ID_TOKEN_REFUSAL);
    });

    it('an ID token naming another sub than the stored one: 502 provider_bad_response, the stored tokens unchanged', async () => {
      // OIDC Core §12.2: a refreshed ID token names the same issuer, subject and audience as the one from the sign-in.
      await expectRefreshRefused({ idToken: { claims: { sub: 'someone-else' } } }, { ...ID_TOKEN_REFUSAL, message: /an ID token for a different identity on refresh/ });
    });

    it.each(BAD_TOKEN_RESPONSES)('a token response that is $name: $status $code, the stored tokens unchanged', async (bad) => {
      await expectRefreshRefused(bad.misbehaviour, refusalAt('refresh', bad));
    });

    it('a refresh answered with a lifetime past the year 9999 is saved without it, and the connection still reads back', async () => {
      const user = await signInAs(app(), hostile, `long-lived-${(sequence += 1)}`);
      await expireStoredAccessToken(database(), user.userId);
      hostile.misbehave({ tokenEndpoint: { kind: 'edit', set: { expires_in: 1e300, refresh_token_expires_in: Number.MAX_SAFE_INTEGER } } });
      expect((await callApi(user)).statusCode).toBe(200);
      hostile.behave();
      expect(await app().runtime.tokenStore.findToken(user.userId, 'toolkit')).toMatchObject({ status: 'active', expiresAt: null, refreshTokenExpiresAt: null });
      expect((await user.browser.get(ME)).status).toBe(200);
      expect((await user.browser.get(`${APP_ORIGIN}/account`)).status).toBe(200);
    });

    it('invalid_grant, by contrast, marks the connection "needs re-auth" (401 needs_reauth), its tokens kept for inspection', async () => {
      const user = await signInAs(app(), hostile, `revoked-${(sequence += 1)}`);
      await expireStoredAccessToken(database(), user.userId);
      const before = await app().runtime.tokenStore.findToken(user.userId, 'toolkit');
      hostile.misbehave({ tokenEndpoint: { kind: 'json', status: 400, body: { error: 'invalid_grant' } } });
      const answer = await callApi(user);
      expect(answer.statusCode).toBe(401);
      expect(JSON.parse(answer.body)).toEqual({ error: 'needs_reauth', message: 'Your Toolkit connection has expired. Sign in with Toolkit again.' });
      const after = await app().runtime.tokenStore.findToken(user.userId, 'toolkit');
      expect(after).toMatchObject({ status: 'needs_reauth', lastError: 'invalid_grant' });
      expect(tokenValues(after)).toEqual(tokenValues(before));
      await expectBystanderUntouched();
    });
  });
});

describe('a hostile provider before any sign-in', () => {
  let hostile: HostileProvider;

  beforeAll(async () => {
    hostile = await startHostileProvider({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  });
  afterAll(() => hostile?.close());
  // Each test starts with an app that has not yet read the provider's discovery document or keys.
  const { app, database } = useTestApp(DIALECTS[0]!, () => againstHostile(hostile), { perTest: true });
  afterEach(() => {
    vi.useRealTimers();
    hostile.behave();
  });

  it('discovery whose issuer differs from the configured one: 502 provider_bad_response at sign-in start, nothing stored', async () => {
    hostile.misbehave({ discovery: { issuer: 'https://other.example' } });
    const browser = app().browser();
    const page = await browser.get(`${APP_ORIGIN}/login/toolkit`, { headers: JSON_PLEASE });
    expect(page.status).toBe(502);
    expect(JSON.parse(page.text)).toEqual({ error: 'provider_bad_response', message: expect.stringMatching(/^Toolkit's discovery document at .* names the issuer https:\/\/other\.example, not /) });
    expect(await database().db.selectFrom('login_transactions').selectAll().execute()).toHaveLength(0);
    expect(hostile.stats.authorizations).toBe(0);
    expect((await browser.get(ME)).status).toBe(401);
  });

  it('keys rotated between discovery and the callback: the new published key is fetched and the sign-in works', async () => {
    hostile.signInAs({ sub: 'rotated-early' });
    const browser = app().browser();
    const login = await browser.get(`${APP_ORIGIN}/login/toolkit`, { followRedirects: false });
    expect(login.status).toBe(303);
    await hostile.rotateSigningKey();
    const page = await browser.get(login.location!);
    expect(page.url).toBe(`${APP_ORIGIN}/`);
    expect((await browser.get(ME)).status).toBe(200);
  });

  it('keys rotated after the JWKS was cached: refused within the minute (openid-client refetches at most once a minute), accepted after it', async () => {
    await signInAs(app(), hostile, 'before-rotation');
    const fetches = hostile.stats.jwksFetches;
    await hostile.rotateSigningKey();

    hostile.signInAs({ sub: 'after-rotation' });
    const rows = await storedRows(database());
    const browser = app().browser();
    const redirect = await browser.get(`${APP_ORIGIN}/login/toolkit`, { stopAt: CALLBACK });
    const early = await browser.get(redirect.location!, { headers: JSON_PLEASE });
    expect(early.status).toBe(502);
    expect(JSON.parse(early.text)).toEqual({ error: 'provider_bad_response', message: expect.stringMatching(/failed validation/) });
    expect(await storedRows(database())).toEqual(rows);
    expect(hostile.stats.jwksFetches).toBe(fetches);

    // openid-client's clock is Date: moved a minute on instead of waiting one.
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    vi.setSystemTime(Date.now() + 61_000);
    const later = await signInAs(app(), hostile, 'after-rotation');
    expect((await storedRows(database())).users).toContain(later.userId);
    expect(hostile.stats.jwksFetches).toBe(fetches + 1);
  });
});
