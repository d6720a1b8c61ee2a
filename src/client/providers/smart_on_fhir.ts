/**
 * A SMART on FHIR EHR's authorization server, for an app that signs a person in with a standalone launch (SMART App
 * Launch 2.0, https://hl7.org/fhir/smart-app-launch/), registered at the EHR as a confidential client with a secret.
 * `<NAME>_BASE_URL` is the FHIR server's base URL: the server's endpoints come from
 * `<BASE_URL>/.well-known/smart-configuration` (https://hl7.org/fhir/smart-app-launch/conformance.html), whose
 * `issuer` and `jwks_uri` a server with the `sso-openid-connect` capability names. From the specification
 * (https://hl7.org/fhir/smart-app-launch/app-launch.html unless said):
 * - the authorization request carries `aud`, the FHIR base URL the token is for, which servers SHALL support; a
 *   `state`; and PKCE, which every app SHALL use and servers SHALL take with `S256` only ("Considerations for PKCE
 *   Support"). `openid fhirUser` is asked to know who signed in, and `offline_access` for a refresh token
 *   (https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html); the app's data scopes
 *   (`launch/patient patient/*.rs`, `user/Observation.rs`…) are its own to add with `<NAME>_SCOPE`;
 * - the code goes to the token endpoint with `redirect_uri` and `code_verifier`; a symmetric confidential client
 *   authenticates by HTTP Basic, the client id and secret as they are (the example: `my-app:my-app-secret-123`,
 *   https://hl7.org/fhir/smart-app-launch/client-confidential-symmetric.html). The answer is `access_token`,
 *   `token_type` `Bearer`, `expires_in`, `scope`, an `id_token` when `openid fhirUser` was granted, a
 *   `refresh_token`, and launch context such as `patient` (a Patient id on the FHIR server) or `encounter`, kept with
 *   the profile; a refresh may answer a new refresh token, which replaces the old one;
 * - the ID token is validated as OIDC Core says (signed RS256, the keys at `jwks_uri`); the person is its `sub`,
 *   which OIDC Core makes unique and never reassigned within the issuer, kept with the issuer it came from; its
 *   `fhirUser` claim, the URL (absolute, or relative to the FHIR base) of the person's Patient, Practitioner,
 *   PractitionerRole, RelatedPerson or Person resource, is kept with the claims
 *   (scopes-and-launch-context.html, "Scopes for requesting identity data");
 * - the API base is the FHIR base URL; a disconnect revokes at the `revocation_endpoint` the document names
 *   (RECOMMENDED there), by RFC 7009.
 * Not checked against the specification, which leaves them to each EHR: the access and refresh tokens' lifetimes
 * (an access token SHOULD last no more than an hour), whether a refresh rotates the refresh token (the newest
 * answered is kept), the revocation endpoint's protocol (RFC 7009 assumed), whether the EHR offers a userinfo
 * endpoint (none is read: the person is the ID token's), and the token endpoint's refusals (RFC 6749 §5.2's).
 */
import { objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';
import { textMembers } from './profile-text.js';

/** The launch context of a SMART token answer worth keeping with the profile: the patient and encounter in context. */
function launchContext(answer: Record<string, unknown>): Record<string, unknown> {
  const context = objectOf(answer) ?? {};
  return textMembers({ patient: context.patient, encounter: context.encounter });
}

export const smart_on_fhir: ProviderPreset = {
  displayName: 'SMART on FHIR',
  values: { baseUrl: 'required' },
  settings: ({ baseUrl }) => {
    const fhirBase = withoutTrailingSlash(baseUrl ?? '');
    return {
      discovery: { metadataUrl: `${fhirBase}/.well-known/smart-configuration` },
      scope: 'openid fhirUser offline_access',
      authorizationParams: { aud: fhirBase },
      apiBaseUrl: fhirBase,
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      hooks: { tokenAnswerClaims: launchContext },
    };
  },
};
