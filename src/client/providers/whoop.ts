/**
 * WHOOP (the WHOOP Developer Platform's API v2, for an app created in the
 * WHOOP Developer Dashboard). Plain OAuth 2.0 with explicit endpoints: no
 * discovery, no ID token. From WHOOP's docs:
 * - `GET https://api.prod.whoop.com/oauth/oauth2/auth` with
 *   `response_type=code`, `client_id`, `redirect_uri`, a space-separated
 *   `scope` and `state`, which must be at least 8 characters long
 *   (https://developer.whoop.com/docs/developing/oauth); Tokenkeeper's state
 *   is far longer. The scopes are `read:recovery`, `read:cycles`,
 *   `read:workout`, `read:sleep`, `read:profile` and `read:body_measurement`,
 *   and `offline`, without which no refresh token is issued
 *   (https://developer.whoop.com/api);
 * - `POST https://api.prod.whoop.com/oauth/oauth2/token` exchanges the code,
 *   and spends a refresh token, with `client_id` and `client_secret` in the
 *   form body; the answer is `access_token`, `expires_in` (3600: an hour),
 *   `refresh_token`, `scope` and `token_type: "bearer"`. A refresh sends
 *   `scope=offline` beside the refresh token, as WHOOP's refresh examples do,
 *   and answers a new access token and a new refresh token, kept in place of
 *   the old (https://developer.whoop.com/docs/tutorials/refresh-token-javascript,
 *   https://developer.whoop.com/docs/tutorials/refresh-token-postman): the
 *   tokenRequest hook adds that `scope` to each refresh, and its answer's
 *   `scope` still names every scope granted;
 * - the API is `https://api.prod.whoop.com/developer` with the token as
 *   Bearer, answering 401 to a token it does not take; the person is
 *   `GET /v2/user/profile/basic`, behind `read:profile`: `user_id` (an
 *   integer, the subject), `email`, `first_name` and `last_name`
 *   (https://developer.whoop.com/api, "User"), whose e-mail's verification
 *   WHOOP does not say. API v1 is superseded by v2
 *   (https://developer.whoop.com/docs/developing/v1-v2-migration); the
 *   base leaves the version to each call;
 * - `DELETE /v2/user/access` with the access token revokes the access the
 *   person granted the app (and its webhooks for them), answering 204
 *   (https://developer.whoop.com/api, "Revoke user OAuth access"); the revoke
 *   hook calls it on disconnect.
 * Not checked against WHOOP's pages: whether a used refresh token is still
 * taken for a while after the refresh that replaced it (the newest is always
 * kept); whether a refresh token ends unused (no end is assumed, so no
 * keep-alive); whether PKCE is taken (none is sent); whether the token
 * endpoint takes Basic credentials (the form is what WHOOP's examples send);
 * whether the revocation ends the refresh token too (a 401 for a live token,
 * or after WHOOP refused the refresh token, is taken as revoked already).
 */
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import { revokeWithBearer } from './bearer-revocation.js';
import { objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/** openid-client's form as it is, with `scope=offline` added to a refresh, as WHOOP's refresh examples send it. */
function tokenRequest(request: { body: URLSearchParams; headers: Record<string, string> }): { body: string; headers: Record<string, string> } {
  const form = new URLSearchParams(request.body);
  if (form.get('grant_type') === 'refresh_token' && !form.has('scope')) form.set('scope', 'offline');
  return { body: form.toString(), headers: request.headers };
}

/**
 * The profile of `/v2/user/profile/basic`: `user_id`, the first and last
 * names as `given_name` and `family_name` (joined as the name), and the
 * e-mail; an answer without a numeric user id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const profile = objectOf(body);
  const id = profile?.user_id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return undefined;
  const given = trimmedText(profile!.first_name);
  const family = trimmedText(profile!.last_name);
  const email = trimmedText(profile!.email);
  return { user_id: id, ...textMembers({ given_name: given, family_name: family, email }) };
}

/** Revokes the person's grant to the app with `DELETE /v2/user/access`, the access token as Bearer. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.apiBaseUrl) throw new Error('WHOOP revocation needs the API base URL');
  return revokeWithBearer(request, `${withoutTrailingSlash(request.apiBaseUrl)}/v2/user/access`, { method: 'DELETE', headers: request.apiHeaders }, { provider: 'WHOOP', what: 'the access revocation' });
}

export const whoop: ProviderPreset = {
  displayName: 'WHOOP',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://api.prod.whoop.com/oauth/oauth2/auth',
      tokenEndpoint: 'https://api.prod.whoop.com/oauth/oauth2/token',
      userinfoEndpoint: 'https://api.prod.whoop.com/developer/v2/user/profile/basic',
    },
    scope: 'offline read:profile read:recovery read:cycles read:sleep read:workout',
    apiBaseUrl: 'https://api.prod.whoop.com/developer',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'user_id',
    hooks: { tokenRequest, profileClaims, revoke },
  }),
};
