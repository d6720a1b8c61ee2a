/**
 * PandaDoc (the PandaDoc Public API, for an application registered in the
 * PandaDoc Developer Dashboard). Plain OAuth 2.0 with explicit endpoints: no
 * discovery, no ID token. From PandaDoc's docs:
 * - `GET https://app.pandadoc.com/oauth2/authorize` with `client_id`,
 *   `redirect_uri`, `scope=read+write` (the scopes `read` and `write`,
 *   space-separated and so form-encoded as `read+write`) and
 *   `response_type=code`; the person is sent back with the code
 *   (https://developers.pandadoc.com/reference/authorize-a-user,
 *   https://developers.pandadoc.com/reference/authentication-process);
 * - `POST https://api.pandadoc.com/oauth2/access_token`, a form
 *   (`Content-Type: application/x-www-form-urlencoded`) with `client_id` and
 *   `client_secret`, exchanges the code, which lives 60 seconds and is taken
 *   once (`invalid_grant` otherwise), and spends a refresh token with
 *   `grant_type=refresh_token`; the answer's `access_token` lives
 *   `expires_in` 31535999 seconds (a year); a refused refresh token is
 *   `invalid_grant`, and an ended access token is answered 401
 *   (https://developers.pandadoc.com/reference/access-token.md);
 * - the API is `https://api.pandadoc.com` with the token as Bearer
 *   (https://developers.pandadoc.com/reference/auth-overview.md); the person
 *   is `GET /public/v1/members/current/`: `user_id` (the user in the
 *   organization, the subject; `membership_id` is per workspace),
 *   `email`, `email_verified`, `first_name`, `last_name`, `workspace` and
 *   `workspace_name` (https://developers.pandadoc.com/reference/current-member-details.md);
 * - PandaDoc documents no revocation endpoint: disconnect deletes the
 *   tokens here and says they were not revoked at PandaDoc.
 * Not checked against PandaDoc's own pages: whether a refresh answers a new
 * refresh token and whether the spent one still works (the answer's is kept
 * when it names one); the answer's `scope` member and its separator (kept as
 * RFC 6749 §5.1's space-separated list when sent); whether a refresh token
 * ends unused (no end is assumed, so no keep-alive); whether PKCE is taken
 * (none is sent); whether the token endpoint takes Basic credentials (the
 * form is what PandaDoc documents); the body of a refused token request
 * (RFC 6749 §5.2's `error` is assumed).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/**
 * The member of `/public/v1/members/current/`: `user_id` (a string), the first and last names as `given_name`
 * and `family_name` (joined as the name), the e-mail with `email_verified` as PandaDoc says it, and the workspace
 * the token acts in; an answer without a user id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const member = objectOf(body);
  const id = member?.user_id;
  if (typeof id !== 'string' || id.trim() === '') return undefined;
  const given = trimmedText(member!.first_name);
  const family = trimmedText(member!.last_name);
  const email = trimmedText(member!.email);
  const workspace = trimmedText(member!.workspace);
  const workspaceName = trimmedText(member!.workspace_name);
  return {
    user_id: id,
    ...textMembers({ given_name: given, family_name: family }),
    ...(email ? { email, ...(typeof member!.email_verified === 'boolean' ? { email_verified: member!.email_verified } : {}) } : {}),
    ...textMembers({ workspace, workspace_name: workspaceName }),
  };
}

export const pandadoc: ProviderPreset = {
  displayName: 'PandaDoc',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://app.pandadoc.com/oauth2/authorize',
      tokenEndpoint: 'https://api.pandadoc.com/oauth2/access_token',
      userinfoEndpoint: 'https://api.pandadoc.com/public/v1/members/current/',
    },
    scope: 'read write',
    apiBaseUrl: 'https://api.pandadoc.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'user_id',
    hooks: { profileClaims },
  }),
};
