/**
 * An emulator of Dropbox's OAuth 2.0 / OpenID Connect endpoints and the parts
 * of its API that sign-in touches, written from Dropbox's documentation:
 * - OAuth guide and HTTP API docs (https://developers.dropbox.com/oauth-guide,
 *   https://www.dropbox.com/developers/documentation/http/documentation):
 *   `/oauth2/authorize` with `token_access_type` (`offline` adds a refresh
 *   token, `online` or none gives a short-lived access token only), PKCE
 *   (S256 or plain), space-separated `scope`; a refusal redirects back with
 *   `error=access_denied`; `/oauth2/token` takes a form, the client's
 *   credentials by HTTP Basic or in the body, and answers `{ access_token,
 *   expires_in: 14400, token_type: "bearer", scope, refresh_token, account_id,
 *   uid }`; a refresh answers a new access token only (the refresh token does
 *   not rotate); API errors are 400 with a plain-text body for bad input, 401
 *   with `{ error_summary, error: { ".tag" } }` for a bad token (`expired_access_token`
 *   for one that only expired, `invalid_access_token` otherwise); RPC endpoints
 *   take POST with a JSON body, or no body when they have no arguments.
 * - `POST /2/auth/token/revoke`, authenticated with the access token: it
 *   disables that token, its refresh token and every access token of that
 *   refresh token (#auth-token-revoke in the HTTP docs).
 * - OpenID Connect guide (https://developers.dropbox.com/oidc-guide):
 *   `openid` with `email` and `profile`; an ID token with `iss`, `sub` (the
 *   `dbid:` account id), `aud`, `exp`, `iat`, `auth_time`, `email`,
 *   `email_verified`, `given_name`, `family_name`; `/2/openid/userinfo`
 *   repeats it, as an RPC endpoint (POST only).
 * - Content endpoints, on their own host (content.dropboxapi.com; here a
 *   second origin, `contentOrigin`): `POST /2/files/upload` takes the file as
 *   the body and its arguments as JSON in `Dropbox-API-Arg`, and answers the
 *   file's metadata; `POST /2/files/download` takes `Dropbox-API-Arg` and
 *   answers the file, its metadata as JSON in `Dropbox-API-Result`; no
 *   argument is a 400, a path with no file a 409 `path/not_found/`
 *   (#formats, #files-upload and #files-download in the HTTP docs).
 * Dropbox publishes a discovery document at its issuer; here the issuer is
 * the emulator's origin, and every endpoint lives on it (Dropbox splits them
 * between www.dropbox.com and api.dropboxapi.com). The authorization page
 * approves at once for the user set with signInAs().
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest, type EmulatorServer } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { createSigningKey } from './kit/signing.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface DropboxUser {
  /** `dbid:…` */
  accountId: string;
  givenName: string;
  familyName: string;
  email: string;
  emailVerified: boolean;
}

export interface DropboxEmulator extends Omit<EmulatorHandle<DropboxUser>, 'denyNextAuthorization'> {
  /** The content host's origin (content.dropboxapi.com's stand-in). */
  readonly contentOrigin: string;
  readonly content: EmulatorServer;
  /** The person removes the app at dropbox.com: every token of their grant stops working. */
  unlinkApp(token: string): void;
}

const ACCESS_TOKEN_TTL = 14_400;

const text = (status: number, body: string): EmulatorReply => ({ status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body });

