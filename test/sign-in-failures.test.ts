import { describe, expect, it } from 'vitest';
import type { TestBrowser } from './support/browser.js';
import { describeEachDialect, DIALECTS, type TestDatabase } from './support/postgres.js';
import { signedInUser } from './support/signed-in.js';
import { APP_ORIGIN, startTestApp } from './support/test-app.js';
import { freePort } from './support/free-port.js';
import { useTestApp } from './support/use-test-app.js';

const CALLBACK_PREFIX = `${APP_ORIGIN}/auth/`;

/** Runs a sign-in up to the provider's redirect back to the app, and returns that callback URL without following it. */
async function callbackUrlFor(browser: TestBrowser, username = 'alice'): Promise<URL> {
  const login = await browser.get(`${APP_ORIGIN}/login/toolkit`, { stopAt: CALLBACK_PREFIX });
  // Signed in at the provider already: it redirects straight back.
  if (login.location) return new URL(login.location);
  let page = await browser.submitForm(login, { username, password: username }, { stopAt: CALLBACK_PREFIX });
  if (!page.location) page = await browser.submitForm(page, {}, { stopAt: CALLBACK_PREFIX });
  if (!page.location) throw new Error(`no redirect to the callback (status ${page.status} at ${page.url})`);
  return new URL(page.location);
}

