// Starts LemonLDAP::NG's portal, as Debian packages it (bookworm's
// lemonldap-ng 2.16.1), for one test suite: a fresh folder with its local
// configuration file (lemonldap-ng.ini), a File configuration backend holding
// one lmConf-1.json made here, and its session folders, then the portal's own
// PSGI application (index.psgi) under Plack's standalone server (plackup, from
// libplack-perl, which the portal depends on) on a free port of 127.0.0.1: no
// Apache, no FastCGI, no manager. close() stops it and deletes the folder.
//
// The configuration: the Demo authentication and user backends (the built-in
// accounts dwho, rtyler and msmith, each with its login as password), the
// OpenID Connect issuer with an RS256 key made here, and one relying party.
// Parameter names are LemonLDAP::NG's (its manager's attribute list,
// Lemonldap/NG/Manager/Build/Attributes.pm, and the documentation at
// https://lemonldap-ng.org/documentation/2.0/idpopenidconnect.html).
//
// What was found by running it (bookworm's 2.16.1+ds-deb12u10):
// - the issuer is the portal URL with its trailing slash, the endpoints are
//   under /oauth2/ (authorize, token, userinfo, introspect, jwks, logout);
// - the login form posts back to the authorization URL (action "#") with a
//   one-time `token` field and the request kept in the `lemonldappdata` cookie;
// - the code grant answers a refresh token when the relying party allows
//   offline access and the request has `offline_access` (with prompt=consent,
//   or consent bypassed), the granted scope then without `offline_access`;
// - a refresh answers a new access token and no refresh token: the one sent
//   stays good (RFC 6749 §6 allows either);
// - each token is a session of its own in the global storage, one JSON file
//   named by the token (Apache::Session::File): `_type` access_token or
//   refresh_token, and an access token issued by a refresh names the refresh
//   token in `offline_session_id`;
// - introspection (RFC 7662) knows access tokens only: a refresh token is
//   `{"active":false}` there even while it works;
// - with prompt=consent its consent page comes every time, even for scopes
//   the person accepted before;
// - it reads Basic client credentials as they are, not form-decoded (RFC 6749
//   §2.3.1), and client_secret_post as the RFC says; it refuses a refresh
//   token it does not know with invalid_request, not invalid_grant (the
//   lemonldap preset, src/client/providers/lemonldap.ts);
// - an access token whose session is deleted is refused at userinfo with 401;
// - the discovery document names no revocation_endpoint (no RFC 7009), and
//   says backchannel_logout_supported: false (front-channel logout only; the
//   back-channel type is a TODO in Lemonldap/NG/Portal/Issuer/OpenIDConnect.pm);
// - llngDeleteSession, the older tool, deletes by user, not by session, and
//   says it is deprecated for lemonldap-ng-sessions.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { BrowserResponse, TestBrowser } from '../support/browser.js';
import { freePort } from '../support/free-port.js';
import type { TestDialect } from '../support/postgres.js';
import { describeEachDialectWith, stopAndRemove, waitUntilAnswering, type InteropServer } from './child-server.js';

const PLACKUP = '/usr/bin/plackup';
/** The portal's PSGI application, as the package ships it. */
const PORTAL_PSGI = '/usr/share/lemonldap-ng/portal/htdocs/index.psgi';
const OIDC_ISSUER_MODULE = '/usr/share/perl5/Lemonldap/NG/Portal/Issuer/OpenIDConnect.pm';
/** LemonLDAP::NG's session tool (package liblemonldap-ng-common-perl): `delete <id>` ends a session in the storage the configuration names. */
const SESSIONS_TOOL = '/usr/share/lemonldap-ng/bin/lemonldap-ng-sessions';
const INSTALL_HINT = 'DEBIAN_FRONTEND=noninteractive apt-get install lemonldap-ng';
/** The relying party's key in the configuration. */
const RELYING_PARTY = 'tokenkeeper';

/** The Demo backend's accounts (Lemonldap/NG/Portal/UserDB/Demo.pm): the password is the login. */
export const LEMONLDAP_DEMO_USERS = {
  dwho: { name: 'Doctor Who', email: 'dwho@badwolf.org' },
  rtyler: { name: 'Rose Tyler', email: 'rtyler@badwolf.org' },
  msmith: { name: 'Mickey Smith', email: 'msmith@badwolf.org' },
} as const;
export type LemonldapDemoUser = keyof typeof LEMONLDAP_DEMO_USERS;

export interface LemonldapOptions {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  accessTokenSeconds: number;
}

/** One token LemonLDAP::NG keeps, a session of its own named by the token. */
export interface LemonldapTokenSession {
  id: string;
  type: 'access_token' | 'refresh_token';
  /** For an access token issued by a refresh: the refresh token. */
  offlineSessionId?: string;
  /** For a refresh token: the user it was issued to. */
  user?: string;
}

