// Starts the Doorkeeper server of test/interop/doorkeeper/ (GitLab's OAuth
// provider engines, as Debian packages them) for one test suite: a fresh
// state folder (SQLite database, signing key), its users and client, then
// Rack's WEBrick on a free port, stopped and deleted by close().
import { execFile, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { APP_ORIGIN } from '../providers/kit/provider-app.js';
import type { BrowserResponse, TestBrowser } from '../support/browser.js';
import { freePort } from '../support/free-port.js';
import type { TestDialect } from '../support/postgres.js';
import { countsAt, describeEachDialectWith, setupArguments, startChildServer, stopAndRemove, type CountedServer, type InteropServer, type InteropSetup } from './child-server.js';
import { userIdOf, type InteropCase } from './interop-case.js';

const PROJECT_DIR = fileURLToPath(new URL('./doorkeeper/', import.meta.url));
const RUBY = '/usr/bin/ruby';

export interface DoorkeeperOptions extends InteropSetup {
  /** `mastodon`: shaped as a Mastodon instance (DOORKEEPER_SHAPE, see doorkeeper/server.rb); GitLab's shape otherwise. */
  shape?: 'gitlab' | 'mastodon';
}

/** Doorkeeper: the origin is also the issuer, as a GitLab instance's URL is (a Mastodon instance's, with `/`); each user's `sub` is their id. */
export type DoorkeeperServer = CountedServer;

export function doorkeeperInstalled(): boolean {
  return spawnSync(RUBY, ['-e', "require 'rails'; require 'doorkeeper'; require 'doorkeeper/openid_connect'; require 'sqlite3'; require 'webrick'"], { stdio: 'ignore' }).status === 0;
}

const DOORKEEPER: InteropServer = {
  name: 'Doorkeeper',
  installed: doorkeeperInstalled,
  missing: `${RUBY} cannot load rails, doorkeeper, doorkeeper/openid_connect, sqlite3 and webrick (apt-get install ruby-doorkeeper ruby-doorkeeper-openid-connect ruby-sqlite3 ruby-rails)`,
  skipNotice: 'Doorkeeper not found: its interop tests are skipped (apt-get install ruby-doorkeeper ruby-doorkeeper-openid-connect ruby-sqlite3 ruby-rails)',
};

/** describeEachDialect for tests that need Doorkeeper: skipped with one notice when it is not installed, but failing when CI=true. */
export function describeEachDialectWithDoorkeeper(title: string, body: (dialect: TestDialect) => void): void {
  describeEachDialectWith(DOORKEEPER, title, body);
}

export async function startDoorkeeper(options: DoorkeeperOptions): Promise<DoorkeeperServer> {
  const stateDir = mkdtempSync(join(tmpdir(), 'tokenkeeper-doorkeeper-'));
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(stateDir, 'signing-key.pem'), privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const shape = options.shape === 'mastodon' ? { DOORKEEPER_SHAPE: 'mastodon' } : {};
  const env = { ...process.env, DOORKEEPER_STATE_DIR: stateDir, DOORKEEPER_ORIGIN: origin, DOORKEEPER_SECRET_KEY_BASE: randomBytes(64).toString('hex'), ...shape };
  let child: ChildProcess | undefined;
  try {
    const setup = await promisify(execFile)(RUBY, ['setup.rb', ...setupArguments(options)], { cwd: PROJECT_DIR, env });
    const { subjects } = JSON.parse(setup.stdout) as { subjects: Record<string, string> };

    // A Mastodon instance serves RFC 8414 metadata, GitLab OpenID Connect discovery.
    const metadata = options.shape === 'mastodon' ? '/.well-known/oauth-authorization-server' : '/.well-known/openid-configuration';
    child = await startChildServer('Doorkeeper', '/usr/bin/rackup', ['-s', 'webrick', '-o', '127.0.0.1', '-p', String(port), 'config.ru'], { cwd: PROJECT_DIR, env, readyUrl: `${origin}${metadata}` });

    return {
      origin,
      subjects,
      databasePath: join(stateDir, 'doorkeeper.sqlite3'),
      counts: () => countsAt('Doorkeeper', origin),
      close: () => stopAndRemove(child, stateDir),
    };
  } catch (error) {
    await stopAndRemove(child, stateDir);
    throw error;
  }
}

/**
 * Signs `username` in to the app through Doorkeeper's sign-in form and consent page (its first form approves), as
 * `browser` (a new one of the case's app by default); the app's user and the authorization request are returned.
 */
export async function signInAtDoorkeeper(
  interop: InteropCase<DoorkeeperServer>,
  username: string,
  password: string,
  browser: TestBrowser = interop.app.browser(),
): Promise<{ browser: TestBrowser; userId: string; authorization: URL; landed: BrowserResponse }> {
  const doorkeeper = interop.server;
  const login = await browser.get(`${APP_ORIGIN}/login/${interop.provider}?next=/account`);
  expect(login.url).toBe(`${doorkeeper.origin}/users/sign_in`);
  const consent = await browser.submitForm(login, { username, password });
  expect(consent.url).toContain(`${doorkeeper.origin}/oauth/authorize?`);
  expect(consent.text).toContain('Authorize Tokenkeeper to use your account?');
  const landed = await browser.submitForm(consent);
  return { browser, userId: await userIdOf(interop, doorkeeper.subjects[username]!), authorization: new URL(consent.url), landed };
}
