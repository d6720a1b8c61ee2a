/**
 * An emulator of Snyk's OAuth2 API for Snyk Apps (app.snyk.io/oauth2/authorize,
 * api.snyk.io/oauth2) and of the part of its REST API (api.snyk.io/rest) a
 * connection touches, on one host, written from Snyk's documentation
 * (https://docs.snyk.io/snyk-api/oauth2-api,
 * https://docs.snyk.io/snyk-api/using-specific-snyk-apis/snyk-apps-apis/set-up-a-snyk-app-using-the-oauth2-api/set-up-to-authorize-users,
 * https://docs.snyk.io/snyk-api/how-to-use-snyk-apps-apis/set-up-a-snyk-app-using-the-oauth2-api/set-up-the-authorization-code-exchange,
 * https://docs.snyk.io/snyk-api/how-to-use-snyk-apps-apis/set-up-a-snyk-app-using-the-oauth2-api/set-up-the-refresh-token-exchange,
 * https://docs.snyk.io/snyk-api/using-specific-snyk-apis/snyk-apps-apis/set-up-a-snyk-app-using-the-oauth2-api/revoke-compromised-refresh-tokens):
 * - Authorize: `GET /oauth2/authorize` with `response_type=code`,
 *   `client_id`, `redirect_uri`, `state`, and `code_challenge` with
 *   `code_challenge_method=S256`, both required (without them, or with
 *   `plain`, `invalid_request` is sent back here: the code is not shown by
 *   Snyk). No `scope`: the app's scopes are granted. Refusals go back as
 *   `error`, `error_description` and `state`.
 * - Token: `POST /oauth2/token`, a form with the client in it. The code
 *   exchange checks the PKCE verifier. The answer is `access_token`,
 *   `expires_in` (3599 here, as Snyk's example), `refresh_token`,
 *   `refresh_expires_in`, `token_type: "bearer"`, `scope` and `bot_id`. A
 *   refresh answers a new pair, and the refresh token used is spent.
 *   Refusals are `{ error, error_description }`.
 * - Revoke: `POST /oauth2/revoke`, a form with `token`, `client_id` and
 *   `client_secret`; a refresh token is revoked (alone here: whether its
 *   access token ends too is not said; each counted as
 *   `refresh_token_revoked`), and the answer is 200 with an empty body
 *   whether the token was revoked or was not valid; a client not taken is
 *   401 `invalid_client`.
 * - REST API: the token as `Authorization: bearer`, a `version` on every
 *   call (400 without one here). `GET /rest/self` answers `{ jsonapi, data:
 *   { id, type: "user", attributes: { name, username, email, avatar_url,
 *   default_org_context } }, links }`; `GET /rest/orgs` the Organizations
 *   the app reaches. A token not taken is a 401 JSON:API error document
 *   (`errors[].status`, `detail`).
 * - removeApp() is the person revoking the app on the Authorized Snyk Apps
 *   page: none of its tokens works.
 * The authorization page approves at once for signInAs()'s person.
 */
import { randomUUID } from 'node:crypto';
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { isGrant } from './kit/bearer-grant.js';
import { credentialsIn, formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface SnykUser {
  id: string;
  name: string;
  username: string;
  email: string;
  org: { id: string; name: string };
}

export interface SnykEmulator extends EmulatorHandle<SnykUser> {
  /** The person revokes the app on the Authorized Snyk Apps page: none of its tokens works. */
  removeApp(user: SnykUser): void;
}

const APP_SCOPES = 'org.read org.project.read';
const REFRESH_TOKEN_TTL = 15_552_000;

export async function startSnykEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<SnykEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<SnykUser>({ accessTokenTtl: 3599, refreshPolicy: 'rotating', refreshTokenTtl: REFRESH_TOKEN_TTL });
  const controls = emulatorControls<SnykUser>(server, grants);
  /** Refresh tokens revoked at /oauth2/revoke, each alone. */
  const revokedRefreshTokens = new Set<string>();

  authorizationEndpoint(server, '/oauth2/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: 'Invalid client_id or redirect_uri',
    refuse: (query) =>
      !query.get('code_challenge') || query.get('code_challenge_method') !== 'S256' ? { error: 'invalid_request', error_description: 'code_challenge with code_challenge_method S256 is required' } : undefined,
    request: () => ({ scope: APP_SCOPES }),
  });

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, '<h1>Internal Server Error</h1>') },
    authenticates: (request) => formCredentials(request, options),
    errors: {
      client: () => oauthError(401, 'invalid_client', 'client authentication failed'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'refresh token is invalid, expired or revoked'),
      code: () => oauthError(400, 'invalid_grant', 'authorization code is invalid or expired'),
    },
    refuseRefresh: (presented) => (revokedRefreshTokens.has(presented) ? oauthError(400, 'invalid_grant', 'refresh token is invalid, expired or revoked') : undefined),
    answer: ({ grant, tokens }) => json(200, { ...tokenMembers(tokens, grant.scope, 'bearer'), refresh_expires_in: REFRESH_TOKEN_TTL, bot_id: randomUUID() }),
  });

  server.route('POST', '/oauth2/revoke', (request) => {
    server.count('revoke');
    const form = request.form();
    if (!credentialsIn(form, options)) return oauthError(401, 'invalid_client', 'client authentication failed');
    const token = form.get('token') ?? '';
    if (!token) return oauthError(400, 'invalid_request', "Request parameter 'token' is missing");
    if (grants.grantOfToken(token) && !grants.grantOfAccessToken(token) && !revokedRefreshTokens.has(token)) {
      revokedRefreshTokens.add(token);
      server.count('refresh_token_revoked');
    }
    return { status: 200, headers: {}, body: '' };
  });

  const errorDocument = (status: number, detail: string): EmulatorReply => json(status, { jsonapi: { version: '1.0' }, errors: [{ status: String(status), detail }] });
  /** The grant of a REST call: its bearer token taken, and a version named. */
  const restGrant = (request: EmulatorRequest): Grant<SnykUser> | EmulatorReply => {
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return errorDocument(401, 'Unauthorized');
    if (!request.url.searchParams.get('version')) return errorDocument(400, "Request parameter 'version' is missing");
    return grant;
  };

  server.route('GET', '/rest/self', (request) => {
    server.count('self');
    const grant = restGrant(request);
    if (!isGrant(grant)) return grant;
    const { id, name, username, email, org } = grant.user;
    return json(200, {
      jsonapi: { version: '1.0' },
      data: { id, type: 'user', attributes: { name, username, email, avatar_url: 'https://snyk.io/avatar.png', default_org_context: org.id } },
      links: { self: `/self?version=${request.url.searchParams.get('version')}` },
    });
  });

  server.route('GET', '/rest/orgs', (request) => {
    server.count('orgs');
    const grant = restGrant(request);
    if (!isGrant(grant)) return grant;
    const { org } = grant.user;
    return json(200, { jsonapi: { version: '1.0' }, data: [{ id: org.id, type: 'org', attributes: { name: org.name } }], links: { self: '/orgs' } });
  });

  return {
    ...controls.handle,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
