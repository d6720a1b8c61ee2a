/**
 * Sonos, the Control API (a control integration made in Sonos's integration
 * manager, its client credential key and secret, the callback among the
 * key's redirect URIs). Plain OAuth 2.0 authorization code with explicit
 * endpoints on Sonos's login service; connect-only. From Sonos's docs:
 * - `GET https://api.sonos.com/login/v3/oauth` with `client_id` (the key),
 *   `response_type=code`, `state`, `scope` and `redirect_uri`; the one scope
 *   there is, `playback-control-all`, is required
 *   (https://docs.sonos.com/reference/create-authorization-code,
 *   https://docs.sonos.com/docs/authorize). No PKCE is documented, and none
 *   is sent;
 * - `POST https://api.sonos.com/login/v3/oauth/access` with the key and
 *   secret as HTTP Basic (base64 of `key:secret` as they are) and, in the
 *   form, `grant_type=authorization_code`, `code` and `redirect_uri`
 *   (https://docs.sonos.com/reference/createtoken); a refresh is the same
 *   endpoint with `grant_type=refresh_token` and `refresh_token`, answered
 *   `access_token`, `token_type` (`Bearer`), `refresh_token`, `expires_in`
 *   and `scope`; a refresh token Sonos does not take is refused HTTP 400
 *   `invalid_request` ("Invalid refresh token"), missing client credentials
 *   401 `invalid_client`, wrong ones 401 "Authentication required"
 *   (https://developer.sonos.com/reference/authorization-api/refresh-token/).
 *   The tokenResponse hook reads that 400 `invalid_request` as RFC 6749
 *   §5.2's `invalid_grant`, so the person must connect Sonos again;
 * - the token is for the person's Sonos account, which holds one or more
 *   households (`householdId`s, which change when players move to another
 *   network); the Control API is `https://api.ws.sonos.com/control/api/v1`
 *   (e.g. `GET /households`, then `/households/{householdId}/groups`) with
 *   the token as Bearer (https://docs.sonos.com/docs/discover,
 *   https://docs.sonos.com/docs/control,
 *   https://docs.sonos.com/reference/households-gethouseholds).
 * Sonos documents no user or account id the token can read, and a household
 * id is not a person and not stable: the preset is connect-only, a
 * connection of a person already signed in here, whose own id is its
 * subject (connectOnly). Sonos documents no revocation either: disconnect
 * forgets the tokens here, and the person removes the integration in the
 * Sonos app.
 * Not checked against Sonos's pages: the access token's lifetime (a day is
 * assumed; `expires_in` is read as it comes) and whether a refresh answers
 * the refresh token used or a new one (the newest answered is kept); the
 * body of the 401 for a wrong secret (RFC 6749's `invalid_client` read,
 * whatever the status) and of the Control API's 401 for a token it does not
 * take; whether the code exchange's refusals are those of the refresh page.
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import type { ProviderPreset } from './preset.js';

/** Sonos's refusal of a refresh token (HTTP 400 `invalid_request`) as RFC 6749 §5.2's `invalid_grant`; every other answer as it came. */
async function tokenResponse(response: Response): Promise<Response> {
  if (response.status !== 400) return response;
  const { text, fields } = await readTokenEndpointBody(response);
  if (fields?.error !== 'invalid_request') return rebuiltAnswer(response, response.status, text);
  return rebuiltAnswer(response, 400, JSON.stringify({ ...fields, error: 'invalid_grant' }), 'application/json');
}

export const sonos: ProviderPreset = {
  displayName: 'Sonos',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://api.sonos.com/login/v3/oauth',
      tokenEndpoint: 'https://api.sonos.com/login/v3/oauth/access',
    },
    // The one scope of the Control API, which the authorization requires.
    scope: 'playback-control-all',
    apiBaseUrl: 'https://api.ws.sonos.com/control/api/v1',
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    pkce: false,
    connectOnly: true,
    hooks: { tokenResponse },
  }),
};
