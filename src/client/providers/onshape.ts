/**
 * Onshape (its REST API, for an OAuth application created under the
 * account's or company's Developer Settings, the callback as its redirect
 * URL). Plain OAuth 2.0 with explicit endpoints: no discovery, no ID token.
 * From Onshape's developer documentation
 * (https://onshape-public.github.io/docs/auth/oauth/):
 * - `GET https://oauth.onshape.com/oauth/authorize` with the parameters in
 *   the query, URL-encoded; the person grants the application what it was
 *   registered for (reading their profile, reading, writing, deleting
 *   documents…), so no scope is asked by default (`<NAME>_SCOPE` may name
 *   `OAuth2ReadPII`, `OAuth2Read`, `OAuth2Write`, `OAuth2Delete`,
 *   `OAuth2Purchase`, the scopes of https://github.com/onshape-public/apikey);
 *   a `redirect_uri` sent there must be sent again to the token endpoint,
 *   which openid-client does;
 * - `POST https://oauth.onshape.com/oauth/token`, a URL-encoded form with
 *   `client_id` and `client_secret` (URL-encoded: either may end in `=`),
 *   exchanges the code; a refresh is the same POST with
 *   `grant_type=refresh_token`, and answers JSON with a new access token,
 *   good for 60 minutes, and a new refresh token, which is kept. Refresh
 *   tokens last as long as the person's grant: one who revokes the
 *   application invalidates them, so no keep-alive is needed ("5: Refresh
 *   the token");
 * - the API is `https://cad.onshape.com/api` (an Enterprise's is
 *   `https://COMPANY.onshape.com/api`, taken as an extra base), the token
 *   as `Authorization: Bearer`, and answers 401 to one it does not take
 *   ("4: Use the access token", "Enterprise users");
 * - the person is `GET /api/users/sessioninfo` (the `userProfileURL` of the
 *   page's sample): `id` (the subject), `name`, `firstName`, `lastName`,
 *   `email` (with the profile permission) and `company`, the company the
 *   token is scoped to (BTUserOAuth2SummaryInfo in Onshape's generated API
 *   clients, https://github.com/onshape-public/go-client); whether the
 *   e-mail is verified Onshape does not say;
 * - there is no revocation endpoint: the person revokes the application in
 *   Onshape under My account → Applications ("6: Grant authorization"), so
 *   disconnect only forgets the tokens.
 * Not checked against Onshape's own pages: the token answer's members
 * beyond the tokens and their 60 minutes (RFC 6749 §5.1's `token_type` and
 * `expires_in` are assumed, and no `scope`); whether a refresh ends the
 * refresh token it spent (the new one is kept either way); the body of a
 * refused token request (RFC 6749 §5.2's `error` is assumed); how a denied
 * authorization comes back (RFC 6749's `error=access_denied` is assumed);
 * whether PKCE is taken (none is sent) and whether the token endpoint takes
 * Basic credentials (the form is what the page describes).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/**
 * The user of `/api/users/sessioninfo`: `id`, the name (or the first and last names joined), the e-mail, and the id
 * of the company the token is scoped to; an answer without a user id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const session = objectOf(body);
  const id = trimmedText(session?.id);
  if (!id) return undefined;
  return {
    id,
    ...textMembers({
      name: trimmedText(session!.name) ?? joinedName(session!.firstName, session!.lastName),
      given_name: session!.firstName,
      family_name: session!.lastName,
      email: session!.email,
      company_id: objectOf(session!.company)?.id,
    }),
  };
}

export const onshape: ProviderPreset = {
  displayName: 'Onshape',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://oauth.onshape.com/oauth/authorize',
      tokenEndpoint: 'https://oauth.onshape.com/oauth/token',
      userinfoEndpoint: 'https://cad.onshape.com/api/users/sessioninfo',
    },
    // None: the person grants what the OAuth application was registered for (its profile permission gives the name and e-mail).
    scope: '',
    apiBaseUrl: 'https://cad.onshape.com/api',
    extraApiBaseUrls: ['https://*.onshape.com'],
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
