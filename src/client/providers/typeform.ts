/**
 * Typeform (the Create, Responses and Webhooks APIs, for an application
 * registered in a Typeform account). Plain OAuth 2.0 with explicit
 * endpoints: no discovery, no ID token. From Typeform's docs:
 * - `GET https://api.typeform.com/oauth/authorize` with `client_id`,
 *   `redirect_uri`, `state` and `scope`, space-separated
 *   (https://www.typeform.com/developers/get-started/applications/); the
 *   scopes asked are `accounts:read`, which the person is read with, and
 *   `offline`, without which no refresh token is issued and the connection
 *   ends with its access token
 *   (https://www.typeform.com/developers/get-started/scopes/);
 * - `POST https://api.typeform.com/oauth/token` with `grant_type`, the code,
 *   `client_id`, `client_secret` and `redirect_uri` in the form; the answer
 *   is `access_token`, `token_type`, `expires_in` and, with `offline`,
 *   `refresh_token`. A refresh answers a new access token and a new refresh
 *   token, and the one spent stops working, so the new one is kept in its
 *   place (a refresh answering none would keep the one held);
 * - the API is `https://api.typeform.com` with the token as Bearer; the
 *   person is `GET /me`, behind `accounts:read` (the scopes page above):
 *   `user_id` is the subject, with `alias` (the account's name), `email`
 *   and `language`;
 * - Typeform documents no revocation endpoint on the pages above: a person
 *   removes the app from their Typeform account, so disconnect deletes the
 *   tokens here and says it was not revoked at Typeform.
 * Not checked against Typeform's own pages, which were not all at hand:
 * the rotation of refresh tokens (as integrations describe Typeform's
 * docs), the access token's lifetime (the answer's `expires_in` is used;
 * integrations report a week), whether a refresh token ends unused (no end
 * is assumed, so no keep-alive), whether a refresh wants `scope` sent again
 * (none is sent, which RFC 6749 §6 reads as the scope first granted),
 * whether PKCE is taken (the challenge is sent, which RFC 7636 §4.5 has a
 * server ignore), whether the e-mail is verified (kept as not known to be),
 * the members of /me (as integrations read them; the type of `user_id`
 * too, a number being read as its digits), and the body of a
 * refused token request (RFC 6749 §5.2's `error` is assumed).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers } from './profile-text.js';

/**
 * The account of /me: `user_id` as a string, `alias` as the name, and the
 * e-mail and language; an answer without a user id names no one, and the
 * sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const account = objectOf(body);
  const id = account?.user_id;
  if ((typeof id !== 'string' || id === '') && (typeof id !== 'number' || !Number.isSafeInteger(id))) return undefined;
  return {
    user_id: String(id),
    ...textMembers({ alias: account!.alias, email: account!.email, language: account!.language }),
  };
}

export const typeform: ProviderPreset = {
  displayName: 'Typeform',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://api.typeform.com/oauth/authorize',
      tokenEndpoint: 'https://api.typeform.com/oauth/token',
      userinfoEndpoint: 'https://api.typeform.com/me',
    },
    scope: 'accounts:read offline',
    apiBaseUrl: 'https://api.typeform.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'user_id',
    claimNames: { name: 'alias', email: 'email' },
    hooks: { profileClaims },
  }),
};
