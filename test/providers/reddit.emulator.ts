/**
 * An emulator of Reddit's OAuth2 for web apps and the part of its API the
 * tests call, written from Reddit's OAuth2 wiki
 * (https://github.com/reddit-archive/reddit/wiki/OAuth2), its API rules
 * (https://github.com/reddit-archive/reddit/wiki/API) and, where the wiki is
 * silent, its published source (r2/r2/controllers/oauth2.py,
 * https://github.com/reddit-archive/reddit/blob/master/r2/r2/controllers/oauth2.py):
 * - `GET /api/v1/authorize` with `client_id`, `response_type=code`, `state`,
 *   `redirect_uri`, `duration` (`temporary` by default, `permanent` for a
 *   refresh token) and `scope`, space-separated (commas taken too); a wrong
 *   client id or redirect URI is an error page (403, as the wiki says), the
 *   other errors come back to the redirect URI (`access_denied`,
 *   `unsupported_response_type`, `invalid_scope`, `invalid_request`);
 * - `POST /api/v1/access_token` with HTTP Basic, base64 of `id:secret` with
 *   nothing percent-decoded (`parse_http_basic`); credentials it does not
 *   take are 401 `{"message": "Unauthorized", "error": 401}`; the code
 *   exchange needs the same `redirect_uri` and answers `{ access_token,
 *   token_type: "bearer", expires_in: 3600, scope, refresh_token }` (the
 *   refresh token only for `permanent`), its errors with HTTP 200
 *   (`{"error": "invalid_grant"}` for a code used, expired or unknown); a
 *   refresh answers the same without a refresh token (the one held stays),
 *   and an unknown refresh token is 400 `{"error": "invalid_request"}`;
 * - `POST /api/v1/revoke_token` with the same Basic credentials, `token` and
 *   `token_type_hint`: 204 whatever the token (RFC 7009); revoking a refresh
 *   token ends its access tokens;
 * - `GET /api/v1/me` (oauth.reddit.com) with the `identity` scope: the
 *   account (`id`, `name`…); 401 `{"message": "Unauthorized", "error": 401}`
 *   for a token it does not take, 403 without the scope.
 * Every request must carry a descriptive User-Agent, which the API rules
 * give as `<platform>:<app ID>:<version string> (by /u/<reddit username>)`;
 * Reddit throttles generic ones, and here any other is refused with 429 at
 * once. The wiki's hosts (www.reddit.com, oauth.reddit.com) are one origin
 * here. The authorization page approves at once for signInAs()'s account.
 */
import { redirectBack } from './kit/authorization.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface RedditAccount {
  /** The base-36 account id, e.g. `1w72`. */
  id: string;
  name: string;
}

export type RedditEmulator = EmulatorHandle<RedditAccount>;

const ACCESS_TOKEN_TTL = 3600;
const SCOPES = new Set(['identity', 'edit', 'flair', 'history', 'modconfig', 'modflair', 'modlog', 'modposts', 'modwiki', 'mysubreddits', 'privatemessages', 'read', 'report', 'save', 'submit', 'subscribe', 'vote', 'wikiedit', 'wikiread']);
/** The form the API rules give: `<platform>:<app ID>:<version string>`, then who to contact in parentheses. */
const DESCRIPTIVE_USER_AGENT = /^[\w.-]+:[\w.-]+:[\w.-]+ \(.+\)$/;

function redditError(status: number, message: string): EmulatorReply {
  return json(status, { message, error: status });
}

