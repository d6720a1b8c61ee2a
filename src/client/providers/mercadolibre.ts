/**
 * Mercado Libre (Mercado Livre in Brazil: its marketplace API, for an app
 * created in the DevCenter of the seller's country). Plain OAuth 2.0 with
 * explicit endpoints: no discovery, no ID token. From Mercado Libre's docs:
 * - the person authorizes on their own country's site: `GET
 *   https://auth.mercadolibre.com.ar/authorization` in Mercado Libre's
 *   examples, `auth.mercadolivre.com.br` in Brazil's, each country on
 *   `auth.` of its own site's domain, with `response_type=code`,
 *   `client_id`, `redirect_uri` (the app's, exactly), `state`, and
 *   `code_challenge` with `code_challenge_method` (`S256` or `plain`) for an
 *   app that has PKCE turned on, which then must send them
 *   (https://developers.mercadolibre.com.ar/en_us/authentication-and-authorization,
 *   https://developers.mercadolivre.com.br/en_us/authentication-and-authorization).
 *   `<NAME>_DOMAIN` names that site (`mercadolibre.com.mx`,
 *   `mercadolivre.com.br`…; default `mercadolibre.com.ar`, the docs' own);
 *   every other endpoint is the one API, api.mercadolibre.com;
 * - the app's scopes are `read`, `write` and `offline_access`, the last for
 *   a refresh token (https://developers.mercadolibre.com.ar/en_us/start-testing/register-your-application);
 * - `POST https://api.mercadolibre.com/oauth/token`, a form in the body (not
 *   the query) with `client_id` and `client_secret`, the code, the redirect
 *   URI and `code_verifier`
 *   (https://developers.mercadolibre.com.ar/en_us/authorization-and-token-recommendations);
 *   the answer is `access_token`, `token_type` `bearer`, `expires_in` 21600
 *   (six hours), `scope`, `user_id` and `refresh_token`. A refresh
 *   (`grant_type=refresh_token`, the client in the form) answers a new
 *   access token and a new refresh token: each refresh token is used once,
 *   and the new one is kept in place of it;
 * - the token endpoint's refusals are `invalid_grant` (a code or refresh
 *   token invalid, expired, revoked or already used, or a redirect URI not
 *   the app's), `invalid_client`, `invalid_scope`, `invalid_request`,
 *   `unsupported_grant_type`, `unauthorized_client`, `forbidden` and 429
 *   `local_rate_limited` (https://mercadopago.com.mx/developers/en/reference/oauth/_oauth_token/post,
 *   the same OAuth server's reference);
 * - the API takes the token as `Authorization: Bearer`; the person is
 *   `GET /users/me`: `id` (a number, the subject), `nickname` (a name they
 *   may change, kept as the preferred username), `first_name`,
 *   `last_name` and `email`, whose verification is not said;
 * - `DELETE /users/{user_id}/applications/{app_id}` with the person's
 *   token revokes their authorization of the app, which ends its tokens
 *   (https://developers.mercadolibre.com.co/en_us/application-manager,
 *   "Revoke user authorization"): the revoke hook reads the person's id
 *   from `/users/me` first, as the revocation request carries no profile.
 * Not checked against Mercado Libre's own pages: the list of countries'
 *   sites beyond Argentina's and Brazil's (as Mercado Libre's SDKs list
 *   them: .com.ar, .com.br (mercadolivre), .com.co, .com.mx, .com.uy, .cl,
 *   .com.cr, .com.ec, .com.ve, .com.pa, .com.pe, .com.do, .com.bo, .com.py);
 *   whether an app without PKCE turned on refuses a code_verifier (the
 *   challenge is always sent, so turn PKCE on); whether the authorization
 *   request's `scope` is read (the app's scopes are sent, which the token
 *   endpoint's `invalid_scope` names); how long a refresh token lasts unused
 *   (six months is assumed, and the keep-alive sweep refreshes before then);
 *   the body of the token endpoint's refusals beside `error` (integrations
 *   report `message`, `status` and `cause`); what the API answers to a
 *   token it does not take (a 401 is assumed) and to the revocation (any
 *   2xx is taken).
 */
import { ProviderUnavailableError } from '../errors.js';
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import { objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/** The API of every country's site. */
const API = 'https://api.mercadolibre.com';

/** Each country's Mercado Libre site, whose `auth.` host is where its people authorize (as Mercado Libre's SDKs list them). */
export const MERCADO_LIBRE_SITES: readonly string[] = [
  'mercadolibre.com.ar',
  'mercadolivre.com.br',
  'mercadolibre.com.bo',
  'mercadolibre.cl',
  'mercadolibre.com.co',
  'mercadolibre.com.cr',
  'mercadolibre.com.do',
  'mercadolibre.com.ec',
  'mercadolibre.com.mx',
  'mercadolibre.com.pa',
  'mercadolibre.com.pe',
  'mercadolibre.com.py',
  'mercadolibre.com.uy',
  'mercadolibre.com.ve',
];

/** A Mercado Libre id: a positive whole number, sent as a JSON number. */
function idOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

/**
 * The profile of `/users/me`: `id` (the subject), the first and last names
 * joined as the name, `nickname` as the preferred username, and the e-mail;
 * an answer without a numeric id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const id = idOf(user?.id);
  if (!user || id === undefined) return undefined;
  const name = joinedName(user.first_name, user.last_name);
  const nickname = trimmedText(user.nickname);
  const email = trimmedText(user.email);
  return { id, ...textMembers({ name, preferred_username: nickname, email }) };
}

/** The 401 of a token that no longer names anyone, when it proves the grant gone: the token was live, or its refresh was refused. */
function grantGone(response: Response, request: RevocationRequest): boolean {
  return response.status === 401 && (!request.accessTokenExpired || request.refreshTokenRefused);
}

/** Revokes the person's authorization of the app: their id from `/users/me`, then `DELETE /users/{id}/applications/{client id}`, the access token as Bearer. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  const api = withoutTrailingSlash(request.apiBaseUrl ?? API);
  const headers = { ...request.apiHeaders, accept: 'application/json', authorization: `Bearer ${request.accessToken}` };
  const me = await request.send(`${api}/users/me`, { method: 'GET', headers });
  const id = me.ok ? idOf(objectOf(await me.json().catch(() => undefined))?.id) : undefined;
  await me.body?.cancel().catch(() => {});
  if (grantGone(me, request)) return 'already_revoked';
  if (id === undefined) {
    throw new ProviderUnavailableError(me.status >= 500 ? 'provider_error' : 'provider_bad_response', `Mercado Libre answered HTTP ${me.status} to /users/me before the revocation.`);
  }
  const response = await request.send(`${api}/users/${id}/applications/${encodeURIComponent(request.clientId)}`, { method: 'DELETE', headers });
  await response.body?.cancel().catch(() => {});
  if (response.status >= 200 && response.status < 300) return 'revoked';
  if (grantGone(response, request)) return 'already_revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Mercado Libre answered HTTP ${response.status} to the authorization revocation.`);
}

export const mercadolibre: ProviderPreset = {
  displayName: 'Mercado Libre',
  values: { domain: 'optional' },
  settings: ({ domain }) => ({
    endpoints: {
      authorizationEndpoint: `https://auth.${domain ?? 'mercadolibre.com.ar'}/authorization`,
      tokenEndpoint: `${API}/oauth/token`,
      userinfoEndpoint: `${API}/users/me`,
    },
    scope: 'offline_access read write',
    apiBaseUrl: API,
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: true,
    subjectClaim: 'id',
    refreshTokenIdleSeconds: 180 * 86_400,
    hooks: { profileClaims, revoke },
  }),
};
