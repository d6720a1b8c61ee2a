/**
 * GOV.UK One Login, the UK government's sign-in for public services: OpenID Connect with discovery at
 * `https://oidc.account.gov.uk/.well-known/openid-configuration`, its integration environment at
 * `https://oidc.integration.account.gov.uk` (`<NAME>_BASE_URL`). From GOV.UK One Login's technical documentation
 * (https://docs.sign-in.service.gov.uk/integrate-with-integration-environment/authenticate-your-user/, below "the
 * guide"):
 * - the client authenticates with private_key_jwt; `client_secret_post` is an exception granted only to some
 *   third-party platforms (https://docs.sign-in.service.gov.uk/before-integrating/use-correct-token-authentication-method/).
 *   `<NAME>_PRIVATE_KEY_FILE` holds the key whose public half is in the service's configuration; the assertion's `iss`
 *   and `sub` are the client id, its `aud` the token endpoint's URL (`https://oidc.account.gov.uk/token`), with `exp`
 *   and a one-use `jti` (the guide, "Create a JWT"), so clientAssertionAudience is `token_endpoint`;
 * - `GET /authorize` requires `response_type=code`, `scope` with `openid`, `client_id`, `state`, `redirect_uri` and
 *   `nonce`; `vtr`, the Vector of Trust, defaults to `["Cl.Cm"]` (medium authentication, no identity) and is sent as
 *   that here, `<NAME>_AUTHORIZATION_PARAMS` asking for another. PKCE is optional, S256 alone. A scope it does not
 *   know sends the person back with `invalid_scope`; a bad client or redirect URI is an HTTP 400 page (the guide;
 *   https://docs.sign-in.service.gov.uk/before-integrating/choose-which-user-attributes-your-service-can-request/);
 * - `POST /token` takes `grant_type=authorization_code`, `code`, `redirect_uri` and the assertion, and answers
 *   `access_token`, `token_type: "Bearer"`, `expires_in` (180 in the guide's example) and an `id_token` signed ES256
 *   by default (RS256 for a service registered so), with `sub`, `vot`, `vtm`, `sid`, `auth_time`, `nonce` and
 *   `at_hash`. Its refusals are RFC 6749 §5.2's (`invalid_client`, `invalid_grant`…, HTTP 400). It issues no
 *   refresh token: the person signs in again when the token ends;
 * - `GET /userinfo` with the token as Bearer answers `sub`, `email` and `email_verified` (always true) with `email`,
 *   `phone_number` and `phone_number_verified` with `phone`; a token it does not take is a 401 `invalid_token`. The
 *   `sub` (`urn:fdc:gov.uk:2022:…`) "will not change unless your user deletes their GOV.UK One Login and sets it up
 *   again" and is the subject here; the e-mail can change and is kept as a detail. `openid email` is asked. The
 *   token opens userinfo alone, so the API base is the issuer's host (the proxy's `GET /userinfo`);
 * - a request to `/token` or `/userinfo` without a `User-Agent` is refused with a 403
 *   (https://docs.sign-in.service.gov.uk/before-integrating/set-user-agent-header/); openid-client sends one.
 * There is no revocation endpoint: `/logout` ends the person's One Login session only
 * (https://docs.sign-in.service.gov.uk/integrate-with-integration-environment/log-your-users-out/).
 * Not checked against GOV.UK One Login's pages: that the `sub` is pairwise, one per sector identifier (the sector
 * identifier page says so, not read here in full); that an identity request's claims (`vtr=["Cl.Cm.P2"]` with a
 * `claims` parameter) arrive through userinfo as the preset reads it (only the authentication journey is proved
 * here); the access token's lifetime beyond the example's 180 seconds; and that a PKCE challenge is taken beside
 * private_key_jwt for a service whose configuration does not enforce PKCE (the guide says it is optional).
 */
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

const PRODUCTION = 'https://oidc.account.gov.uk';

/** The Vector of Trust asked: medium-level authentication (two factors), no identity proving. */
const DEFAULT_VTR = '["Cl.Cm"]';

export const govuk_one_login: ProviderPreset = {
  displayName: 'GOV.UK One Login',
  values: { baseUrl: 'optional' },
  settings: ({ baseUrl }) => {
    const origin = baseUrl ? withoutTrailingSlash(baseUrl) : PRODUCTION;
    return {
      discovery: { issuer: origin },
      scope: 'openid email',
      authorizationParams: { vtr: DEFAULT_VTR },
      tokenEndpointAuthMethod: 'private_key_jwt',
      clientAssertionAudience: 'token_endpoint',
      apiBaseUrl: origin,
    };
  },
};
