/**
 * An emulator of Login with Railway (backboard.railway.com/oauth) and of the
 * part of Railway's GraphQL API (/graphql/v2) a connection touches, on one
 * host, written from Railway's docs
 * (https://docs.railway.com/integrations/oauth, and its pages quickstart,
 * login-and-tokens, scopes-and-user-consent, creating-an-app,
 * fetching-workspaces-or-projects, authorized-apps and troubleshooting):
 * - Discovery at `/oauth/.well-known/openid-configuration` names
 *   `/oauth/auth`, `/oauth/token`, `/oauth/me` (userinfo), the JWKS and PAR's
 *   `/oauth/request`; the issuer is `<origin>/oauth` here (Railway's pages do
 *   not name it). It names no revocation endpoint, as Railway documents none.
 * - Authorize: `response_type=code`, `client_id`, the registered
 *   `redirect_uri`, `scope` with `openid` (without it, `invalid_scope` here),
 *   `state`, and PKCE S256. A refresh token is issued only when `scope` has
 *   `offline_access` and `prompt=consent` was sent. A person who denies goes
 *   back with `error=access_denied` (the docs say only "an `error`").
 * - Token: a form, the client as Basic or in the form. The answer is
 *   `access_token`, `token_type: "Bearer"`, `expires_in: 3600`, `id_token`
 *   (a JWT with `sub` and no profile claims), `scope`, and the
 *   `refresh_token` when one was granted. A refresh rotates the refresh
 *   token (the docs allow the same one back at first; this emulator rotates
 *   every time); each lives a year from its issue, and one already rotated
 *   out, presented again, revokes the whole authorization. Refusals are
 *   RFC 6749 §5.2's `{ error, error_description }` (not shown by Railway).
 * - `GET /oauth/me` answers `sub`, with `email` under `email` and `name` and
 *   `picture` under `profile`; `POST /graphql/v2` answers `me { name email
 *   workspaces { id name } }` as far as the query asks. A token not taken is
 *   a 401 (RFC 6750 §3.1; its body is not shown by Railway).
 * - revokeApp() is the person's "Revoke Access" under Account Settings,
 *   Apps: every token of the app stops working at once.
 * The consent page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { openIdTokenAnswer, tokenEndpoint } from './kit/token-endpoint.js';

export interface RailwayUser {
  /** The user's id, Railway's `sub`. */
  id: string;
  name: string;
  email: string;
}

export interface RailwayEmulator extends EmulatorHandle<RailwayUser> {
  readonly issuer: string;
  /** Where the discovery document is: under /oauth. */
  readonly metadataUrl: string;
  /** The person revokes the app's access under Account Settings, Apps. */
  revokeApp(user: RailwayUser): void;
  /** How many of the app's authorizations of the person still stand. */
  liveGrants(user: RailwayUser): number;
}

const YEAR = 365 * 86_400;

export async function startRailwayEmulator(options: EmulatorOptions): Promise<RailwayEmulator> {
  const server = await startEmulatorServer();
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const issuer = `${server.origin}/oauth`;
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<RailwayUser>({ now, accessTokenTtl: 3600, refreshPolicy: 'rotating', refreshTokenTtl: YEAR, revokeGrantOnReuse: true });
  const controls = emulatorControls<RailwayUser>(server, grants);

  server.route('GET', '/oauth/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/auth`,
      token_endpoint: `${issuer}/token`,
      userinfo_endpoint: `${issuer}/me`,
      pushed_authorization_request_endpoint: `${issuer}/request`,
      registration_endpoint: `${issuer}/register`,
      jwks_uri: `${issuer}/jwks`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'email', 'profile', 'offline_access', 'workspace:viewer', 'workspace:member', 'workspace:admin', 'project:viewer', 'project:member'],
      claims_supported: ['sub', 'email', 'name', 'picture'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      code_challenge_methods_supported: ['S256'],
    }),
  );
  server.route('GET', '/oauth/jwks', () => json(200, key.jwks));

  authorizationEndpoint(server, '/oauth/auth', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => (requestedScopes(query).includes('openid') ? undefined : { error: 'invalid_scope', error_description: 'openid scope must be requested' }),
    // "your authorization request must include both the `offline_access` scope and the `prompt=consent` parameter"
    request: (query) => ({ refreshToken: requestedScopes(query).includes('offline_access') && query.get('prompt') === 'consent' }),
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, '<h1>Service Unavailable</h1>') },
    answer: async ({ grant, tokens }) => {
      const idToken = await grantIdToken(key, grant, tokens.accessToken, { iss: issuer, aud: options.clientId, sub: grant.user.id });
      const answer = openIdTokenAnswer(tokens, grant.scope, 'Bearer', idToken);
      if (!tokens.refreshToken) delete answer.refresh_token;
      return json(200, answer);
    },
  });

  const unauthorized = () => json(401, { error: 'invalid_token', error_description: 'invalid token provided' });

  server.route('GET', '/oauth/me', (request) => {
    server.count('me');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return unauthorized();
    const scopes = grant.scope.split(' ');
    const { id, name, email } = grant.user;
    return json(200, {
      sub: id,
      ...(scopes.includes('email') ? { email } : {}),
      ...(scopes.includes('profile') ? { name, picture: `https://avatars.githubusercontent.com/u/${id.length}` } : {}),
    });
  });

  server.route('POST', '/graphql/v2', (request) => {
    server.count('graphql');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return json(401, { errors: [{ message: 'Not Authorized' }] });
    const query = (request.json() as { query?: unknown } | undefined)?.query;
    if (typeof query !== 'string' || !/\bme\s*\{/.test(query)) return json(400, { errors: [{ message: 'This emulator answers the me query only' }] });
    const { name, email } = grant.user;
    return json(200, { data: { me: { name, email, ...(/\bworkspaces\b/.test(query) ? { workspaces: [{ id: 'ws_4f1c2a9e', name: 'ACME Inc.' }] } : {}) } } });
  });

  return {
    ...controls.handle,
    issuer,
    metadataUrl: `${issuer}/.well-known/openid-configuration`,
    revokeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    liveGrants: (user) => grants.liveGrants(options.clientId).filter((grant) => grant.user.id === user.id).length,
  };
}
