/**
 * An emulator of Bitbucket Cloud's OAuth 2.0 (bitbucket.org/site/oauth2) and
 * of the part of its REST API (api.bitbucket.org/2.0) that a connection
 * touches, written from Bitbucket's documentation:
 * - OAuth (https://developer.atlassian.com/cloud/bitbucket/oauth-2/):
 *   `GET /site/oauth2/authorize` with `client_id` and `response_type=code`;
 *   a `redirect_uri`, when sent, must be the consumer's callback URL or a
 *   path under it, and the person is sent back there (else to the callback)
 *   with `code` and `state`
 *   (https://support.atlassian.com/bitbucket-cloud/docs/use-oauth-on-bitbucket-cloud/).
 *   The scopes are the permissions ticked on the consumer; a `scope`
 *   parameter changes nothing, and a PKCE challenge, not documented, is
 *   ignored (RFC 6749 §3.1).
 *   `POST /site/oauth2/access_token`, the consumer's key and secret in HTTP
 *   Basic as they are (`curl -u "client_id:secret"`), answers
 *   `access_token`, `token_type: "bearer"`, `expires_in: 7200`,
 *   `refresh_token` and the granted scopes, space-separated, as `scope`.
 * - Since May 4th, 2026
 *   (https://community.developer.atlassian.com/t/oauth-2-0-and-api-authentication-changes-for-bitbucket-cloud/99003):
 *   each refresh answers a new refresh token, and the one used stops
 *   working; a refresh token unused for three months (90 days here) ends;
 *   the API takes the access token in the Authorization header only.
 * - Errors: the token endpoint answers RFC 6749's `{ error, error_description }`;
 *   a request without the consumer's credentials is `unauthorized_client`
 *   "Requests must be authenticated using OAuth client credentials" (as
 *   its users report it: https://github.com/p2/OAuth2/issues/96), and a
 *   refresh token it rotated out `unauthorized_client` "refresh_token is
 *   invalid" (https://gitlab.com/gitlab-org/gitlab/-/issues/640895); the
 *   HTTP status of either is not documented: 400 here. The API answers a
 *   token it does not take 401 `{"type": "error", "error": {"message":
 *   "Access token expired."}}`
 *   (https://github.com/lemurheavy/coveralls-public/issues/1541), and a
 *   token without the scope an endpoint needs 403, naming the scopes granted
 *   and required.
 * - Users (https://developer.atlassian.com/cloud/bitbucket/rest/api-group-users/):
 *   `GET /2.0/user` (scope `account`) answers the account, `uuid`,
 *   `account_id`, `nickname`, `display_name`…, with no e-mail;
 *   `GET /2.0/user/emails` (scope `email`) a page of the addresses, each with
 *   `is_primary` and `is_confirmed`.
 * - Repositories (https://developer.atlassian.com/cloud/bitbucket/rest/api-group-repositories/):
 *   `GET /2.0/repositories/{workspace}` (scope `repository`), a page of
 *   repositories.
 * No revocation endpoint is documented, so none is emulated. The
 * authorization page approves at once for signInAs()'s user.
 */
import { redirectBack } from './kit/authorization.js';
import { isGrant } from './kit/bearer-grant.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface BitbucketEmail {
  email: string;
  isPrimary: boolean;
  isConfirmed: boolean;
}

export interface BitbucketUser {
  /** The Atlassian account id, e.g. `557058:c0b72ad0-1cb5-4018-9cdc-0cde8492c443`. */
  accountId: string;
  /** Bitbucket's own id, in braces. */
  uuid: string;
  nickname: string;
  displayName: string;
  emails: BitbucketEmail[];
}

export interface BitbucketEmulatorOptions {
  clientId: string;
  clientSecret: string;
  /** The consumer's callback URL. */
  callbackUrl: string;
  /** The permissions ticked on the consumer (default: `account email repository`). */
  consumerScopes?: string[];
  now?: () => number;
}

export type BitbucketEmulator = EmulatorHandle<BitbucketUser>;

const ACCESS_TOKEN_TTL = 7200;
const REFRESH_TOKEN_TTL = 90 * 86_400;

