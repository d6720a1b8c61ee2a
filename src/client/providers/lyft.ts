/**
 * Lyft (an app made in Lyft's developer portal, the callback as its
 * redirect URI). Plain OAuth 2.0, the authorization code grant ("3-legged"
 * flow) with explicit endpoints: no discovery, no ID token. From Lyft's
 * pages and its published API definition:
 * - the authorization is `https://api.lyft.com/oauth/authorize`, the token
 *   endpoint `https://api.lyft.com/oauth/token`, and the API
 *   `https://api.lyft.com/v1` with the token as `Authorization: Bearer`
 *   (https://developer.lyft.com/docs/authentication; the `User
 *   Authentication` security definition of Lyft's API definition,
 *   https://github.com/lyft/lyft-django-sample/blob/master/lyft-api.yml);
 * - scopes, space-separated: `public` and `rides.read` (defaults),
 *   `offline` ("required in order to get access to a refresh_token"),
 *   `rides.request`, and `profile` (the user's profile); `public profile
 *   rides.read offline` is asked (https://developer.lyft.com/docs/authentication);
 * - the client authenticates to the token endpoint by HTTP Basic, the
 *   request a JSON body (the page's client-credentials example does both):
 *   jsonTokenRequest sends the code exchange and refreshes that way;
 * - `GET /v1/profile` (scope `profile`) answers the Profile: `id`, "the
 *   unique ID of this user", the subject (lyft-api.yml's `/profile` and
 *   `Profile`), with `first_name` and `last_name` (the Profile of Lyft's Go
 *   SDK, https://github.com/lyft/lyft-go-sdk/blob/master/lyft/docs/Profile.md);
 *   Lyft gives no e-mail. An error answer is `{ error, error_description }`
 *   (lyft-api.yml's `Error`).
 * Not checked against Lyft's own pages (its developer portal sits behind a
 * sign-in; the copies at hand stop before the 3-legged steps): the code
 * exchange's and refresh's bodies (`grant_type`, `code` or `refresh_token`,
 * with the client by Basic, as for client credentials) and answers
 * (`token_type`, `access_token`, `expires_in` 3600, `refresh_token`,
 * `scope`), whether a refresh answers a new refresh token (the newest is
 * kept either way); that a user's id is never given to another user;
 * whether PKCE is read (none is sent); what a declined authorization sends
 * back (RFC 6749's `access_denied` assumed); the 401 body; the revocation,
 * `POST https://api.lyft.com/oauth/revoke_refresh_token` with the client by
 * Basic and `{ "token": <refresh token> }` as JSON, as Lyft integrations
 * call it (the revoke hook; any other answer than 200 is Lyft's fault).
 */
import { ProviderUnavailableError } from '../errors.js';
import { plainBasicAuthorization, type RevocationOutcome, type RevocationRequest } from '../provider-hooks.js';
import { jsonTokenRequest, objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/** The Profile of `/v1/profile`: its `id`, the first and last names; an answer without an id names no one, and the sign-in fails. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const profile = objectOf(body);
  const id = trimmedText(profile?.id);
  if (!id) return undefined;
  return { id, ...textMembers({ name: joinedName(profile!.first_name, profile!.last_name), given_name: profile!.first_name, family_name: profile!.last_name }) };
}

/** Revokes the refresh token (else the access token) at `/oauth/revoke_refresh_token`: the client by Basic, the token in a JSON body. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('Lyft revocation needs the revocation endpoint');
  const response = await request.send(request.revocationEndpoint, {
    method: 'POST',
    headers: { authorization: plainBasicAuthorization(request.clientId, request.clientSecret), 'content-type': 'application/json' },
    body: JSON.stringify({ token: request.refreshToken ?? request.accessToken }),
  });
  await response.body?.cancel().catch(() => {});
  if (response.status === 200) return 'revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Lyft answered HTTP ${response.status} to the token revocation.`);
}

export const lyft: ProviderPreset = {
  displayName: 'Lyft',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://api.lyft.com/oauth/authorize',
      tokenEndpoint: 'https://api.lyft.com/oauth/token',
      userinfoEndpoint: 'https://api.lyft.com/v1/profile',
      revocationEndpoint: 'https://api.lyft.com/oauth/revoke_refresh_token',
    },
    scope: 'public profile rides.read offline',
    apiBaseUrl: 'https://api.lyft.com/v1',
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    pkce: false,
    subjectClaim: 'id',
    hooks: { tokenRequest: jsonTokenRequest(), profileClaims, revoke },
  }),
};
