/**
 * Shippo, OAuth for platform partners (a partner id and secret Shippo's partnerships team hands out, the callback
 * registered with them). Plain OAuth 2.0 authorization code with explicit endpoints; connect-only. From Shippo's own
 * pages and its own OAuth demo:
 * - the person is sent to `https://goshippo.com/oauth/authorize` with `response_type=code`, `client_id` (the partner
 *   id), `scope=*` and an unguessable `state`; `*`, full access to the Shippo API, is the only scope there is; they
 *   log in or register, add billing details if missing, grant the platform access, and come back to the callback
 *   with a `code` and the `state`, or with an error if they did not finish
 *   (https://docs.goshippo.com/docs/OAuth_Integrations/OAuth). No PKCE is documented, and none is sent;
 * - the code is exchanged at `POST https://goshippo.com/oauth/access_token` with `client_id`, `client_secret`, `code`
 *   and `grant_type=authorization_code`, the client in the body, posted as JSON, and the answer's `access_token` is the token
 *   (https://github.com/goshippo/shippo-demos-oauth, Shippo's own demo, whose guide links the OAuth page);
 * - the token is then a Bearer token for the Shippo account that authorized it, with full API access, and it never
 *   expires: there is no refresh token (https://docs.goshippo.com/o-auth-integrations/testing-with-jwt); the API is
 *   `https://api.goshippo.com` (e.g. `GET /addresses/`; https://docs.goshippo.com/guides/api-quickstart).
 * Shippo's OAuth page has the platform store the user's account ID, but names no member of an answer that carries
 * it; and a Shippo account is the merchant's business (its carriers, billing and labels), whose pages leave open
 * whether the people of one business share it. Two people must never become one account here, so the preset is
 * connect-only: a person signed in here with another provider connects Shippo from the account page, and the
 * connection's subject is their own id. Shippo documents no revocation: disconnect forgets the token here.
 * Not checked against Shippo's pages: whether the exchange is read as a form too (it is sent as JSON, as Shippo's
 * demo sends it) and whether it wants the `redirect_uri` again (it is sent, as RFC 6749 asks); the answer's other members (`token_type` `bearer` and `scope` `*` are assumed, and an
 * `expires_in` or `refresh_token` would be kept); the token endpoint's refusals (RFC 6749 §5.2's `error` is
 * assumed); the body of the API's 401 for a token it does not take.
 */
import { jsonTokenRequest, type ProviderPreset } from './preset.js';

export const shippo: ProviderPreset = {
  displayName: 'Shippo',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://goshippo.com/oauth/authorize',
      tokenEndpoint: 'https://goshippo.com/oauth/access_token',
    },
    // Shippo's one scope: full access to the account's API.
    scope: '*',
    apiBaseUrl: 'https://api.goshippo.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    connectOnly: true,
    // As Shippo's own demo posts the code exchange: the same members as a JSON body.
    hooks: { tokenRequest: jsonTokenRequest() },
  }),
};
