/**
 * An emulator of a Dex server (its issuer the emulator's origin with /dex, as
 * Dex's examples set it) with one static client, written from Dex's
 * documentation:
 * - Discovery at <issuer>/.well-known/openid-configuration naming /auth,
 *   /token, /keys, /userinfo and no revocation endpoint; RS256 ID tokens:
 *   https://dexidp.io/docs/openid-connect/
 * - `offline_access` brings a refresh token; every refresh answers a new one;
 *   refresh tokens end only when `expiry.refreshTokens.validIfNotUsedFor` is
 *   set (`refreshIdleSeconds` here); ID and access tokens live 24 hours:
 *   https://dexidp.io/docs/configuration/tokens/
 * - Claims for `profile` (`name`, `preferred_username`) and `email` (`email`,
 *   `email_verified` as upstream says): https://dexidp.io/docs/configuration/custom-scopes-claims-clients/
 * As Dex's source has them (server/handlers.go and server/refreshhandlers.go
 * in 2.45; its pages do not say): `sub` the raw-URL base64 of a protobuf
 * holding the upstream user id (field 1) and the connector id (field 2); Basic
 * form-decoded, or the form; 401 `invalid_client` "Invalid client
 * credentials."; 400 `invalid_grant` for a refused code; 400 `invalid_request`
 * for a refresh token unknown, already used or expired; no `scope` in the token
 * answer; the approval page's refusal an error page, not a redirect.
 * Made up here: the wording of its pages, and userinfo's 401. Not emulated:
 * `reuseInterval`, the upstream connector's own refresh.
 * revokeRefreshTokens() is an administrator deleting the person's refresh
 * tokens through Dex's API (RevokeRefresh): their access tokens, JWTs, live on.
 */
import { codeRequest, redirectBack } from './kit/authorization.js';
import { authenticatesAs } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { oauthError, openIdTokenAnswer, tokenEndpoint } from './kit/token-endpoint.js';

export interface DexUser {
  /** The user's id at the upstream provider. */
  userId: string;
  /** The connector the person signs in through (its id in Dex's configuration). */
  connectorId: string;
  name: string;
  username: string;
  email: string;
  emailVerified: boolean;
}

export interface DexEmulatorOptions extends EmulatorOptions {
  /** `expiry.refreshTokens.validIfNotUsedFor`, in seconds (default: unset, no idle end). */
  refreshIdleSeconds?: number;
}

export interface DexEmulator extends EmulatorHandle<DexUser> {
  readonly issuer: string;
  /** The person's refresh tokens are deleted through Dex's API. */
  revokeRefreshTokens(user: DexUser): void;
}

const ID_TOKEN_SECONDS = 24 * 3600;
const REFUSED_REFRESH_TOKEN = 'Refresh token is invalid or has already been claimed by another client.';

/** Dex's `sub`: a protobuf of the upstream user id (field 1) and the connector id (field 2), raw-URL base64. */
export function dexSubject(user: Pick<DexUser, 'userId' | 'connectorId'>): string {
  const field = (tag: number, value: string) => {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([Buffer.from([tag, bytes.length]), bytes]);
  };
  return Buffer.concat([field(0x0a, user.userId), field(0x12, user.connectorId)]).toString('base64url');
}

export async function startDexEmulator(options: DexEmulatorOptions): Promise<DexEmulator> {
  const server = await startEmulatorServer();
  const base = '/dex';
  const issuer = `${server.origin}${base}`;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<DexUser>({ now, accessTokenTtl: ID_TOKEN_SECONDS, refreshPolicy: 'rotating', refreshTokenIdleTtl: options.refreshIdleSeconds ?? null, codeTtl: 600 });
  const controls = emulatorControls<DexUser>(server, grants);
  // Grants whose refresh tokens were deleted through the API; their access tokens still work.
  const refreshRevoked = new Set<string>();

  server.route('GET', `${base}/.well-known/openid-configuration`, () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/auth`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/keys`,
      userinfo_endpoint: `${issuer}/userinfo`,
      device_authorization_endpoint: `${issuer}/device/code`,
      introspection_endpoint: `${issuer}/token/introspect`,
      grant_types_supported: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code', 'urn:ietf:params:oauth:grant-type:token-exchange'],
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      code_challenge_methods_supported: ['S256', 'plain'],
      scopes_supported: ['openid', 'email', 'groups', 'profile', 'offline_access'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      claims_supported: ['iss', 'sub', 'aud', 'iat', 'exp', 'email', 'email_verified', 'locale', 'name', 'preferred_username', 'at_hash'],
    }),
  );
  server.route('GET', `${base}/keys`, () => json(200, key.jwks));

  server.route('GET', `${base}/auth`, (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId) return html(400, '<p>Invalid client_id.</p>');
    if (query.get('redirect_uri') !== options.redirectUri) return html(400, '<p>Unregistered redirect_uri.</p>');
    const user = controls.approver();
    // The approval page's "Cancel" is an error page of Dex's own.
    if (!user) return html(500, '<p>Approval rejected.</p>');
    const asked = codeRequest(query, options, user);
    return redirectBack(options.redirectUri, query)({ code: grants.issueCode({ ...asked, refreshToken: asked.scope.split(' ').includes('offline_access') }) });
  });

  const authenticates = (request: EmulatorRequest): boolean => {
    server.count(request.basicAuth() ? 'client_secret_basic' : 'client_secret_post');
    return authenticatesAs(request, options);
  };

  const claims = (grant: Grant<DexUser>): Record<string, unknown> => {
    const { user } = grant;
    const scopes = grant.scope.split(' ');
    return {
      sub: dexSubject(user),
      ...(scopes.includes('email') ? { email: user.email, email_verified: user.emailVerified } : {}),
      ...(scopes.includes('profile') ? { name: user.name, preferred_username: user.username } : {}),
    };
  };

  const idToken = (grant: Grant<DexUser>, accessToken: string): Promise<string> =>
    grantIdToken(key, grant, accessToken, { ...claims(grant), iss: issuer, aud: options.clientId }, ID_TOKEN_SECONDS);

  tokenEndpoint(server, `${base}/token`, {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates,
    errors: {
      client: () => oauthError(401, 'invalid_client', 'Invalid client credentials.'),
      code: () => oauthError(400, 'invalid_grant', 'Invalid or expired code parameter.'),
      refreshToken: (reason) => oauthError(400, 'invalid_request', reason === 'expired_token' ? 'Refresh token expired.' : REFUSED_REFRESH_TOKEN),
    },
    refuseRefresh: (presented) => {
      const grant = grants.grantOfToken(presented);
      return grant && refreshRevoked.has(grant.id) ? oauthError(400, 'invalid_request', REFUSED_REFRESH_TOKEN) : undefined;
    },
    answer: async ({ grant, tokens }) =>
      json(200, openIdTokenAnswer(tokens, undefined, 'bearer', await idToken(grant, tokens.accessToken))),
  });

  server.route('GET', `${base}/userinfo`, (request) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return { status: 401, headers: { 'www-authenticate': 'Bearer', 'content-type': 'text/plain' }, body: 'Invalid bearer token.' };
    return json(200, claims(grant));
  });

  return {
    ...controls.handle,
    issuer,
    revokeRefreshTokens: (user) => {
      for (const grant of grants.allGrants()) if (dexSubject(grant.user) === dexSubject(user)) refreshRevoked.add(grant.id);
    },
  };
}
