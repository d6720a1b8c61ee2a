// Starts Bluesky's own PDS and a PLC directory (test/interop/atproto-pds/,
// installed by .ci/install-atproto-pds outside the repository) for one test
// suite, makes its accounts, and signs a person in at its authorization pages
// as their browser would. Stopped, its data folder deleted, by close().
import { type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePorts } from '../support/free-port.js';
import type { TestDialect } from '../support/postgres.js';
import { browserRequest, CookieJar } from './browser-request.js';
import { countsAt, describeEachDialectWith, startChildServer, stopAndRemove, type InteropServer } from './child-server.js';

const SERVER = fileURLToPath(new URL('./atproto-pds/server.mjs', import.meta.url));

/** Where .ci/install-atproto-pds put the PDS: ATPROTO_PDS_DIR, or its default. */
const PDS_DIR = process.env.ATPROTO_PDS_DIR ?? join(homedir(), '.cache', 'tokenkeeper-atproto-pds', 'current');

const PDS: InteropServer = {
  name: "Bluesky's PDS",
  installed: () => existsSync(join(PDS_DIR, '.complete')),
  missing: `${PDS_DIR} holds no installed PDS (bash .ci/install-atproto-pds)`,
  skipNotice: "Bluesky's PDS not found: its interop tests are skipped (bash .ci/install-atproto-pds installs it, about 250 MB, outside the repository)",
};

/** describeEachDialect for tests that need Bluesky's PDS: skipped with one notice when it is not installed, but failing when CI=true. */
export function describeEachDialectWithPds(title: string, body: (dialect: TestDialect) => void): void {
  describeEachDialectWith(PDS, title, body);
}

export interface PdsAccount {
  did: string;
  handle: string;
  email: string;
  password: string;
}

export interface PdsServer {
  /** http://localhost:<port>: the PDS, which is also its OAuth issuer. */
  origin: string;
  /** The PLC directory the PDS registers its accounts' DIDs at. */
  plcOrigin: string;
  /** An account on the PDS, its handle `<name>.test`. */
  createAccount(name: string): Promise<PdsAccount>;
  /** The answers of the `/oauth/` endpoints a client posts to, counted as `POST <path>:<status>`. */
  counts(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export async function startPds(): Promise<PdsServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tokenkeeper-atproto-pds-'));
  const [pdsPort, plcPort] = await freePorts(2);
  // The PDS's hostname is localhost (its development mode), which its issuer and DIDs' service entries name.
  const origin = `http://localhost:${pdsPort}`;
  // The Node .ci/install-atproto-pds compiled its better-sqlite3 for, whichever runs the tests.
  const node = readFileSync(join(PDS_DIR, 'node'), 'utf8').trim();
  let child: ChildProcess | undefined;
  try {
    child = await startChildServer("Bluesky's PDS", node, [SERVER, `--modules=${PDS_DIR}`, `--pds-port=${pdsPort}`, `--plc-port=${plcPort}`, `--data=${dataDir}`], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: tmpdir(), LOG_ENABLED: 'false' },
      readyUrl: `${origin}/xrpc/_health`,
    });
  } catch (error) {
    await stopAndRemove(child, dataDir);
    throw error;
  }
  return {
    origin,
    plcOrigin: `http://localhost:${plcPort}`,
    async createAccount(name) {
      const account = { handle: `${name}.test`, email: `${name}@mail.test`, password: `${name}-correct-horse-battery` };
      const response = await fetch(`${origin}/xrpc/com.atproto.server.createAccount`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(account),
      });
      const body = (await response.json()) as { did?: string };
      if (response.status !== 200 || typeof body.did !== 'string') throw new Error(`createAccount ${account.handle}: ${response.status} ${JSON.stringify(body)}`);
      return { ...account, did: body.did };
    },
    counts: () => countsAt("Bluesky's PDS", origin),
    close: () => stopAndRemove(child, dataDir),
  };
}

/**
 * What a person does at the PDS's authorization page (`authorizationUrl`, where
 * the app sent the browser): sign in with `account`'s handle and password and
 * allow the app (`consent`), or cancel (`reject`), through the page's own API
 * (@atproto/oauth-provider's `~api/sign-in`, `~api/consent`, `~api/reject`).
 * Answers the URL the PDS then sends the browser to: the app's callback.
 */
export async function authorizeAtPds(authorizationUrl: string, account: PdsAccount, decision: 'consent' | 'reject'): Promise<string> {
  const cookies = new CookieJar();
  const origin = new URL(authorizationUrl).origin;

  const page = cookies.keep(await browserRequest(authorizationUrl, { headers: { accept: 'text/html', 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' } }));
  if (page.status !== 200) throw new Error(`the PDS's authorization page answered ${page.status}: ${page.text.slice(0, 500)}`);
  const api = async (endpoint: string, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const answer = cookies.keep(
      await browserRequest(`${origin}/@atproto/oauth-provider/~api${endpoint}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          origin,
          referer: authorizationUrl,
          'sec-fetch-site': 'same-origin',
          'sec-fetch-mode': 'same-origin',
          'sec-fetch-dest': 'empty',
          'x-csrf-token': cookies.get('csrf-token') ?? '',
          cookie: cookies.header(),
          ...headers,
        },
        body: JSON.stringify(body),
      }),
    );
    if (answer.status !== 200) throw new Error(`the PDS's ${endpoint} answered ${answer.status}: ${answer.text.slice(0, 500)}`);
    return JSON.parse(answer.text) as Record<string, unknown>;
  };
  let decided: Record<string, unknown>;
  if (decision === 'consent') {
    const signedIn = (await api('/sign-in', { locale: 'en', username: account.handle, password: account.password, remember: false })) as { account: { sub: string }; ephemeralToken: string };
    decided = await api('/consent', { sub: signedIn.account.sub }, { authorization: `Bearer ${signedIn.ephemeralToken}` });
  } else {
    // The page's "Cancel", which needs no sign-in.
    decided = await api('/reject', {});
  }
  if (typeof decided.url !== 'string') throw new Error(`the PDS's ${decision} named no URL: ${JSON.stringify(decided)}`);
  const redirect = cookies.keep(
    await browserRequest(decided.url, { headers: { referer: authorizationUrl, 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', cookie: cookies.header() } }),
  );
  const location = redirect.headers.location;
  if (redirect.status < 300 || redirect.status > 399 || location === undefined) throw new Error(`the PDS answered ${redirect.status} without a redirect: ${redirect.text.slice(0, 500)}`);
  return new URL(location, decided.url).href;
}