export async function startDropboxEmulator(options: EmulatorOptions): Promise<DropboxEmulator> {
  const server = await startEmulatorServer();
  const issuer = server.origin;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<DropboxUser>({ now, accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'static', prefixes: { access: 'sl.u.' } });
  const controls = emulatorControls<DropboxUser>(server, grants);

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/oauth2/authorize`,
      token_endpoint: `${issuer}/oauth2/token`,
      userinfo_endpoint: `${issuer}/2/openid/userinfo`,
      jwks_uri: `${issuer}/oauth2/jwks`,
      response_types_supported: ['code'],
      scopes_supported: ['openid', 'email', 'profile'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      code_challenge_methods_supported: ['S256', 'plain'],
      claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'email', 'email_verified', 'given_name', 'family_name'],
    }),
  );
  server.route('GET', '/oauth2/jwks', () => json(200, key.jwks));

  authorizationEndpoint(server, '/oauth2/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: 'Invalid redirect_uri or client_id',
    responseType: false,
    denied: { error: 'access_denied', error_description: 'The user chose not to give your app access to their Dropbox account.' },
    request: (query) => ({ refreshToken: query.get('token_access_type') === 'offline' }),
  });


  const idToken = (grant: Grant<DropboxUser>): Promise<string> => {
    const scopes = grant.scope.split(' ');
    const { accountId, givenName, familyName, email, emailVerified } = grant.user;
    return key.signIdToken({
      iss: issuer,
      sub: accountId,
      aud: options.clientId,
      auth_time: now(),
      ...(scopes.includes('profile') ? { given_name: givenName, family_name: familyName } : {}),
      ...(scopes.includes('email') ? { email, email_verified: emailVerified } : {}),
      ...(grant.nonce ? { nonce: grant.nonce } : {}),
    });
  };

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => text(status, status === 503 ? 'Service Unavailable' : 'Internal Server Error') },
    errors: {
      client: () => oauthError(400, 'invalid_client', 'Invalid client_id or client_secret'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'refresh token is invalid or revoked'),
      code: () => oauthError(400, 'invalid_grant', "code doesn't exist or has expired"),
    },
    answer: async ({ grantType, grant, tokens }) => {
      if (grantType === 'refresh_token') return json(200, { access_token: tokens.accessToken, token_type: 'bearer', expires_in: ACCESS_TOKEN_TTL });
      return json(200, {
        access_token: tokens.accessToken,
        token_type: 'bearer',
        expires_in: ACCESS_TOKEN_TTL,
        scope: grant.scope,
        account_id: grant.user.accountId,
        uid: '12345',
        ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}),
        ...(grant.scope.split(' ').includes('openid') ? { id_token: await idToken(grant) } : {}),
      });
    },
  });

  /**
   * An RPC call: its access token's grant, or Dropbox's error answer (bad body, bad token). A 401's body is
   * an AuthError, whose tag tells an access token that only expired (`expired_access_token`: its refresh
   * token may still be good) from one Dropbox no longer knows or that was revoked (`invalid_access_token`)
   * (401 and its AuthError body: https://developers.dropbox.com/error-handling-guide; the union's members,
   * `expired_access_token` "The access token has expired" among them:
   * https://dropbox.github.io/dropbox-sdk-dotnet/gh-pages/obj/api/Dropbox.Api.Auth.html).
   */
  const rpcCaller = (request: EmulatorRequest, route: string): Grant<DropboxUser> | EmulatorReply => {
    const body = request.body.toString('utf8').trim();
    if (body !== '' && body !== 'null') return text(400, `Error in call to API function "${route}": request body: could not decode input as JSON`);
    const token = request.bearer() ?? '';
    const grant = grants.grantOfAccessToken(token);
    if (grant) return grant;
    const known = grants.grantOfToken(token);
    const tag = known && !known.revoked ? 'expired_access_token' : 'invalid_access_token';
    return json(401, { error_summary: `${tag}/`, error: { '.tag': tag } });
  };

  server.route('POST', '/2/openid/userinfo', (request) => {
    server.count('userinfo');
    const grant = rpcCaller(request, 'openid/userinfo');
    if ('status' in grant) return grant;
    const { accountId, givenName, familyName, email, emailVerified } = grant.user;
    return json(200, { family_name: familyName, given_name: givenName, email, email_verified: emailVerified, iss: issuer, sub: accountId });
  });
  server.route('GET', '/2/openid/userinfo', () => {
    server.count('userinfo');
    return text(400, 'Error in call to API function "openid/userinfo": Expected POST request.');
  });

  server.route('POST', '/2/users/get_current_account', (request) => {
    server.count('get_current_account');
    const grant = rpcCaller(request, 'users/get_current_account');
    if ('status' in grant) return grant;
    const { accountId, givenName, familyName, email, emailVerified } = grant.user;
    const displayName = `${givenName} ${familyName}`;
    return json(200, {
      account_id: accountId,
      name: { given_name: givenName, surname: familyName, familiar_name: givenName, display_name: displayName, abbreviated_name: `${givenName[0]}${familyName[0]}` },
      email,
      email_verified: emailVerified,
      disabled: false,
      locale: 'en',
      is_paired: false,
      account_type: { '.tag': 'basic' },
    });
  });

  const content = await startEmulatorServer();
  /** Each account's files, by lower-cased path (Dropbox paths are case-insensitive). */
  const files = new Map<string, Map<string, { name: string; path: string; bytes: Buffer; rev: number }>>();
  const contentCaller = (request: EmulatorRequest, route: string): { grant: Grant<DropboxUser>; arg: { path?: unknown } } | EmulatorReply => {
    const token = request.bearer() ?? '';
    const grant = grants.grantOfAccessToken(token);
    if (!grant) {
      const known = grants.grantOfToken(token);
      const tag = known && !known.revoked ? 'expired_access_token' : 'invalid_access_token';
      return json(401, { error_summary: `${tag}/`, error: { '.tag': tag } });
    }
    const raw = request.headers['dropbox-api-arg'] ?? request.url.searchParams.get('arg');
    if (typeof raw !== 'string') return text(400, `Error in call to API function "${route}": Must provide HTTP header "Dropbox-API-Arg" or URL parameter "arg".`);
    try {
      return { grant, arg: JSON.parse(raw) as { path?: unknown } };
    } catch {
      return text(400, `Error in call to API function "${route}": HTTP header "Dropbox-API-Arg": could not decode input as JSON`);
    }
  };
  const metadata = (file: { name: string; path: string; bytes: Buffer; rev: number }) => ({
    '.tag': 'file',
    name: file.name,
    path_display: file.path,
    path_lower: file.path.toLowerCase(),
    id: `id:${file.path.toLowerCase()}`,
    rev: String(file.rev).padStart(9, '0'),
    size: file.bytes.length,
  });
  content.route('POST', '/2/files/upload', (request) => {
    content.count('upload');
    const caller = contentCaller(request, 'files/upload');
    if ('status' in caller) return caller;
    if (typeof caller.arg.path !== 'string' || !caller.arg.path.startsWith('/')) return text(400, 'Error in call to API function "files/upload": HTTP header "Dropbox-API-Arg": path: must start with "/"');
    const own = files.get(caller.grant.user.accountId) ?? new Map();
    files.set(caller.grant.user.accountId, own);
    const previous = own.get(caller.arg.path.toLowerCase());
    const file = { name: caller.arg.path.split('/').pop()!, path: caller.arg.path, bytes: request.body, rev: (previous?.rev ?? 0) + 1 };
    own.set(file.path.toLowerCase(), file);
    return json(200, metadata(file));
  });
  content.route('POST', '/2/files/download', (request) => {
    content.count('download');
    const caller = contentCaller(request, 'files/download');
    if ('status' in caller) return caller;
    const file = typeof caller.arg.path === 'string' ? files.get(caller.grant.user.accountId)?.get(caller.arg.path.toLowerCase()) : undefined;
    if (!file) return json(409, { error_summary: 'path/not_found/..', error: { '.tag': 'path', path: { '.tag': 'not_found' } } });
    return { status: 200, headers: { 'content-type': 'application/octet-stream', 'dropbox-api-result': JSON.stringify(metadata(file)) }, body: file.bytes };
  });

  server.route('POST', '/2/auth/token/revoke', (request) => {
    server.count('revoke');
    const grant = rpcCaller(request, 'auth/token/revoke');
    if ('status' in grant) return grant;
    grants.revokeGrant(grant.id);
    return json(200, null);
  });

  return {
    ...controls.handle,
    origin: issuer,
    contentOrigin: content.origin,
    content,
    unlinkApp: (token) => {
      const grant = grants.grantOfToken(token);
      if (grant) grants.revokeGrant(grant.id);
    },
    close: async () => {
      await content.close();
      await server.close();
    },
  };
}
