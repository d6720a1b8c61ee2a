// Starts Better Auth with its OAuth 2.1 Provider plugin (test/interop/better-auth/,
// installed by .ci/install-better-auth outside the repository) for one test
// suite, with its client and users, and signs a person in at it as their
// browser and its pages' scripts would. Stopped by close().
import { type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../support/free-port.js';
import type { TestDialect } from '../support/postgres.js';
import { browserRequest, CookieJar, type BrowserAnswer } from './browser-request.js';
import { countsAt, describeEachDialectWith, setupArguments, startChildServer, stopAndRemove, type InteropServer, type InteropSetup } from './child-server.js';

const SERVER = fileURLToPath(new URL('./better-auth/server.mjs', import.meta.url));

/** Where .ci/install-better-auth put Better Auth: BETTER_AUTH_DIR, or its default. */
const BETTER_AUTH_DIR = process.env.BETTER_AUTH_DIR ?? join(homedir(), '.cache', 'tokenkeeper-better-auth', 'current');

const BETTER_AUTH: InteropServer = {
  name: 'Better Auth',
  installed: () => existsSync(join(BETTER_AUTH_DIR, '.complete')),
  missing: `${BETTER_AUTH_DIR} holds no installed Better Auth (bash .ci/install-better-auth)`,
  skipNotice: 'Better Auth not found: its interop tests are skipped (bash .ci/install-better-auth installs it from npm, outside the repository)',
};

/** describeEachDialect for tests that need Better Auth: skipped with one notice when it is not installed, but failing when CI=true. */
export function describeEachDialectWithBetterAuth(title: string, body: (dialect: TestDialect) => void): void {
  describeEachDialectWith(BETTER_AUTH, title, body);
}

export interface BetterAuthOptions extends InteropSetup {
  /** The scope of the protected API route, besides openid, profile, email and offline_access. */
  apiScope: string;
  accessTokenSeconds: number;
}

export interface BetterAuthServer {
  /** http://127.0.0.1:<port>. */
  origin: string;
  /** Its issuer, `${origin}/api/auth`: Better Auth's routes and its discovery document live under that path. */
  issuer: string;
  /** Each user's id at Better Auth, the ID token's `sub`. */
  subjects: Record<string, string>;
  /** Answers of /oauth2/token and /oauth2/revoke: `token:<grant_type>`, `token:<grant_type>:<status>`, `revoke`, `revoke:<status>`. */
  counts(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export async function startBetterAuth(options: BetterAuthOptions): Promise<BetterAuthServer> {
  // Everything is in memory; the folder is only the child's working directory, deleted with it.
  const workDir = mkdtempSync(join(tmpdir(), 'tokenkeeper-better-auth-'));
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  try {
    child = await startChildServer(
      'Better Auth',
      process.execPath,
      [SERVER, `--modules=${BETTER_AUTH_DIR}`, `--port=${port}`, `--api-scope=${options.apiScope}`, `--access-token-seconds=${options.accessTokenSeconds}`, ...setupArguments(options)],
      { cwd: workDir, env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: tmpdir(), NODE_ENV: 'test' }, readyUrl: `${origin}/test/subjects` },
    );
    const subjects = (await (await fetch(`${origin}/test/subjects`)).json()) as Record<string, string>;
    return {
      origin,
      issuer: `${origin}/api/auth`,
      subjects,
      counts: () => countsAt('Better Auth', origin),
      close: () => stopAndRemove(child, workDir),
    };
  } catch (error) {
    await stopAndRemove(child, workDir);
    throw error;
  }
}

/** Where a redirect `answer` points, resolved against `from`; it must be one. */
function redirectOf(answer: BrowserAnswer, from: string, step: string): URL {
  const location = answer.headers.location;
  if (answer.status < 300 || answer.status > 399 || location === undefined) throw new Error(`Better Auth's ${step} answered ${answer.status} without a redirect: ${answer.text.slice(0, 500)}`);
  return new URL(location, from);
}

export interface BetterAuthSignIn {
  /** The login page URL Better Auth sent the browser to, with its signed query. */
  loginPage: URL;
  /** The consent page URL, once signed in. */
  consentPage: URL;
  /** The app's callback URL Better Auth sent the browser to. */
  callback: string;
}

/**
 * What a person does after the app sent their browser to Better Auth's
 * authorization endpoint (`authorizationUrl`): the login page it redirects to
 * carries the signed authorization query (`oauth_query`), which the page's
 * script posts with the e-mail and password to `/sign-in/email`; Better Auth
 * then names its consent page, where the person allows (`accept`) or declines,
 * posted with that page's signed query to `/oauth2/consent`. Answers the pages
 * and the app's callback URL Better Auth named last.
 */
export async function authorizeAtBetterAuth(authorizationUrl: string, account: { email: string; password: string }, decision: 'accept' | 'decline'): Promise<BetterAuthSignIn> {
  const origin = new URL(authorizationUrl).origin;
  const cookies = new CookieJar();

  const authorize = cookies.keep(await browserRequest(authorizationUrl, { headers: { accept: 'text/html', 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' } }));
  const loginPage = redirectOf(authorize, authorizationUrl, 'authorization endpoint');
  const page = await browserRequest(loginPage.href, { headers: { accept: 'text/html', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' } });
  if (page.status !== 200) throw new Error(`the login page answered ${page.status}`);

  // What the page's script (Better Auth's client with oauthProviderClient()) posts: JSON, from the page's origin.
  const post = async (path: string, body: Record<string, unknown>, from: URL) => {
    const answer = cookies.keep(
      await browserRequest(`${origin}/api/auth${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', origin, referer: from.href, 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty', cookie: cookies.header() },
        body: JSON.stringify(body),
      }),
    );
    if (answer.status !== 200) throw new Error(`Better Auth's ${path} answered ${answer.status}: ${answer.text.slice(0, 500)}`);
    const json = JSON.parse(answer.text) as { url?: unknown };
    if (typeof json.url !== 'string') throw new Error(`Better Auth's ${path} named no URL: ${answer.text.slice(0, 500)}`);
    return new URL(json.url, origin);
  };
  const consentPage = await post('/sign-in/email', { email: account.email, password: account.password, oauth_query: loginPage.search.slice(1) }, loginPage);
  const callback = await post('/oauth2/consent', { accept: decision === 'accept', oauth_query: consentPage.search.slice(1) }, consentPage);
  return { loginPage, consentPage, callback: callback.href };
}
