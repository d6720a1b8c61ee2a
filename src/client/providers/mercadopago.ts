/**
 * Mercado Pago (OAuth for marketplaces and platforms: an application created
 * under Your integrations with the callback as its Redirect URL, each seller
 * linking their Mercado Pago account to it). Plain OAuth 2.0 with explicit
 * endpoints: no discovery, no ID token, no profile call. The token is the
 * seller's, to act on their behalf. From Mercado Pago's pages:
 * - the seller authorizes at `https://auth.mercadopago.com/authorization`
 *   with `client_id` (the application's ID), `response_type=code`,
 *   `platform_id=mp` (sent by the authorizationParams setting), `state` and
 *   `redirect_uri` (the application's Redirect URL, exactly); an application
 *   with PKCE verification turned on requires `code_challenge` and
 *   `code_challenge_method` (`S256` or plain), which are always sent here
 *   (https://www.mercadopago.com.ar/developers/en/docs/security/oauth/creation).
 *   The authorization URL has no scope: the application's scopes
 *   (`offline_access`, `read`, `write`) are its own, so none is asked;
 * - `POST https://api.mercadopago.com/oauth/token`, a JSON body (the
 *   tokenRequest hook sends openid-client's form as JSON, the parameters in
 *   the body, never the query) with `client_id`, `client_secret`,
 *   `grant_type` (`authorization_code` or `refresh_token`), `code` (valid 10
 *   minutes), `redirect_uri` and `code_verifier`; the answer is
 *   `access_token` (`APP_USR-…`, ending with the seller's user ID),
 *   `token_type: "bearer"`, `expires_in` 15552000 (180 days), `scope`,
 *   `user_id`, `refresh_token`, `public_key` and `live_mode`
 *   (https://www.mercadopago.com.mx/developers/en/reference/oauth/_oauth_token/post).
 *   The seller is `user_id`, the Mercado Pago user ID of the account that
 *   authorized the application, a number: the tokenResponseProfile hook
 *   reads it from the code exchange's answer as the subject, with no name or
 *   e-mail. Refusals are 400 with `error` (`invalid_client`, `invalid_grant`
 *   for a code or refresh token invalid, expired or revoked or a redirect URI
 *   not the application's, `invalid_scope`, `invalid_request`,
 *   `unsupported_grant_type`, `forbidden`, `unauthorized_client`) and 429
 *   `local_rate_limited` (the same reference);
 * - a refresh (`grant_type=refresh_token` with `refresh_token` and the
 *   client) answers a new access token and a new refresh token, which must be
 *   stored in place of the old; it needs `offline_access` on the application
 *   (https://www.mercadopago.com.br/developers/en/docs/qr-code/additional-content/security/oauth/renewal);
 * - the API is `https://api.mercadopago.com` with the access token as Bearer
 *   (e.g. `GET /v1/payments/search`).
 * Not checked against Mercado Pago's own pages: that the user ID is never
 *   given to another account (it is the account's numeric id, the one its
 *   access tokens end with, as Mercado Libre's `/users/me` `id` is); whether
 *   the token endpoint takes a form too (the JSON it documents is sent);
 *   whether an application without PKCE turned on refuses the challenge (turn
 *   PKCE on); whether the spent refresh token is refused after a refresh
 *   (the new one is always kept); how long an unused refresh token lasts;
 *   the body of the token endpoint's refusals beside `error` and what the
 *   API answers a token it does not take (a 401 is assumed). Mercado Pago
 *   documents no revocation for an application: disconnect forgets the
 *   tokens here, and the seller unlinks the application in their account.
 */
import { jsonTokenRequest, type ProviderPreset } from './preset.js';

/** The seller of the token answer, `user_id` (a positive whole number, kept as text): the subject, never the tokens. */
function tokenResponseProfile(answer: Record<string, unknown>): Record<string, unknown> | undefined {
  const id = answer.user_id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return undefined;
  return { user_id: String(id) };
}

export const mercadopago: ProviderPreset = {
  displayName: 'Mercado Pago',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://auth.mercadopago.com/authorization',
      tokenEndpoint: 'https://api.mercadopago.com/oauth/token',
    },
    // None: the authorization URL names no scope; the application's own scopes (offline_access for a refresh token) are granted.
    scope: '',
    authorizationParams: { platform_id: 'mp' },
    apiBaseUrl: 'https://api.mercadopago.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: true,
    subjectClaim: 'user_id',
    hooks: { tokenRequest: jsonTokenRequest(), tokenResponseProfile },
  }),
};
