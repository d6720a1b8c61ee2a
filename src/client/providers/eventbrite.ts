/**
 * Eventbrite (API v3, an API key of an Eventbrite account used as an app
 * partner's OAuth client). Plain OAuth 2.0 without discovery, scopes or an ID
 * token. From Eventbrite's docs
 * (https://www.eventbrite.com/platform/api#/introduction/authentication,
 * "(For App Partners) Authorize your Users"):
 * - `GET https://www.eventbrite.com/oauth/authorize` with
 *   `response_type=code`, `client_id` (the API key) and `redirect_uri` (the
 *   key's OAuth Redirect URI); Eventbrite has no scopes, a token reaching
 *   everything the person can, so none is sent;
 * - `POST https://www.eventbrite.com/oauth/token` with `grant_type`, the
 *   code, `client_id`, `client_secret` and `redirect_uri` in the form; the
 *   answer's `access_token` is the person's private token, which does not
 *   expire, with no refresh token: it is kept with no end and nothing
 *   refreshes; a token the API refuses (401 `INVALID_AUTH`, the app removed
 *   from the person's account) asks for a new sign-in
 *   (https://www.eventbrite.com/platform/api#/introduction/errors);
 * - the API is `https://www.eventbriteapi.com/v3`, its paths ending in `/`,
 *   the token as `Authorization: Bearer`; the person is `GET /users/me/`
 *   (https://www.eventbrite.com/platform/api#/reference/user/retrieve-your-user):
 *   `id` (a string of digits) is the subject, with `name` (else
 *   `first_name` and `last_name`), and `emails`, a list of `{ email,
 *   verified, primary }`: the primary one is the e-mail, verified as that
 *   entry says;
 * - Eventbrite documents no revocation: a person removes the app from their
 *   account settings, so disconnect deletes the token here.
 * Not checked against Eventbrite's pages: whether the authorization response
 * sends `state` back (RFC 6749 §4.1.2 has it, and it is required here),
 * whether PKCE is taken (the challenge is sent, which RFC 7636 §4.5 has a
 * server ignore), the answer to a declined authorization (RFC 6749
 * §4.1.2.1's `access_denied` is assumed), the body of a refused token
 * request (RFC 6749 §5.2's `error` is assumed) and whether the token answer
 * carries `token_type` (Bearer is what the API takes either way), and the
 * e-mail when no entry is marked primary (the first verified one, else the
 * first, is taken).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/** The e-mail of `emails`: the primary entry, else the first verified one, else the first; with its `verified`. */
function chosenEmail(emails: unknown): { email: string; verified: boolean } | undefined {
  const entries = (Array.isArray(emails) ? emails : [])
    .map(objectOf)
    .flatMap((entry) => (entry && trimmedText(entry.email) ? [{ email: trimmedText(entry.email)!, verified: entry.verified === true, primary: entry.primary === true }] : []));
  const chosen = entries.find((entry) => entry.primary) ?? entries.find((entry) => entry.verified) ?? entries[0];
  return chosen && { email: chosen.email, verified: chosen.verified };
}

/**
 * The user of /users/me/: `id` as the subject, `name` (or the first and last names joined), and the chosen
 * e-mail with `email_verified`; an answer without an id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const id = typeof user?.id === 'number' && Number.isSafeInteger(user.id) ? String(user.id) : trimmedText(user?.id);
  if (!user || !id) return undefined;
  const name = trimmedText(user.name) ?? joinedName(user.first_name, user.last_name);
  const email = chosenEmail(user.emails);
  return {
    id,
    ...(name ? { name } : {}),
    ...textMembers({ first_name: user.first_name, last_name: user.last_name }),
    ...(email ? { email: email.email, email_verified: email.verified } : {}),
  };
}

export const eventbrite: ProviderPreset = {
  displayName: 'Eventbrite',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://www.eventbrite.com/oauth/authorize',
      tokenEndpoint: 'https://www.eventbrite.com/oauth/token',
      userinfoEndpoint: 'https://www.eventbriteapi.com/v3/users/me/',
    },
    scope: '',
    apiBaseUrl: 'https://www.eventbriteapi.com/v3',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email' },
    hooks: { profileClaims },
  }),
};
