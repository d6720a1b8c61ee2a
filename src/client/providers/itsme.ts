/**
 * itsme, Belgian Mobile ID's identity app, for a partner onboarded by itsme (its client id, a service of type
 * Authentication and the service's code, its redirect URIs and its JWK Set URI): OpenID Connect's authorization code
 * flow with discovery at `https://idp.prd.itsme.services/v2/.well-known/openid-configuration`, the E2E test
 * environment's issuer `https://idp.e2e.itsme.services/v2` by `<NAME>_BASE_URL`. From itsme's Authentication API
 * documentation (https://belgianmobileid.github.io/doc/authentication/) and its JOSE page
 * (https://belgianmobileid.github.io/doc/JOSE/):
 * - the scope must hold `openid` and `service:<code>`, the code of the partner's service given at onboarding, here
 *   `<NAME>_APPLICATION_SLUG`; `profile` is asked besides (names, gender, locale, picture and birth date; `email`,
 *   `phone`, `address` and `eid`, the national register number, only by `<NAME>_SCOPE`). A redirect URI must match a
 *   registered one exactly; a refusal comes back as OpenID Connect's codes (`access_denied` when the person says no),
 *   a bad client or redirect URI is told on itsme's own page. PKCE S256 is taken (and enforced for a partner who
 *   asks), so it is sent;
 * - the client authenticates by private_key_jwt (`<NAME>_PRIVATE_KEY_FILE`, an RSA key: itsme supports RSA alone and
 *   RS256 signatures): `client_assertion` signed RS256 with a `kid`, `iss` and `sub` the client id, `aud` the token
 *   endpoint's full URL (so clientAssertionAudience is `token_endpoint`), `jti` and `exp`. itsme reads the partner's
 *   public keys from the JWK Set URI given at onboarding, which must hold one key with `use: sig` and one with
 *   `use: enc`: register `<BASE_URL>/auth/<name>/jwks.json`, which serves both;
 * - `POST /v2/token` (`grant_type=authorization_code`, `code`, `redirect_uri`, the assertion, `code_verifier`)
 *   answers `access_token`, `token_type` Bearer, `expires_in` (3600 in the example) and an `id_token` that is signed
 *   then encrypted to the partner's `enc` key (a nested JWT: RSA-OAEP-256 advised, `cty: JWT`); `GET /v2/userinfo`
 *   with the token as Bearer answers a JWT signed and encrypted the same way. So `<NAME>_DECRYPTION_KEY_FILE` must
 *   hold the `enc` key's private half (RSA, `RSA-OAEP-256` by default); without it every sign-in is a 502 saying
 *   so. No refresh token is issued (its revocation section: the API supports none), so the person signs in again
 *   once the token ends, and a private_key_jwt partner has no revocation endpoint ("Not applicable");
 * - the subject is `sub`, a string that uniquely identifies the itsme account and does not change when its other
 *   attributes do; an account deleted and made again gets a new `sub`, which signs in here as a new account
 *   (its "Mapping the user" section). The token opens userinfo and the ID photo at `GET /v2/picture` (Bearer): the
 *   API base is the issuer, `/v2`.
 * Not checked against itsme's pages: the discovery document's exact contents (its `enc` values, whether it names a
 *   revocation endpoint), the token endpoint's status for an `invalid_client` (its errors section says 400 for all),
 *   and what a userinfo request with a token that ended answers beyond "typically 401".
 */
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

const PRODUCTION = 'https://idp.prd.itsme.services/v2';

export const itsme: ProviderPreset = {
  displayName: 'itsme',
  values: { baseUrl: 'optional', applicationSlug: 'required' },
  settings: ({ baseUrl, applicationSlug }) => {
    const issuer = baseUrl ? withoutTrailingSlash(baseUrl) : PRODUCTION;
    return {
      discovery: { issuer },
      scope: `openid service:${applicationSlug ?? ''} profile`,
      tokenEndpointAuthMethod: 'private_key_jwt',
      clientAssertionAudience: 'token_endpoint',
      apiBaseUrl: issuer,
    };
  },
};
