// Starts Glewlwyd, as Debian packages it (bookworm's glewlwyd 2.7.5), for one
// test suite: a fresh folder with its configuration file and a SQLite
// database made from the schema the package ships, the server on a free port
// of 127.0.0.1, then the OpenID Connect plugin, scopes, users and client added
// through its administration API. close() stops it and deletes the folder.
//
// Glewlwyd's documentation: https://github.com/babelouest/glewlwyd/tree/v2.7.5/docs
// (INSTALL.md for the configuration file, API.md for the administration and
// login APIs, OIDC.md for the plugin's parameters).
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import type { BrowserResponse, TestBrowser } from '../support/browser.js';
import { freePort } from '../support/free-port.js';
import type { TestDialect } from '../support/postgres.js';
import { describeEachDialectWith, stopAndRemove, waitUntilAnswering, type InteropServer } from './child-server.js';

export const GLEWLWYD_BINARY = '/usr/bin/glewlwyd';
/**
 * The package's SQLite script for dbconfig-common: the whole schema and the
 * default data (the `admin` user, password `password`, with the g_admin scope,
 * as docs/database/README.md says), the same as docs/database/init.sqlite3.sql
 * without its DROP TABLEs. Not the copy under /usr/share/doc, which slim
 * images leave out.
 */
const SCHEMA = '/usr/share/dbconfig-common/data/glewlwyd/install/sqlite3';
const MODULES = '/usr/lib/glewlwyd';
const ADMIN = { username: 'admin', password: 'password' };
/** The plugin instance's name: its endpoints are under /api/<name>/. */
const PLUGIN = 'oidc';
const INSTALL_HINT =
  "echo 'glewlwyd glewlwyd/config_type select No configuration' | debconf-set-selections; DEBIAN_FRONTEND=noninteractive apt-get install glewlwyd dbconfig-no-thanks";
const SKIP_NOTICE = `Glewlwyd not found: its interop tests are skipped (${INSTALL_HINT})`;

export interface GlewlwydUser {
  username: string;
  name: string;
  email: string;
}

export interface GlewlwydOptions {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** Every user's password. */
  password: string;
  users: GlewlwydUser[];
  /** Scopes the client may ask for and the users hold, besides openid (which the database starts with). */
  scopes: string[];
  accessTokenSeconds: number;
}

/** Tokens Glewlwyd has in its own database for one user. */
export interface GlewlwydTokenRows {
  /** Access tokens it issued (one at sign-in, one per refresh). */
  accessTokens: number;
  /** Refresh tokens it issued (one at sign-in, one per refresh: they are single-use here). */
  refreshTokens: number;
}

export interface GlewlwydServer {
  /** http://127.0.0.1:<port> */
  origin: string;
  /** The plugin's issuer, `${origin}/api/oidc`; discovery is at `${issuer}/.well-known/openid-configuration`. */
  issuer: string;
  /** Glewlwyd's SQLite database file. */
  databasePath: string;
  /** The `sub` Glewlwyd gives `username` (public subject type: the same for every client), once it has issued it a token. */
  subjectOf(username: string): string;
  tokenRows(username: string): GlewlwydTokenRows;
  /** Glewlwyd's record of a refresh token: undefined when unknown, else whether it is still enabled. */
  refreshTokenEnabled(token: string): boolean | undefined;
  /** How many times Glewlwyd has logged `text` (its warnings: "Security - Token invalid" for each refresh token it refused). */
  logged(text: string): number;
  close(): Promise<void>;
}

export function glewlwydInstalled(): boolean {
  return existsSync(GLEWLWYD_BINARY) && existsSync(SCHEMA) && existsSync(join(MODULES, 'plugin', 'libprotocol_oidc.so'));
}

const GLEWLWYD: InteropServer = {
  name: 'Glewlwyd',
  installed: glewlwydInstalled,
  missing: `${GLEWLWYD_BINARY}, ${SCHEMA} or its OpenID Connect plugin is missing (${INSTALL_HINT})`,
  skipNotice: SKIP_NOTICE,
};

/**
 * describeEachDialect for tests that need Glewlwyd: skipped with one notice
 * when it is not installed, but failing when CI=true.
 */
export function describeEachDialectWithGlewlwyd(title: string, body: (dialect: TestDialect) => void): void {
  describeEachDialectWith(GLEWLWYD, title, body);
}

/**
 * Glewlwyd's configuration file (libconfig syntax; INSTALL.md "Configure
 * glewlwyd"): API only (no static_files_path, so no web app), console logs
 * for the error when it does not start, and its own SQLite database.
 */
