/**
 * Login.gov, the U.S. government's sign-in service: OpenID Connect (the iGov profile) with discovery at
 * `https://secure.login.gov/.well-known/openid-configuration`, its agency integration (sandbox) environment at
 * `https://idp.int.identitysandbox.gov` (`<NAME>_BASE_URL`). From Login.gov's developer pages:
 * - clients authenticate with private_key_jwt (preferred for web apps) or PKCE alone; there is no client secret
 *   (https://developers.login.gov/oidc/getting-started/#choosing-an-authentication-method). The preset takes
 *   private_key_jwt: `<NAME>_PRIVATE_KEY_FILE` holds the RSA key (at least 2048 bits) whose certificate is uploaded in
 *   the Partner Portal, and the assertion is RS256 with `iss` and `sub` the client id and `aud` the token endpoint's
 *   URL (https://developers.login.gov/oidc/token/#client_assertion); any other audience is refused
 *   (https://developers.login.gov/support/#invalid-aud-claim), so clientAssertionAudience is `token_endpoint`;
 * - `GET /openid_connect/authorize` requires `acr_values` naming a type of service level (`urn:acr.login.gov:auth-only`:
 *   e-mail, password and MFA, no identity verification; `<NAME>_AUTHORIZATION_PARAMS` asks for another), `prompt`
 *   `select_account`, `scope` with `openid`, and `state` and `nonce` of at least 22 characters each (openid-client's
 *   are 43). A person who cancels is sent back with `access_denied`; a bad request with `invalid_request` and an
 *   `error_description` (https://developers.login.gov/oidc/authorization/);
 * - `POST /api/openid_connect/token` answers JSON `access_token`, `token_type` `Bearer`, `expires_in` and an RS256
 *   `id_token` whose `sub` is the person's UUID, with `acr`, `nonce`, `at_hash` and `c_hash`; no refresh token
 *   (https://developers.login.gov/oidc/token/#token-response). When the token ends, the person signs in again;
 * - a refused token request is HTTP 400 with a sentence as its `error` (“Code is invalid because doesn’t match any
 *   user…”, “Could not validate assertion against any registered public keys”, “Invalid audience claim…”,
 *   https://developers.login.gov/support/#openid-connect-errors), not RFC 6749 §5.2's codes: the tokenResponse hook
 *   keeps the sentence as `error_description` and names the error `invalid_client` when it is about the client's
 *   assertion or authentication, `invalid_grant` otherwise;
 * - `GET /api/openid_connect/userinfo` with the token as Bearer answers `sub`, `iss`, `email` and `email_verified`
 *   (always true: Login.gov keeps verified e-mails only), `all_emails` with that scope, and `given_name` and
 *   `family_name` only for an identity-verified account with `profile` or `profile:name`
 *   (https://developers.login.gov/oidc/user-info/, https://developers.login.gov/attributes/). The subject is `sub`, the
 *   UUID; `openid email` is asked. The access token opens nothing but userinfo, so the API base is
 *   `/api/openid_connect` (the proxy's `GET /userinfo` reads the attributes again);
 * - there is no revocation endpoint: RP-Initiated Logout ends the person's Login.gov session only
 *   (https://developers.login.gov/oidc/logout/).
 * Not checked against Login.gov's own pages: that the `sub` is pairwise (one UUID per agency; the IdP's source,
 * https://github.com/18F/identity-idp, lists `subject_types_supported: pairwise`), the access token's lifetime (the
 * example answers 3600; the IdP's source gives the Login.gov session's remaining time), the issuer's trailing slash
 * (the discovery document's issuer is the host's root URL), and that a PKCE challenge sent beside private_key_jwt is
 * taken (the authorization example leaves it out; the IdP checks a verifier only for a PKCE client).
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

const PRODUCTION = 'https://secure.login.gov';

/** RFC 6749 §5.2's error codes, which a refusal that already speaks them keeps. */
const RFC_6749_ERRORS = new Set(['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope']);

/** Login.gov's sentences about the client's own authentication: its assertion (signature, audience, iat) or its absence. */
const CLIENT_REFUSAL = /^client assertion\b|client must authenticate/i;

/**
 * A 400 whose `error` is one of Login.gov's sentences as RFC 6749 §5.2's `{ error, error_description }`: `invalid_client`
 * for the client's assertion or authentication, `invalid_grant` otherwise (a code unknown, spent or expired, a PKCE
 * verifier that does not match). Tokens, RFC 6749 errors and server failures pass as they were.
 */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  const sentence = fields?.error;
  if (response.status !== 400 || typeof sentence !== 'string' || RFC_6749_ERRORS.has(sentence)) return rebuiltAnswer(response, response.status, text);
  const error = CLIENT_REFUSAL.test(sentence) ? 'invalid_client' : 'invalid_grant';
  return rebuiltAnswer(response, 400, JSON.stringify({ error, error_description: sentence }), 'application/json');
}

export const logingov: ProviderPreset = {
  displayName: 'Login.gov',
  values: { baseUrl: 'optional' },
  settings: ({ baseUrl }) => {
    const origin = baseUrl ? withoutTrailingSlash(baseUrl) : PRODUCTION;
    return {
      discovery: { issuer: origin },
      scope: 'openid email',
      authorizationParams: { acr_values: 'urn:acr.login.gov:auth-only', prompt: 'select_account' },
      tokenEndpointAuthMethod: 'private_key_jwt',
      clientAssertionAudience: 'token_endpoint',
      apiBaseUrl: `${origin}/api/openid_connect`,
      hooks: { tokenResponse },
    };
  },
};
