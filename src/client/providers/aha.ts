/**
 * Aha! (an OAuth2 application registered under Settings > Personal >
 * Developer > OAuth applications, with the callback as its redirect URL).
 * Plain OAuth 2.0, the authorization code grant, without discovery or an ID
 * token. Everything is on the Aha! account's own host, `<NAME>_DOMAIN`
 * (`acme.aha.io`). From Aha!'s pages:
 * - `GET https://<subdomain>.aha.io/oauth/authorize` with `client_id`,
 *   `redirect_uri` (the one registered) and `response_type=code`
 *   (https://www.aha.io/api/oauth2). Aha! names no scopes: a token acts as
 *   the person, with their own permissions, so none is asked; no PKCE is
 *   documented, so none is sent. A registered application serves every Aha!
 *   user, and a person can revoke one application's token in Aha!;
 * - the person is `GET /api/v1/me`, the current user's profile, with the
 *   token as `Authorization: Bearer`
 *   (https://www.aha.io/api/resources/me/get_the_current_user_profile); a
 *   request Aha! does not authenticate is a 401
 *   (https://www.aha.io/api/resources/me/reject_request_without_authentication).
 *   Its `user`'s `id` is the user's record id; it is the subject qualified by
 *   the account's host (`6776881149404277878@acme.aha.io`), as the API is one
 *   account's, with `name`, `first_name`, `last_name` and `email` (whose
 *   verification Aha! does not state, so it is kept unverified);
 * - API calls go under `https://<domain>/api/v1`.
 * Not checked against Aha!'s pages: the token request (a form to
 * `https://<domain>/oauth/token` with `grant_type=authorization_code`, `code`,
 * `redirect_uri`, `client_id` and `client_secret`, as integrations of Aha!
 * send it) and its answer (`access_token`, `token_type: "bearer"`, no refresh
 * token seen); the `/api/v1/me` body's `user` wrapper and the id's type (a
 * string of digits, as Aha!'s other user resources show it); that a user's id
 * is never given to another user; a declined authorization
 * (`error=access_denied`, RFC 6749 §4.1.2.1's); a revocation endpoint (none
 * is documented: disconnect forgets the token here).
 */
import { hostOf, objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/**
 * The `user` of `/api/v1/me` as claims: `id` the user's id qualified by the account's host, `user_id` as Aha! sends
 * it, the name (else the first and last names) and the e-mail; an answer without an id names no one, and the sign-in
 * fails.
 */
export function meClaims(accountHost: string): (body: unknown) => Record<string, unknown> | undefined {
  return (body) => {
    const user = objectOf(objectOf(body)?.user);
    const raw = user?.id;
    const id = typeof raw === 'number' && Number.isSafeInteger(raw) && raw > 0 ? String(raw) : trimmedText(raw);
    if (!id) return undefined;
    return {
      id: `${id}@${accountHost}`,
      user_id: id,
      ...textMembers({
        name: trimmedText(user!.name) ?? joinedName(user!.first_name, user!.last_name),
        given_name: user!.first_name,
        family_name: user!.last_name,
        email: user!.email,
      }),
    };
  };
}

export const aha: ProviderPreset = {
  displayName: 'Aha!',
  values: { domain: 'required' },
  settings: ({ domain }) => {
    const origin = `https://${domain ?? ''}`;
    return {
      endpoints: {
        authorizationEndpoint: `${origin}/oauth/authorize`,
        tokenEndpoint: `${origin}/oauth/token`,
        userinfoEndpoint: `${origin}/api/v1/me`,
      },
      // None: Aha! names no scopes; a token acts with the person's own permissions.
      scope: '',
      apiBaseUrl: `${origin}/api/v1`,
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'id',
      hooks: { profileClaims: meClaims(hostOf(origin)) },
    };
  },
};
