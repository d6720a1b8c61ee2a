/**
 * An emulator of TikTok's Login Kit for Web (www.tiktok.com/v2/auth), its v2
 * OAuth endpoints and the user info endpoint of its v2 API
 * (open.tiktokapis.com), written from TikTok's documentation
 * (https://developers.tiktok.com/doc/login-kit-web,
 * https://developers.tiktok.com/doc/oauth-user-access-token-management,
 * https://developers.tiktok.com/docs/en/oauth-refresh-a-user-access-token,
 * https://developers.tiktok.com/docs/en/oauth-revoke-a-user-access-token,
 * https://developers.tiktok.com/doc/oauth-error-handling,
 * https://developers.tiktok.com/doc/tiktok-api-v2-get-user-info,
 * https://developers.tiktok.com/doc/tiktok-api-v2-error-handling):
 * - Authorize: `GET /v2/auth/authorize/` with `client_key` (any `client_id`
 *   is one more parameter, ignored), `redirect_uri`, `response_type=code`,
 *   `state` and `scope`, a comma-separated list (a space-joined one is a
 *   scope it does not know, `invalid_scope`). The web flow takes no PKCE.
 *   Back to the redirect URI with `code`, `scopes` (the ones agreed to,
 *   comma-separated) and `state`, or `error` and `error_description`.
 * - Token: `POST /v2/oauth/token/`, a form with `client_key` and
 *   `client_secret` (no Basic), and the code with `redirect_uri`, or a
 *   refresh token. The answer has `open_id`, `scope` comma-separated,
 *   `access_token`, `expires_in`, `refresh_token`, `refresh_expires_in` and
 *   `token_type: "Bearer"`; lifetimes of two hours and 180 days, as the
 *   newer refresh page has them. Refresh tokens rotate: a refresh answers a
 *   new one and the one sent stops working. Errors are `{ error,
 *   error_description, log_id }`; their HTTP status is not documented: 400
 *   here (401 for `invalid_client`), or 200 after `answerErrorsWithOk()`,
 *   and the descriptions are this emulator's.
 * - Revoke: `POST /v2/oauth/revoke/`, a form with `client_key`,
 *   `client_secret` and `token`, the access token; it disconnects the app,
 *   so every token of the grant stops working; success is `{}`. Its answer
 *   to a token it does not know (or no longer takes) is not documented: 400
 *   `invalid_request` here.
 * - User info: `GET /v2/user/info/?fields=…` with the Bearer access token
 *   (and `user.info.basic`) answers `{ data: { user: {…} }, error: { code:
 *   "ok", message: "", log_id } }` with the fields asked of `open_id`,
 *   `union_id`, `avatar_url` and `display_name`; a token it does not take is
 *   401 `access_token_invalid`, a missing or unknown field 400
 *   `invalid_params`, and a grant without the scope 401 `scope_not_authorized`.
 * The authorization page approves at once for signInAs()'s user.
 */
import { randomBytes } from 'node:crypto';
import { redirectBack } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import { describedError } from './kit/described-errors.js';
import { html, isForm, json, startEmulatorServer, type EmulatorReply } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface TikTokUser {
  /** The person for this app only. */
  openId: string;
  /** The person across one developer's apps. */
  unionId: string;
  displayName: string;
}

export interface TikTokEmulatorOptions {
  clientKey: string;
  clientSecret: string;
  redirectUri: string;
  now?: () => number;
}

export interface TikTokEmulator extends EmulatorHandle<TikTokUser> {
  /** The token endpoint's errors come with HTTP 200 from now on (true), or with 400 and 401 again (false). */
  answerErrorsWithOk(on: boolean): void;
}

const ACCESS_TOKEN_TTL = 2 * 3600;
const REFRESH_TOKEN_TTL = 180 * 86_400;
const SCOPES = new Set(['user.info.basic', 'user.info.profile', 'user.info.stats', 'video.list', 'video.publish', 'video.upload']);
const BASIC_FIELDS = ['open_id', 'union_id', 'avatar_url', 'display_name'];

const logId = () => `2026${randomBytes(12).toString('hex').toUpperCase()}`;

