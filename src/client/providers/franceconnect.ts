/**
 * FranceConnect (version 2), the French State's sign-in through the accounts people already hold (impots.gouv.fr,
 * ameli.fr, L'Identité Numérique La Poste…): OpenID Connect with discovery at
 * `https://oidc.franceconnect.gouv.fr/api/v2/.well-known/openid-configuration`, its integration environment's host
 * `https://fcp-low.integ01.dev-franceconnect.fr` (`<NAME>_BASE_URL`; the issuer is the host's `/api/v2`). From
 * FranceConnect's partner documentation (https://docs.partenaires.franceconnect.gouv.fr/fs/fs-technique/fs-technique-endpoints/,
 * which holds for FranceConnect and FranceConnect+, and its earlier FranceConnect+ edition on GitHub,
 * https://github.com/france-connect/Documentation-FranceConnect-Plus/blob/v1.2-alpha/fs/technique/technique-endpoints.md):
 * - `GET /api/v2/authorize` requires `response_type=code`, `client_id`, `redirect_uri`, `scope`, `acr_values`, and a
 *   `state` and a `nonce` of at least 32 characters each (openid-client's are 43); a person who gives up comes back
 *   with `error` and `error_description` (`access_denied`, "User auth aborted"). The eIDAS level asked is `eidas1`,
 *   the low level FranceConnect serves (FranceConnect+ takes `eidas2` and `eidas3`);
 * - `POST /api/v2/token` takes a form of `grant_type=authorization_code`, `client_id`, `client_secret`,
 *   `redirect_uri` and `code` (client_secret_post), and answers `access_token`, `token_type: "Bearer"`, `expires_in`
 *   (60 in the example) and `id_token`, with no refresh token: the person signs in again when the token ends;
 * - version 2 signs the ID token and the userinfo answer with ES256 or RS256 from the keys at `/api/v2/jwks`, and the
 *   service must check the userinfo signature (https://docs.partenaires.franceconnect.gouv.fr/fs/migration/fs-migration-diff-v1-v2/):
 *   `GET /api/v2/userinfo` with the token as Bearer answers `application/jwt`, which openid-client verifies against
 *   the discovery document's keys before the claims are read;
 * - the scopes are the claims asked (`given_name`, `family_name`, `birthdate`, `gender`, `birthplace`,
 *   `birthcountry`, `email`, `preferred_username`…; version 2 dropped `address` and `phone`); `openid given_name
 *   family_name email` is asked here, `<NAME>_SCOPE` asks for what the service's authorization (its DataPass) covers.
 *   The subject is `sub`, "un identifiant technique qui permet d'identifier de manière unique un usager" for the
 *   service, by which it recognises the person from one sign-in to the next; names and e-mail are details. The
 *   token opens userinfo alone, so the API base is `/api/v2`;
 * - there is no revocation endpoint: `/api/v2/session/end` ends the FranceConnect session through the browser.
 * Not checked against FranceConnect's pages: that `eidas1` is the value a FranceConnect (not FranceConnect+) service
 * sends (its endpoint page, as stored, shows FranceConnect+'s values); that the discovery document names
 * `userinfo_signing_alg_values_supported` (openid-client needs it, or the client's registered alg, to take a signed
 * userinfo); the token endpoint's error codes (the page says a 400 with a JSON description; RFC 6749 §5.2's codes are
 * assumed) and userinfo's answer to a token it does not take (RFC 6750's 401 is assumed); that the e-mail is
 * verified (it is kept unverified); that PKCE is taken (none is sent).
 */
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

const PRODUCTION = 'https://oidc.franceconnect.gouv.fr';

export const franceconnect: ProviderPreset = {
  displayName: 'FranceConnect',
  values: { baseUrl: 'optional' },
  settings: ({ baseUrl }) => {
    const issuer = `${baseUrl ? withoutTrailingSlash(baseUrl) : PRODUCTION}/api/v2`;
    return {
      discovery: { issuer },
      scope: 'openid given_name family_name email',
      authorizationParams: { acr_values: 'eidas1' },
      pkce: false,
      tokenEndpointAuthMethod: 'client_secret_post',
      apiBaseUrl: issuer,
    };
  },
};
