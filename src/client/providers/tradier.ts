/**
 * Tradier Brokerage (an application registered with Tradier, the callback as
 * its callback URL; refresh tokens only once Tradier Brokerage approves the
 * application for them, which it does for Tradier Partners). Connect-only:
 * Tradier's pages name no stable id of the person. Its User Profile
 * (`GET /v1/user/profile`) answers an `id` whose reference leaves it
 * undescribed, shown as `id-gcostanza` (a login name's look), beside the
 * person's name and account numbers (https://docs.tradier.com/docs/profile,
 * https://docs.tradier.com/docs/account-details), so a person signs in with
 * another provider and connects Tradier, the connection's subject being the
 * user's own id; the profile is not read. From Tradier's pages:
 * - the flow is RFC 6749's authorization code (the only one Tradier supports
 *   publicly); codes last 10 minutes, access tokens 24 hours, and refresh
 *   tokens, once enabled for the application, come with every access token
 *   and do not expire
 *   (https://documentation.tradier.com/brokerage-api/overview/authentication);
 * - `GET https://api.tradier.com/v1/oauth/authorize` with `client_id`, a
 *   required `scope`, a comma-delimited list of `read`, `write`, `market`,
 *   `trade` and `stream`, and a required `state`; the person approves the
 *   scope on Tradier Brokerage's site and is sent to the registered callback
 *   with `code` and `state`
 *   (https://documentation.tradier.com/brokerage-api/oauth/authorization-code).
 *   `read,market` is asked: account data and market data, no trading;
 * - the code is exchanged at `POST https://api.tradier.com/v1/oauth/accesstoken`
 *   as a form (`grant_type=authorization_code`, `code`), the client id and
 *   secret as HTTP Basic of `id:secret` as it is; the JSON answer has
 *   `access_token`, `expires_in` (86399), `issued_at`, `scope` and `status`
 *   and no `token_type`, read as Bearer (`omitsTokenType`)
 *   (https://documentation.tradier.com/brokerage-api/oauth/access-token);
 * - refresh tokens are spent at their own endpoint,
 *   `POST https://api.tradier.com/v1/oauth/refreshtoken`, the same way
 *   (`grant_type=refresh_token`, `refresh_token`, Basic)
 *   (https://documentation.tradier.com/brokerage-api/oauth/refresh-token);
 * - the API is `https://api.tradier.com/v1` with the token as Bearer; it
 *   answers XML unless asked `Accept: application/json`, which the preset
 *   sends (each endpoint's page, e.g.
 *   https://documentation.tradier.com/brokerage-api/streaming/create-market-session);
 *   a 401 is a matter of credentials or entitlement
 *   (https://documentation.tradier.com/brokerage-api/overview/errors).
 * Not checked against Tradier's pages: whether the authorization takes
 * `response_type` and `redirect_uri` (RFC 6749's are sent; Tradier names the
 * registered callback only) and PKCE (none is sent); whether a refresh
 * answers a new refresh token (the newest is kept either way); the token
 * endpoints' refusals (RFC 6749 §5.2's assumed). Tradier documents no
 * revocation: disconnect forgets the tokens here.
 */
import type { ProviderPreset } from './preset.js';

export const tradier: ProviderPreset = {
  displayName: 'Tradier',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://api.tradier.com/v1/oauth/authorize',
      tokenEndpoint: 'https://api.tradier.com/v1/oauth/accesstoken',
      refreshEndpoint: 'https://api.tradier.com/v1/oauth/refreshtoken',
    },
    // Comma-delimited, as Tradier takes it: account and market data, no trading.
    scope: 'read,market',
    apiBaseUrl: 'https://api.tradier.com/v1',
    apiHeaders: { accept: 'application/json' },
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    omitsTokenType: true,
    pkce: false,
    connectOnly: true,
  }),
};
