/**
 * An emulator of Heroku's web application authorization (`https://id.heroku.com`)
 * and of the part of the Platform API (`https://api.heroku.com`) a
 * connection touches, on one host, written from Heroku's documentation
 * (https://devcenter.heroku.com/articles/oauth,
 * https://devcenter.heroku.com/articles/platform-api-reference):
 * - `GET /oauth/authorize` with `client_id`, `response_type=code`, `scope`
 *   (space- or comma-separated, among `global`, `identity`, `read`,
 *   `write`, `read-protected`, `write-protected`) and `state`, back to the
 *   client's callback URL; no PKCE is read. A person who declines is sent
 *   back with `error=access_denied`.
 * - `POST /oauth/token` with `grant_type`, `code` or `refresh_token`, and
 *   `client_secret` in the form or as Basic's password. The answer is
 *   `access_token` (`HRKU-…`), `expires_in` (28799), `refresh_token`,
 *   `token_type: "Bearer"`, `user_id` and `session_nonce`; a refresh answers
 *   the same refresh token, which does not expire. Refusals are the
 *   Platform API's `{ id, message }` (401 `unauthorized`), as Heroku's
 *   identity service passes them through; their messages here are
 *   assumptions.
 * - `GET /account` (behind `identity` or `global`), `GET /apps` (behind
 *   `read`, `write`, `read-protected` or `global`), `GET
 *   /oauth/authorizations` and `DELETE /oauth/authorizations/{id}` (behind
 *   `global`), each needing `Accept: application/vnd.heroku+json;
 *   version=3` (400 `bad_request` otherwise here); a token not taken is 401
 *   `{ id: "unauthorized" }`, a scope missing 403 `{ id: "forbidden" }`.
 *   Each person also has an authorization of another client (the Heroku
 *   CLI's), which a revocation must leave alone. Deleting an authorization
 *   ends its tokens, its refresh token with them.
 * The authorization page approves at once for signInAs()'s user.
 */
import { redirectBack } from './kit/authorization.js';
import { isGrant } from './kit/bearer-grant.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface HerokuAccount {
  id: string;
  email: string;
  name: string | null;
}

export interface HerokuEmulator extends EmulatorHandle<HerokuAccount> {
  /** The person revokes the app in their Heroku account's Applications settings. */
  revokeAppAtHeroku(account: HerokuAccount): void;
  /** The next /account request fails with this HTTP status. */
  failNextAccountRequest(status: number): void;
  /** The ids of the live authorizations of another client (the Heroku CLI's) the person has. */
  otherClientAuthorizations(account: HerokuAccount): string[];
}

const ACCESS_TOKEN_TTL = 28_799;
const SCOPES = ['global', 'identity', 'read', 'write', 'read-protected', 'write-protected'];
const V3 = 'application/vnd.heroku+json; version=3';