export interface LemonldapServer {
  /** http://127.0.0.1:<port> */
  origin: string;
  /** The portal URL, `${origin}/`: LemonLDAP::NG's issuer, discovery at `${issuer}.well-known/openid-configuration`. */
  issuer: string;
  /** The OpenID Connect endpoints' base, `${origin}/oauth2`. */
  oauth2: string;
  /** The access and refresh tokens it holds now. */
  tokenSessions(): LemonldapTokenSession[];
  /** How many times LemonLDAP::NG has logged `text` (its errors and warnings: "Unable to find OIDC session <token>" for each refresh token it does not know). */
  logged(text: string): number;
  /** Deletes the session `id` (a token) with the package's lemonldap-ng-sessions, as an administrator ending it would. */
  deleteSession(id: string): void;
  close(): Promise<void>;
}

export function lemonldapInstalled(): boolean {
  return existsSync(PLACKUP) && existsSync(PORTAL_PSGI) && existsSync(OIDC_ISSUER_MODULE) && existsSync(SESSIONS_TOOL);
}

const LEMONLDAP: InteropServer = {
  name: 'LemonLDAP::NG',
  installed: lemonldapInstalled,
  missing: `${PLACKUP}, ${PORTAL_PSGI} or its OpenID Connect issuer is missing (${INSTALL_HINT})`,
  skipNotice: `LemonLDAP::NG not found: its interop tests are skipped (${INSTALL_HINT})`,
};

/** describeEachDialect for tests that need LemonLDAP::NG: skipped with one notice when it is not installed, but failing when CI=true. */
export function describeEachDialectWithLemonldap(title: string, body: (dialect: TestDialect) => void): void {
  describeEachDialectWith(LEMONLDAP, title, body);
}

/** The local configuration file: where the configuration is (the File backend in `stateDir`), and the portal's templates. */
function localConfiguration(stateDir: string): string {
  return `[all]
logLevel = warn
checkTime = 1

[configuration]
type = File
dirName = ${join(stateDir, 'conf')}

[portal]
staticPrefix = /static
templateDir = /usr/share/lemonldap-ng/portal/templates
languages = en
`;
}

/**
 * The configuration, as the manager would save it: the Demo backends, sessions
 * as files in `stateDir`, and the OpenID Connect issuer with one relying party
 * that may have offline (refresh) tokens for the `offline_access` scope,
 * asks the person's consent (prompt=consent makes it ask again), and sends
 * userinfo the name and e-mail of the Demo accounts.
 */
function configuration(origin: string, stateDir: string, options: LemonldapOptions): Record<string, unknown> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const fileStorage = (folder: string) => ({ Directory: join(stateDir, folder), LockDirectory: join(stateDir, folder, 'lock') });
  return {
    cfgNum: 1,
    cfgVersion: '2.16.1',
    cfgAuthor: 'tokenkeeper interop test',
    cfgDate: String(Math.floor(Date.now() / 1000)),
    portal: `${origin}/`,
    domain: '127.0.0.1',
    cookieName: 'lemonldap',
    securedCookie: 0,
    timeout: 72000,
    authentication: 'Demo',
    userDB: 'Same',
    passwordDB: 'Demo',
    registerDB: 'Null',
    demoExportedVars: { cn: 'cn', mail: 'mail', uid: 'uid' },
    whatToTrace: 'uid',
    notification: 0,
    loginHistoryEnabled: 0,
    locationRules: { '127.0.0.1': { default: 'accept' } },
    globalStorage: 'Apache::Session::File',
    globalStorageOptions: { ...fileStorage('sessions'), generateModule: 'Lemonldap::NG::Common::Apache::Session::Generate::SHA256' },
    persistentStorage: 'Apache::Session::File',
    persistentStorageOptions: fileStorage('psessions'),
    localSessionStorage: 'Cache::FileCache',
    localSessionStorageOptions: { namespace: 'lemonldap-ng-sessions', cache_root: join(stateDir, 'cache'), default_expires_in: 600 },
    issuerDBOpenIDConnectActivation: 1,
    oidcServicePrivateKeySig: privateKey.export({ type: 'pkcs8', format: 'pem' }),
    oidcServicePublicKeySig: publicKey.export({ type: 'spki', format: 'pem' }),
    oidcServiceKeyIdSig: 'tokenkeeper-interop',
    oidcRPMetaDataOptions: {
      [RELYING_PARTY]: {
        oidcRPMetaDataOptionsDisplayName: 'Tokenkeeper',
        oidcRPMetaDataOptionsClientID: options.clientId,
        oidcRPMetaDataOptionsClientSecret: options.clientSecret,
        oidcRPMetaDataOptionsRedirectUris: options.redirectUri,
        oidcRPMetaDataOptionsIDTokenSignAlg: 'RS256',
        oidcRPMetaDataOptionsAccessTokenExpiration: options.accessTokenSeconds,
        oidcRPMetaDataOptionsAllowOffline: 1,
        oidcRPMetaDataOptionsBypassConsent: 0,
        oidcRPMetaDataOptionsRequirePKCE: 1,
      },
    },
    oidcRPMetaDataExportedVars: { [RELYING_PARTY]: { name: 'cn', email: 'mail', preferred_username: 'uid' } },
  };
}

