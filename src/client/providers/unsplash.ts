/**
 * Unsplash (the Unsplash API, for an application registered under the
 * account's Applications). Plain OAuth 2.0 with explicit endpoints: no
 * discovery, no ID token. From Unsplash's docs
 * (https://unsplash.com/documentation/user-authentication-workflow):
 * - `GET https://unsplash.com/oauth/authorize` with `client_id` (the
 *   application's access key), `redirect_uri`, `response_type=code` and
 *   `scope`, a `+`-separated list (`public+read_user`: the space-separated
 *   list as a query string writes it); `public read_user` is asked, the
 *   person's profile being behind `read_user`; an app that uploads, likes or
 *   edits collections adds its scopes (`write_photos`, `write_likes`,
 *   `read_collections`…) with `<NAME>_SCOPE`;
 * - `POST https://unsplash.com/oauth/token` with `client_id`,
 *   `client_secret`, `redirect_uri`, `code` and
 *   `grant_type=authorization_code`: the client in the form body. The
 *   answer is the access token, with no end and no refresh token: the token
 *   is kept with no end and nothing refreshes; an API that refuses it (401)
 *   asks for a new sign-in;
 * - the API is `https://api.unsplash.com` with the token as
 *   `Authorization: Bearer`; the person is `GET /me`, behind `read_user`
 *   (the scope the workflow page's example asks beside `public`): `id`
 *   (an opaque string such as `pXhwzz1JtQU`) is the subject, `username`
 *   the preferred username, `first_name` and `last_name` joined as the
 *   name, and `email`, kept with its verification unknown;
 * - Unsplash documents no revocation endpoint: a person removes the app
 *   from their Unsplash account, so disconnect deletes the tokens here and
 *   says it was not revoked at Unsplash.
 * Not checked against Unsplash's own pages, which were not all at hand: the
 * token answer's members (`access_token`, `token_type: "bearer"`, `scope`
 * and `created_at`, as Doorkeeper-based servers answer, are assumed), `/me`
 * and its members (as Unsplash's SDKs and integrations read them), whether
 * `state` is sent back (it is sent, as RFC 6749 §4.1.1 has it), whether
 * PKCE is taken (none is sent: Unsplash's page names no PKCE parameter and
 * integrations turn it off for Unsplash), the body of a refused token request (RFC 6749
 * §5.2's `error` is assumed) and whether a token ever ends unused.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/**
 * The user of `/me`: `id`, `username`, the name (`name` when the answer has
 * one, else `first_name` and `last_name` joined) and `email`; an answer
 * without an id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  if (!user || typeof user.id !== 'string' || user.id === '') return undefined;
  return { id: user.id, ...textMembers({ username: user.username, name: trimmedText(user.name) ?? joinedName(user.first_name, user.last_name), email: user.email }) };
}

export const unsplash: ProviderPreset = {
  displayName: 'Unsplash',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://unsplash.com/oauth/authorize',
      tokenEndpoint: 'https://unsplash.com/oauth/token',
      userinfoEndpoint: 'https://api.unsplash.com/me',
    },
    scope: 'public read_user',
    apiBaseUrl: 'https://api.unsplash.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email', preferredUsername: 'username' },
    hooks: { profileClaims },
  }),
};
