/**
 * Disqus (its API 3.0, for an application registered at https://disqus.com/api/applications/ with OAuth enabled).
 * Plain OAuth 2.0 without discovery or an ID token; the application's public key is its client id and its secret
 * key the client secret. From Disqus's pages:
 * - "We currently support Draft 30 of the OAuth 2 specification", and requests are anonymous "unless you are
 *   passing a valid access_token" (https://disqus.com/api/docs/auth/): the person is sent to
 *   `https://disqus.com/api/oauth/2.0/authorize/` with `client_id` (the public key), `scope`, `response_type=code`
 *   and `redirect_uri`, whose domain must be among the application's trusted domains; the scopes are `read`,
 *   `write`, `email` and `admin`, comma-separated (`scope=read,write`), so the authorizationScope hook joins them
 *   with commas; `read` and `email` are asked by default;
 * - the person accepts or denies; accepted, they come back with `code`, denied with an `error` parameter
 *   (https://disqus.com/api/docs/auth/audiencesync/, "the same rules that apply for our standard authorization
 *   flow"); the code is exchanged by `POST https://disqus.com/api/oauth/2.0/access_token/` (same pages; the
 *   audiencesync page shows the form it takes there, `grant_type` and the client first);
 * - the person is `GET https://disqus.com/api/3.0/users/details.json` with no `user`, "the details of the
 *   authenticated user", answered `{ code: 0, response: { id, username, name, email, profileUrl, avatar, … } }`
 *   (https://disqus.com/api/docs/users/details/): `id` is the subject, the `user_id` Disqus calls "a unique
 *   identifier for this user which is guaranteed not to change" (the audiencesync page), never the `username`
 *   a person can change; `name` is the name and `email` (shown with the `email` scope) is stored as unverified;
 * - every API method is called with the application's public key (each method's "Accessibility: public key,
 *   secret key", same page), so `api_key` (the client id) goes on every call beside the person's `access_token`,
 *   both as query parameters, as the pages show the token passed (accessTokenParameter, apiQueryParameters).
 * Not checked against Disqus's own pages (the rest of the authentication page was not readable): the exchange's
 * members beyond those named (RFC 6749 §4.1.3's `grant_type=authorization_code`, `code` and `redirect_uri` are sent),
 * the token answer (RFC 6749 §5.1 JSON is assumed, with `refresh_token` and `expires_in`; its `scope` is read
 * comma- or space-separated and stored space-separated), the refresh (RFC 6749 §6 at the same endpoint is assumed,
 * the refresh token kept unless a new one is answered), the client's place at the token endpoint (the form, RFC
 * 6749 §2.3.1's client_secret_post), PKCE (none is sent: draft 30 has none), the API's answer to a token it no
 * longer takes (a 401 is read as the token refused), and revocation: none is documented, so disconnect deletes the
 * token here and the person removes the application in their Disqus settings.
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import { commaJoinedScope, objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/** The token answer with its `scope` (comma-separated, as the authorization request sends it) space-separated; any other answer as it came. */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (response.status !== 200 || !fields || typeof fields.scope !== 'string') return rebuiltAnswer(response, response.status, text);
  const scope = fields.scope.split(/[\s,]+/).filter(Boolean).join(' ');
  return rebuiltAnswer(response, 200, JSON.stringify({ ...fields, scope }), 'application/json');
}

/**
 * The authenticated user of `{ code: 0, response: user }`: `id` (a string of digits) as the subject, `name`,
 * `username`, `email`, the profile page and the avatar. Any other code, or a user without an id, names no one.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const answer = objectOf(body);
  if (answer?.code !== 0) return undefined;
  const user = objectOf(answer.response);
  const id = typeof user?.id === 'number' && Number.isSafeInteger(user.id) ? String(user.id) : trimmedText(user?.id);
  if (!user || !id || user.isAnonymous === true) return undefined;
  const picture = objectOf(user.avatar)?.permalink;
  return { id, ...textMembers({ name: user.name, username: user.username, email: user.email, profile: user.profileUrl, picture }) };
}

export const disqus: ProviderPreset = {
  displayName: 'Disqus',
  settings: (_values, client) => ({
    endpoints: {
      authorizationEndpoint: 'https://disqus.com/api/oauth/2.0/authorize/',
      tokenEndpoint: 'https://disqus.com/api/oauth/2.0/access_token/',
      userinfoEndpoint: 'https://disqus.com/api/3.0/users/details.json',
    },
    scope: 'read email',
    apiBaseUrl: 'https://disqus.com/api/3.0',
    accessTokenParameter: 'access_token',
    ...(client?.clientId ? { apiQueryParameters: { api_key: client.clientId } } : {}),
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email', preferredUsername: 'username' },
    hooks: { authorizationScope: commaJoinedScope, tokenResponse, profileClaims },
  }),
};
