/**
 * An emulator of an Azure AD B2C tenant's user flow as an OpenID provider,
 * and of the app's own web API that takes the access tokens issued for it,
 * written from Microsoft's docs:
 * - Each user flow (policy) at `{tenant}.b2clogin.com/{tenant}.onmicrosoft.com/{policy}/`:
 *   `oauth2/v2.0/authorize`, `oauth2/v2.0/token` and `v2.0/.well-known/openid-configuration`,
 *   whose issuer is `https://{tenant}.b2clogin.com/{tenant id}/v2.0/`; an access token only for
 *   an API's scope, the client id asking for one for the app itself; a refresh token for
 *   `offline_access`; a cancelled sign-in sent back as `access_denied` (AADB2C90091):
 *   https://learn.microsoft.com/en-us/azure/active-directory-b2c/openid-connect
 * - The token answer (`not_before`, `expires_in`, `id_token_expires_in`, `profile_info`,
 *   `refresh_token_expires_in`, as the examples write them, strings) and the refresh
 *   answering a new refresh token:
 *   https://learn.microsoft.com/en-us/azure/active-directory-b2c/authorization-code-flow
 * - ID token claims: `sub` the object id, `tfp` the policy, `emails`, `name`; no userinfo
 *   endpoint for a user flow:
 *   https://learn.microsoft.com/en-us/azure/active-directory-b2c/tokens-overview
 * - Lifetimes by the user flow's defaults: access tokens 60 minutes, refresh tokens 14 days:
 *   https://learn.microsoft.com/en-us/azure/active-directory-b2c/configure-tokens
 * - An administrator revoking a user's sessions ends their refresh tokens:
 *   https://learn.microsoft.com/en-us/graph/api/user-revokesigninsessions
 * The AADB2C codes' descriptions for a refused grant or client are this emulator's own.
 */
import { randomUUID } from 'node:crypto';
import { codeRequest, redirectBack, requestedScopes } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface B2cUser {
  /** The user's object id, the `sub`. */
  objectId: string;
  displayName: string;
  emails: string[];
}

export interface B2cEmulatorOptions extends EmulatorOptions {
  /** The tenant's name, `contoso` of contoso.onmicrosoft.com. */
  tenantName: string;
  /** The tenant's id, which its issuer names. */
  tenantId: string;
  /** The user flow, `B2C_1_signupsignin`. */
  policy: string;
}

export interface B2cEmulator extends EmulatorHandle<B2cUser> {
  /** The issuer the user flow's discovery document names. */
  readonly issuer: string;
  /** The user flow's discovery document. */
  readonly metadataUrl: string;
  /** The user flow's token endpoint. */
  readonly tokenUrl: string;
  /** An administrator revokes the user's sessions: their refresh tokens stop working. */
  revokeSignInSessions(user: B2cUser): void;
}

const ACCESS_TOKEN_SECONDS = 3600;
const REFRESH_TOKEN_SECONDS = 14 * 86_400;

/** An Azure AD B2C error: the code and its words, then the correlation id and time, as B2C writes `error_description`. */
function b2cError(status: number, error: string, description: string) {
  return oauthError(status, error, `${description}\r\nCorrelation ID: ${randomUUID()}\r\nTimestamp: ${new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z')}\r\n`);
}

