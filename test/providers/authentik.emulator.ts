/**
 * An emulator of an authentik server (its origin the emulator's) with one
 * application, `options.slug`, and its OAuth2 provider, written from
 * authentik's documentation
 * (https://docs.goauthentik.io/providers/oauth2/) and its
 * provider's behaviour as its source has it:
 * - Discovery at /application/o/<slug>/.well-known/openid-configuration: the
 *   issuer `<origin>/application/o/<slug>/`, the shared endpoints
 *   /application/o/authorize/, /token/, /userinfo/, /revoke/, /introspect/,
 *   the application's /jwks/ and /end-session/, client_secret_post and
 *   client_secret_basic.
 * - Authorize: the registered redirect URI only; the scopes asked that have a
 *   scope mapping on the provider are kept, the others dropped silently;
 *   PKCE S256 or plain.
 * - Token: the client's id and secret in the form, or Basic read as sent (no
 *   form-decoding), for a Confidential client; every refusal is HTTP 400
 *   with RFC 6749 §5.2's code (invalid_client for a wrong secret too). A code
 *   with a PKCE challenge needs its verifier. `offline_access` brings a
 *   refresh token, living 30 days from its issue; a refresh without `scope`
 *   keeps the token's, one whose scope lacks `offline_access` is
 *   `invalid_scope`; each refresh answers a new refresh token and the old one
 *   is refused (the threshold at `seconds=0`). Access tokens live 5 minutes.
 *   The ID token is RS256.
 * - Userinfo: `sub` (the hashed user id), `name`, `given_name`,
 *   `preferred_username`, `nickname`, `groups`, `email`, `email_verified`.
 * - Revocation (RFC 7009, the client authenticated): a refresh token ends its
 *   grant, an access token alone; 200 for a token it does not know.
 * removeAccess() is the person's tokens for the application deleted in
 * authentik's admin interface. The authorization flow approves at once for
 * signInAs()'s person.
 */
