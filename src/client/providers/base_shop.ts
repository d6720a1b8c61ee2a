/**
 * BASE (thebase.in), the Japanese online-shop platform, through BASE API: an
 * app registered at BASE Developers (https://developers.thebase.in), its
 * client id and secret, the callback as its callback URL. Plain OAuth 2.0
 * authorization code with explicit endpoints; connect-only. From BASE's API
 * docs (https://docs.thebase.in/docs/api/, first published as
 * https://github.com/baseinc/api-docs):
 * - everything is under `https://api.thebase.in/` over https, JSON answers,
 *   the access token as `Authorization: Bearer`, refresh tokens issued; an
 *   error is HTTP 400 with `{ error, error_description }`, a token the API
 *   does not take `invalid_request` "アクセストークンが無効です。"
 *   (https://docs.thebase.in/docs/api/);
 * - `GET /1/oauth/authorize` with `response_type=code`, `client_id`,
 *   `redirect_uri` (the registered callback URL), an optional space-separated
 *   `scope` (default `read_users`) and `state`; a person who declines is sent
 *   back with `error=access_denied` (https://docs.thebase.in/docs/api/oauth/authorize).
 *   No PKCE is documented, none is sent;
 * - the scopes are `read_users` (granted by default), `read_users_mail`,
 *   `read_items`, `read_orders`, `read_savings`, `write_items` and
 *   `write_orders` (https://docs.thebase.in/docs/api/): `read_users` alone is
 *   asked, more with `<NAME>_SCOPE`;
 * - `POST /1/oauth/token` takes `grant_type`, `client_id`, `client_secret`,
 *   `code` and `redirect_uri`, all required (Basic for the client is accepted
 *   too), and answers `access_token` (an hour), `token_type` `bearer`,
 *   `expires_in` and `refresh_token` (30 days)
 *   (https://docs.thebase.in/docs/api/oauth/access_token). A refresh takes
 *   `grant_type=refresh_token`, the client, the `refresh_token` and the
 *   `redirect_uri` again, all required (refreshSendsRedirectUri), and answers
 *   the same members (https://docs.thebase.in/docs/api/oauth/refresh_token).
 *   The client is sent in the form (client_secret_post);
 * - the token endpoint's refusals are HTTP 400 with BASE's own codes: a code
 *   or refresh token it does not take, or one expired, is `invalid_request`
 *   ("不正な認可コードです。", "認可コードの有効期限が切れています。",
 *   "不正なリフレッシュトークンです。", "リフレッシュトークンの有効期限が切れています。"),
 *   and a person gone `access_denied` ("ユーザーが存在しません。"): those are
 *   read as RFC 6749 §5.2's `invalid_grant`, so the connection needs
 *   connecting again; an unknown or suspended client is `unauthorized_client`,
 *   left as it is (the configuration's fault, not the person's)
 *   (https://docs.thebase.in/docs/api/oauth/refresh_token).
 * BASE's one account id, `GET /1/users/me`'s `shop_id`, is described only as
 * unique ("ショップを識別するユニークなID。文字列型。") and its example is the
 * shop's subdomain (`shop` for `shop.thebase.in`): nothing says it is never
 * changed or reused, so it is not taken for the person, and the preset is
 * connect-only: a connection of a person already signed in here, whose own id
 * is its subject (connectOnly) (https://docs.thebase.in/docs/api/users/me).
 * No revocation is documented: disconnect forgets the tokens here.
 * Not checked against BASE's pages: whether a refresh ends the refresh token
 * it spent (the newest answered is kept); whether the 30 days a refresh token
 * lasts count from its issue, so that each refresh starts them again (taken
 * as so: the keep-alive sweep refreshes a connection unused for 30 days);
 * which refusal a wrong client secret gets (`unauthorized_client` assumed, as
 * for an unknown client).
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import type { ProviderPreset } from './preset.js';

const BASE_API = 'https://api.thebase.in';

/** BASE's refusals of the grant itself (code, refresh token or person), each answered 400 with its own code. */
const REFUSED_GRANT = new Set([
  '不正な認可コードです。',
  '認可コードの有効期限が切れています。',
  '不正なリフレッシュトークンです。',
  'リフレッシュトークンの有効期限が切れています。',
  'ユーザーが存在しません。',
]);

/** BASE's refusals of a code, a refresh token or a person gone, as RFC 6749 §5.2's `invalid_grant`. */
async function tokenResponse(response: Response): Promise<Response> {
  if (response.status !== 400) return response;
  const { text, fields: body } = await readTokenEndpointBody(response);
  if (typeof body?.error_description !== 'string' || !REFUSED_GRANT.has(body.error_description)) return rebuiltAnswer(response, response.status, text);
  return rebuiltAnswer(response, 400, JSON.stringify({ ...body, error: 'invalid_grant' }), 'application/json');
}

export const base_shop: ProviderPreset = {
  displayName: 'BASE',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: `${BASE_API}/1/oauth/authorize`,
      tokenEndpoint: `${BASE_API}/1/oauth/token`,
    },
    // Granted by default; the shop's items, orders… are added with <NAME>_SCOPE.
    scope: 'read_users',
    apiBaseUrl: `${BASE_API}/1`,
    // BASE documents no PKCE.
    pkce: false,
    tokenEndpointAuthMethod: 'client_secret_post',
    refreshSendsRedirectUri: true,
    refreshTokenIdleSeconds: 30 * 86_400,
    connectOnly: true,
    hooks: { tokenResponse },
  }),
};