async function tokenRows(database: TestDatabase): Promise<number> {
  const row = await database.db.selectFrom('tokens').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

function withParams(url: URL, change: (params: URLSearchParams) => void): string {
  const copy = new URL(url);
  change(copy.searchParams);
  return copy.toString();
}

describeEachDialect('a sign-in callback that cannot be accepted', (dialect) => {
  /** The app's warnings and errors, as JSON lines. */
  const warnings: string[] = [];
  const { app, database } = useTestApp(dialect, { logLevel: 'warn', logDestination: { write: (line: string) => void warnings.push(line) } });

  it('without state: 400, nothing stored', async () => {
    const browser = app().browser();
    const page = await browser.get(`${APP_ORIGIN}/auth/toolkit/callback?code=abc`);
    expect(page.status).toBe(400);
    expect(page.text).toContain('not valid in this browser');
    expect(await tokenRows(database())).toBe(0);
  });

  it('with a wrong state: 400, and the real callback still works afterwards', async () => {
    const browser = app().browser();
    const callback = await callbackUrlFor(browser);
    const grants = app().provider.stats.authorizationCodeGrants;
    const wrong = await browser.get(withParams(callback, (p) => p.set('state', 'forged-state')));
    expect(wrong.status).toBe(400);
    expect(app().provider.stats.authorizationCodeGrants).toBe(grants);
    expect(await tokenRows(database())).toBe(0);

    const right = await browser.get(callback);
    expect(right.status).toBe(200);
    expect(right.url).toBe(`${APP_ORIGIN}/`);
    expect(await tokenRows(database())).toBe(1);
    await database().db.deleteFrom('users').execute();
  });

  it('opened in another browser (another session): 400, no code exchange', async () => {
    const callback = await callbackUrlFor(app().browser());
    const grants = app().provider.stats.authorizationCodeGrants;
    const page = await app().browser().get(callback);
    expect(page.status).toBe(400);
    expect(app().provider.stats.authorizationCodeGrants).toBe(grants);
    expect(await tokenRows(database())).toBe(0);
  });

  it('replayed after success: 400, and the code is exchanged only once', async () => {
    const browser = app().browser();
    const callback = await callbackUrlFor(browser);
    const grants = app().provider.stats.authorizationCodeGrants;
    expect((await browser.get(callback, { followRedirects: false })).status).toBe(303);
    const replay = await browser.get(callback, { followRedirects: false });
    expect(replay.status).toBe(400);
    expect(app().provider.stats.authorizationCodeGrants).toBe(grants + 1);
    await database().db.deleteFrom('users').execute();
  });

  it('double-submitted at the same time: one succeeds, one gets 400, one code exchange', async () => {
    const browser = app().browser();
    const callback = await callbackUrlFor(browser);
    const grants = app().provider.stats.authorizationCodeGrants;
    const answers = await Promise.all([browser.get(callback, { followRedirects: false }), browser.get(callback, { followRedirects: false })]);
    expect(answers.map((a) => a.status).sort()).toEqual([303, 400]);
    expect(app().provider.stats.authorizationCodeGrants).toBe(grants + 1);
    expect(await tokenRows(database())).toBe(1);
    await database().db.deleteFrom('users').execute();
  });

  it('carrying an error from the provider: an escaped message, no token request', async () => {
    const browser = app().browser();
    const callback = await callbackUrlFor(browser);
    const before = { ...app().provider.stats };
    const page = await browser.get(
      withParams(callback, (p) => {
        p.delete('code');
        p.set('error', 'access_denied');
        p.set('error_description', '<script>alert(1)</script>');
      }),
    );
    expect(page.status).toBe(400);
    expect(page.text).toContain('was cancelled');
    expect(page.text).not.toContain('<script>alert(1)');
    expect(app().provider.stats.authorizationCodeGrants).toBe(before.authorizationCodeGrants);
    expect(app().provider.stats.grantErrors).toBe(before.grantErrors);
    expect(await tokenRows(database())).toBe(0);

    const other = await callbackUrlFor(browser);
    const odd = await browser.get(withParams(other, (p) => { p.delete('code'); p.set('error', '<b>server_error</b>'); }));
    expect(odd.status).toBe(400);
    expect(odd.text).toContain('&lt;b&gt;server_error&lt;/b&gt;');

    // An error no provider would send: a long one, with a line break to forge a log line, is cut and neutralised.
    const forged = await browser.get(withParams(await callbackUrlFor(browser), (p) => { p.delete('code'); p.set('error', `x\nINFO forged line ${'y'.repeat(500)}`); }));
    expect(forged.status).toBe(400);
    expect(forged.text).toMatch(/could not complete the sign-in \(x\?INFO forged line y{45}…\)/);
    expect(forged.text).not.toContain('y'.repeat(100));
  });

  it('with an issuer (RFC 9207 iss) missing or different: 400, no code exchange, and a warning naming both issuers', async () => {
    const browser = app().browser();
    const cases: Array<[(p: URLSearchParams) => void, string | null]> = [
      [(p) => p.delete('iss'), null],
      [(p) => p.set('iss', 'https://evil.example'), 'https://evil.example'],
    ];
    for (const [change, receivedIssuer] of cases) {
      const callback = await callbackUrlFor(browser);
      expect(callback.searchParams.get('iss')).toBe(app().provider.issuer);
      const grants = app().provider.stats.authorizationCodeGrants;
      warnings.length = 0;
      const page = await browser.get(withParams(callback, change));
      expect(page.status).toBe(400);
      expect(page.text).toContain('did not come from Toolkit');
      expect(app().provider.stats.authorizationCodeGrants).toBe(grants);
      expect(warnings.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
        expect.objectContaining({
          level: 40,
          msg: 'sign-in response refused: its issuer (RFC 9207 iss) is not the one the sign-in was started with',
          provider: 'toolkit',
          expectedIssuer: app().provider.issuer,
          receivedIssuer,
        }),
      ]);
    }
    expect(await tokenRows(database())).toBe(0);
  });

  it('without a code, or with two: 400 invalid_callback (a malformed callback, not a provider failure), no code exchange', async () => {
    const browser = app().browser();
    const changes: Array<(p: URLSearchParams) => void> = [(p) => p.delete('code'), (p) => p.append('code', 'another-code')];
    for (const change of changes) {
      const callback = await callbackUrlFor(browser);
      const grants = app().provider.stats.authorizationCodeGrants;
      warnings.length = 0;
      const page = await browser.get(withParams(callback, change), { headers: { accept: 'application/json' } });
      expect(page.status).toBe(400);
      expect(JSON.parse(page.text)).toMatchObject({ error: 'invalid_callback', message: expect.stringContaining('needs exactly one code') });
      expect(app().provider.stats.authorizationCodeGrants).toBe(grants);
      // Not the issuer's doing: no issuer warning.
      expect(warnings).toEqual([]);
    }
    expect(await tokenRows(database())).toBe(0);
  });

  it('with a code that was already used, under a fresh state: the provider refuses, 400, nothing changes', async () => {
    const browser = app().browser();
    const first = await callbackUrlFor(browser);
    await browser.get(first);
    const stored = await database().db.selectFrom('tokens').select(['id', 'updated_at', 'access_token']).executeTakeFirstOrThrow();

    const second = await callbackUrlFor(browser);
    const errors = app().provider.stats.grantErrors;
    const page = await browser.get(withParams(second, (p) => p.set('code', first.searchParams.get('code')!)));
    expect(page.status).toBe(400);
    expect(page.text).toContain('did not accept this sign-in');
    expect(app().provider.stats.grantErrors).toBe(errors + 1);
    const after = await database().db.selectFrom('tokens').select(['id', 'updated_at', 'access_token']).execute();
    expect(after).toEqual([stored]);
    await database().db.deleteFrom('users').execute();
  });

  it('for an unknown provider: a 404 page; errors are JSON from JSON routes and for requests that ask for JSON, whatever the URL', async () => {
    const browser = app().browser();
    expect((await browser.get(`${APP_ORIGIN}/login/nope`)).status).toBe(404);
    const callback = await browser.get(`${APP_ORIGIN}/auth/nope/callback?code=x&state=y`);
    expect(callback.status).toBe(404);
    expect(callback.text).toContain('No provider named');
    const asked = await browser.get(`${APP_ORIGIN}/api/nothing-here`, { headers: { accept: 'application/json' } });
    expect(asked.status).toBe(404);
    expect(JSON.parse(asked.text)).toEqual({ error: 'not_found', message: 'There is nothing at this address.' });
    // Under /api/ every answer is JSON, whatever the request accepts.
    const underApi = await browser.get(`${APP_ORIGIN}/api/nothing-here`, { headers: { accept: 'text/html,*/*' } });
    expect(underApi.status).toBe(404);
    expect(JSON.parse(underApi.text)).toEqual({ error: 'not_found', message: 'There is nothing at this address.' });
    // A form posted to an address no route has changes nothing: 404, not a CSRF refusal.
    const posted = await app().runtime.app.inject({ method: 'POST', url: '/acount/connections/toolkit', payload: { x: '1' } });
    expect(posted.statusCode).toBe(404);
    const page = await browser.get(`${APP_ORIGIN}/somewhere`, { headers: { accept: 'text/html,application/xhtml+xml,application/json;q=0.9' } });
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(JSON.parse((await browser.get(`${APP_ORIGIN}/api/me`)).text)).toMatchObject({ error: 'unauthorized' });
    // A JSON route outside /api/ answers its errors in JSON too.
    const disconnect = await app().runtime.app.inject({ method: 'DELETE', url: '/account/connections/toolkit' });
    expect(disconnect.headers['content-type']).toContain('application/json');
    expect(disconnect.statusCode).toBe(403);
    expect(JSON.parse(disconnect.body)).toMatchObject({ error: 'csrf_failed' });
  });
});

