/**
 * Clever (Clever SSO for K-12 districts: teachers, students, staff and district admins signing in through the
 * Clever Portal, Instant Login links or a "Log in with Clever" button). Plain OAuth 2.0 with explicit endpoints;
 * the person is read from Clever's `/userinfo` with the access token. From Clever's own pages:
 * - Clever SSO is the OAuth 2.0 authorization code grant: the person authenticates with Clever, is sent back to the
 *   redirect URI with a code, and the application exchanges it for an access token
 *   (https://dev.clever.com/docs/oauth-implementation); a "Log in with Clever" link goes to
 *   `https://clever.com/oauth/authorize` with `response_type=code`, `client_id`, `redirect_uri` (and a
 *   `district_id` to skip the district picker, which `<NAME>_AUTHORIZATION_PARAMS` can add)
 *   (https://dev.clever.com/docs/district-sso-1). A login started from the Clever Portal or an Instant Login link
 *   comes back with a code the app did not ask for, which Tokenkeeper does not take (no sign-in of its own is
 *   under way): the person signs in from the app's "Log in with Clever";
 * - Clever manages scopes through the application's configuration, so none is asked
 *   (https://dev.clever.com/docs/oidc-implementation);
 * - the code is redeemed by a POST to `https://clever.com/oauth/tokens` with HTTP Basic authentication (the client
 *   id and secret), its `code`, `grant_type=authorization_code` and `redirect_uri` sent as JSON or form-encoded
 *   (https://clever.com/developers/docs/explorer, https://dev.clever.com/docs/getting-started-with-clever-sso);
 *   codes expire after one minute and are good once, a code used again answering HTTP 400
 *   (https://dev.clever.com/v2.1/docs/il-troubleshooting);
 * - an application configured for OpenID Connect also gets an identity token (its `sub` the multi-role user id,
 *   `email_verified` false by default); it is dropped unread (idTokenUnused), as an application not configured so
 *   gets none and `/userinfo` says the same for both (https://dev.clever.com/docs/oidc-implementation,
 *   https://dev.clever.com/docs/migrating-to-oidc);
 * - `GET https://api.clever.com/userinfo` with the SSO bearer token answers `sub` (the multi-role user id, the
 *   Clever user id of API v3.0 and later, the subject here), `user_id`, `user_type`, `district`, `email`,
 *   `email_verified` (false unless Clever Support turned it on), `given_name`, `family_name` and `name` as an object
 *   of `first`, `middle` and `last` (https://dev.clever.com/docs/the-userinfo-endpoint);
 * - an SSO token reaches only `/me` (the token's type, the user's id and district), `/districts/{id}` and
 *   `/users/{id}` of the Data API at `https://api.clever.com` (e.g. `/v3.0/me`); rostering needs a district-app
 *   token, which is not a person's sign-in (https://dev.clever.com/docs/oauth-implementation).
 * Not checked against Clever's own pages, which do not say them: the token answer's members beyond
 * `access_token` (`token_type` is expected, as RFC 6749 §5.1 requires) and whether an SSO token expires (none is
 * said: it is kept without an expiry until Clever stops taking it, and then the connection needs a new sign-in);
 * a refresh token (none is documented); the body of a refused token request (RFC 6749 §5.2's is assumed); whether
 * the authorization takes PKCE (none is sent); revocation (Clever documents none for SSO tokens: disconnect
 * deletes the token here).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/**
 * The person of `/userinfo`: `sub` as the subject, the name from `given_name` and `family_name` (else the `name`
 * object's `first` and `last`: its `name` is no string, so it is not kept), the e-mail with `email_verified` as Clever
 * says it, and the `user_type` and `district` of this login; an answer without a `sub` names no one.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const sub = trimmedText(user?.sub);
  if (!user || !sub) return undefined;
  const parts = objectOf(user.name);
  const name = joinedName(user.given_name, user.family_name) ?? joinedName(parts?.first, parts?.last);
  const verified = typeof user.email_verified === 'boolean' ? { email_verified: user.email_verified } : {};
  return { sub, ...textMembers({ name, email: user.email, user_type: user.user_type, district: user.district }), ...verified };
}

export const clever: ProviderPreset = {
  displayName: 'Clever',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://clever.com/oauth/authorize',
      tokenEndpoint: 'https://clever.com/oauth/tokens',
      userinfoEndpoint: 'https://api.clever.com/userinfo',
    },
    // None: Clever manages scopes through the application's configuration.
    scope: '',
    apiBaseUrl: 'https://api.clever.com',
    tokenEndpointAuthMethod: 'client_secret_basic',
    pkce: false,
    idTokenUnused: true,
    hooks: { profileClaims },
  }),
};
