/**
 * Capsule CRM (API v2, for an application registered in Capsule's developer
 * portal with the callback as its redirect URL). Plain OAuth 2.0, RFC 6749's
 * authorization code grant, with explicit endpoints: no discovery, no ID
 * token. A token is one user's of one Capsule account. From Capsule's pages:
 * - the OAuth 2 flow starts at `https://api.capsulecrm.com/oauth/authorise`
 *   and the code is exchanged at `https://api.capsulecrm.com/oauth/token`
 *   (https://developer.capsulecrm.com/v2/overview/authentication); the
 *   scopes are `read` and `write` (the same page), both asked, space-separated;
 *   a registered web application is issued a client secret, sent in the form;
 * - the token endpoint answers JSON with the access and refresh tokens, the
 *   granted scope, `token_type` (always bearer), the access token's lifetime
 *   and the `subdomain` of the person's Capsule account
 *   (https://developer.capsulecrm.com/v2/overview/basic-auth-migrate, the
 *   same endpoint's answer to the API-key migration grant; the client goes
 *   in the body there too): the tokenAnswerClaims hook keeps `subdomain`
 *   with the profile. A refresh token gets a new access token once it ends;
 * - the API is `https://api.capsulecrm.com/api/v2` with the token as Bearer;
 *   an invalid or expired token is answered 401 (a token short of the scope
 *   403), with details in the body and `WWW-Authenticate`
 *   (https://developer.capsulecrm.com/v2/overview/authentication);
 * - the person is `GET /api/v2/users/current`, the user the token was issued
 *   for, as `{ user }` (https://developer.capsulecrm.com/v2/operations/User):
 *   `id`, "the unique id of this user", is the subject, where `username` is
 *   unique only within the account and can be changed by its administrators
 *   (https://developer.capsulecrm.com/v2/models/user); a user is one
 *   account's, so a person in two Capsule accounts is two users (two accounts
 *   here). `name` and the party's `firstName`, `lastName` and `pictureURL`
 *   are the name and picture; the user has no e-mail of its own (its party's
 *   e-mail addresses are CRM contact details), so none is kept.
 * Not checked against Capsule's own pages: the authorization request's
 * parameters past the URL (`client_id`, `response_type=code`, `redirect_uri`,
 * `scope` and `state`, as RFC 6749 §4.1.1 has them) and a declined
 * authorization (`access_denied`); whether PKCE is read (the challenge is
 * sent, which RFC 7636 §4.5 has a server ignore); the lifetime (about a
 * week, 604799 s, as copies of the page show it; the answer's `expires_in`
 * is what is kept); whether a refresh answers a new refresh token (the
 * newest is kept either way); the token endpoint's refusals (RFC 6749 §5.2's
 * `error` assumed); the revocation endpoint,
 * `https://api.capsulecrm.com/oauth/token/revoke` taking RFC 7009's form
 * with `token`, from Capsule integrations' code (a disconnect revokes the
 * refresh token, then the access token, there).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/**
 * The user of `/api/v2/users/current`'s `{ user }`: `id` (a positive integer, as text), the name (the user's, else
 * the party's first and last names), the party's names and picture, and the username; an answer without a user id
 * names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(objectOf(body)?.user);
  const id = user?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return undefined;
  const party = objectOf(user!.party);
  return {
    id: String(id),
    ...textMembers({
      name: trimmedText(user!.name) ?? joinedName(party?.firstName, party?.lastName),
      given_name: party?.firstName,
      family_name: party?.lastName,
      preferred_username: user!.username,
      picture: party?.pictureURL,
    }),
  };
}

/** The Capsule account the token is for, as the token answer names it: its `subdomain`. */
function tokenAnswerClaims(answer: Record<string, unknown>): Record<string, unknown> {
  const subdomain = trimmedText(answer.subdomain);
  return subdomain ? { subdomain } : {};
}

export const capsule: ProviderPreset = {
  displayName: 'Capsule CRM',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://api.capsulecrm.com/oauth/authorise',
      tokenEndpoint: 'https://api.capsulecrm.com/oauth/token',
      userinfoEndpoint: 'https://api.capsulecrm.com/api/v2/users/current',
      revocationEndpoint: 'https://api.capsulecrm.com/oauth/token/revoke',
    },
    scope: 'read write',
    apiBaseUrl: 'https://api.capsulecrm.com/api/v2',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
    hooks: { profileClaims, tokenAnswerClaims },
  }),
};
