/**
 * Ramp (the Ramp Developer API, for a third-party app a Ramp business
 * authorizes by the OAuth 2.0 authorization code grant). Plain OAuth 2.0
 * without discovery or an ID token. From Ramp's pages
 * (https://docs.ramp.com/developer-api/v1/authorization,
 * https://docs.ramp.com/developer-api/v1/guides/getting-started,
 * https://docs.ramp.com/developer-api/v1/error-handling, and its API
 * reference's Token and Business operations):
 * - `GET https://app.ramp.com/v1/authorize` with `response_type=code`,
 *   `client_id`, `redirect_uri`, `scope` (space-separated `resource:permission`
 *   scopes, each of them allowed on the app) and `state`, all required; only
 *   a user with the Admin or Business Owner role may approve, and the
 *   resource owner is the business. `business:read` is asked, the scope of
 *   `GET /developer/v1/business`, which names the business. A scope the app
 *   is not configured for is refused with `invalid_scope`, a denial is
 *   `access_denied`. No PKCE is documented, so none is sent;
 * - `POST https://api.ramp.com/developer/v1/token` with the client as HTTP
 *   Basic (`client_id:client_secret`) and a form: `grant_type`, `code` and
 *   `redirect_uri`, or `refresh_token`. The answer is `access_token`
 *   (`ramp_tok_…`), `token_type: "Bearer"`, `expires_in` (3600 in Ramp's
 *   example), `refresh_token` and the granted `scope`; refusals are RFC 6749's
 *   codes (`invalid_client`, `invalid_grant`, `invalid_scope`…);
 * - the account is the business that granted the app: `GET
 *   https://api.ramp.com/developer/v1/business`, whose `id` ("unique identifier
 *   for the business", a UUID) is the subject and `business_name_legal` (else
 *   `business_name_on_card`) the name; there is no person and no e-mail;
 * - API calls go under `https://api.ramp.com/developer/v1` with the token as
 *   `Authorization: Bearer`; 401 for a token missing, expired or not valid,
 *   403 for one without the scope an endpoint needs;
 * - `POST https://api.ramp.com/developer/v1/token/revoke`, the client as Basic
 *   and a form with `token` and `token_type_hint`, revokes an access or a
 *   refresh token: RFC 7009's, so the core revokes there.
 * Ramp's Sandbox (`https://demo-api.ramp.com`, its apps and tokens its own) is
 * reached through the endpoint variables and `<NAME>_API_BASE_URL`.
 * Not checked against Ramp's pages: the refresh token's lifetime and whether a
 * refresh ends the one spent (a refresh is taken to answer a new one, kept in
 * place of the old), the body of the token endpoint's refusals (RFC 6749
 * §5.2's JSON is assumed), and the Sandbox's authorization page's host.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/**
 * The business of `/developer/v1/business`: its `id`, the legal name (else the name on its cards) as the name; an
 * answer without a string id names no business, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const business = objectOf(body);
  const id = trimmedText(business?.id);
  if (!id) return undefined;
  return { id, ...textMembers({ name: trimmedText(business!.business_name_legal) ?? business!.business_name_on_card }) };
}

export const ramp: ProviderPreset = {
  displayName: 'Ramp',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://app.ramp.com/v1/authorize',
      tokenEndpoint: 'https://api.ramp.com/developer/v1/token',
      userinfoEndpoint: 'https://api.ramp.com/developer/v1/business',
      revocationEndpoint: 'https://api.ramp.com/developer/v1/token/revoke',
    },
    scope: 'business:read',
    pkce: false,
    apiBaseUrl: 'https://api.ramp.com/developer/v1',
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
