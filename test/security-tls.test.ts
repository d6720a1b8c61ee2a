import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevProvider } from '../src/dev-provider/index.js';
import { TestBrowser } from './support/browser.js';
import { injectFetch } from './support/inject-fetch.js';
import { DIALECTS, type TestDatabase } from './support/postgres.js';
import { createTestCertificates, type TestCertificates } from './support/test-certificates.js';
import { APP_ORIGIN, signIn, startTestApp, startTestProvider, type TestApp } from './support/test-app.js';

/** A browser that reaches the app in-process and trusts the test CA for the provider (as a user's browser would, once told to). */
function trustingBrowser(app: TestApp, agent: Agent): TestBrowser {
  const toApp = injectFetch(app.runtime.app, APP_ORIGIN);
  const fetchVia = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    if (url.origin === APP_ORIGIN) return toApp(input, init);
    return undiciFetch(url, { ...(init as object), dispatcher: agent } as never);
  }) as typeof fetch;
  return new TestBrowser({ fetch: fetchVia });
}

describe('a provider served over HTTPS with a certificate from a private CA', () => {
  const dialect = DIALECTS[0]!;
  let certificates: TestCertificates;
  let provider: DevProvider;
  let browserAgent: Agent;
  const opened: Array<{ app: TestApp; database: TestDatabase }> = [];

  async function appWith(env: Record<string, string>): Promise<TestApp> {
    const database = await dialect.openTestDatabase({ migrate: false });
    const app = await startTestApp({ databaseUrl: database.url, sharedProvider: provider, env });
    opened.push({ app, database });
    return app;
  }

  beforeAll(async () => {
    expect(process.env.NODE_TLS_REJECT_UNAUTHORIZED).toBeUndefined();
    certificates = createTestCertificates();
    provider = await startTestProvider({ tls: { key: certificates.key, cert: certificates.cert } });
    browserAgent = new Agent({ connect: { ca: certificates.caPem } });
  });
  afterAll(async () => {
    for (const { app, database } of opened) {
      await app.close();
      await database.close();
    }
    await provider?.close();
    await browserAgent?.close();
    if (certificates) rmSync(certificates.dir, { recursive: true, force: true });
    expect(process.env.NODE_TLS_REJECT_UNAUTHORIZED).toBeUndefined();
  });

  it('the dev provider serves https with the issuer https://localhost:PORT', () => {
    expect(provider.issuer).toBe(`https://localhost:${provider.port}`);
  });

  it('with CA_FILE naming the CA, a full sign-in works and stores tokens', async () => {
    const app = await appWith({ CA_FILE: certificates.caFile });
    const browser = trustingBrowser(app, browserAgent);
    const page = await signIn(browser, 'alice', 'alice', '/account');
    expect(page.status).toBe(200);
    expect(page.url).toBe(`${APP_ORIGIN}/account`);
    expect(page.text).toContain('Alice Liddell');
    const me = JSON.parse((await browser.get(`${APP_ORIGIN}/api/me`)).text) as { user: { id: string } };
    const stored = await app.runtime.tokenStore.findToken(me.user.id, 'toolkit');
    expect(stored?.accessToken).toBeTruthy();
    expect(process.env.NODE_TLS_REJECT_UNAUTHORIZED).toBeUndefined();
  });

  it('NODE_EXTRA_CA_CERTS naming the CA still counts when CA_FILE names another: both are trusted, beside the bundled roots', async () => {
    const other = createTestCertificates();
    const before = process.env.NODE_EXTRA_CA_CERTS;
    process.env.NODE_EXTRA_CA_CERTS = certificates.caFile;
    try {
      const app = await appWith({ CA_FILE: other.caFile });
      const response = await app.runtime.app.inject({ method: 'GET', url: '/login/toolkit' });
      expect(response.statusCode, response.body).toBe(303);
      expect(response.headers.location).toMatch(new RegExp(`^${provider.issuer}/auth\\?`));
    } finally {
      if (before === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
      else process.env.NODE_EXTRA_CA_CERTS = before;
      rmSync(other.dir, { recursive: true, force: true });
    }
  });

  it('without CA_FILE, /login/toolkit answers 502 saying the certificate is not trusted, and no session or token is made', async () => {
    const app = await appWith({});
    const response = await app.runtime.app.inject({ method: 'GET', url: '/login/toolkit', headers: { accept: 'text/html' } });
    expect(response.statusCode).toBe(502);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.body).toContain('not trusted');
    expect(response.body).toContain('CA_FILE');
    expect(response.headers['set-cookie']).toBeUndefined();
    const { database } = opened.at(-1)!;
    expect(await database.db.selectFrom('sessions').select('id').execute()).toHaveLength(0);
    expect(process.env.NODE_TLS_REJECT_UNAUTHORIZED).toBeUndefined();
  });

  it('NODE_TLS_REJECT_UNAUTHORIZED appears nowhere in src/', () => {
    let found = '';
    try {
      found = execFileSync('grep', ['-rn', 'NODE_TLS_REJECT_UNAUTHORIZED', 'src'], { cwd: new URL('..', import.meta.url), encoding: 'utf8' });
    } catch (error) {
      // grep exits 1 when nothing matches; anything else is a real failure.
      expect((error as { status?: number }).status).toBe(1);
    }
    expect(found).toBe('');
  });
});