describe('the provider\'s error_description', () => {
  it('is logged beside its error, for the operator (Okta says there why it refused), cut to what a log line takes; the page never shows it', async () => {
    const database = await DIALECTS[0]!.openTestDatabase({ migrate: false });
    const lines: string[] = [];
    const app = await startTestApp({ databaseUrl: database.url, logLevel: 'info', logDestination: { write: (line: string) => void lines.push(line) } });
    const refusals = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.providerError !== undefined);
    try {
      const browser = app.browser();
      const refused = await browser.get(
        withParams(await callbackUrlFor(browser), (p) => {
          p.delete('code');
          p.set('error', 'access_denied');
          p.set('error_description', `User is not assigned to the client application.\n${'x'.repeat(400)}`);
        }),
      );
      expect(refused.status).toBe(400);
      expect(refused.text).not.toContain('not assigned');
      const [logged] = refusals();
      expect(logged).toMatchObject({ code: 'access_denied', providerError: 'access_denied' });
      expect(logged!.providerErrorDescription).toBe(`User is not assigned to the client application.?${'x'.repeat(252)}…`);

      // From the token endpoint too: the dev provider's reason for refusing a code.
      lines.length = 0;
      const used = await callbackUrlFor(browser);
      await browser.get(used);
      const again = await callbackUrlFor(browser);
      expect((await browser.get(withParams(again, (p) => p.set('code', used.searchParams.get('code')!)))).status).toBe(400);
      expect(refusals()).toEqual([expect.objectContaining({ code: 'invalid_grant', providerError: 'invalid_grant', providerErrorDescription: expect.stringMatching(/\w/) })]);
    } finally {
      await app.close();
      await database.close();
    }
  });
});

