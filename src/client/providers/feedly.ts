/**
 * Feedly (its Cloud API, for an application given a client id and secret
 * through Feedly's partnership program, the callback as one of its redirect
 * URIs). Plain OAuth 2.0 authorization code with explicit endpoints: no
 * discovery, no ID token. From Feedly's developer documentation:
 * - `GET https://cloud.feedly.com/v3/auth/auth` (HTTPS only) with
 *   `response_type=code`, `client_id`, `redirect_uri` (exactly one of those
 *   registered) and `scope=https://cloud.feedly.com/subscriptions`, and an
 *   optional `state` sent back with the `code`, or with an error when the
 *   person does not approve (https://developer.feedly.com/v3/auth/);
 * - `POST https://cloud.feedly.com/v3/auth/token` with `code`, `client_id`,
 *   `client_secret`, `redirect_uri` and `grant_type=authorization_code`
 *   answers `id` (the Feedly user id), `access_token`, `refresh_token`,
 *   `expires_in`, `token_type: "Bearer"`, `plan` and `state`; a refresh is
 *   the same POST with `refresh_token`, `client_id`, `client_secret` and
 *   `grant_type=refresh_token`, and answers the same members without a
 *   refresh token: the one kept serves every refresh
 *   (https://developer.feedly.com/v3/auth/, "Exchanging an auth code…" and
 *   "Refreshing an access token"; read in a copy of that page, whose
 *   sections after the first are not in the search index);
 * - a regular access token lasts a week; a refresh token does not expire,
 *   but the logout API (or, rarely, Feedly) can end it, and a refresh with
 *   it is then answered HTTP 401 "bad refresh_token" or "revoked
 *   refresh_token" (https://developer.feedly.com/v3/developer/, which says
 *   so of the developer tokens' refresh token). That is no RFC 6749 §5.2
 *   refusal, so the tokenResponse hook reads it as the `invalid_grant` it
 *   means, and the connection needs a new sign-in;
 * - the API is `https://cloud.feedly.com/v3` with the token in
 *   `Authorization` (https://developer.feedly.com/v3/developer/ shows
 *   `Bearer`); the person is `GET /v3/profile`: `id`, "the unique, immutable
 *   user id" (the subject), `email` ("not always available, depending on the
 *   OAuth method used"), `givenName`, `familyName` and `fullName`
 *   (https://developer.feedly.com/v3/profile/); whether the e-mail is
 *   verified Feedly does not say;
 * - the Authentication API has a "Logout" (https://developer.feedly.com/v3/auth/),
 *   through which a refresh token "can be invalidated"
 *   (https://developer.feedly.com/v3/developer/); the revoke hook sends it,
 *   `POST /v3/auth/logout` with the access token.
 * Not checked against Feedly's own pages: the logout's path and answer
 * (those of NetNewsWire's Feedly client, 200, are assumed) and whether it
 * ends the access token too (assumed); whether the token endpoint takes a
 * form body (openid-client's form is sent; the page lists parameters without
 * saying the encoding); the token endpoint's refusals of a code and of the
 * client, and the body of its 401 (only its status and words are
 * documented: the hook looks for `refresh_token` in it); the error sent back
 * when the person does not approve (RFC 6749's `access_denied` is assumed);
 * whether PKCE is taken (none is sent).
 */
import { readTokenEndpointBody, rebuiltAnswer, type RevocationOutcome, type RevocationRequest } from '../provider-hooks.js';
import { revokeWithBearer } from './bearer-revocation.js';
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/**
 * Feedly's refusal of a refresh token it ended (HTTP 401 "bad refresh_token" or "revoked refresh_token") as RFC 6749
 * §5.2's `invalid_grant`, its words kept as the description; every other answer, an RFC 6749 refusal among them, as
 * it came.
 */
async function tokenResponse(response: Response): Promise<Response> {
  if (response.status !== 401) return response;
  const { text, fields } = await readTokenEndpointBody(response);
  if (fields?.error !== undefined || !/refresh_token/i.test(text)) return rebuiltAnswer(response, response.status, text);
  const said = trimmedText(fields?.errorMessage) ?? text.trim();
  return rebuiltAnswer(response, 400, JSON.stringify({ error: 'invalid_grant', error_description: said.slice(0, 200) }), 'application/json');
}

/**
 * The user of `/v3/profile`: `id` as the subject, `fullName` (or the given and family names joined) as the name, and
 * `email` where the sign-in method gave one; an answer without an id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const id = trimmedText(user?.id);
  if (id === undefined) return undefined;
  const given = trimmedText(user!.givenName);
  const family = trimmedText(user!.familyName);
  const name = trimmedText(user!.fullName) ?? joinedName(given, family);
  return { id, ...textMembers({ name, given_name: given, family_name: family, email: user!.email }) };
}

/** Ends the person's tokens for the application with the logout API, `POST /v3/auth/logout`, the access token as Bearer. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('Feedly revocation needs the logout endpoint');
  return revokeWithBearer(request, request.revocationEndpoint, { method: 'POST' }, { provider: 'Feedly', what: 'the logout' });
}

export const feedly: ProviderPreset = {
  displayName: 'Feedly',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://cloud.feedly.com/v3/auth/auth',
      tokenEndpoint: 'https://cloud.feedly.com/v3/auth/token',
      userinfoEndpoint: 'https://cloud.feedly.com/v3/profile',
      revocationEndpoint: 'https://cloud.feedly.com/v3/auth/logout',
    },
    scope: 'https://cloud.feedly.com/subscriptions',
    apiBaseUrl: 'https://cloud.feedly.com/v3',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'id',
    hooks: { tokenResponse, profileClaims, revoke },
  }),
};
