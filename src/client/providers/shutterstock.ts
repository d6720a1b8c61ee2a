/**
 * Shutterstock (an application created on https://www.shutterstock.com/account/developers/apps, its callback host
 * among the application's hosts). Plain OAuth 2.0, RFC 6749's authorization code grant, with explicit endpoints: no
 * discovery, no ID token. From Shutterstock's pages:
 * - every endpoint of the API needs authentication, OAuth for those that act as a customer, and every request must
 *   carry a `User-Agent` (https://www.shutterstock.com/developers/documentation/authentication; this client sends
 *   its own);
 * - the person authorizes at `https://accounts.shutterstock.com/oauth/authorize` (the OAuth flow's
 *   `authorizationUrl`; `GET https://api.shutterstock.com/v2/oauth/authorize` only redirects there) with
 *   `client_id`, `redirect_uri` (on a host registered with the application), `response_type=code`, a
 *   space-separated `scope` and a required `state`; `realm` is `customer` by default
 *   (https://api-reference.shutterstock.com/, OAuth: "Authorize applications");
 * - `POST https://api.shutterstock.com/v2/oauth/access_token` takes `client_id`, `client_secret`, `code` and
 *   `grant_type=authorization_code` as form data and answers `access_token` and `token_type` (Bearer); without
 *   `expires=true` (not sent here) the token "does not expire until the user changes their password" and comes with
 *   no refresh token, so the connection lasts until the API refuses its token (the same page, "Get access tokens");
 * - the scopes are `user.view`, `licenses.create`, `licenses.view`, `purchases.view`, `collections.view`,
 *   `collections.edit` and more; `user.view`, asked here, is what `GET /v2/user` needs
 *   (https://api-reference.shutterstock.com/, Users: "Get user details");
 * - the person is `GET https://api.shutterstock.com/v2/user`: `id`, the "unique internal identifier for the user,
 *   not tied to contributor or purchasing customer", is the subject (`customer_id` and `contributor_id` name the
 *   same person in one role only, and `username` can be changed), with `full_name`, `first_name`, `last_name`,
 *   `username` and `email` (the same page).
 * Not checked against Shutterstock's pages: whether the e-mail is verified (it is kept unverified); the token
 * endpoint's refusals (RFC 6749 §5.2's `error` is assumed) and the API's answer to a token it no longer takes (a 401
 * is assumed); whether PKCE is read (none is sent; the pages name none); what a refresh would answer for an expiring
 * token (none is asked). Shutterstock documents no revocation: disconnect forgets the token here.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/**
 * The user of `/v2/user`: its `id`, the full name (or the first and last names joined), the names, the username and
 * the e-mail; an answer without a string id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const id = trimmedText(user?.id);
  if (id === undefined) return undefined;
  return {
    id,
    ...textMembers({
      name: trimmedText(user!.full_name) ?? joinedName(user!.first_name, user!.last_name),
      given_name: user!.first_name,
      family_name: user!.last_name,
      preferred_username: user!.username,
      email: user!.email,
    }),
  };
}

export const shutterstock: ProviderPreset = {
  displayName: 'Shutterstock',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://accounts.shutterstock.com/oauth/authorize',
      tokenEndpoint: 'https://api.shutterstock.com/v2/oauth/access_token',
      userinfoEndpoint: 'https://api.shutterstock.com/v2/user',
    },
    scope: 'user.view',
    apiBaseUrl: 'https://api.shutterstock.com/v2',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
