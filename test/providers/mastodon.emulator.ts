/**
 * An emulator of one Mastodon instance (4.3 or later; its URL is the
 * emulator's origin) as an OAuth 2.0 server and the part of its REST API a
 * connection touches, written from Mastodon's documentation:
 * - Authorize: `GET /oauth/authorize` with `response_type=code`, `client_id`,
 *   `redirect_uri` (the app's, else Doorkeeper's error page), `state`,
 *   `scope` (space-separated, each within the app's registered scopes, else
 *   `invalid_scope`; none is `read`) and PKCE, `S256` only
 *   (https://docs.joinmastodon.org/methods/oauth/#authorize,
 *   https://docs.joinmastodon.org/api/oauth-scopes/). A person who declines
 *   comes back with `access_denied`.
 * - Token: `POST /oauth/token`, a form, the client in the form or as Basic
 *   (the metadata lists both), the code good once, its PKCE verifier checked.
 *   The answer is `{ access_token, token_type: "Bearer", scope, created_at }`:
 *   no `expires_in`, no refresh token, since tokens "will not expire
 *   automatically" (https://docs.joinmastodon.org/methods/oauth/#token,
 *   https://docs.joinmastodon.org/api/oauth-tokens/); a refresh_token grant
 *   is `unsupported_grant_type` (the metadata lists only
 *   `authorization_code` and `client_credentials`). Refusals are RFC 6749 §5.2
 *   JSON with Doorkeeper's descriptions, 400 `invalid_grant` for a code,
 *   401 `invalid_client`, each with Doorkeeper's
 *   `WWW-Authenticate: Bearer realm="Doorkeeper", error=…` challenge.
 * - `GET /.well-known/oauth-authorization-server`, RFC 8414 metadata as 4.3
 *   serves it (https://docs.joinmastodon.org/methods/oauth/#authorization-server-metadata);
 *   the preset does not read it, so a test can show that.
 * - Revoke: `POST /oauth/revoke` with `client_id`, `client_secret` and
 *   `token`: 200 `{}`, again for a token already revoked; a token of another
 *   client, or none, 403 `unauthorized_client`
 *   (https://docs.joinmastodon.org/methods/oauth/#revoke).
 * - `GET /api/v1/accounts/verify_credentials` with `profile`, `read` or
 *   `read:accounts` (https://docs.joinmastodon.org/methods/accounts/#verify_credentials);
 *   `GET /api/v1/preferences` with `read` or `read:accounts`
 *   (https://docs.joinmastodon.org/methods/preferences/). A token it does
 *   not take is 401 `{ "error": "The access token is invalid" }`, one
 *   without the scope 403 `{ "error": "This action is outside the authorized scopes" }`.
 * The authorization page approves at once for the user set with signInAs().
 */
import { codeRequest, redirectBack, requestedScopes } from './kit/authorization.js';
import { authenticatesAs } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import { describedError } from './kit/described-errors.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

/** A refusal as Doorkeeper answers it: the JSON body, and the same error in a Bearer challenge. */
function refusal(status: number, error: Parameters<typeof describedError>[0]): EmulatorReply {
  const body = describedError(error);
  return json(status, body, { 'www-authenticate': `Bearer realm="Doorkeeper", error="${body.error}", error_description="${body.error_description}"` });
}

export interface MastodonUser {
  /** The account's id at the instance, a number as a string. */
  id: string;
  username: string;
  displayName: string;
}

export interface MastodonEmulatorOptions extends Omit<EmulatorOptions, 'now'> {
  /** The `scopes` the app was registered with (default: read:accounts profile read:statuses). */
  appScopes?: string[];
}

export interface MastodonEmulator extends EmulatorHandle<MastodonUser> {
  /** The person revokes the app under Preferences, Account, Authorized apps: its tokens stop working. */
  revokeAppAt(user: MastodonUser): void;
  /** The next verify_credentials request fails with this HTTP status. */
  failNextVerifyCredentials(status: number): void;
  /** The form of each code exchange, and of each revocation, as they came. */
  readonly tokenForms: URLSearchParams[];
  readonly revocationForms: URLSearchParams[];
}

/** Which scopes reach a method: the granular one, its high-level parent, and `profile` where it counts (https://docs.joinmastodon.org/api/oauth-scopes/). */
const READ_ACCOUNTS = ['read', 'read:accounts'];

