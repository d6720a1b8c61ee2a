/**
 * TARA, the authentication service of Estonia's Information System Authority (RIA), for an institution's client
 * registered with RIA (its `client_id`, `client_secret` and redirect URL): OpenID Connect's authorization code flow
 * with discovery at `https://tara.ria.ee/.well-known/openid-configuration`, the test service's host
 * `https://tara-test.ria.ee` by `<NAME>_BASE_URL` (the issuer is the host itself). From TARA's technical
 * specification (https://e-gov.github.io/TARA-Doku/TechnicalSpecification):
 * - `GET /oidc/authorize` takes `redirect_uri`, `scope`, `state`, `response_type=code` and `client_id` (all
 *   compulsory), `ui_locales`, `nonce` and `acr_values` optionally; `scope` must hold `openid`, and any value the
 *   specification does not name is refused with `invalid_scope`. `openid` alone lets the person pick any of the
 *   methods (ID-card, Mobile-ID, Smart-ID, EU eID), at TARA's default level `substantial` (§4.1, §4.1.4); `email` and
 *   `phone` are not asked (an ID-card's eesti.ee forwarding address, never verified; a Mobile-ID number);
 * - a person who turns back ("Return to service provider") comes back with `error=user_cancel`, other failures with
 *   OpenID Connect's codes and `error_description` (§4.2); the app reads `user_cancel` as a cancel, as it does
 *   `access_denied`;
 * - `POST /oidc/token` takes `grant_type=authorization_code`, `code` and `redirect_uri` with the client as HTTP
 *   Basic, the Base64 of `<client_id>:<client_secret>` as RFC 2617 has it, not form-encoded first (§4.3), and answers
 *   `access_token`, `token_type` (bearer), `expires_in` and the RS256 `id_token`, with no refresh token; the code
 *   lasts 30 seconds, the ID token and the access token 40 (§6.3), so the person signs in again for each session and
 *   the app keeps no lasting access;
 * - the subject is `sub`, the person's identifier with their country's ISO 3166-1 alpha-2 code in front: the Estonian
 *   personal identification code (`EE60001019906`) or, for a foreigner through eIDAS, their country's eIDAS
 *   identifier (up to 256 characters) (§4.3.1). The ID token nests the names and the birth date under
 *   `profile_attributes`, which the app does not read; `GET /oidc/profile` (userinfo) with the access token answers
 *   them flat, `given_name`, `family_name`, `date_of_birth`, beside `sub`, `amr` and `auth_time` (§4.4), so the
 *   profile is read there (TARA advises the ID token, naming userinfo for clients that cannot read it; userinfo holds
 *   the same claims, and its `sub` is checked against the ID token's) and the profileClaims hook names
 *   `date_of_birth` as OpenID Connect's `birthdate`. The token opens userinfo alone: the API base is `/oidc`, and a
 *   token TARA does not take is a 401 with `WWW-Authenticate: Bearer error="invalid_token"` (§4.4);
 * - there is no revocation endpoint, and TARA keeps no single sign-on session (§1.1, §6).
 * Not checked against TARA's pages: how long a person's `sub` lasts (Estonia issues a new personal identification
 * code in rare cases, and an eIDAS identifier is as persistent as its country makes it; both then sign in as a new
 * account here); whether PKCE is read (none is sent, as the specification names no such parameter); the token
 * endpoint's refusals (RFC 6749 §5.2's codes assumed). The ID token's `acr` and `amr` are kept with the claims; an
 * app that asks for a method or a level by `<NAME>_SCOPE` or `<NAME>_AUTHORIZATION_PARAMS` checks them itself, as
 * §5.1.6 and §5.1.7 ask.
 */
import { objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';
import { trimmedText } from './profile-text.js';

const PRODUCTION = 'https://tara.ria.ee';

/** TARA's userinfo as it comes, with `date_of_birth` (ISO 8601) also as OpenID Connect's `birthdate`. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const claims = objectOf(body);
  if (!claims) return undefined;
  const birthdate = trimmedText(claims.date_of_birth);
  return birthdate ? { ...claims, birthdate } : claims;
}

export const tara: ProviderPreset = {
  displayName: 'TARA',
  values: { baseUrl: 'optional' },
  settings: ({ baseUrl }) => {
    const issuer = baseUrl ? withoutTrailingSlash(baseUrl) : PRODUCTION;
    return {
      discovery: { issuer },
      scope: 'openid',
      pkce: false,
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      apiBaseUrl: `${issuer}/oidc`,
      hooks: { profileClaims },
    };
  },
};
