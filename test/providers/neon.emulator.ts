/**
 * An emulator of Neon's OAuth server (oauth2.neon.tech) and of the part of
 * the Neon API (console.neon.tech/api/v2) a connection touches, on one host,
 * written from Neon's OAuth integration guide
 * (https://neon.com/docs/guides/oauth-integration) and API reference
 * (https://neon.com/docs/reference/api/users/get-current-user-info,
 * https://neon.com/docs/reference/api/projects/list-projects):
 * - Discovery at `/.well-known/openid-configuration`, as the guide's example
 *   document has it: the issuer with its trailing slash, `/oauth2/auth`,
 *   `/oauth2/token`, `/userinfo`, `/oauth2/revoke`, the JWKS at
 *   `/.well-known/jwks.json`, `claims_supported: ["sub"]`, PKCE plain or S256.
 * - Authorize: `client_id`, `redirect_uri` (a registered callback), `scope`
 *   among Neon's predefined scopes and `openid`, `offline`,
 *   `offline_access` (another is `invalid_scope`), `response_type=code`,
 *   `code_challenge` and `state`; back with `code`, `scope` and `state`. A
 *   refresh token only with both `offline` and `offline_access`. A person
 *   who declines goes back with `error=access_denied` (not shown by Neon).
 * - Token: a form with the client's id and secret (Basic taken too, as the
 *   discovery document lists both). The answer is `access_token`,
 *   `token_type: "bearer"`, `expires_in` (3600 here), `scope`,
 *   `refresh_token` with the offline scopes and `id_token` (sub only). A
 *   refresh answers a new refresh token and the old one is refused (Neon
 *   does not say). Refusals are RFC 6749 §5.2's JSON with a description
 *   (not shown by Neon).
 * - Revoke (RFC 7009): 200 for a token revoked or unknown; a refresh token
 *   ends its grant, an access token itself alone.
 * - API, the token as Bearer: `GET /api/v2/users/me` answers the user (`id`,
 *   `email`, `name`, `last_name`, `login`, `image`, `plan`…),
 *   `GET /api/v2/projects` the person's projects (`urn:neoncloud:projects:read`,
 *   else 403 here); a token it does not take is a 401
 *   `{ code, message }`.
 * - removeApp() is the person ending the application's access: its tokens
 *   stop working.
 * The consent screen approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { isGrant } from './kit/bearer-grant.js';
import { authenticatesAs } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { oauthError, openIdTokenAnswer, RFC_6749_DESCRIPTIONS, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface NeonUser {
  /** The Neon user id. */
  id: string;
  name: string;
  lastName: string;
  email: string;
}

export interface NeonEmulator extends EmulatorHandle<NeonUser> {
  readonly issuer: string;
  /** The person ends the application's access: none of its tokens works. */
  removeApp(user: NeonUser): void;
  /** How many grants of the application the person still has. */
  liveGrants(user: NeonUser): number;
}

const SCOPES = ['openid', 'offline', 'offline_access', ...['create', 'read', 'update', 'delete', 'permission'].flatMap((verb) => [`urn:neoncloud:projects:${verb}`, `urn:neoncloud:orgs:${verb}`])];

export async function startNeonEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<NeonEmulator> {
  const server = await startEmulatorServer();
  const issuer = `${server.origin}/`;
  const key = await createSigningKey('RS256');
  const grants = new GrantStore<NeonUser>({ accessTokenTtl: 3600, refreshPolicy: 'rotating', refreshTokenTtl: null });
  const controls = emulatorControls<NeonUser>(server, grants);

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${server.origin}/oauth2/auth`,
      token_endpoint: `${server.origin}/oauth2/token`,
      jwks_uri: `${server.origin}/.well-known/jwks.json`,
      subject_types_supported: ['public'],
      response_types_supported: ['code', 'code id_token', 'id_token', 'token id_token', 'token', 'token id_token code'],
      claims_supported: ['sub'],
      grant_types_supported: ['authorization_code', 'implicit', 'client_credentials', 'refresh_token'],
      response_modes_supported: ['query', 'fragment'],
      userinfo_endpoint: `${server.origin}/userinfo`,
      scopes_supported: ['offline_access', 'offline', 'openid'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic', 'private_key_jwt', 'none'],
      id_token_signing_alg_values_supported: ['RS256'],
      revocation_endpoint: `${server.origin}/oauth2/revoke`,
      end_session_endpoint: `${server.origin}/oauth2/sessions/logout`,
      code_challenge_methods_supported: ['plain', 'S256'],
    }),
  );
  server.route('GET', '/.well-known/jwks.json', () => json(200, key.jwks));

  authorizationEndpoint(server, '/oauth2/auth', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => (requestedScopes(query).every((scope) => SCOPES.includes(scope)) ? undefined : { error: 'invalid_scope', error_description: 'The requested scope is invalid, unknown, or malformed.' }),
    request: (query) => {
      const scopes = requestedScopes(query);
      return { refreshToken: scopes.includes('offline') && scopes.includes('offline_access') };
    },
  });

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, '<h1>Service Unavailable</h1>') },
    errors: {
      client: () => oauthError(401, 'invalid_client', RFC_6749_DESCRIPTIONS.invalid_client),
      refreshToken: () => oauthError(400, 'invalid_grant', RFC_6749_DESCRIPTIONS.invalid_grant),
      code: () => oauthError(400, 'invalid_grant', RFC_6749_DESCRIPTIONS.invalid_grant),
    },
    answer: async ({ grant, tokens }) => {
      const members = grant.scope.split(' ').includes('openid')
        ? openIdTokenAnswer(tokens, grant.scope, 'bearer', await grantIdToken(key, grant, tokens.accessToken, { iss: issuer, aud: [options.clientId], sub: grant.user.id }))
        : tokenMembers(tokens, grant.scope, 'bearer');
      if (!tokens.refreshToken) delete members.refresh_token;
      return json(200, members);
    },
  });

  server.route('POST', '/oauth2/revoke', (request) => {
    server.count('revoke');
    if (!authenticatesAs(request, options)) return oauthError(401, 'invalid_client');
    const token = request.form().get('token');
    if (!token) return oauthError(400, 'invalid_request');
    grants.revokeToken(token);
    return { status: 200, headers: {}, body: '' };
  });

  const apiGrant = (request: EmulatorRequest): Grant<NeonUser> | EmulatorReply =>
    grants.grantOfAccessToken(request.bearer() ?? '') ?? json(401, { code: '', message: 'authentication required' });

  server.route('GET', '/userinfo', (request) => {
    const grant = apiGrant(request);
    return isGrant(grant) ? json(200, { sub: grant.user.id }) : grant;
  });

  server.route('GET', '/api/v2/users/me', (request) => {
    server.count('users_me');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { id, name, lastName, email } = grant.user;
    return json(200, { active_seconds_limit: 0, auth_accounts: [], email, id, image: '', login: name.toLowerCase(), name, last_name: lastName, projects_limit: 100, branches_limit: 500, max_autoscaling_limit: 8, plan: 'free' });
  });

  server.route('GET', '/api/v2/projects', (request) => {
    server.count('projects');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    if (!grant.scope.split(' ').includes('urn:neoncloud:projects:read')) return json(403, { code: '', message: 'insufficient scope' });
    return json(200, { projects: [{ id: 'steep-field-123456', name: 'acme-db', region_id: 'aws-us-east-2' }], pagination: { cursor: 'steep-field-123456' } });
  });

  return {
    ...controls.handle,
    issuer,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    liveGrants: (user) => grants.liveGrants(options.clientId).filter((grant) => grant.user.id === user.id).length,
  };
}