export async function startRedditEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<RedditEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<RedditAccount>({ accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'static' });
  const controls = emulatorControls<RedditAccount>(server, grants);

  /** Reddit's answer to a request without a descriptive User-Agent, or undefined. */
  const throttled = (request: EmulatorRequest): EmulatorReply | undefined => {
    if (DESCRIPTIVE_USER_AGENT.test(request.headers['user-agent'] ?? '')) return undefined;
    server.count('throttled');
    return redditError(429, 'Too Many Requests');
  };

  server.route('GET', '/api/v1/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) return html(403, '<h1>403 Forbidden</h1>');
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    const scopes = (query.get('scope') ?? '').split(/[ ,]+/).filter(Boolean);
    if (scopes.length === 0 || !scopes.every((scope) => SCOPES.has(scope))) return reply({ error: 'invalid_scope' });
    const duration = query.get('duration') ?? 'temporary';
    if (!query.get('state') || (duration !== 'temporary' && duration !== 'permanent')) return reply({ error: 'invalid_request' });
    const account = controls.approver();
    if (!account) return reply({ error: 'access_denied' });
    const code = grants.issueCode({
      clientId: options.clientId,
      redirectUri: options.redirectUri,
      scope: scopes.join(' '),
      codeChallenge: undefined,
      codeChallengeMethod: undefined,
      user: account,
      refreshToken: duration === 'permanent',
    });
    return reply({ code });
  });

  /** HTTP Basic as `parse_http_basic` reads it: base64 of `id:secret`, split at the first colon, nothing percent-decoded. */
  const isClient = (request: EmulatorRequest): boolean => basicAsSent(request, options);
  const unauthorized = (): EmulatorReply => ({ ...redditError(401, 'Unauthorized'), headers: { 'content-type': 'application/json; charset=UTF-8', 'www-authenticate': 'Basic realm="reddit"' } });

  tokenEndpoint(server, '/api/v1/access_token', {
    client: options,
    grants,
    screen: throttled,
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, `<h1>${status === 503 ? 'Service Unavailable' : 'Internal Server Error'}</h1>`) },
    authenticates: isClient,
    pkce: false,
    errors: {
      client: unauthorized,
      refreshToken: () => oauthError(400, 'invalid_request'),
      // The exchange's refusals come with HTTP 200 (`api_wrapper` sets no status).
      grantType: () => oauthError(200, 'unsupported_grant_type'),
      code: () => oauthError(200, 'invalid_grant'),
    },
    refuseCode: (form) => (!form.get('code') || !form.get('redirect_uri') ? oauthError(200, 'invalid_request') : undefined),
    answer: ({ grant, tokens }) =>
      json(200, { access_token: tokens.accessToken, token_type: 'bearer', expires_in: ACCESS_TOKEN_TTL, scope: grant.scope, ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}) }),
  });

  server.route('POST', '/api/v1/revoke_token', (request) => {
    server.count('revoke');
    const refused = throttled(request);
    if (refused) return refused;
    if (!isClient(request)) return unauthorized();
    const token = request.form().get('token') ?? '';
    const grant = grants.grantOfToken(token);
    if (grant && grant.clientId !== options.clientId) return json(400, { error: 'unauthorized_client' });
    if (grant && !grants.revokeAccessToken(token)) grants.revokeGrant(grant.id);
    return { status: 204 };
  });

  server.route('GET', '/api/v1/me', (request) => {
    server.count('me');
    const refused = throttled(request);
    if (refused) return refused;
    const grant = grants.grantOfAccessToken(/^bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? '');
    if (!grant) return redditError(401, 'Unauthorized');
    if (!grant.scope.split(' ').includes('identity')) return redditError(403, 'Forbidden');
    const { id, name } = grant.user;
    return json(200, {
      is_employee: false,
      has_visited_new_profile: true,
      pref_no_profanity: true,
      is_suspended: false,
      icon_img: 'https://styles.redditmedia.com/t5_6/styles/profileIcon_snoo.png',
      pref_geopopular: '',
      has_verified_email: true,
      id,
      over_18: false,
      is_gold: false,
      is_mod: false,
      verified: true,
      has_mod_mail: false,
      link_karma: 1,
      comment_karma: 1,
      total_karma: 2,
      name,
      created: 1_118_030_400,
      created_utc: 1_118_030_400,
      inbox_count: 0,
      has_subscribed: true,
    });
  });

  return controls.handle;
}
