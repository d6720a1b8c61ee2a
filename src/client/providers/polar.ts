/**
 * Polar AccessLink (Polar's Open AccessLink API v3, for an API client made at https://admin.polaraccesslink.com with
 * the callback as its redirect URL). Plain OAuth 2.0 with explicit endpoints: no discovery, no ID token, no profile
 * call. From Polar's own AccessLink example client (https://github.com/polarofficial/accesslink-example-python, which
 * points at the API's documentation, https://www.polar.com/accesslink-api/):
 * - the person authorizes the client in Polar Flow at `https://flow.polar.com/oauth2/authorization` (`client_id`,
 *   `response_type=code`, the `redirect_uri`) and comes back with a code, valid for 10 minutes;
 * - the code is exchanged at `https://polarremote.com/v2/oauth2/token`, a form with `grant_type` and `code`, the
 *   client as HTTP Basic; the answer carries `access_token` and `x_user_id`, the Polar user the token is for, which
 *   the client keeps as the user's id: it is the subject (read from the answer by tokenResponseProfile, so no
 *   profile call is made, and no name or e-mail is known);
 * - the API is `https://www.polaraccesslink.com/v3` with the token as Bearer. The user must be registered for the
 *   client, `POST /v3/users` with a `member-id` the app chooses (a 409 when already registered), before any of their
 *   data can be read: the app does it through the proxy after sign-in. `DELETE /v3/users/{user-id}` de-registers
 *   the user and revokes the token: it needs the user id, which a revocation hook is not given, so the app calls it
 *   through the proxy before disconnecting, and disconnect itself only forgets the token.
 * Client ids are UUIDs: the Basic header carries `id:secret` as they are (the example's HTTP Basic), since RFC 6749
 * §2.3.1's form-encoding would turn their `-` into `%2D`.
 * Not checked against Polar's own pages (the API documentation could not be read here): the token answer's other
 * members (`token_type: "bearer"`, an `expires_in` of about ten years, and no refresh token, as Polar's partners
 * describe it: when the token ends, the person signs in again); whether a `scope` is taken (`accesslink.read_all`
 * in Polar's pages as partners quote them; none is sent, the example sends none); whether PKCE is taken (none is
 * sent); the token endpoint's refusals (RFC 6749 §5.2's assumed); what the API answers a token it no longer takes
 * (a 401 assumed) and data of a user not registered.
 */
import type { ProviderPreset } from './preset.js';

/** The Polar user of the code exchange's answer, its `x_user_id` (a positive whole number, or its digits), as text: the person, never the tokens. */
function tokenResponseProfile(answer: Record<string, unknown>): Record<string, unknown> | undefined {
  const id = answer.x_user_id;
  if (typeof id === 'number') return Number.isSafeInteger(id) && id > 0 ? { id: String(id) } : undefined;
  return typeof id === 'string' && /^[1-9]\d{0,19}$/.test(id) ? { id } : undefined;
}

export const polar: ProviderPreset = {
  displayName: 'Polar AccessLink',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://flow.polar.com/oauth2/authorization',
      tokenEndpoint: 'https://polarremote.com/v2/oauth2/token',
    },
    // None: the example client asks none, and a token reads all the data the person shares with the client.
    scope: '',
    apiBaseUrl: 'https://www.polaraccesslink.com/v3',
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    pkce: false,
    subjectClaim: 'id',
    hooks: { tokenResponseProfile },
  }),
};
