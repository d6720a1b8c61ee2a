/**
 * An emulator of 37signals Launchpad and of the part of the Basecamp 4 API a
 * connection touches, both on one host (Launchpad is
 * `https://launchpad.37signals.com`, the API `https://3.basecampapi.com`),
 * written from Basecamp's API docs
 * (https://github.com/basecamp/bc3-api/blob/master/sections/authentication.md,
 * https://github.com/basecamp/bc3-api/blob/master/README.md):
 * - Authorize: `GET /authorization/new` with `response_type=code` (or the
 *   legacy `type=web_server`), `client_id`, `redirect_uri` (the
 *   integration's, else an error page) and `state`; no scopes. The person
 *   signs in with their 37signals ID and grants access (at once here, as
 *   signInAs()'s person); one who declines goes back with
 *   `error=access_denied` (assumed: the docs do not say).
 * - Token: `POST /authorization/token`, its parameters in the form or the
 *   query string (Launchpad reads both, as its docs' legacy examples send
 *   them), `grant_type` (or the legacy `type`: `web_server` for a code,
 *   `refresh` for a refresh token), the client's `client_id` and
 *   `client_secret` among them. The answer is `access_token`, `token_type:
 *   "Bearer"`, `expires_in: 1209600` (two weeks) and `refresh_token`, the
 *   same refresh token at each refresh (it does not rotate);
 *   `answerWithoutTokenType()` drops `token_type`, as Launchpad's draft-5
 *   answers did. A code or refresh token it does not take is 400
 *   `invalid_grant`, a wrong client 401 `invalid_client` (both assumed).
 * - `GET /authorization.json` answers `expires_at`, the `identity` (`id`,
 *   `first_name`, `last_name`, `email_address`) and the `accounts` the
 *   person has, each with `product`, `id`, `name`, `href` (the API base,
 *   this emulator's origin and the account id) and `app_href`.
 * - API: `GET /{account_id}/projects.json` answers the account's projects
 *   when the token's person has the account (else 404). Every JSON request
 *   without a User-Agent is 400, as the docs say; a token it does not take
 *   is 401 (its body assumed). The User-Agent of each call is in
 *   `server.requests`.
 * - removeIntegration() is the person removing the integration from their
 *   37signals ID: its tokens stop working.
 */
import { redirectBack } from './kit/authorization.js';
import { isGrant } from './kit/bearer-grant.js';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface BasecampAccount {
  id: number;
  name: string;
  product: 'bc3' | 'bcx';
}

export interface BasecampUser {
  /** The 37signals ID's number. */
  id: number;
  firstName: string;
  lastName: string;
  email: string;
  accounts: BasecampAccount[];
}

export interface BasecampEmulator extends EmulatorHandle<BasecampUser> {
  /** The person removes the integration from their 37signals ID: its tokens stop working. */
  removeIntegration(user: BasecampUser): void;
  /** Token answers leave out `token_type`, as Launchpad's draft-5 answers did, until called with false. */
  answerWithoutTokenType(without?: boolean): void;
}

const TWO_WEEKS = 14 * 24 * 60 * 60;

/** Launchpad's parameters, the query string's then the form's (a Rails app reads both), with the legacy `type` as RFC 6749's `grant_type`. */
function launchpadParameters(request: EmulatorRequest): URLSearchParams {
  const parameters = new URLSearchParams(request.url.searchParams);
  for (const [name, value] of request.form()) parameters.set(name, value);
  const legacy = { web_server: 'authorization_code', refresh: 'refresh_token' }[parameters.get('type') ?? ''];
  if (!parameters.has('grant_type') && legacy) parameters.set('grant_type', legacy);
  return parameters;
}

export async function startBasecampEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<BasecampEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<BasecampUser>({ accessTokenTtl: TWO_WEEKS, refreshPolicy: 'static', refreshTokenTtl: null });
  const controls = emulatorControls<BasecampUser>(server, grants);
  let withoutTokenType = false;

  server.route('GET', '/authorization/new', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>Invalid client_id or redirect_uri</h1>');
    if (query.get('response_type') !== 'code' && query.get('type') !== 'web_server') return html(400, '<h1>Unsupported authorization type</h1>');
    const reply = redirectBack(options.redirectUri, query);
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied' });
    return reply({ code: grants.issueCode({ clientId: options.clientId, redirectUri: options.redirectUri, scope: '', codeChallenge: undefined, codeChallengeMethod: undefined, user }) });
  });

  tokenEndpoint(server, '/authorization/token', {
    client: options,
    grants,
    pkce: false,
    parameters: launchpadParameters,
    authenticates: (request) => credentialsIn(launchpadParameters(request), options),
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, '<h1>We’re sorry, but something went wrong.</h1>') },
    errors: { client: () => oauthError(401, 'invalid_client') },
    answer: ({ grantType, tokens, form }) => {
      // The refresh token does not rotate: a refresh answers the one it was given.
      const refreshToken = grantType === 'refresh_token' ? form.get('refresh_token') : tokens.refreshToken;
      return json(200, { access_token: tokens.accessToken, ...(withoutTokenType ? {} : { token_type: 'Bearer' }), expires_in: tokens.expiresIn, refresh_token: refreshToken });
    },
  });

  /** The grant of a JSON request's token, or Basecamp's refusal: 400 without a User-Agent, 401 for a token it does not take. */
  const caller = (request: EmulatorRequest): Grant<BasecampUser> | EmulatorReply => {
    if (!request.headers['user-agent']) return html(400, 'Bad Request: a User-Agent header naming your app is required.');
    return grants.grantOfAccessToken(request.bearer() ?? '') ?? { status: 401, headers: { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer realm="Basecamp"' }, body: 'OAuth token could not be verified' };
  };

  server.route('GET', '/authorization.json', (request) => {
    server.count('authorization_json');
    const grant = caller(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      expires_at: new Date(Date.now() + TWO_WEEKS * 1000).toISOString(),
      identity: { id: user.id, first_name: user.firstName, last_name: user.lastName, email_address: user.email },
      accounts: user.accounts.map((account) => ({
        product: account.product,
        id: account.id,
        name: account.name,
        href: account.product === 'bc3' ? `${server.origin}/${account.id}` : `${server.origin}/${account.id}/api/v1`,
        app_href: `https://3.basecamp.com/${account.id}`,
      })),
    });
  });

  server.route('GET', '/:account/projects.json', (request) => {
    server.count('projects');
    const grant = caller(request);
    if (!isGrant(grant)) return grant;
    const account = grant.user.accounts.find((candidate) => String(candidate.id) === request.params.account && candidate.product === 'bc3');
    if (!account) return json(404, { status: 404, error: 'Not Found' });
    return json(200, [{ id: 2085958499, status: 'active', name: `${account.name} HQ`, url: `${server.origin}/${account.id}/projects/2085958499.json` }]);
  });

  return {
    ...controls.handle,
    removeIntegration: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    answerWithoutTokenType: (without = true) => {
      withoutTokenType = without;
    },
  };
}