export async function startMastodonEmulator(options: MastodonEmulatorOptions): Promise<MastodonEmulator> {
  const server = await startEmulatorServer();
  const instance = server.origin;
  const now = () => Math.floor(Date.now() / 1000);
  const grants = new GrantStore<MastodonUser>({ accessTokenTtl: null, refreshPolicy: 'none' });
  const controls = emulatorControls<MastodonUser>(server, grants);
  const appScopes = new Set(options.appScopes ?? ['read:accounts', 'profile', 'read:statuses']);
  const profileFailure = queuedFailure();
  const tokenForms: URLSearchParams[] = [];
  const revocationForms: URLSearchParams[] = [];

  server.route('GET', '/.well-known/oauth-authorization-server', () =>
    json(200, {
      issuer: `${instance}/`,
      service_documentation: 'https://docs.joinmastodon.org/',
      authorization_endpoint: `${instance}/oauth/authorize`,
      token_endpoint: `${instance}/oauth/token`,
      app_registration_endpoint: `${instance}/api/v1/apps`,
      revocation_endpoint: `${instance}/oauth/revoke`,
      scopes_supported: ['read', 'write', 'push', 'profile', 'read:accounts', 'read:statuses', 'write:statuses'],
      response_types_supported: ['code'],
      response_modes_supported: ['query', 'fragment', 'form_post'],
      code_challenge_methods_supported: ['S256'],
      grant_types_supported: ['authorization_code', 'client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    }),
  );

  server.route('GET', '/oauth/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) {
      return html(400, '<h2>An error has occurred</h2><p>The redirect uri included is not valid.</p>');
    }
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    const asked = requestedScopes(query);
    if (asked.some((scope) => !appScopes.has(scope))) return reply(describedError('invalid_scope'));
    if (query.has('code_challenge') && query.get('code_challenge_method') !== 'S256') {
      return reply({ error: 'invalid_request', error_description: 'The code challenge method must be S256.' });
    }
    const user = controls.approver();
    if (!user) return reply(describedError('access_denied'));
    const code = { ...codeRequest(query, options, user), scope: asked.length > 0 ? asked.join(' ') : 'read' };
    return reply({ code: grants.issueCode(code) });
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, '<h1>We\'re sorry, but something went wrong on our end.</h1>') },
    authenticates: (request) => authenticatesAs(request, options),
    errors: {
      client: () => refusal(401, 'invalid_client'),
      grantType: () => refusal(400, 'unsupported_grant_type'),
      // Mastodon issues no refresh tokens: a refresh_token grant is one it does not serve.
      refreshToken: () => refusal(400, 'unsupported_grant_type'),
      code: () => refusal(400, 'invalid_grant'),
    },
    refuseCode: (form) => {
      tokenForms.push(form);
      return undefined;
    },
    answer: ({ grant, tokens }) => json(200, { access_token: tokens.accessToken, token_type: 'Bearer', scope: grant.scope, created_at: now() }, { 'cache-control': 'no-store', pragma: 'no-cache' }),
  });

  server.route('POST', '/oauth/revoke', (request) => {
    server.count('revoke');
    const form = request.form();
    revocationForms.push(form);
    const notYours = () => json(403, { error: 'unauthorized_client', error_description: 'You are not authorized to revoke this token' });
    if (!authenticatesAs(request, options) || !form.get('token')) return notYours();
    const grant = grants.grantOfToken(form.get('token')!);
    if (grant && grant.clientId !== options.clientId) return notYours();
    if (grant) grants.revokeGrant(grant.id);
    return json(200, {});
  });

  /** The grant of the request's Bearer token if it holds one of `scopes`, else Mastodon's API refusal. */
  const caller = (request: EmulatorRequest, scopes: string[]): Grant<MastodonUser> | EmulatorReply => {
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) {
      return json(401, { error: 'The access token is invalid' }, { 'www-authenticate': 'Bearer realm="Doorkeeper", error="invalid_token", error_description="The access token is invalid"' });
    }
    if (!grant.scope.split(' ').some((scope) => scopes.includes(scope))) return json(403, { error: 'This action is outside the authorized scopes' });
    return grant;
  };

  server.route('GET', '/api/v1/accounts/verify_credentials', (request) => {
    server.count('verify_credentials');
    const status = profileFailure.take();
    if (status !== undefined) return html(status, '<h1>We\'re sorry, but something went wrong on our end.</h1>');
    const found = caller(request, [...READ_ACCOUNTS, 'profile']);
    if ('status' in found) return found;
    const { id, username, displayName } = found.user;
    return json(200, {
      id,
      username,
      acct: username,
      display_name: displayName,
      locked: false,
      bot: false,
      created_at: '2016-11-24T10:02:12.085Z',
      note: '<p></p>',
      url: `${instance}/@${username}`,
      avatar: `${instance}/avatars/original/missing.png`,
      followers_count: 3,
      following_count: 5,
      statuses_count: 42,
      source: { privacy: 'public', sensitive: false, language: '', note: '', fields: [] },
      emojis: [],
      fields: [],
    });
  });

  server.route('GET', '/api/v1/preferences', (request) => {
    server.count('preferences');
    const found = caller(request, READ_ACCOUNTS);
    if ('status' in found) return found;
    return json(200, { 'posting:default:visibility': 'public', 'posting:default:sensitive': false, 'posting:default:language': null, 'reading:expand:media': 'default', 'reading:expand:spoilers': false });
  });

  return {
    ...controls.handle,
    tokenForms,
    revocationForms,
    revokeAppAt: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextVerifyCredentials: profileFailure.queue,
  };
}
