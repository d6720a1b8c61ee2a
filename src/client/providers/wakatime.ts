/**
 * WakaTime (an app created at https://wakatime.com/apps, the callback among its authorized redirect URLs). Plain
 * OAuth 2.0 authorization code with explicit endpoints: no discovery, no ID token. From WakaTime's API
 * documentation (https://wakatime.com/developers, "Authentication"):
 * - `GET https://wakatime.com/oauth/authorize` takes `client_id`, `response_type=code` and `redirect_uri`, with
 *   `scope`, `state` and `force_approve` optional; scopes go space- or comma-separated, and each asks an optional
 *   permission. The person is `GET /api/v1/users/current`, whose "Scope Required" is `email`, so `email` is asked
 *   (it also reads the private e-mail address) and nothing more: a deployment that reads stats adds `read_stats`,
 *   `read_summaries`… with `<NAME>_SCOPE`. No PKCE is documented, so none is sent;
 * - `POST https://wakatime.com/oauth/token` takes the client's id and secret in the form with `grant_type`,
 *   `code` and the authorization's `redirect_uri`; a refresh is `grant_type=refresh_token` with the
 *   `refresh_token`, the client and again the `redirect_uri` ("must be the same url used in authorize step"),
 *   which refreshSendsRedirectUri sends. The example there asks for its answer's format with `Accept`, as every
 *   token request here does (`application/json`). Tokens of the code flow expire after 365 days; an app holds at
 *   most 8 live tokens per person, the oldest revoked to make room (the same page's "Limits");
 * - the API is `https://api.wakatime.com/api/v1` with the token as `Authorization: Bearer`; answers wrap their
 *   resource in `data`, errors come as `error` or `errors`, an invalid authentication is 401 and a resource the
 *   token has no permission for is 403 (https://wakatime.com/developers, "Introduction");
 * - `data.id` of `/users/current` is the "unique id of user", a string: the subject. The public username is
 *   not documented as unchangeable, so it is only `preferred_username`; `display_name` is the full name or the
 *   `@username` ("Anonymous User" when neither is set, which is not kept as a name); `email` is stored verified
 *   only when `is_email_confirmed` is true (https://wakatime.com/developers, "Users");
 * - `POST https://wakatime.com/oauth/revoke` with `client_id`, `client_secret` and `token` (access or refresh)
 *   in a form or JSON ends that token and its pair; a token already revoked or expired is answered 200 as well
 *   ("Revoking Tokens"). That is RFC 7009's request with the client in the form, so disconnect revokes there.
 * Not checked against WakaTime's pages: the token answer's members (RFC 6749 §5.1's `access_token`,
 * `token_type`, `expires_in`, `refresh_token`, `scope`, beside which integrations read a `uid`, not used here)
 * and that it is JSON when asked with `Accept: application/json`; whether a refresh ends the refresh token spent
 * (the newest answered is kept either way); the token endpoint's refusals (RFC 6749 §5.2's assumed); the
 * wording of the API's 401; that a declined authorization comes back as `error=access_denied`.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/** What `display_name` says when the person set neither a full name nor a username. */
const ANONYMOUS = 'Anonymous User';

/**
 * The user of `/users/current`'s `data`: its `id`, the full name (else the display name, unless it is WakaTime's
 * stand-in for no name), the username, the photo and the e-mail, verified as `is_email_confirmed` says. An answer
 * without a string id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(objectOf(body)?.data);
  const id = trimmedText(user?.id);
  if (!user || !id) return undefined;
  const displayName = trimmedText(user.display_name);
  const claims: Record<string, unknown> = {
    id,
    ...textMembers({
      name: trimmedText(user.full_name) ?? (displayName === ANONYMOUS ? undefined : displayName),
      preferred_username: user.username,
      picture: user.photo,
      email: user.email,
    }),
  };
  if (claims.email !== undefined) claims.email_verified = user.is_email_confirmed === true;
  return claims;
}

export const wakatime: ProviderPreset = {
  displayName: 'WakaTime',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://wakatime.com/oauth/authorize',
      tokenEndpoint: 'https://wakatime.com/oauth/token',
      userinfoEndpoint: 'https://api.wakatime.com/api/v1/users/current',
      revocationEndpoint: 'https://wakatime.com/oauth/revoke',
    },
    scope: 'email',
    apiBaseUrl: 'https://api.wakatime.com/api/v1',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    refreshSendsRedirectUri: true,
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
