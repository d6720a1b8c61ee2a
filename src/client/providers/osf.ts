/**
 * OSF, the Open Science Framework (a developer application registered in the
 * person's OSF settings, https://osf.io/settings/applications, with the
 * callback as its redirect URI). OSF's authorization server is its CAS at
 * accounts.osf.io; the resource server is API v2 at api.osf.io. Plain OAuth
 * 2.0 with explicit endpoints: no discovery, no ID token. From OSF's pages
 * (the API's Authentication section, https://developer.osf.io/#tag/Authentication,
 * points to its OAuth guide,
 * https://github.com/CenterForOpenScience/osf-cas/blob/develop/README_OAUTH_SSO_GUIDE.md):
 * - `GET https://accounts.osf.io/oauth2/authorize` with `response_type=code`,
 *   `client_id`, `redirect_uri`, `scope` (the guide's example is
 *   `osf.full_read`, asked here), and `access_type`: `online` (the default)
 *   gets no refresh token, so the preset sends `offline`; `approval_prompt`
 *   is left at its default, `auto`. A person who denies is sent back with
 *   `error=access_denied`;
 * - `POST https://accounts.osf.io/oauth2/token`, a form with `client_id` and
 *   `client_secret` in it, exchanges the code (with `redirect_uri`) and spends
 *   the refresh token; each answers `access_token`, `token_type: "Bearer"`
 *   and `expires_in: 3600`, the exchange (offline) a `refresh_token` too. A
 *   refresh answers no new refresh token: the one kept goes on working;
 * - `POST https://accounts.osf.io/oauth2/revoke` with `token` alone (no
 *   client) revokes that token, a refresh token with every access token it
 *   gave, answering 204; the same endpoint with the client's id and secret
 *   and no token revokes every token of the application, of every user, so
 *   the revoke hook never sends the client there: it sends the refresh token
 *   alone, else the access token alone;
 * - the API is `https://api.osf.io/v2` with the token as Bearer
 *   (https://developer.osf.io/#tag/Authentication); `GET /v2/users/me/` is the
 *   user the token is for (https://developer.osf.io/#operation/users_read),
 *   a JSON:API `{ data }` of `type: "users"` whose `id` is "the unique
 *   identifier of the user entity", a read-only GUID (OSF's Globally Unique
 *   Identifiers, https://developer.osf.io/#tag/GUIDS, which also name the
 *   profile page, `https://osf.io/<id>/`): the subject. `full_name`,
 *   `given_name` and `family_name` (the person's own, changeable) and the
 *   `links` `html` and `profile_image` are the profile; the user has no
 *   e-mail in it. A request without valid authentication is 401, and errors
 *   come as `{ "errors": [{ "detail": … }] }`
 *   (https://developer.osf.io/#tag/Errors-and-Error-Codes).
 * Not checked against OSF's pages: PKCE (not documented, so not sent); the
 * token endpoint's refusals (RFC 6749 §5.2's `invalid_client` and
 * `invalid_grant` assumed; OSF's CAS may answer a refresh token it no longer
 * knows `invalid_request`); whether the refresh token expires; what the
 * revocation endpoint answers for a token it no longer knows (its CAS answers
 * 400, taken as already revoked once OSF refused the refresh token or the
 * access token had expired); the narrower `osf.users.profile_read` scope
 * (named only in OSF's settings pages, not in the guide: `<NAME>_SCOPE` sets
 * it).
 */
import { ProviderUnavailableError } from '../errors.js';
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/**
 * The user of `/v2/users/me/`'s `{ data }`: its `id` (the GUID, the subject), `full_name` as the name, the given and
 * family names, and the profile page and image of its `links`; an answer that is not a `users` entity with an id
 * names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const data = objectOf(objectOf(body)?.data);
  const id = trimmedText(data?.id);
  if (!data || !id || data.type !== 'users') return undefined;
  const attributes = objectOf(data.attributes);
  const links = objectOf(data.links);
  return {
    id,
    ...textMembers({
      name: attributes?.full_name,
      given_name: attributes?.given_name,
      family_name: attributes?.family_name,
      profile: links?.html,
      picture: links?.profile_image,
    }),
  };
}

/**
 * Revokes at the revocation endpoint with the token alone in the form (never the client, which would revoke every
 * token of the application): the refresh token, which takes its access tokens with it, else the access token.
 */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('OSF revocation needs the revocation endpoint');
  const token = request.refreshToken ?? request.accessToken;
  const response = await request.send(request.revocationEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ token }).toString(),
  });
  await response.body?.cancel().catch(() => {});
  if (response.status === 204 || response.status === 200) return 'revoked';
  // A token OSF no longer knows: the grant is gone when it refused the refresh token, or the access token had run out.
  if (response.status === 400 && (request.refreshTokenRefused || (!request.refreshToken && request.accessTokenExpired))) return 'already_revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `OSF answered HTTP ${response.status} to the token revocation.`);
}

export const osf: ProviderPreset = {
  displayName: 'OSF',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://accounts.osf.io/oauth2/authorize',
      tokenEndpoint: 'https://accounts.osf.io/oauth2/token',
      userinfoEndpoint: 'https://api.osf.io/v2/users/me/',
      revocationEndpoint: 'https://accounts.osf.io/oauth2/revoke',
    },
    scope: 'osf.full_read',
    authorizationParams: { access_type: 'offline' },
    pkce: false,
    apiBaseUrl: 'https://api.osf.io/v2',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
    hooks: { profileClaims, revoke },
  }),
};