export async function startHerokuEmulator(options: EmulatorOptions): Promise<HerokuEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<HerokuAccount>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'static',
    refreshTokenTtl: null,
    prefixes: { access: 'HRKU-', refresh: 'rt-' },
  });
  const controls = emulatorControls<HerokuAccount>(server, grants);
  /** Live authorizations of another client, by person. */
  const cliAuthorizations = new Map<string, string>();
  const accountFailure = queuedFailure();

  server.route('GET', '/oauth/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId) return html(400, '<h1>Unknown OAuth client.</h1>');
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    const scopes = (query.get('scope') ?? 'global').split(/[, ]+/).filter(Boolean);
    if (scopes.some((scope) => !SCOPES.includes(scope))) return reply({ error: 'invalid_scope' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied' });
    if (!cliAuthorizations.has(user.id)) cliAuthorizations.set(user.id, `cli-${user.id}`);
    const scope = [...new Set(scopes)].sort().join(' ');
    return reply({ code: grants.issueCode({ clientId: options.clientId, redirectUri: undefined, scope, codeChallenge: undefined, codeChallengeMethod: undefined, user }) });
  });

  const herokuError = (status: number, id: string, message: string): EmulatorReply => json(status, { id, message });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, '<h1>Application Error</h1>') },
    // The secret alone identifies the client here, as Basic's password or in the form.
    authenticates: (request) => (request.basicAuth()?.password ?? request.form().get('client_secret')) === options.clientSecret,
    pkce: false,
    errors: {
      client: () => herokuError(401, 'unauthorized', 'Invalid OAuth client secret.'),
      grantType: () => herokuError(422, 'invalid_params', 'Invalid grant type.'),
      refreshToken: () => herokuError(401, 'unauthorized', 'Invalid refresh token.'),
      code: () => herokuError(401, 'unauthorized', 'Invalid grant code.'),
    },
    answer: ({ grantType, grant, tokens, form }) =>
      json(200, {
        access_token: tokens.accessToken,
        expires_in: tokens.expiresIn,
        // A refresh answers the refresh token it was given.
        refresh_token: grantType === 'refresh_token' ? form.get('refresh_token') : tokens.refreshToken,
        token_type: 'Bearer',
        user_id: grant.user.id,
        session_nonce: grant.id,
      }),
  });

  /** The grant of a Platform API call with the Accept it needs and one of `scopes`; else the API's refusal. */
  const apiGrant = (request: EmulatorRequest, scopes: string[]): Grant<HerokuAccount> | EmulatorReply => {
    if (request.headers.accept !== V3) return herokuError(400, 'bad_request', "Please specify a version along with Heroku's API MIME type. For example, `Accept: application/vnd.heroku+json; version=3`.");
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return herokuError(401, 'unauthorized', 'Invalid credentials provided.');
    if (!grant.scope.split(' ').some((scope) => scopes.includes(scope))) return herokuError(403, 'forbidden', 'This OAuth authorization does not have the required scope.');
    return grant;
  };
  const authorizationOf = (grant: Grant<HerokuAccount>) => ({ id: grant.id, client: { id: options.clientId, name: 'Tokenkeeper', redirect_uri: options.redirectUri }, access_token: null, scope: grant.scope.split(' ') });

  server.route('GET', '/account', (request) => {
    server.count('account');
    const status = accountFailure.take();
    if (status !== undefined) return herokuError(status, 'internal_server_error', 'Internal server error.');
    const grant = apiGrant(request, ['identity', 'global']);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, { id: user.id, email: user.email, name: user.name, verified: false, two_factor_authentication: true, created_at: '2012-01-01T12:00:00Z' });
  });

  server.route('GET', '/apps', (request) => {
    server.count('apps');
    const grant = apiGrant(request, ['read', 'write', 'read-protected', 'global']);
    if (!isGrant(grant)) return grant;
    return json(200, [{ id: '01234567-89ab-cdef-0123-456789abcdef', name: 'example', region: { name: 'us' }, stack: { name: 'heroku-24' } }]);
  });

  server.route('GET', '/oauth/authorizations', (request) => {
    server.count('authorizations');
    const grant = apiGrant(request, ['global']);
    if (!isGrant(grant)) return grant;
    const ours = grants.liveGrants(options.clientId).filter((each) => each.user.id === grant.user.id).map(authorizationOf);
    const cli = cliAuthorizations.get(grant.user.id);
    const others = cli ? [{ id: cli, client: { id: 'heroku-cli', name: 'Heroku CLI', redirect_uri: null }, access_token: null, scope: ['global'] }] : [];
    return json(200, [...others, ...ours]);
  });

  server.route('DELETE', '/oauth/authorizations/:id', (request) => {
    server.count('delete_authorization');
    const grant = apiGrant(request, ['global']);
    if (!isGrant(grant)) return grant;
    const target = grants.liveGrants(options.clientId).find((each) => each.id === request.params.id && each.user.id === grant.user.id);
    if (!target) return herokuError(404, 'not_found', "Couldn't find that OAuth authorization.");
    grants.revokeGrant(target.id);
    return json(200, authorizationOf(target));
  });

  return {
    ...controls.handle,
    revokeAppAtHeroku: (account) => {
      for (const grant of grants.liveGrants(options.clientId)) if (grant.user.id === account.id) grants.revokeGrant(grant.id);
    },
    failNextAccountRequest: accountFailure.queue,
    otherClientAuthorizations: (account) => {
      const cli = cliAuthorizations.get(account.id);
      return cli ? [cli] : [];
    },
  };
}