export async function startTikTokEmulator(options: TikTokEmulatorOptions): Promise<TikTokEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<TikTokUser>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: ACCESS_TOKEN_TTL,
    refreshPolicy: 'rotating',
    refreshTokenTtl: REFRESH_TOKEN_TTL,
    prefixes: { access: 'act.', refresh: 'rft.' },
  });
  const controls = emulatorControls<TikTokUser>(server, grants);
  let errorsWithOk = false;

  server.route('GET', '/v2/auth/authorize/', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_key') !== options.clientKey) return html(400, '<h1>client_key</h1><p>Something went wrong</p>');
    if (query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>redirect_uri</h1><p>Something went wrong</p>');
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type', error_description: 'The response type is not supported.' });
    const asked = (query.get('scope') ?? '').split(',').filter(Boolean);
    if (asked.length === 0 || asked.some((scope) => !SCOPES.has(scope))) return reply(describedError('invalid_scope'));
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'The user denied the request.' });
    const code = grants.issueCode({ clientId: options.clientKey, redirectUri: options.redirectUri, scope: asked.join(' '), codeChallenge: undefined, codeChallengeMethod: undefined, user });
    return reply({ code, scopes: asked.join(',') });
  });

  const oauthError = (status: number, error: string, description: string): EmulatorReply => json(errorsWithOk ? 200 : status, { error, error_description: description, log_id: logId() });
  const clientAuthenticates = (form: URLSearchParams) => form.get('client_key') === options.clientKey && form.get('client_secret') === options.clientSecret;

  tokenEndpoint(server, '/v2/oauth/token/', {
    client: { clientId: options.clientKey },
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => (isForm(request) ? clientAuthenticates(request.form()) : oauthError(400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded.')),
    pkce: false,
    errors: {
      client: () => oauthError(401, 'invalid_client', 'Client key or secret is incorrect.'),
      grantType: () => oauthError(400, 'unsupported_grant_type', 'The authorization grant type is not supported.'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'Refresh token is invalid or expired.'),
      code: () => oauthError(400, 'invalid_grant', 'Authorization code is expired or invalid.'),
    },
    answer: ({ grant, tokens }) =>
      json(200, {
        open_id: grant.user.openId,
        scope: grant.scope.split(' ').join(','),
        access_token: tokens.accessToken,
        expires_in: tokens.expiresIn,
        refresh_token: tokens.refreshToken,
        refresh_expires_in: tokens.refreshTokenExpiresIn,
        token_type: 'Bearer',
      }),
  });

  server.route('POST', '/v2/oauth/revoke/', (request) => {
    server.count('revoke');
    const form = isForm(request) ? request.form() : new URLSearchParams();
    if (!clientAuthenticates(form)) return json(401, { error: 'invalid_client', error_description: 'Client key or secret is incorrect.', log_id: logId() });
    const grant = grants.grantOfAccessToken(form.get('token') ?? '');
    if (!grant) return json(400, { error: 'invalid_request', error_description: 'The access token is invalid.', log_id: logId() });
    grants.revokeGrant(grant.id);
    return json(200, {});
  });

  const apiError = (status: number, code: string, message: string): EmulatorReply => json(status, { data: {}, error: { code, message, log_id: logId() } });

  server.route('GET', '/v2/user/info/', (request) => {
    server.count('user_info');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return apiError(401, 'access_token_invalid', 'The access token is invalid or not found in the request.');
    const fields = (request.url.searchParams.get('fields') ?? '').split(',').filter(Boolean);
    if (fields.length === 0 || fields.some((field) => !BASIC_FIELDS.includes(field))) return apiError(400, 'invalid_params', 'One or more fields in the request are invalid.');
    if (!grant.scope.split(' ').includes('user.info.basic')) return apiError(401, 'scope_not_authorized', 'The user did not authorize the scope required for completing this request.');
    const { openId, unionId, displayName } = grant.user;
    const user: Record<string, string> = { open_id: openId, union_id: unionId, avatar_url: `https://p16-sign.tiktokcdn-us.com/tos-useast5-avt-0068-tx/${openId}~c5_168x168.jpeg`, display_name: displayName };
    return json(200, { data: { user: Object.fromEntries(fields.map((field) => [field, user[field]])) }, error: { code: 'ok', message: '', log_id: logId() } });
  });

  return {
    ...controls.handle,
    answerErrorsWithOk: (on) => {
      errorsWithOk = on;
    },
  };
}