function configFile(port: number, origin: string, databasePath: string): string {
  return `port=${port}
bind_address="127.0.0.1"
external_url="${origin}"
api_prefix="api"
log_mode="console"
log_level="WARNING"
cookie_secure=0
session_key="GLEWLWYD2_SESSION_ID"
admin_scope="g_admin"
profile_scope="g_profile"
admin_session_authentication="cookie"
user_module_path="${MODULES}/user"
client_module_path="${MODULES}/client"
user_auth_scheme_module_path="${MODULES}/scheme"
plugin_module_path="${MODULES}/plugin"
hash_algorithm="SHA512"
database =
{
  type = "sqlite3"
  path = "${databasePath}"
}
`;
}

/**
 * The OpenID Connect plugin instance (OIDC.md "Installation"; the property
 * names are the ones the plugin checks). RS256 with a key made here, the
 * authorization code and refresh token grants only, PKCE allowed, short access
 * tokens, and refresh tokens that are single-use ("One-time use refresh
 * token: Always"): every refresh answers a new one and the one sent is
 * disabled, and a refresh token used twice disables the newest of its chain.
 * Introspection and revocation (RFC 7662, RFC 7009) are open to the client for
 * its own tokens.
 */
function pluginParameters(issuer: string, options: GlewlwydOptions): Record<string, unknown> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    iss: issuer,
    'jwt-type': 'rsa',
    'jwt-key-size': '256',
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
    cert: publicKey.export({ type: 'spki', format: 'pem' }),
    'access-token-duration': options.accessTokenSeconds,
    'refresh-token-duration': 14 * 24 * 3600,
    'code-duration': 600,
    'refresh-token-rolling': true,
    'refresh-token-one-use': 'always',
    'allow-non-oidc': false,
    'auth-type-code-enabled': true,
    'auth-type-refresh-enabled': true,
    'auth-type-token-enabled': false,
    'auth-type-none-enabled': false,
    'auth-type-password-enabled': false,
    'auth-type-client-enabled': false,
    'auth-type-device-enabled': false,
    'subject-type': 'public',
    'pkce-allowed': true,
    'introspection-revocation-allowed': true,
    'introspection-revocation-allow-target-client': true,
    'introspection-revocation-auth-scope': [],
    // The ID token and userinfo carry name and email when profile and email are granted.
    'name-claim': 'on-demand',
    'name-claim-scope': ['profile'],
    'email-claim': 'on-demand',
    'email-claim-scope': ['email'],
  };
}

