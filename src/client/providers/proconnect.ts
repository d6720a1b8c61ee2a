/**
 * ProConnect (formerly AgentConnect), the French State's identity federation for professionals: the person signs in
 * at the identity provider (FI) of their administration or organisation, or with ProConnect Identité, and ProConnect
 * passes who they are on to the service. OpenID Connect with discovery at
 * `https://auth.agentconnect.gouv.fr/api/v2/.well-known/openid-configuration`; the integration environment's host,
 * `https://fca.integ01.dev-agentconnect.fr`, or a host of the RIE (the State's network), is `<NAME>_BASE_URL` (the
 * issuer is the host's `/api/v2`). From ProConnect's service-provider documentation
 * (https://partenaires.proconnect.gouv.fr/docs/fournisseur-service/implementation_technique, also at
 * https://github.com/numerique-gouv/proconnect-documentation/blob/main/doc_fs/implementation_technique.md, and the
 * hosts at https://github.com/numerique-gouv/proconnect-documentation/blob/main/resources/valeur_ac_domain.md):
 * - `GET /api/v2/authorize` requires `response_type=code`, `client_id`, `redirect_uri`, `scope`, and a `state` and a
 *   `nonce` of at least 32 characters each (openid-client's are 43); `claims`, `prompt`, `idp_hint` are optional,
 *   and any other parameter is its `Y000400` "Bad Request Exception": so no `acr_values` (FranceConnect's) and no PKCE;
 * - the code lasts 30 seconds; `POST /api/v2/token` takes a form of `grant_type=authorization_code`, `client_id`,
 *   `client_secret`, `redirect_uri` and `code` (client_secret_post), and answers `access_token`,
 *   `token_type: "Bearer"`, `expires_in: 60` and `id_token`, with no refresh token: the person signs in again when
 *   the 60-second token ends (ProConnect's own session lasts 12 hours); a refusal is a 400 with a JSON description;
 * - the ID token and `GET /api/v2/userinfo`'s answer (`application/jwt`) are signed with the algorithm the service
 *   registered (RS256, ES256 or HS256), and the service checks the signature; openid-client verifies them against
 *   the discovery document's keys (or the client secret for HS256) before the claims are read;
 * - the scopes are the claims (https://github.com/numerique-gouv/proconnect-documentation/blob/main/doc_fs/scope-claims.md):
 *   `openid` (`sub`), `given_name`, `usual_name`, `email`, `uid`, `siret`, `idp_id`, `phone`, `custom`; every
 *   identity provider sends `given_name`, `usual_name`, `email`, `uid` and `siret`
 *   (https://github.com/numerique-gouv/proconnect-documentation/blob/main/doc_fs/donnees_fournies.md). `openid
 *   given_name usual_name email` is asked here; `<NAME>_SCOPE` asks for more (`siret`, `idp_id`…);
 * - the subject is `sub`, the unique identifier ProConnect sends for each person, which the documentation recommends
 *   for recognising them (donnees_fournies.md, "Le champ sub"). It is specific to each identity provider: the same
 *   person signing in through another FI is another `sub`, so another account here. `uid` (the person's id at the
 *   FI) is not used, being unique only there. The family name is `usual_name` (the name in use, by default the
 *   birth name), which profileClaims gives as `family_name` so the user's name is made from it;
 * - there is no revocation endpoint: `/api/v2/session/end` ends the ProConnect session through the browser.
 * Not checked against ProConnect's pages: that the production issuer is still `auth.agentconnect.gouv.fr` (the
 * hosts page names no proconnect.gouv.fr host); that the discovery document names
 * `userinfo_signing_alg_values_supported` (openid-client needs it, or the client's registered alg, to take a signed
 * userinfo); the token endpoint's error codes (RFC 6749 §5.2's are assumed), the answer to an unknown scope (the
 * pages quote "requested scope is not allowed"; `invalid_scope` is assumed) and userinfo's answer to a token it
 * does not take (RFC 6750's 401 is assumed); that the e-mail is verified (it is kept unverified).
 */
import { objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';

const PRODUCTION = 'https://auth.agentconnect.gouv.fr';

/** ProConnect's `usual_name` as OpenID Connect Core §5.1's `family_name`, where that is absent, so the name is made from it. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const info = objectOf(body);
  if (!info) return undefined;
  const claims: Record<string, unknown> = { ...info };
  if (typeof info.usual_name === 'string' && info.family_name === undefined) claims.family_name = info.usual_name;
  return claims;
}

export const proconnect: ProviderPreset = {
  displayName: 'ProConnect',
  values: { baseUrl: 'optional' },
  settings: ({ baseUrl }) => {
    const issuer = `${baseUrl ? withoutTrailingSlash(baseUrl) : PRODUCTION}/api/v2`;
    return {
      discovery: { issuer },
      scope: 'openid given_name usual_name email',
      pkce: false,
      tokenEndpointAuthMethod: 'client_secret_post',
      apiBaseUrl: issuer,
      hooks: { profileClaims },
    };
  },
};