export async function startB2cEmulator(options: B2cEmulatorOptions): Promise<B2cEmulator> {
  const server = await startEmulatorServer();
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const base = `/${options.tenantName}.onmicrosoft.com/${options.policy}`;
  const issuer = `${server.origin}/${options.tenantId}/v2.0/`;
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<B2cUser>({ now, accessTokenTtl: ACCESS_TOKEN_SECONDS, refreshPolicy: 'reissued', refreshTokenTtl: REFRESH_TOKEN_SECONDS });
  const controls = emulatorControls<B2cUser>(server, grants);

  server.route('GET', `${base}/v2.0/.well-known/openid-configuration`, () =>
    json(200, {
      issuer,
      authorization_endpoint: `${server.origin}${base}/oauth2/v2.0/authorize`,
      token_endpoint: `${server.origin}${base}/oauth2/v2.0/token`,
      end_session_endpoint: `${server.origin}${base}/oauth2/v2.0/logout`,
      jwks_uri: `${server.origin}${base}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      response_types_supported: ['code', 'code id_token', 'code token', 'code id_token token', 'id_token', 'id_token token', 'token', 'token id_token'],
      scopes_supported: ['openid'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      claims_supported: ['name', 'emails', 'sub', 'tfp', 'iss', 'iat', 'exp', 'aud', 'acr', 'nonce', 'auth_time'],
    }),
  );
  server.route('GET', `${base}/discovery/v2.0/keys`, () => json(200, key.jwks));

  server.route('GET', `${base}/oauth2/v2.0/authorize`, (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) {
      return json(400, { error: 'redirect_uri_mismatch', error_description: "AADB2C90006: The redirect URI provided in the request is not registered for the client id." });
    }
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'AADB2C90091: The user has cancelled entering self-asserted information.' });
    // Only an API's scope (here the client id: the app's own) brings an access token; offline_access a refresh token.
    const scopes = requestedScopes(query);
    if (!scopes.includes(options.clientId)) return reply({ error: 'invalid_request', error_description: 'AADB2C90205: This application does not have sufficient permissions against this web resource to perform the operation.' });
    return reply({ code: grants.issueCode({ ...codeRequest(query, options, user), refreshToken: scopes.includes('offline_access') }) });
  });

  tokenEndpoint(server, `${base}/oauth2/v2.0/token`, {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    errors: {
      client: () => b2cError(401, 'invalid_client', 'AADB2C90081: The specified client_secret does not match the expected value for this client. Please correct the client_secret and try again.'),
      refreshToken: () => b2cError(400, 'invalid_grant', 'AADB2C90080: The provided grant has expired. Please re-authenticate and try again. Current time: 1, Grant issued time: 0, Grant expiration time: 0'),
      code: () => b2cError(400, 'invalid_grant', 'AADB2C90080: The provided grant has expired. Please re-authenticate and try again.'),
    },
    answer: async ({ grant, tokens }) => {
      const { user } = grant;
      const idToken = await grantIdToken(key, grant, tokens.accessToken, {
        ver: '1.0',
        iss: issuer,
        sub: user.objectId,
        aud: options.clientId,
        auth_time: now(),
        name: user.displayName,
        emails: user.emails,
        tfp: options.policy,
      });
      return json(200, {
        access_token: tokens.accessToken,
        id_token: idToken,
        token_type: 'Bearer',
        not_before: String(now()),
        expires_in: String(tokens.expiresIn),
        expires_on: String(now() + (tokens.expiresIn ?? 0)),
        resource: options.clientId,
        id_token_expires_in: String(ACCESS_TOKEN_SECONDS),
        profile_info: Buffer.from(JSON.stringify({ ver: '1.0', tid: options.tenantId, oid: null, upn: null, sub: user.objectId, name: user.displayName, preferred_username: null, idp: 'LocalAccount' })).toString('base64url'),
        scope: `${options.clientId} offline_access openid`,
        ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken, refresh_token_expires_in: String(REFRESH_TOKEN_SECONDS) } : {}),
      });
    },
  });

  // The app's own web API, which takes the access tokens B2C issued for the client id.
  server.route('GET', '/api/profile', (request) => {
    server.count('api_profile');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return json(401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
    return json(200, { objectId: grant.user.objectId, name: grant.user.displayName });
  });

  return {
    ...controls.handle,
    issuer,
    metadataUrl: `${server.origin}${base}/v2.0/.well-known/openid-configuration`,
    tokenUrl: `${server.origin}${base}/oauth2/v2.0/token`,
    revokeSignInSessions: (user) => grants.revokeGrantsOf((someone) => someone.objectId === user.objectId),
  };
}
