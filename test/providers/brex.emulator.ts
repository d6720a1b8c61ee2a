/**
 * An emulator of Brex's authorization server for partners
 * (accounts-api.brex.com/oauth2/default) and of the part of the Brex API
 * (api.brex.com) a connection touches, on one host, written from Brex's docs
 * (https://developer.brex.com/docs/partner_authentication/,
 * https://developer.brex.com/docs/faq,
 * https://developer.brex.com/openapi/team_api/users/):
 * - Discovery: `/.well-known/openid-configuration` names the endpoints (their
 *   paths here are the emulator's own: Brex's pages name none but this
 *   document), the JWKS and the grants; it names no revocation endpoint, as
 *   Brex's pages document none.
 * - Authorize: `response_type=code`, `client_id`, `redirect_uri` (the app's),
 *   `scope` and `state`; a refresh token only with `offline_access`. A
 *   customer who declines goes back with `error=access_denied` (not shown by
 *   Brex).
 * - Token: a form, the client as HTTP Basic or in the form (not said by
 *   Brex). The answer is `access_token`, `token_type: "Bearer"`,
 *   `expires_in: 3600` ("the OAuth token lasts for one hour"), `scope`, a
 *   `refresh_token` with `offline_access` and an `id_token` with `openid`. A
 *   refresh answers a new access token and no new refresh token (Brex does
 *   not say). Refusals are RFC 6749 §5.2's `{ error, error_description }`
 *   (not shown by Brex).
 * - API: the token as `Authorization: Bearer`; a token not taken is 401 (its
 *   body is not shown by Brex: an empty one here). `GET /v2/users/me`
 *   (`users` or `users.readonly`, else 403 here) answers the user of the
 *   token, `{ id, first_name, last_name, email, status, manager_id,
 *   department_id, location_id, title_id, metadata, remote_display_id }`.
 * - removeApp() is the customer removing the app in Brex: its tokens stop
 *   working.
 * The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { openIdTokenAnswer, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface BrexUser {
  /** The Brex user id (`cuuser_…`). */
  id: string;
  firstName: string;
  lastName: string;
  email: string;
}

export interface BrexEmulator extends EmulatorHandle<BrexUser> {
  readonly issuer: string;
  /** The customer removes the app in Brex: none of its tokens works. */
  removeApp(user: BrexUser): void;
}

export async function startBrexEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<BrexEmulator> {
  const server = await startEmulatorServer();
  const issuer = server.origin;
  const key = await createSigningKey('RS256');
  const grants = new GrantStore<BrexUser>({ accessTokenTtl: 3600, refreshPolicy: 'static', refreshTokenTtl: null });
  const controls = emulatorControls<BrexUser>(server, grants);

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/v1/authorize`,
      token_endpoint: `${issuer}/v1/token`,
      jwks_uri: `${issuer}/v1/keys`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'offline_access'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      code_challenge_methods_supported: ['S256'],
    }),
  );
  server.route('GET', '/v1/keys', () => json(200, key.jwks));

  authorizationEndpoint(server, '/v1/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    request: (query) => ({ refreshToken: requestedScopes(query).includes('offline_access') }),
  });

  tokenEndpoint(server, '/v1/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, '<h1>Service Unavailable</h1>') },
    answer: async ({ grant, tokens }) => {
      if (!grant.scope.split(' ').includes('openid')) return json(200, tokenMembers(tokens, grant.scope, 'Bearer'));
      const idToken = await grantIdToken(key, grant, tokens.accessToken, { iss: issuer, aud: options.clientId, sub: `00u${grant.user.id.slice(-12)}` });
      return json(200, openIdTokenAnswer(tokens, grant.scope, 'Bearer', idToken));
    },
  });

  server.route('GET', '/v2/users/me', (request) => {
    server.count('users_me');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return { status: 401, headers: {}, body: '' };
    const scopes = grant.scope.split(' ');
    if (!scopes.includes('users') && !scopes.includes('users.readonly')) return { status: 403, headers: {}, body: '' };
    const { id, firstName, lastName, email } = grant.user;
    return json(200, { id, first_name: firstName, last_name: lastName, email, status: 'ACTIVE', manager_id: null, department_id: null, location_id: null, title_id: null, metadata: {}, remote_display_id: null });
  });

  return {
    ...controls.handle,
    issuer,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
