/**
 * Zeplin (a Zeplin app made on the Developer tab of the Zeplin profile page,
 * the callback among its redirect URIs). Plain OAuth 2.0 with explicit
 * endpoints, the authorization code grant only. From Zeplin's API reference,
 * https://docs.zeplin.dev/reference/authentication and the OpenAPI description
 * it is rendered from, which Zeplin's SDK is generated from
 * (https://github.com/zeplin/javascript-sdk):
 * - `GET https://api.zeplin.dev/v1/oauth/authorize` with `client_id`,
 *   `redirect_uri` (exactly one the app whitelisted), `response_type=code`,
 *   `state` and a PKCE challenge (`S256` by default); there are no scopes, a
 *   token acts as the person (https://docs.zeplin.dev/reference/oauthauthorize);
 * - `POST https://api.zeplin.dev/v1/oauth/token` takes a JSON body, never a
 *   form: `grant_type`, the code with `redirect_uri` and `code_verifier`, or a
 *   `refresh_token`, and `client_id` with `client_secret` (required for a code
 *   obtained without PKCE; sent here always): the tokenRequest hook sends
 *   openid-client's form as JSON. The answer is `access_token`, `expires_in`,
 *   `refresh_token`, `refresh_expires_in` (each in seconds) and `token_type`;
 *   a refresh answers a new refresh token, which the core keeps. The
 *   tokenResponse hook names `refresh_expires_in` `refresh_token_expires_in`,
 *   so the keep-alive sweep refreshes an unused connection before it ends;
 * - the token endpoint's refusals are HTTP 400 with Zeplin's error object,
 *   the RFC 6749 code in `message` and the reason in `detail`
 *   (`{ "message": "invalid_grant", "detail": "Provided \`refresh_token\` is
 *   expired" }`, `invalid_client` for a wrong client id or secret): the
 *   tokenResponse hook rewrites them as RFC 6749 §5.2's `error` and
 *   `error_description` (`invalid_client` as 401), so a refused refresh token
 *   marks the connection for re-authorization;
 * - the person is `GET https://api.zeplin.dev/v1/users/me`: `id` (the
 *   subject) and `username`, the name shown. Its `email` is, for an OAuth
 *   app, a Zeplin-only alias, never the person's address (Zeplin's User
 *   object), so it is not kept: the profileClaims hook passes on `id` and
 *   `username` alone;
 * - API calls go under `https://api.zeplin.dev/v1` with the token as Bearer.
 * - Zeplin documents no revocation endpoint: disconnect deletes the tokens
 *   here.
 * Not checked against Zeplin's own pages: the real lifetimes (the reference's
 * example answers `expires_in: 86400000` and `refresh_expires_in: 864000000`,
 * read as the seconds the fields are described in), whether the refresh token
 * used stops working once a refresh answered a new one, whether a refresh of
 * a grant made with PKCE also wants its `code_verifier` when the client secret
 * is sent (it is not kept, so not sent), what the authorization endpoint sends
 * back when the person declines (RFC 6749's `access_denied` is assumed), and
 * the API's answer to a token it no longer takes (a 401 is assumed).
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import { jsonTokenRequest, objectOf, type ProviderPreset } from './preset.js';

/** The token endpoint's refusals RFC 6749 §5.2 names; Zeplin sends them as `message`. */
const OAUTH_ERRORS = new Set(['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope']);

/**
 * Zeplin's token answers in RFC 6749 §5.1/§5.2 shape: a refusal's `{ message, detail }` as `{ error,
 * error_description }` (`invalid_client` as 401, the others as 400), and a success's `refresh_expires_in` as
 * `refresh_token_expires_in`. An answer already in RFC 6749's shape, a 5xx, or a message RFC 6749 does not name
 * is left as it was.
 */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (!fields || fields.error !== undefined) return rebuiltAnswer(response, response.status, text);
  if (response.ok) {
    if (typeof fields.refresh_expires_in !== 'number' || fields.refresh_token_expires_in !== undefined) return rebuiltAnswer(response, response.status, text);
    return rebuiltAnswer(response, response.status, JSON.stringify({ ...fields, refresh_token_expires_in: fields.refresh_expires_in }), 'application/json');
  }
  const code = fields.message;
  if (response.status >= 500 || typeof code !== 'string' || !OAUTH_ERRORS.has(code)) return rebuiltAnswer(response, response.status, text);
  const detail = typeof fields.detail === 'string' && fields.detail !== '' ? fields.detail : `Zeplin answered ${code}`;
  return rebuiltAnswer(response, code === 'invalid_client' ? 401 : 400, JSON.stringify({ error: code, error_description: detail }), 'application/json');
}

/** `id` and `username` of `/v1/users/me`, never its `email` (an alias for OAuth apps); an answer without an id names no one. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const id = user?.id;
  if (typeof id !== 'string' || id === '') return undefined;
  const username = typeof user!.username === 'string' ? user!.username.trim() : '';
  return { id, ...(username ? { username } : {}) };
}

export const zeplin: ProviderPreset = {
  displayName: 'Zeplin',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://api.zeplin.dev/v1/oauth/authorize',
      tokenEndpoint: 'https://api.zeplin.dev/v1/oauth/token',
      userinfoEndpoint: 'https://api.zeplin.dev/v1/users/me',
    },
    // None: Zeplin's authorization takes no scope; a token acts as the person.
    scope: '',
    apiBaseUrl: 'https://api.zeplin.dev/v1',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
    claimNames: { name: 'username', preferredUsername: 'username' },
    hooks: { tokenRequest: jsonTokenRequest(), tokenResponse, profileClaims },
  }),
};
