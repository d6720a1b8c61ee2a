import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, expect, it, describe } from 'vitest';
import { withDevelopmentSecrets } from '../src/config/dev-secrets.js';
import { loadConfig } from '../src/config/config.js';
import { createRuntime, type Runtime } from '../src/server/runtime.js';
import { TestBrowser } from './support/browser.js';
import { injectFetch } from './support/inject-fetch.js';
import { APP_ORIGIN, signIn } from './support/test-app.js';
import { freePort } from './support/free-port.js';


describe('with no provider configured (what `npm start` does)', () => {
  let runtime: Runtime;
  let cwd: string;

  beforeAll(async () => {
    cwd = mkdtempSync(join(tmpdir(), 'tokenkeeper-default-'));
    const env = { BASE_URL: APP_ORIGIN, DEV_PROVIDER_PORT: String(await freePort()), DATABASE_URL: `sqlite:${cwd}/data/tokenkeeper.db` };
    const config = loadConfig(withDevelopmentSecrets(env, cwd), cwd);
    runtime = await createRuntime({ config, logger: pino({ level: 'silent' }) });
  });
  afterAll(() => runtime?.close());

  it('starts the local dev provider as toolkit, and a demo account can sign in', async () => {
    expect(runtime.devProvider).not.toBeNull();
    expect(runtime.registry.names).toEqual(['toolkit']);
    const browser = new TestBrowser({ fetch: injectFetch(runtime.app, APP_ORIGIN) });
    const home = await browser.get(`${APP_ORIGIN}/`);
    expect(home.text).toContain('Sign in with Toolkit');
    const account = await signIn(browser, 'bob', 'bob', '/account');
    expect(account.url).toBe(`${APP_ORIGIN}/account`);
    expect(account.text).toContain('Bob Builder');
    expect(account.text).toContain('bob@example.test');
  });

  it('keeps its generated secrets and the dev provider state in the data folder, private to the owner', () => {
    for (const file of ['secret-key', 'token-encryption-keys']) {
      expect(statSync(join(cwd, 'data', file)).mode & 0o077).toBe(0);
    }
    expect(statSync(join(cwd, 'data', 'dev-provider')).isDirectory()).toBe(true);
  });
});