/** The administration API (API.md), as the admin user's session. */
async function administration(origin: string): Promise<(method: string, path: string, body: unknown) => Promise<void>> {
  const login = await fetch(`${origin}/api/auth/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  const session = login.headers.get('set-cookie')?.split(';')[0];
  if (login.status !== 200 || !session) throw new Error(`Glewlwyd refused the admin sign-in (${login.status})`);
  return async (method, path, body) => {
    const response = await fetch(`${origin}/api${path}`, {
      method,
      headers: { 'content-type': 'application/json', cookie: session },
      body: JSON.stringify(body),
    });
    if (response.status !== 200) throw new Error(`Glewlwyd answered ${method} /api${path} with ${response.status}: ${await response.text()}`);
  };
}

/** Glewlwyd stores a token's digest, `{SHA512}` and the base64 of its SHA-512 here (hash_algorithm in the configuration). */
function tokenHash(token: string): string {
  return `{SHA512}${createHash('sha512').update(token).digest('base64')}`;
}

export async function startGlewlwyd(options: GlewlwydOptions): Promise<GlewlwydServer> {
  const stateDir = mkdtempSync(join(tmpdir(), 'tokenkeeper-glewlwyd-'));
  const databasePath = join(stateDir, 'glewlwyd.db');
  let child: ChildProcess | undefined;
  try {
    const setup = new Sqlite(databasePath);
    try {
      setup.exec(readFileSync(SCHEMA, 'utf8'));
    } finally {
      setup.close();
    }
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const configPath = join(stateDir, 'glewlwyd.conf');
    writeFileSync(configPath, configFile(port, origin, databasePath));

    child = spawn(GLEWLWYD_BINARY, ['-c', configPath], { cwd: stateDir, stdio: ['ignore', 'pipe', 'pipe'] });
    // Its output (warnings and errors only), for the error when it does not start and for logged().
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-1_000_000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    await waitUntilAnswering('Glewlwyd', `${origin}/config`, child, () => output.slice(-20_000));

    const issuer = `${origin}/api/${PLUGIN}`;
    const admin = await administration(origin);
    await admin('POST', '/mod/plugin/', { module: 'oidc', name: PLUGIN, display_name: 'OpenID Connect', parameters: pluginParameters(issuer, options) });
    for (const scope of options.scopes) {
      // A scope that needs the password: a session signed in with it holds it.
      await admin('POST', '/scope/', { name: scope, display_name: scope, description: scope, password_required: true, password_max_age: 0, scheme: {} });
    }
    const scopes = ['openid', ...options.scopes];
    for (const user of options.users) {
      await admin('POST', '/user/', { ...user, password: options.password, scope: scopes, enabled: true });
    }
    await admin('POST', '/client/', {
      client_id: options.clientId,
      name: 'Tokenkeeper',
      confidential: true,
      password: options.clientSecret,
      redirect_uri: [options.redirectUri],
      authorization_type: ['code', 'refresh_token'],
      // Without it the plugin refuses a confidential client at the token endpoint (unauthorized_client), whatever it sends.
      token_endpoint_auth_method: ['client_secret_basic'],
      scope: scopes,
      enabled: true,
    });

    const read = <T>(query: (db: Sqlite.Database) => T): T => {
      const db = new Sqlite(databasePath, { readonly: true, fileMustExist: true, timeout: 10_000 });
      try {
        return query(db);
      } finally {
        db.close();
      }
    };
    return {
      origin,
      issuer,
      databasePath,
      subjectOf(username) {
        const row = read((db) => db.prepare('select gposi_sub as sub from gpo_subject_identifier where gposi_plugin_name = ? and gposi_username = ?').get(PLUGIN, username)) as { sub: string } | undefined;
        if (!row) throw new Error(`Glewlwyd has no subject for ${username} yet`);
        return row.sub;
      },
      tokenRows(username) {
        return read((db) => ({
          accessTokens: (db.prepare('select count(*) as n from gpo_access_token where gpoa_plugin_name = ? and gpoa_username = ?').get(PLUGIN, username) as { n: number }).n,
          refreshTokens: (db.prepare('select count(*) as n from gpo_refresh_token where gpor_plugin_name = ? and gpor_username = ?').get(PLUGIN, username) as { n: number }).n,
        }));
      },
      refreshTokenEnabled(token) {
        const row = read((db) => db.prepare('select gpor_enabled as enabled from gpo_refresh_token where gpor_token_hash = ?').get(tokenHash(token))) as { enabled: number } | undefined;
        return row === undefined ? undefined : row.enabled === 1;
      },
      logged(text) {
        return output.split(text).length - 1;
      },
      close: () => stopAndRemove(child, stateDir),
    };
  } catch (error) {
    await stopAndRemove(child, stateDir);
    throw error;
  }
}

/**
 * Signs `username` in at Glewlwyd and grants the client its scopes, as
 * Glewlwyd's login page does with its API, from `loginPage`, the redirect to
 * that page the authorization endpoint answered (the web app is not served
 * here). The page signs in with POST /api/auth/ (API.md "Authenticate a user
 * with password"), grants with PUT /api/auth/grant/{client_id}/ (API.md
 * "Update granted scope for a client by a user"; the scopes separated by
 * spaces, not by commas as API.md says: 2.7.5 splits the list on spaces and
 * answers 401 to a comma-separated one), then sends the browser back to the
 * authorization request, its `callback_url`, with `g_continue` added: without
 * that parameter the authorization endpoint always answers with the login
 * page again. That last step is not in Glewlwyd's documentation; it is what
 * its login page's "Continue" does (webapp-src/src/Login/Buttons.js).
 */
export async function signInAtGlewlwyd(
  browser: TestBrowser,
  loginPage: BrowserResponse,
  glewlwyd: GlewlwydServer,
  credentials: { username: string; password: string; clientId: string; scope: string },
): Promise<BrowserResponse> {
  const login = new URL(loginPage.location ?? loginPage.url);
  const callback = login.searchParams.get('callback_url');
  if (!login.href.startsWith(`${glewlwyd.origin}/login.html?`) || !callback) throw new Error(`not Glewlwyd's login page: ${login.href}`);
  const auth = await browser.request(`${glewlwyd.origin}/api/auth/`, { method: 'POST', json: { username: credentials.username, password: credentials.password } });
  if (auth.status !== 200) throw new Error(`Glewlwyd refused ${credentials.username}'s password (${auth.status})`);
  const grant = await browser.request(`${glewlwyd.origin}/api/auth/grant/${encodeURIComponent(credentials.clientId)}/`, { method: 'PUT', json: { scope: credentials.scope } });
  if (grant.status !== 200) throw new Error(`Glewlwyd refused the grant of ${credentials.scope} (${grant.status})`);
  return browser.get(`${callback}${callback.includes('?') ? '&' : '?'}g_continue`);
}
