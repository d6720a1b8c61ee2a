/**
 * Modrinth (an OAuth application registered in Modrinth's settings, https://modrinth.com/settings/applications, with
 * the scopes it needs and the callback among its redirect URIs). Plain OAuth 2.0 authorization code with explicit
 * endpoints: no discovery, no ID token, no refresh token. From Modrinth's guide
 * (https://docs.modrinth.com/guide/oauth) and its API description (https://docs.modrinth.com/api/, the OpenAPI
 * document it publishes):
 * - the person is sent to `https://modrinth.com/auth/authorize` with `response_type=code` (the only grant),
 *   `client_id`, `scope`, `state` and `redirect_uri` (one the application allowlists); the scopes are identifiers
 *   joined by `+`, which is how a space-separated scope reads in a URL's query, so the preset's scope goes as it
 *   is. `USER_READ` reads the person, `USER_READ_EMAIL` their e-mail (the API description's User model), so both
 *   are asked; the application must have been registered with them. The redirect back carries the `code`;
 * - the code is exchanged by a POST of a URL-encoded form (`code`, `client_id`, `redirect_uri`, `grant_type`) to
 *   `https://api.modrinth.com/_internal/oauth/token`, the client secret alone as the request's `Authorization`
 *   header (neither Basic nor the form): the tokenRequest hook moves it there from the form openid-client makes.
 *   The answer is `access_token`, `token_type` (`Bearer`) and `expires_in`, with no refresh token, so an ended
 *   token asks for a new sign-in;
 * - the API is `https://api.modrinth.com/v2`, the token sent as it is in `Authorization` (the API description's
 *   `TokenAuth` scheme and its example, no `Bearer`): accessTokenHeader. It asks every caller for a User-Agent that
 *   names the application (one naming only an HTTP library may be blocked), which `<NAME>_USER_AGENT` sets on
 *   every request, the token requests included;
 * - the person is `GET /v2/user`, the user the token is for (https://docs.modrinth.com/api/operations/getuserfromauth/):
 *   `id`, the unique base62 id, is the subject, as Modrinth says ids are constant while usernames can change at any
 *   moment and asks for the id to be kept; `username`, the display `name` (nullable), `avatar_url`, and, to the user
 *   themselves, `email` (with `USER_READ_EMAIL`) and `email_verified`. A token refused, or short of a scope, is a
 *   401 with `{ error, description }` (the API description's AuthError).
 * Not checked against Modrinth's pages: the access token's lifetime (the answer's `expires_in` is kept); whether the
 * authorization request takes PKCE (none is sent); whether the callback carries `state` back (RFC 6749 §4.1.2's
 * rule, which the sign-in checks); the token endpoint's refusals (RFC 6749 §5.2's `error` assumed); a person who
 * declines (`error=access_denied` assumed); whether the API also takes the token as `Bearer` (it is sent as the
 * guide shows it). Modrinth documents no revocation: disconnect forgets the token here, and the person removes the
 * application from their Modrinth settings.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/**
 * The token request as Modrinth documents it: openid-client's form (client_secret_post) without `client_secret`,
 * which goes alone as the `Authorization` header, and the application's User-Agent when one is configured.
 */
function tokenRequestWith(userAgent: string | undefined) {
  return (request: { body: URLSearchParams; headers: Record<string, string> }): { body: string; headers: Record<string, string> } => {
    const body = new URLSearchParams(request.body);
    const secret = body.get('client_secret') ?? '';
    body.delete('client_secret');
    const replaced = userAgent ? ['authorization', 'user-agent'] : ['authorization'];
    const kept = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !replaced.includes(name.toLowerCase())));
    return { body: body.toString(), headers: { ...kept, authorization: secret, ...(userAgent ? { 'user-agent': userAgent } : {}) } };
  };
}

/**
 * The User of `/v2/user`: its `id` (a base62 string), the display name (else the username), the username, the
 * avatar, and the e-mail with `email_verified` as its verification when the token may read it; an answer without
 * an id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const id = user?.id;
  if (typeof id !== 'string' || !/^[0-9A-Za-z]+$/.test(id)) return undefined;
  const username = trimmedText(user!.username);
  const email = trimmedText(user!.email);
  return {
    id,
    ...textMembers({ name: trimmedText(user!.name) ?? username, preferred_username: username, picture: user!.avatar_url }),
    ...(email ? { email, email_verified: user!.email_verified === true } : {}),
  };
}

export const modrinth: ProviderPreset = {
  displayName: 'Modrinth',
  values: { userAgent: 'optional' },
  settings: ({ userAgent }) => ({
    endpoints: {
      authorizationEndpoint: 'https://modrinth.com/auth/authorize',
      tokenEndpoint: 'https://api.modrinth.com/_internal/oauth/token',
      userinfoEndpoint: 'https://api.modrinth.com/v2/user',
    },
    scope: 'USER_READ USER_READ_EMAIL',
    apiBaseUrl: 'https://api.modrinth.com/v2',
    // The token as it is, in place of `Bearer <token>`.
    accessTokenHeader: 'authorization',
    // Fixed: a browser calling the proxies would otherwise send its own.
    ...(userAgent ? { apiHeaders: { 'user-agent': userAgent }, fixedApiHeaders: ['user-agent'] } : {}),
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'id',
    hooks: { tokenRequest: tokenRequestWith(userAgent), profileClaims },
  }),
};
