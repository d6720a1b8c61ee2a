/**
 * Login with Amazon (for websites). Plain OAuth 2.0 with explicit endpoints,
 * without discovery or an ID token. From Amazon's docs
 * (https://developer.amazon.com/docs/login-with-amazon/documentation-overview.html):
 * - `GET https://www.amazon.com/ap/oa` with `client_id`, a space-separated
 *   `scope`, `response_type=code`, `redirect_uri`, `state` and the PKCE
 *   challenge, which Amazon recommends for every app
 *   (https://developer.amazon.com/docs/login-with-amazon/authorization-code-grant.html);
 * - the scope asked is `profile`: the person's `user_id`, `name` and `email`;
 *   `profile:user_id` is the id alone (no consent screen) and `postal_code`
 *   adds the postal code of the primary shipping address
 *   (https://developer.amazon.com/docs/login-with-amazon/customer-profile.html).
 *   The `user_id` (`amzn1.account.…`) is the same for every app of one
 *   developer and differs for another's;
 * - `POST https://api.amazon.com/auth/o2/token` takes `grant_type`, `code`,
 *   `redirect_uri`, `client_id` and `client_secret` in the form body (a
 *   Basic header is also taken), and answers `access_token` (`Atza|…`),
 *   `token_type` bearer, `expires_in` 3600 and a `refresh_token`
 *   (`Atzr|…`); a refresh answers a new access token and a new refresh
 *   token, kept in place of the old
 *   (https://developer.amazon.com/docs/login-with-amazon/access-token.html).
 *   Refresh tokens have no stated lifetime;
 * - `GET https://api.amazon.com/user/profile` with the token as Bearer (or
 *   `x-amz-access-token`) answers the profile of the scopes granted
 *   (https://developer.amazon.com/docs/login-with-amazon/obtain-customer-profile.html,
 *   https://developer.amazon.com/docs/login-with-amazon/customer-profile-other-platforms-cbl-docs.html);
 *   the e-mail is the one registered with Amazon, its verification not said
 *   (kept as not known to be);
 * - Amazon's other LWA pages give the token endpoint per region, North
 *   America's api.amazon.com, Europe's api.amazon.co.uk and the Far East's
 *   api.amazon.co.jp
 *   (https://developer.amazon.com/docs/amazon-data-portability/lwa-access-token.html):
 *   `<NAME>_BASE_URL=https://api.amazon.co.uk` (or `.co.jp`) moves the
 *   token endpoint and the profile there; the sign-in page stays
 *   www.amazon.com's unless `<NAME>_AUTHORIZE_URL` says otherwise;
 * - there is no revocation endpoint: a person removes the app in their
 *   Amazon account's Login with Amazon settings, so disconnect deletes the
 *   tokens here and says it was not revoked at Amazon.
 * Not checked against Amazon's own pages: whether a refresh token that was
 * replaced keeps working (the newest one is always kept), whether refresh
 * tokens end when unused (no idle lifetime is assumed), whether the profile
 * API of api.amazon.co.uk and api.amazon.co.jp is the same as North
 * America's, and the bodies of a refused token request and of a refused
 * profile call (RFC 6749 §5.2's and RFC 6750 §3's `error` are assumed).
 */
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

export const amazon: ProviderPreset = {
  displayName: 'Amazon',
  values: { baseUrl: 'optional' },
  settings: ({ baseUrl }) => {
    const api = baseUrl ? withoutTrailingSlash(baseUrl) : 'https://api.amazon.com';
    return {
      endpoints: {
        authorizationEndpoint: 'https://www.amazon.com/ap/oa',
        tokenEndpoint: `${api}/auth/o2/token`,
        userinfoEndpoint: `${api}/user/profile`,
      },
      scope: 'profile',
      apiBaseUrl: api,
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'user_id',
      claimNames: { name: 'name', email: 'email' },
    };
  },
};
