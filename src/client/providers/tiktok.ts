/**
 * TikTok Login Kit for Web, with the v2 OAuth and user APIs on
 * open.tiktokapis.com. Plain OAuth 2.0 without discovery or an ID token,
 * whose app is named by its client key where OAuth says `client_id`. From
 * TikTok's docs (https://developers.tiktok.com/doc/login-kit-web,
 * https://developers.tiktok.com/doc/oauth-user-access-token-management,
 * https://developers.tiktok.com/docs/en/oauth-refresh-a-user-access-token,
 * https://developers.tiktok.com/docs/en/oauth-revoke-a-user-access-token):
 * - `GET https://www.tiktok.com/v2/auth/authorize/` takes `client_key`,
 *   `scope` (comma-separated, e.g. `user.info.basic,video.list`),
 *   `redirect_uri`, `state` and `response_type=code`; the redirect back
 *   carries `code`, `scopes` and `state`, or `error` and
 *   `error_description`. The client key goes in as an authorization
 *   parameter made from the client id; the `client_id` that every
 *   authorization request carries is one parameter more, which RFC 6749
 *   §3.1 has a server ignore. The authorizationScope hook joins the scopes
 *   with commas there. TikTok asks a PKCE challenge of desktop and mobile
 *   apps only (hex-encoded, not RFC 7636's base64url), so a web app sends
 *   none;
 * - `POST https://open.tiktokapis.com/v2/oauth/token/` takes a form with
 *   `client_key`, `client_secret`, the code, `grant_type` and
 *   `redirect_uri` (or a `refresh_token`): the client goes in the form
 *   (client_secret_post) and the tokenRequest hook names it `client_key`.
 *   The answer has `open_id`, `scope` (comma-separated, the scopes the person
 *   agreed to, who may untick some), `access_token`, `expires_in`,
 *   `refresh_token`, `refresh_expires_in` and `token_type: "Bearer"`; the
 *   tokenResponse hook makes the scope space-separated and names the refresh
 *   token's lifetime `refresh_token_expires_in`, so the keep-alive sweep
 *   renews it before it ends;
 * - refresh tokens rotate: each refresh answers a new one and the one sent
 *   stops working, so the latest is always kept. The lifetimes differ
 *   between TikTok's pages (24 hours and 365 days on the token management
 *   page, two hours and 180 days on the newer refresh page), both saying the
 *   answer's `expires_in` and `refresh_expires_in` are what counts: they are
 *   read from it, never assumed;
 * - `POST https://open.tiktokapis.com/v2/oauth/revoke/` takes a form with
 *   `client_key`, `client_secret` and `token`, the access token, and
 *   disconnects the app from the person's account; success is an empty body
 *   (`{}`);
 * - OAuth errors are `{ error, error_description, log_id }` with RFC 6749's
 *   codes (https://developers.tiktok.com/doc/oauth-error-handling);
 * - the person is `data.user` of `GET https://open.tiktokapis.com/v2/user/info/?fields=open_id,union_id,avatar_url,display_name`
 *   (the `user.info.basic` scope), whose `open_id` is the subject: it names
 *   the person for this app only (`union_id` is the same across one
 *   developer's apps). TikTok gives no e-mail. API answers are
 *   `{ data, error: { code, message, log_id } }`, `code` being `ok` on
 *   success and `access_token_invalid` with HTTP 401 for a token it no
 *   longer takes (https://developers.tiktok.com/doc/tiktok-api-v2-get-user-info,
 *   https://developers.tiktok.com/doc/tiktok-api-v2-error-handling).
 * Not documented, and so not relied on: the HTTP status of the token
 * endpoint's errors (an `error` answered with HTTP 200 is read as the
 * refusal it is: `invalid_client` as 401, any other as 400), what the
 * revocation endpoint answers for a token already revoked (any 4xx but
 * `invalid_client` for a live token is taken as revoked), and whether a
 * refresh token's 365 or 180 days count from the grant or from its own
 * issue (the end each answer states is kept).
 */
