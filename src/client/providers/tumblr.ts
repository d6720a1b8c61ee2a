/**
 * Tumblr (OAuth 2.0 of the Tumblr API v2, for an app registered at
 * https://www.tumblr.com/oauth/apps with an OAuth2 redirect URL). Plain
 * OAuth 2.0 with explicit endpoints: no discovery, no ID token. From Tumblr's
 * API documentation (https://www.tumblr.com/docs/en/api/v2, "OAuth2
 * Authorization", kept at https://github.com/tumblr/docs/blob/master/api.md):
 * - `GET https://www.tumblr.com/oauth2/authorize` with `client_id` (the
 *   OAuth consumer key), `response_type=code`, a space-delimited `scope` and
 *   `state`, both required, and `redirect_uri` (required when the app has
 *   several). The scopes are `basic`, `write` and `offline_access`, without
 *   which no refresh token is issued. A refusal comes back with `error`;
 * - `POST https://api.tumblr.com/v2/oauth2/token` exchanges the code, and
 *   spends a refresh token, with `client_id` and `client_secret` among the
 *   body's parameters (the client_secret_post of RFC 6749 §2.3.1). The answer
 *   is `access_token`, `expires_in` (2520 in the example: 42 minutes),
 *   `refresh_token` (with `offline_access`), `scope`, `token_type: "bearer"`
 *   and `"id_token": false`, which is not RFC 6749's and which openid-client
 *   refuses (an `id_token` must be a string): the tokenResponse hook leaves a
 *   non-string `id_token` out. A refresh answers a new access token and a new
 *   refresh token, kept in place of the old. A refused refresh token is HTTP
 *   401 ("refresh token has expired");
 * - the API is `https://api.tumblr.com` (`/v2/…`), the token as
 *   `Authorization: Bearer`, every request with a `User-Agent` (Tokenkeeper
 *   sends its own); answers are wrapped as `{ meta: { status, msg },
 *   response }`. The person is `GET /v2/user/info`: `response.user` with
 *   `name` (the short name, which the person can change) and `blogs`, each
 *   with `name`, `title`, `url`, `primary` and a `uuid` (`t:…`), which
 *   "will not change if the blog name or custom domain changes" ("Blog
 *   Unique Identifiers"): the subject is the primary blog's `uuid`, the
 *   short name is kept as `preferred_username`, the name is the primary
 *   blog's title. Tumblr tells no e-mail;
 * - Tumblr documents no revocation of an OAuth2 token: disconnecting deletes
 *   the token here only.
 * Not checked against Tumblr's pages: the body of the token endpoint's
 * refusals (only the 401 status is documented; RFC 6749 §5.2's `{ error }`
 * is assumed, as openid-client reads it); whether a spent refresh token is
 * refused afterwards (the newest is always kept); whether a refresh token
 * ends unused (none is assumed, so no keep-alive); whether PKCE is taken
 * (none is sent); whether the token endpoint takes Basic credentials (the
 * body is what Tumblr documents); that a person's primary blog, and so its
 * uuid, stays theirs for the life of the account (Tumblr notes that a uuid
 * can change "under exceptional circumstances").
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import { textMembers, trimmedText } from './profile-text.js';

/** The token answer without Tumblr's `"id_token": false` (any non-string `id_token`), every other member and the status kept. */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (!fields || !('id_token' in fields) || typeof fields.id_token === 'string') return rebuiltAnswer(response, response.status, text);
  const { id_token: _dropped, ...kept } = fields;
  return rebuiltAnswer(response, response.status, JSON.stringify(kept), 'application/json');
}

/**
 * The person of `/v2/user/info` (`response.user`): the primary blog's `uuid` as the subject, the short
 * name as `preferred_username`, the primary blog's title (else the short name) as the name, and its
 * URL. An answer without a primary blog that has a uuid names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(objectOf(objectOf(body)?.response)?.user);
  const blogs = Array.isArray(user?.blogs) ? user.blogs.map(objectOf) : [];
  const primary = blogs.find((blog) => blog?.primary === true);
  const uuid = trimmedText(primary?.uuid);
  if (!user || !primary || !uuid) return undefined;
  const shortName = trimmedText(user.name);
  const name = trimmedText(primary.title) ?? shortName;
  const url = trimmedText(primary.url);
  return { uuid, ...textMembers({ preferred_username: shortName, name, blog_url: url }) };
}

export const tumblr: ProviderPreset = {
  displayName: 'Tumblr',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://www.tumblr.com/oauth2/authorize',
      tokenEndpoint: 'https://api.tumblr.com/v2/oauth2/token',
      userinfoEndpoint: 'https://api.tumblr.com/v2/user/info',
    },
    scope: 'basic offline_access',
    apiBaseUrl: 'https://api.tumblr.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'uuid',
    hooks: { tokenResponse, profileClaims },
  }),
};