import { createHash } from 'node:crypto';
import { codeRequest, redirectBack, requestedScopes } from './kit/authorization.js';
import { basicAsSent, formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface AuthentikUser {
  /** The user's primary key, which the subject hashes. */
  pk: number;
  username: string;
  name: string;
  email: string;
  /** What the e-mail scope mapping says (the stock one: false). */
  emailVerified?: boolean;
}

export interface AuthentikEmulatorOptions extends EmulatorOptions {
  slug: string;
  /** The scopes the provider has scope mappings for (default: openid, profile, email, offline_access). */
  scopeMappings?: string[];
}

export interface AuthentikEmulator extends EmulatorHandle<AuthentikUser> {
  readonly issuer: string;
  /** The person's tokens for the application are deleted in the admin interface. */
  removeAccess(user: AuthentikUser): void;
}

const ACCESS_TOKEN_SECONDS = 5 * 60;
const REFRESH_TOKEN_SECONDS = 30 * 86_400;

/** authentik's default subject: a SHA-256 of the user's id and the install's id, hex. */
export function hashedUserId(user: AuthentikUser): string {
  return createHash('sha256').update(`${user.pk}-install-0f4c`).digest('hex');
}

export async function startAuthentikEmulator(options: AuthentikEmulatorOptions): Promise<AuthentikEmulator> {
  const server = await startEmulatorServer();
  const base = `${server.origin}/application/o`;
  const issuer = `${base}/${options.slug}/`;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<AuthentikUser>({ now, accessTokenTtl: ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating', refreshTokenTtl: REFRESH_TOKEN_SECONDS, codeTtl: 60 });
  const controls = emulatorControls<AuthentikUser>(server, grants);
  const mapped = new Set(options.scopeMappings ?? ['openid', 'profile', 'email', 'offline_access']);

  server.route('GET', `/application/o/${options.slug}/.well-known/openid-configuration`, () =>
    json(200, {
      issuer,
      authorization_endpoint: `${base}/authorize/`,
      token_endpoint: `${base}/token/`,
      userinfo_endpoint: `${base}/userinfo/`,
      end_session_endpoint: `${base}/${options.slug}/end-session/`,
      introspection_endpoint: `${base}/introspect/`,
      revocation_endpoint: `${base}/revoke/`,
      device_authorization_endpoint: `${base}/device/`,
      response_types_supported: ['code', 'id_token', 'id_token token', 'code token', 'code id_token', 'code id_token token'],
      jwks_uri: `${base}/${options.slug}/jwks/`,
      grant_types_supported: ['authorization_code', 'refresh_token', 'implicit', 'client_credentials', 'password', 'urn:ietf:params:oauth:grant-type:device_code'],
      id_token_signing_alg_values_supported: ['RS256'],
      subject_types_supported: ['public'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      acr_values_supported: ['goauthentik.io/providers/oauth2/default'],
      scopes_supported: [...mapped],
      request_parameter_supported: false,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr'],
      claims_parameter_supported: false,
      code_challenge_methods_supported: ['plain', 'S256'],
    }),
  );
  server.route('GET', `/application/o/${options.slug}/jwks/`, () => json(200, key.jwks));

  server.route('GET', '/application/o/authorize/', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId) return html(400, '<p>Invalid client identifier: no client found with that identifier.</p>');
    if (query.get('redirect_uri') !== options.redirectUri) return html(400, '<p>Redirect URI Error: the request fails due to a missing, invalid, or mismatching redirection URI.</p>');
    const reply = redirectBack(options.redirectUri, query);
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'The resource owner or authorization server denied the request' });
    // Scopes with no mapping on the provider are dropped, not refused.
    const scope = requestedScopes(query).filter((name) => mapped.has(name)).join(' ');
    return reply({ code: grants.issueCode({ ...codeRequest(query, options, user), scope, refreshToken: scope.split(' ').includes('offline_access') }) });
  });

  // Basic is read as sent, without form-decoding; the form is read as it is.
  const authenticates = (request: EmulatorRequest): boolean => {
    const basic = /^Basic /i.test(request.headers.authorization ?? '');
    server.count(basic ? 'client_secret_basic' : 'client_secret_post');
    return basic ? basicAsSent(request, options) : formCredentials(request, options);
  };

  const idToken = (grant: Grant<AuthentikUser>, accessToken: string): Promise<string> =>
    grantIdToken(key, grant, accessToken, {
      iss: issuer,
      sub: hashedUserId(grant.user),
      aud: options.clientId,
      auth_time: now(),
      acr: 'goauthentik.io/providers/oauth2/default',
      amr: ['pwd'],
      sid: createHash('sha256').update(grant.id).digest('hex'),
    }, ACCESS_TOKEN_SECONDS);

  tokenEndpoint(server, '/application/o/token/', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, '<html><body><h1>Server Error (500)</h1></body></html>') },
    authenticates,
    errors: {
      client: () => oauthError(400, 'invalid_client', 'Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method)'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'The provided authorization grant or refresh token is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client'),
      code: () => oauthError(400, 'invalid_grant', 'The provided authorization grant or refresh token is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client'),
    },
    // A refresh keeps the token's scope when none is sent, and needs offline_access in the one sent.
    refuseRefresh: (_presented, form) => {
      const scope = form.get('scope');
      server.count(scope === null ? 'refresh_keeping_scope' : 'refresh_naming_scope');
      return scope !== null && !scope.split(' ').includes('offline_access') ? oauthError(400, 'invalid_scope', 'The requested scope is invalid, unknown, or malformed') : undefined;
    },
    answer: async ({ grant, tokens }) =>
      json(200, {
        access_token: tokens.accessToken,
        token_type: 'Bearer',
        scope: grant.scope,
        expires_in: tokens.expiresIn,
        id_token: await idToken(grant, tokens.accessToken),
        ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}),
      }),
  });

  server.route('POST', '/application/o/revoke/', (request) => {
    server.count('revoke');
    if (!authenticates(request)) return oauthError(401, 'invalid_client');
    const token = request.form().get('token') ?? '';
    grants.revokeToken(token);
    return { status: 200 };
  });

  server.route('GET', '/application/o/userinfo/', (request) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return json(401, { error: 'invalid_token', error_description: 'Token is invalid or has expired' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
    const { user } = grant;
    const scopes = grant.scope.split(' ');
    return json(200, {
      sub: hashedUserId(user),
      ...(scopes.includes('profile') ? { name: user.name, given_name: user.name, preferred_username: user.username, nickname: user.username, groups: ['authentik Admins'] } : {}),
      ...(scopes.includes('email') ? { email: user.email, email_verified: user.emailVerified ?? false } : {}),
    });
  });

  return {
    ...controls.handle,
    issuer,
    removeAccess: (user) => grants.revokeGrantsOf((someone) => someone.pk === user.pk),
  };
}
