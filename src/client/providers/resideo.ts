/**
 * Resideo, the Honeywell Home API (an app made at https://developer.honeywellhome.com, its Consumer Key as the
 * client id and its Consumer Secret as the secret, the callback as its Callback URL). Plain OAuth 2.0 authorization
 * code with explicit endpoints; connect-only. From Resideo's pages:
 * - the person is sent to `GET https://api.honeywellhome.com/oauth2/authorize` with `response_type=code`,
 *   `client_id` (the API key) and `redirect_uri`, which must be the app's configured one, and an optional `state`
 *   sent back with the code; no scope is named (https://developer.honeywellhome.com/oauth2-guide,
 *   https://developer.honeywellhome.com/authorization-oauth2/apis). No PKCE is documented, and none is sent;
 * - the code is exchanged by `POST https://api.honeywellhome.com/oauth2/token` with the key and secret as HTTP
 *   Basic (base64 of `key:secret` as they are) and `grant_type=authorization_code`, `code` and `redirect_uri`, all
 *   three required, in the form (https://developer.honeywellhome.com/authorization-oauth2/apis/post/token);
 * - a refresh is the same endpoint with the same Basic header, `grant_type=refresh_token` and `refresh_token`; an
 *   expired or invalid refresh token is refused HTTP 400 `{ "error": "invalid_grant" }`
 *   (https://developer.honeywellhome.com/authorization-oauth2/apis/post/token-0);
 * - the token answers shown (https://developer.honeywellhome.com/authorization-oauth2/apis/post/accesstoken) write
 *   `expires_in` as a string (`"3599"`) and `token_type` as `BearerToken`: the tokenResponse hook makes the first a
 *   number and the second RFC 6750's `Bearer`, so the lifetime is read and the token sent as Bearer;
 * - every API call carries the token as `Authorization: Bearer` and the app's API key as the `apikey` query
 *   parameter, e.g. `GET /v2/locations?apikey=…`, the person's locations with the devices in each
 *   (https://developer.honeywellhome.com/content/oauth2-client-credentials,
 *   https://developer.honeywellhome.com/lyric/apis): apiQueryParameters adds the client id to each call.
 * Resideo's pages name no endpoint that says who the token's person is, nor an id of theirs that they call stable
 * and never given to another account (the client-credentials guide acts for a person by a user id the API gives,
 * but names no call that answers the token's own person): the preset is connect-only, a connection of a person already
 * signed in here, whose own id is its subject (connectOnly). Resideo documents no revocation either: disconnect
 * forgets the tokens here.
 * Not checked against Resideo's pages: the code exchange's own answer (only the client-credentials answer is shown;
 * `access_token`, `refresh_token` and `expires_in` are read as RFC 6749 §5.1's, the lifetime from each answer), whether a refresh answers a new
 * refresh token and whether the one used stops working (the newest answered is kept), the answer to a person who
 * declines (RFC 6749's `access_denied` assumed), the refusal of a wrong secret (401 `invalid_client` assumed) and
 * the API's answer to a token it no longer takes (a 401 assumed). The API reference's pages write the host
 * `api.honeywell.com`; the OAuth guide's `api.honeywellhome.com` is used for every endpoint here.
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import type { ProviderPreset } from './preset.js';

/** A successful token answer with a string `expires_in` read as a number and `BearerToken` as `Bearer`; any other answer as it came. */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (response.status !== 200 || !fields) return rebuiltAnswer(response, response.status, text);
  const lifetime = typeof fields.expires_in === 'string' && /^\d+$/.test(fields.expires_in) ? Number(fields.expires_in) : fields.expires_in;
  const tokenType = typeof fields.token_type === 'string' && fields.token_type.toLowerCase() === 'bearertoken' ? 'Bearer' : fields.token_type;
  return rebuiltAnswer(response, 200, JSON.stringify({ ...fields, expires_in: lifetime, token_type: tokenType }), 'application/json');
}

export const resideo: ProviderPreset = {
  displayName: 'Resideo',
  settings: (_values, client) => ({
    endpoints: {
      authorizationEndpoint: 'https://api.honeywellhome.com/oauth2/authorize',
      tokenEndpoint: 'https://api.honeywellhome.com/oauth2/token',
    },
    // Resideo's pages name no scope: none is asked.
    scope: '',
    apiBaseUrl: 'https://api.honeywellhome.com',
    ...(client?.clientId ? { apiQueryParameters: { apikey: client.clientId } } : {}),
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    pkce: false,
    connectOnly: true,
    hooks: { tokenResponse },
  }),
};