import { ProviderUnavailableError } from '../errors.js';
import { readTokenEndpointBody, rebuiltAnswer, type RevocationOutcome, type RevocationRequest } from '../provider-hooks.js';
import { commaJoinedScope, objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/** The token request with the client named `client_key`, as TikTok takes it; every other member as it was. */
function tokenRequest(request: { body: URLSearchParams; headers: Record<string, string> }): { body: string; headers: Record<string, string> } {
  const body = new URLSearchParams();
  for (const [name, value] of request.body) body.append(name === 'client_id' ? 'client_key' : name, value);
  return { body: body.toString(), headers: request.headers };
}

/**
 * TikTok's token answers in RFC 6749 §5.1/§5.2 shape: the comma-separated
 * `scope` space-separated, `refresh_expires_in` as `refresh_token_expires_in`,
 * and an `error` sent with HTTP 200 as the refusal it is.
 */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (!fields) return rebuiltAnswer(response, response.status, text);
  if (typeof fields.error === 'string' && fields.error !== '' && typeof fields.access_token !== 'string') {
    if (response.status !== 200) return rebuiltAnswer(response, response.status, text);
    const description = typeof fields.error_description === 'string' ? { error_description: fields.error_description } : {};
    return rebuiltAnswer(response, fields.error === 'invalid_client' ? 401 : 400, JSON.stringify({ error: fields.error, ...description }), 'application/json');
  }
  if (response.status !== 200) return rebuiltAnswer(response, response.status, text);
  const answer: Record<string, unknown> = { ...fields };
  if (typeof fields.scope === 'string') answer.scope = fields.scope.split(',').map((scope) => scope.trim()).filter(Boolean).join(' ');
  if (typeof fields.refresh_expires_in === 'number' && fields.refresh_token_expires_in === undefined) answer.refresh_token_expires_in = fields.refresh_expires_in;
  return rebuiltAnswer(response, 200, JSON.stringify(answer), 'application/json');
}

/** The user of `{ data: { user }, error: { code: "ok" } }`, its display name and avatar as `name` and `picture`. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const answer = objectOf(body);
  const error = objectOf(answer?.error);
  if (error && error.code !== 'ok') return undefined;
  const user = objectOf(objectOf(answer?.data)?.user);
  if (!user) return undefined;
  return {
    ...user,
    ...textMembers({ name: user.display_name }),
    ...(trimmedText(user.avatar_url) ? { picture: user.avatar_url } : {}),
  };
}

/** The OAuth `error` of a revocation answer, when it has one. */
async function oauthError(response: Response): Promise<string | undefined> {
  const text = await response.text().catch(() => '');
  try {
    const error = objectOf(JSON.parse(text))?.error;
    return typeof error === 'string' && error !== '' ? error : undefined;
  } catch {
    return undefined;
  }
}

/** Revokes the access token at TikTok's endpoint, the client as `client_key` and `client_secret` in the form. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('TikTok revocation needs the revocation endpoint');
  const response = await request.send(request.revocationEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_key: request.clientId, client_secret: request.clientSecret, token: request.accessToken }).toString(),
  });
  const error = await oauthError(response);
  if (response.status === 200 && error === undefined) return 'revoked';
  if (error === 'invalid_client') {
    throw new ProviderUnavailableError('provider_bad_response', 'TikTok refused the client credentials of the token revocation (invalid_client): check the client key and secret.', { providerError: error });
  }
  // A token TikTok no longer takes, which was live here (or whose refresh TikTok refused): the grant is already gone.
  const tokenWasGood = !request.accessTokenExpired || request.refreshTokenRefused;
  if (((response.status >= 400 && response.status < 500) || (response.status === 200 && error !== undefined)) && tokenWasGood) return 'already_revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `TikTok refused the token revocation (HTTP ${response.status}${error ? `, ${error}` : ''}).`);
}

export const tiktok: ProviderPreset = {
  displayName: 'TikTok',
  settings: (_values, client) => ({
    endpoints: {
      authorizationEndpoint: 'https://www.tiktok.com/v2/auth/authorize/',
      tokenEndpoint: 'https://open.tiktokapis.com/v2/oauth/token/',
      userinfoEndpoint: 'https://open.tiktokapis.com/v2/user/info/?fields=open_id,union_id,avatar_url,display_name',
      revocationEndpoint: 'https://open.tiktokapis.com/v2/oauth/revoke/',
    },
    scope: 'user.info.basic',
    apiBaseUrl: 'https://open.tiktokapis.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    ...(client?.clientId ? { authorizationParams: { client_key: client.clientId } } : {}),
    subjectClaim: 'open_id',
    claimNames: { name: 'name' },
    hooks: { authorizationScope: commaJoinedScope, tokenRequest, tokenResponse, profileClaims, revoke },
  }),
};