export async function startLemonldap(options: LemonldapOptions): Promise<LemonldapServer> {
  const stateDir = mkdtempSync(join(tmpdir(), 'tokenkeeper-lemonldap-'));
  let child: ChildProcess | undefined;
  try {
    for (const folder of ['conf', 'sessions/lock', 'psessions/lock', 'cache']) mkdirSync(join(stateDir, folder), { recursive: true });
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const iniPath = join(stateDir, 'lemonldap-ng.ini');
    writeFileSync(iniPath, localConfiguration(stateDir));
    writeFileSync(join(stateDir, 'conf', 'lmConf-1.json'), JSON.stringify(configuration(origin, stateDir, options), null, 1));
    // LLNG_DEFAULTCONFFILE: where Lemonldap::NG::Common::Conf looks for the local configuration instead of /etc/lemonldap-ng.
    const env = { ...process.env, LLNG_DEFAULTCONFFILE: iniPath };

    const logPath = join(stateDir, 'portal.log');
    const logFd = openSync(logPath, 'a');
    // Plack's single-process standalone server; without the development middlewares (access log, Lint, StackTrace) plackup adds by default.
    child = spawn(PLACKUP, ['-s', 'HTTP::Server::PSGI', '--host', '127.0.0.1', '--port', String(port), '--no-default-middleware', PORTAL_PSGI], {
      cwd: stateDir,
      env,
      // Its log in a file, not a pipe: it is written before the answer is sent, so logged() reads it whole once the answer is in.
      stdio: ['ignore', logFd, logFd],
    });
    closeSync(logFd);
    const output = () => readFileSync(logPath, 'utf8');
    await waitUntilAnswering('LemonLDAP::NG', `${origin}/.well-known/openid-configuration`, child, () => output().slice(-20_000));

    const sessionsDir = join(stateDir, 'sessions');
    return {
      origin,
      issuer: `${origin}/`,
      oauth2: `${origin}/oauth2`,
      tokenSessions() {
        const sessions: LemonldapTokenSession[] = [];
        for (const name of readdirSync(sessionsDir)) {
          if (name === 'lock') continue;
          const session = JSON.parse(readFileSync(join(sessionsDir, name), 'utf8')) as Record<string, unknown>;
          if (session._type !== 'access_token' && session._type !== 'refresh_token') continue;
          sessions.push({
            id: name,
            type: session._type,
            ...(typeof session.offline_session_id === 'string' ? { offlineSessionId: session.offline_session_id } : {}),
            ...(typeof session._session_uid === 'string' ? { user: session._session_uid } : {}),
          });
        }
        return sessions;
      },
      logged(text) {
        return output().split(text).length - 1;
      },
      deleteSession(id) {
        // As this process's user, not www-data, the tool's default: the folder is ours.
        const user = userInfo().username;
        const deleted = spawnSync(SESSIONS_TOOL, ['--user', user, '--group', user, 'delete', id], { env, encoding: 'utf8' });
        if (deleted.status !== 0) throw new Error(`lemonldap-ng-sessions delete ${id} exited with ${deleted.status}: ${deleted.stderr}`);
      },
      close: () => stopAndRemove(child, stateDir),
    };
  } catch (error) {
    await stopAndRemove(child, stateDir);
    throw error;
  }
}

/**
 * Signs `username` in on LemonLDAP::NG's login form and accepts its consent
 * page, as a browser would, from the login form the authorization request
 * answered; ends where LemonLDAP::NG's redirect to the app leads. Both forms
 * post back to the authorization URL (action "#"); the consent form's
 * `confirm` field is a stamp the portal reads as 1 (accept) when sent as it
 * is, and its "refuse" button's script sends it negated
 * (Lemonldap/NG/Portal/Main/Process.pm, static/common/js/confirm.js).
 */
export async function signInAtLemonldap(browser: TestBrowser, loginPage: BrowserResponse, username: LemonldapDemoUser): Promise<BrowserResponse> {
  if (!loginPage.text.includes('<form id="lform"')) throw new Error(`not LemonLDAP::NG's login form (${loginPage.status} ${loginPage.url})`);
  const consent = await browser.submitForm(loginPage, { user: username, password: username });
  if (!consent.text.includes('class="confirm"')) throw new Error(`not LemonLDAP::NG's consent page (${consent.status} ${consent.url})`);
  return browser.submitForm(consent);
}
