/**
 * 42 (the 42 network's intranet, whose API v2 and OAuth 2.0 live at api.intra.42.fr; an application created at
 * https://profile.intra.42.fr/oauth/applications/new, the callback among its redirect URIs). Plain OAuth 2.0
 * authorization code with explicit endpoints: no discovery, no ID token. From 42's API guides:
 * - the Web Application Flow (https://api.intra.42.fr/apidoc/guides/web_application_flow): the person is sent to
 *   `https://api.intra.42.fr/oauth/authorize` with `client_id`, `redirect_uri` and a space-separated `scope`, and
 *   comes back with a `code`, which the application's server exchanges for an access token at
 *   `https://api.intra.42.fr/oauth/token`;
 * - an application reads only public data unless more scopes are added to it
 *   (https://api.intra.42.fr/apidoc/guides/getting_started): `public` is asked, which reading the person needs; add
 *   others with `<NAME>_SCOPE`. It is given a client uid and a client secret, kept on the server;
 * - the API is `https://api.intra.42.fr/v2`, JSON, with the token as `Authorization: Bearer`; a token refused is a
 *   401 "Unauthorized"; users can revoke a token at any time
 *   (https://api.intra.42.fr/apidoc/guides/specification);
 * - `GET /v2/me` is the token's owner: `id` (a whole number, 42's user id: the subject; the `login` is what the
 *   person is called on the intranet), `email`, `first_name`, `last_name`, `usual_full_name`, `displayname`,
 *   `image.link`…
 * Not checked against 42's own pages (the stored copies stop before them): the token request's form (`grant_type`,
 * `client_id`, `client_secret`, `code`, `redirect_uri` in the body, as integrations of 42 send it) and its answer
 * (`access_token`, `token_type` "bearer", `expires_in` 7200, `scope`, `created_at`, 42's example answer as copies
 * show it, with no refresh token: an ended token needs a new sign-in, though a refresh token the answer names is
 * kept and used); the members of `/v2/me` past `id` (as integrations and Auth.js read them); that the `id` is never
 * given to another person; the other scopes' names (`projects`, `profile`, `elearning`, `tig`, `forum`); PKCE (none
 * is sent); whether the e-mail is verified (kept unverified); the 401's body. 42 documents no revocation endpoint:
 * disconnect deletes the token here.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/**
 * The user of `/v2/me`: its `id` (a positive whole number, kept as text), the usual full name (else the display
 * name), the first and last names, the login, the e-mail and the picture; an answer without such an id names no
 * one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const id = user?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return undefined;
  return {
    id: String(id),
    ...textMembers({
      name: trimmedText(user!.usual_full_name) ?? user!.displayname,
      given_name: trimmedText(user!.usual_first_name) ?? user!.first_name,
      family_name: user!.last_name,
      preferred_username: user!.login,
      email: user!.email,
      picture: objectOf(user!.image)?.link,
    }),
  };
}

export const fortytwo: ProviderPreset = {
  displayName: '42',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://api.intra.42.fr/oauth/authorize',
      tokenEndpoint: 'https://api.intra.42.fr/oauth/token',
      userinfoEndpoint: 'https://api.intra.42.fr/v2/me',
    },
    scope: 'public',
    apiBaseUrl: 'https://api.intra.42.fr/v2',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
