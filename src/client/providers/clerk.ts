/**
 * Clerk as an OAuth 2.0 provider: a Clerk instance's OAuth applications, at the instance's Frontend API URL
 * (`<NAME>_BASE_URL`: `https://verb-noun-00.clerk.accounts.dev` in development, `https://clerk.<your domain>` in
 * production). From Clerk's pages:
 * - the OAuth application is created in the Clerk Dashboard with its scopes and redirect URIs, and gives a client id
 *   and secret; the client uses its Authorize URL, Token URL and User Info URL
 *   (https://clerk.com/docs/guides/configure/auth-strategies/oauth/single-sign-on);
 * - the authorization server metadata names `<base>/oauth/authorize` and `<base>/oauth/token`,
 *   `token_endpoint_auth_methods_supported` `client_secret_basic` and `none`, and PKCE with `S256`
 *   (https://clerk.com/docs/guides/configure/auth-strategies/oauth/how-clerk-implements-oauth);
 * - the scopes are `profile`, `email`, `offline_access` (a refresh token), `openid`, `public_metadata`,
 *   `private_metadata`, `user:org:read` and the instance's custom scopes; `profile email offline_access` is asked
 *   (an app given others sets `<NAME>_SCOPE`). A request naming a scope that was deleted is refused with
 *   `invalid_scope`, and so is a refresh token issued with one: the tokenResponse hook reads that refusal as
 *   `invalid_grant`, as only a new sign-in mends it (the same page);
 * - access tokens last a day, refresh tokens never expire, codes ten minutes (the same page);
 * - `GET <base>/oauth/userinfo` with the token as Bearer answers `sub` and `user_id` (both the user's ID),
 *   `given_name`, `family_name`, `name`, `picture`, `preferred_username`, `email` and `email_verified` as the scopes
 *   allow (the single sign-on page). The ID is the user's in this Clerk instance, and each instance is its own
 *   server, so the subject is it qualified by the instance's host, `<sub>@<host>`. `openid` is not asked: the
 *   user info says all an ID token would, and the account is keyed by the qualified ID;
 * - Clerk documents revocation only in its Backend API, with the instance's secret key
 *   (https://clerk.com/docs/reference/backend/oauth-applications/revoke-token), which the preset does not hold: a
 *   disconnect deletes the tokens here only.
 * Not checked against Clerk's own pages: the token answer's members (RFC 6749 §5.1's are assumed, `expires_in` a
 * day), whether a refresh answers a new refresh token (the old one is assumed kept), the token endpoint's other
 * refusals and the authorization page's (RFC 6749's `invalid_grant`, `invalid_client`, `access_denied` assumed), and
 * the status with which userinfo refuses a token (401 assumed).
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import { hostOf, objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/**
 * The user info as claims: `id` the user's ID qualified by the instance's host, `sub` as Clerk sends it, the names,
 * the username, the e-mail and whether it is verified, the avatar; an answer without a `sub` names no one, and the
 * sign-in fails.
 */
export function userinfoClaims(instanceHost: string): (body: unknown) => Record<string, unknown> | undefined {
  return (body) => {
    const user = objectOf(body);
    const sub = trimmedText(user?.sub);
    if (!user || !sub) return undefined;
    return {
      id: `${sub}@${instanceHost}`,
      sub,
      ...textMembers({
        name: trimmedText(user.name) ?? joinedName(user.given_name, user.family_name),
        given_name: user.given_name,
        family_name: user.family_name,
        preferred_username: user.preferred_username,
        email: user.email,
        picture: user.picture,
      }),
      ...(typeof user.email_verified === 'boolean' ? { email_verified: user.email_verified } : {}),
    };
  };
}

/** A 400 `invalid_scope`, a refresh token issued with a scope since deleted, as `invalid_grant` with its description kept; other answers pass as they were. */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (response.status !== 400 || fields?.error !== 'invalid_scope') return rebuiltAnswer(response, response.status, text);
  const description = typeof fields.error_description === 'string' ? fields.error_description : 'A scope of this grant no longer exists.';
  return rebuiltAnswer(response, 400, JSON.stringify({ error: 'invalid_grant', error_description: description }), 'application/json');
}

export const clerk: ProviderPreset = {
  displayName: 'Clerk',
  values: { baseUrl: 'required' },
  settings: ({ baseUrl }) => {
    const instance = withoutTrailingSlash(baseUrl ?? '');
    const host = hostOf(instance);
    return {
      endpoints: {
        authorizationEndpoint: `${instance}/oauth/authorize`,
        tokenEndpoint: `${instance}/oauth/token`,
        userinfoEndpoint: `${instance}/oauth/userinfo`,
      },
      scope: 'profile email offline_access',
      apiBaseUrl: `${instance}/oauth`,
      tokenEndpointAuthMethod: 'client_secret_basic',
      subjectClaim: 'id',
      hooks: { profileClaims: userinfoClaims(host), tokenResponse },
    };
  },
};