export async function startBitbucketEmulator(options: BitbucketEmulatorOptions): Promise<BitbucketEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<BitbucketUser>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'rotating',
    refreshTokenTtl: REFRESH_TOKEN_TTL,
  });
  const controls = emulatorControls<BitbucketUser>(server, grants);
  const consumerScopes = (options.consumerScopes ?? ['account', 'email', 'repository']).join(' ');

  server.route('GET', '/site/oauth2/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId) return html(400, '<h1>Invalid client_id</h1>');
    const redirectUri = query.get('redirect_uri');
    if (redirectUri !== null && !(redirectUri === options.callbackUrl || redirectUri.startsWith(`${options.callbackUrl.replace(/\/+$/, '')}/`))) {
      return html(400, '<h1>The redirect_uri does not match the callback URL of this consumer</h1>');
    }
    const reply = redirectBack(redirectUri ?? options.callbackUrl, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'The user denied the request' });
    const code = grants.issueCode({ clientId: options.clientId, redirectUri: redirectUri ?? undefined, scope: consumerScopes, codeChallenge: undefined, codeChallengeMethod: undefined, user });
    return reply({ code });
  });

  // The consumer's key and secret in HTTP Basic, as they are: nothing percent-decoded.
  tokenEndpoint(server, '/site/oauth2/access_token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => basicAsSent(request, options),
    pkce: false,
    errors: {
      client: () => oauthError(400, 'unauthorized_client', 'Requests must be authenticated using OAuth client credentials'),
      refreshToken: () => oauthError(400, 'unauthorized_client', 'refresh_token is invalid'),
      grantType: (grantType) => oauthError(400, 'invalid_grant', `Unsupported grant type: ${grantType ?? 'None'}`),
      code: () => oauthError(400, 'invalid_grant', 'The specified code is not valid.'),
    },
    answer: ({ grant, tokens }) => json(200, { access_token: tokens.accessToken, scope: grant.scope, expires_in: ACCESS_TOKEN_TTL, refresh_token: tokens.refreshToken, token_type: 'bearer' }),
  });

  /** The grant behind the Authorization header's token, with the scope this call needs; otherwise the error Bitbucket answers. */
  const authorize = (request: EmulatorRequest, scope: string): Grant<BitbucketUser> | EmulatorReply => {
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return json(401, { type: 'error', error: { message: 'Access token expired.' } });
    const granted = grant.scope.split(' ');
    if (!granted.includes(scope)) {
      return json(403, { type: 'error', error: { message: 'Your credentials lack one or more required privilege scopes.', detail: { granted, required: [scope] } } });
    }
    return grant;
  };

  server.route('GET', '/2.0/user', (request) => {
    server.count('user');
    const grant = authorize(request, 'account');
    if (!isGrant(grant)) return grant;
    const { accountId, uuid, nickname, displayName } = grant.user;
    return json(200, {
      type: 'user',
      uuid,
      account_id: accountId,
      nickname,
      display_name: displayName,
      account_status: 'active',
      has_2fa_enabled: null,
      is_staff: false,
      created_on: '2024-02-01T09:00:00.000000+00:00',
      location: null,
      links: {
        self: { href: `https://api.bitbucket.org/2.0/users/${encodeURIComponent(uuid)}` },
        avatar: { href: `https://secure.gravatar.com/avatar/${nickname}` },
        html: { href: `https://bitbucket.org/${encodeURIComponent(uuid)}/` },
      },
    });
  });

  server.route('GET', '/2.0/user/emails', (request) => {
    server.count('user_emails');
    const grant = authorize(request, 'email');
    if (!isGrant(grant)) return grant;
    const values = grant.user.emails.map(({ email, isPrimary, isConfirmed }) => ({ type: 'email', email, is_primary: isPrimary, is_confirmed: isConfirmed, links: { self: { href: `https://api.bitbucket.org/2.0/user/emails/${encodeURIComponent(email)}` } } }));
    return json(200, { pagelen: 10, values, page: 1, size: values.length });
  });

  server.route('GET', '/2.0/repositories/:workspace', (request) => {
    server.count('repositories');
    const grant = authorize(request, 'repository');
    if (!isGrant(grant)) return grant;
    const { workspace } = request.params;
    return json(200, { pagelen: 10, size: 1, page: 1, values: [{ type: 'repository', full_name: `${workspace}/tokenkeeper`, name: 'tokenkeeper', is_private: true, owner: { type: 'user', uuid: grant.user.uuid } }] });
  });

  return controls.handle;
}
