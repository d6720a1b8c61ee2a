/**
 * Lucid (Lucidchart, Lucidspark and Lucidscale's REST API, for an OAuth 2.0
 * client created on an app in Lucid's developer portal). Plain OAuth 2.0
 * with explicit endpoints: no discovery read, no ID token; the connection
 * holds a user token, not an account token. From Lucid's docs:
 * - `GET https://lucid.app/oauth2/authorize` (the user token endpoint; an
 *   account token's is `/oauth2/authorizeAccount`,
 *   https://lucid.readme.io/reference/authorization-endpoints) with
 *   `client_id`, `redirect_uri` (one registered for the app), a
 *   space-separated `scope` (required) and `state`; the code lives 5
 *   minutes (https://lucid.readme.io/reference/obtaining-an-access-token).
 *   `offline_access` is asked, without which no refresh token comes, and
 *   `user.profile`, which the person is read with;
 * - `POST https://api.lucid.co/oauth2/token` takes a JSON body: the code,
 *   `client_id`, `client_secret`, `grant_type` and `redirect_uri`, or for a
 *   refresh the refresh token, the client and `grant_type` (the tokenRequest
 *   hook sends openid-client's form as that JSON). It answers
 *   `access_token`, `refresh_token`, `user_id`, `client_id`, `expires_in`
 *   (an hour), `expires` (epoch milliseconds), `token_type: "bearer"` and
 *   the scopes granted as an array, `scopes`, which the tokenResponse hook
 *   space-joins into RFC 6749 §5.1's `scope`
 *   (https://lucid.readme.io/reference/createorrefreshaccesstoken). A
 *   refresh answers a new pair and ends the old access and refresh tokens,
 *   so the new one is kept; a refresh token not used ends 180 days after it
 *   was issued, so the keep-alive sweep refreshes an idle connection before
 *   then (https://lucid.readme.io/reference/refreshing-the-access-token);
 * - `POST https://api.lucid.co/oauth2/token/revoke` with `client_id`,
 *   `client_secret` and `token` in a form revokes every token of the grant,
 *   whichever is sent (Lucid's reference, "Revoke Access Token"): the
 *   standard RFC 7009 revocation, the client in the form;
 * - the API is `https://api.lucid.co` with the token as Bearer and a
 *   `Lucid-Api-Version` header on every call
 *   (https://lucid.readme.io/reference/headers): version 1 is sent unless
 *   the caller names another, which the proxy passes on; the person is
 *   `GET /users/me/profile`, behind `user.profile`: `id` (a number, the
 *   subject), `username`, `email`, `fullName`, `accountId` and `avatar`
 *   (https://lucid.readme.io/reference/using-the-access-token, the
 *   reference's Profile resource).
 * Not checked against Lucid's own pages: whether the e-mail is verified
 * (kept as not known to be); whether PKCE is taken (the challenge is sent;
 * Lucid's authorization server metadata at lucid.app is said to list S256,
 * not read here); the status and body of a refused code or refresh token
 * (RFC 6749 §5.2's 400 `invalid_grant` is assumed; a refused client is
 * 403, as the reference says, though one copy of it says 401); how the
 * revocation answers a token Lucid no longer knows (RFC 7009 §2.2's 200 is
 * assumed).
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import { jsonTokenRequest, objectOf, type ProviderPreset } from './preset.js';
import { textMembers } from './profile-text.js';

const DAY = 86_400;

const tokenRequest = jsonTokenRequest();

/** A successful answer's `scopes` array as RFC 6749 §5.1's space-separated `scope` (when it names none of its own); any other answer is passed on as it was. */
async function tokenResponse(response: Response): Promise<Response> {
  if (response.status !== 200) return response;
  const { fields } = await readTokenEndpointBody(response.clone());
  if (!fields || !Array.isArray(fields.scopes) || typeof fields.scope === 'string') return response;
  await response.body?.cancel().catch(() => {});
  const scope = fields.scopes.filter((value): value is string => typeof value === 'string').join(' ');
  return rebuiltAnswer(response, 200, JSON.stringify({ ...fields, scope }), 'application/json');
}

/**
 * The Profile of `/users/me/profile`: `id` as its digits, `fullName` as the
 * name, `username`, the e-mail and the account's id; an answer without a
 * numeric id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const profile = objectOf(body);
  const id = profile?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return undefined;
  const account = profile!.accountId;
  return {
    id: String(id),
    ...textMembers({ name: profile!.fullName, username: profile!.username, email: profile!.email }),
    ...(typeof account === 'number' && Number.isSafeInteger(account) ? { account_id: String(account) } : {}),
  };
}

export const lucid: ProviderPreset = {
  displayName: 'Lucid',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://lucid.app/oauth2/authorize',
      tokenEndpoint: 'https://api.lucid.co/oauth2/token',
      userinfoEndpoint: 'https://api.lucid.co/users/me/profile',
      revocationEndpoint: 'https://api.lucid.co/oauth2/token/revoke',
    },
    scope: 'offline_access user.profile',
    apiBaseUrl: 'https://api.lucid.co',
    apiHeaders: { 'lucid-api-version': '1' },
    proxyHeaders: { request: ['lucid-api-version'], response: [] },
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email', preferredUsername: 'username' },
    refreshTokenIdleSeconds: 180 * DAY,
    hooks: { tokenRequest, tokenResponse, profileClaims },
  }),
};
