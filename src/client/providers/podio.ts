/**
 * Podio (the Podio API, for an API key generated in Podio's account
 * settings). Plain OAuth 2.0 with explicit endpoints: no discovery, no ID
 * token. From Podio's docs:
 * - the server-side flow (https://developers.podio.com/authentication/server_side)
 *   sends the person to `https://podio.com/oauth/authorize` with
 *   `client_id`, `redirect_uri` (on the domain given for the API key) and
 *   `scope`; a person who denies access comes back with
 *   `error_reason=user_denied&error=access_denied&error_description=…`,
 *   one who grants it with `code`;
 * - the code is exchanged with `POST https://api.podio.com/oauth/token/v2`
 *   and a JSON body (`Content-Type: application/json`) of `grant_type`,
 *   `client_id`, `redirect_uri`, `client_secret` and `code` (same page): the
 *   tokenRequest hook sends openid-client's form as that JSON body. The same
 *   endpoint takes `grant_type=refresh_token` with the `refresh_token`; its
 *   answer is `access_token`, `token_type` ("currently always bearer"),
 *   `expires_in`, `refresh_token` and `ref` (the entity logged in, `type`
 *   and `id`), and it "can return a wide variety of error codes. For details
 *   see the OAuth 2 specification"
 *   (https://developers.podio.com/doc/oauth-authorization/get-access-token-22359);
 * - the person is `GET https://api.podio.com/user/status`: `user` (`user_id`,
 *   the subject, and `mail`, the primary mail) and `profile` (the person's
 *   contact fields, `name` among them)
 *   (https://developers.podio.com/doc/users/get-user-status-22480,
 *   https://developers.podio.com/doc/contacts), whose mail's verification
 *   Podio does not say;
 * - scopes are Podio's own (global, user, org, space and app, each with read,
 *   write, delete or all: https://developers.podio.com/authentication/scopes);
 *   `GET /oauth/scope` answers what the client was granted
 *   (https://developers.podio.com/doc/oauth-authorization/get-scope-342360687).
 * Podio documents no revocation endpoint: disconnect deletes the token here.
 * Not checked against Podio's own pages: the syntax of the `scope` string
 * (the scopes page's part on the parameter could not be read), so none is
 * sent by default and `PODIO_SCOPE` sets one; the scheme of the API's
 * Authorization header (the authentication page's sentence on it could not be
 * read; RFC 6750's Bearer is sent); the lifetime of access tokens (Podio
 * answers `expires_in`, kept as sent); whether a refresh answers a new
 * refresh token and ends the old one (whatever the answer holds is kept);
 * whether the answer has `scope`; whether `state` comes back (it is sent, as
 * RFC 6749 §4.1.1 has it) or PKCE is taken (none is sent); the status and
 * body of each token refusal (RFC 6749 §5.2's are assumed, as the page
 * says).
 */
import { jsonTokenRequest, objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/**
 * The person of `/user/status`: `user.user_id` (a number), the profile's
 * `name` and the user's primary `mail`; an answer without a numeric user id
 * names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const status = objectOf(body);
  const user = objectOf(status?.user);
  const id = user?.user_id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return undefined;
  const name = trimmedText(objectOf(status!.profile)?.name);
  const email = trimmedText(user!.mail);
  return { user_id: id, ...textMembers({ name, email }) };
}

export const podio: ProviderPreset = {
  displayName: 'Podio',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://podio.com/oauth/authorize',
      tokenEndpoint: 'https://api.podio.com/oauth/token/v2',
      userinfoEndpoint: 'https://api.podio.com/user/status',
    },
    // None by default: the syntax of Podio's scope string could not be read from its pages (PODIO_SCOPE sets one).
    scope: '',
    apiBaseUrl: 'https://api.podio.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'user_id',
    hooks: { tokenRequest: jsonTokenRequest(), profileClaims },
  }),
};