describe('a provider that is down', () => {
  const sqlite = DIALECTS[0]!;

  it('at sign-in start: 503 with a clear page, nothing stored', async () => {
    const database = await sqlite.openTestDatabase({ migrate: false });
    const port = await freePort();
    const app = await startTestApp({ databaseUrl: database.url, env: { TOOLKIT_ISSUER: `http://127.0.0.1:${port}` } });
    try {
      const page = await app.browser().get(`${APP_ORIGIN}/login/toolkit`);
      expect(page.status).toBe(503);
      expect(page.text).toContain('Toolkit could not be reached');
      const sessions = await database.db.selectFrom('login_transactions').selectAll().execute();
      expect(sessions).toHaveLength(0);
    } finally {
      await app.close();
      await database.close();
    }
  });

  it('at the callback: 503, no token stored, and the app keeps serving', async () => {
    const database = await sqlite.openTestDatabase({ migrate: false });
    const app = await startTestApp({ databaseUrl: database.url });
    try {
      const browser = app.browser();
      const callback = await callbackUrlFor(browser);
      await app.provider.close();
      const page = await browser.get(callback);
      expect(page.status).toBe(503);
      expect(page.text).toContain('could not be reached');
      expect(await tokenRows(database)).toBe(0);
      expect((await browser.get(`${APP_ORIGIN}/healthz`)).status).toBe(200);
    } finally {
      await app.close();
      await database.close();
    }
  });
});

describe('sign-in rate limit', () => {
  it('LOGIN_RATE_LIMIT sign-in starts and callbacks per minute per client IP, then 429 with a clear page', async () => {
    const database = await DIALECTS[0]!.openTestDatabase({ migrate: false });
    const app = await startTestApp({ databaseUrl: database.url, env: { LOGIN_RATE_LIMIT: '2' } });
    try {
      const browser = app.browser();
      const statuses: number[] = [];
      for (let i = 0; i < 3; i += 1) statuses.push((await browser.get(`${APP_ORIGIN}/login/toolkit`, { followRedirects: false })).status);
      expect(statuses).toEqual([303, 303, 429]);
      const callbacks: number[] = [];
      for (let i = 0; i < 3; i += 1) callbacks.push((await browser.get(`${APP_ORIGIN}/auth/toolkit/callback?state=x`)).status);
      expect(callbacks).toEqual([400, 400, 429]);
      expect((await browser.get(`${APP_ORIGIN}/login/toolkit`)).text).toContain('Too many requests');
      expect((await browser.get(`${APP_ORIGIN}/`)).status).toBe(200);
    } finally {
      await app.close();
      await database.close();
    }
  });

  it('counts "Refresh now" too: each one is a request to the provider on the shared client, so no one can drain its quota', async () => {
    const database = await DIALECTS[0]!.openTestDatabase({ migrate: false });
    const app = await startTestApp({ databaseUrl: database.url, env: { LOGIN_RATE_LIMIT: '2' } });
    try {
      const alice = await signedInUser(app, 'alice');
      const grants = app.provider.stats.refreshTokenGrants;
      const statuses: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        statuses.push((await alice.browser.post(`${APP_ORIGIN}/account/connections/toolkit/refresh`, { _csrf: alice.csrfToken }, { followRedirects: false })).status);
      }
      expect(statuses).toEqual([303, 303, 429]);
      expect(app.provider.stats.refreshTokenGrants).toBe(grants + 2);
    } finally {
      await app.close();
      await database.close();
    }
  });
});
