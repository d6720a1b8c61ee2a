/**
 * Mendeley (an application registered on the Mendeley Developer Portal's My
 * Applications page, the callback as its redirection URL). Plain OAuth 2.0
 * authorization code with explicit endpoints on api.mendeley.com: no
 * discovery, no ID token. From Mendeley's developer portal:
 * - `GET https://api.mendeley.com/oauth/authorize` with four values that must
 *   be sent, `client_id`, `redirect_uri`, `response_type=code` and `scope`,
 *   whose one value is `all`, plus `state`; a wrong client or redirection URL
 *   is a 400 page that never goes back to the app, a wrong scope or response
 *   type comes back as `error` and `error_description`
 *   (https://dev.mendeley.com/reference/topics/authorization_auth_code.html).
 *   No PKCE is named, so none is sent;
 * - the code is exchanged at `POST https://api.mendeley.com/oauth/token` with
 *   the client as HTTP Basic (the application ID and secret) and a form of
 *   `grant_type`, `code` and `redirect_uri`; the answer is `access_token`,
 *   `expires_in` (one hour), `refresh_token` and `token_type` (always
 *   `bearer`). A refresh is the same request with `grant_type=refresh_token`,
 *   the refresh token and the `redirect_uri` again (refreshSendsRedirectUri);
 *   it may answer a new refresh token, which replaces the old. A refused
 *   client is a 401 with `WWW-Authenticate` and a plain-text body; a missing
 *   parameter is 400 `invalid_request`, a bad or spent code or token 400
 *   `invalid_grant`, as JSON with `error_description` (the same page): the
 *   tokenResponse hook reads that 401 as RFC 6749 §5.2's `invalid_client`,
 *   so a wrong secret points at the configuration, not at the person. A
 *   refresh token is valid indefinitely;
 * - API calls go to `https://api.mendeley.com` with the token as
 *   `Authorization: Bearer`
 *   (https://dev.mendeley.com/getting_started/hello_mendeley.html); the person
 *   is the profile of `GET /profiles/me`, whose `id` is the user's UUID, the
 *   identifier other resources name the user by (an annotation's
 *   `profile_id`, "UUID of the user", https://dev.mendeley.com/methods/): the
 *   subject. The display name (else the first and last names) is the name.
 * Not checked against Mendeley's own pages: the profile's members past `id`
 * (`display_name`, `first_name`, `last_name`, `email`, `link`, as Mendeley's
 * SDKs read them) and whether the e-mail is verified (it is stored
 * unverified); whether `/profiles/me` needs its media type in `Accept`
 * (Mendeley's own samples call it without); the API's answer to a token it
 * does not take (a 401 is assumed); a person who declines (RFC 6749's
 * `access_denied` assumed); whether the spent refresh token still works after
 * a refresh answered a new one (the newest is always kept). Mendeley documents
 * no revocation endpoint: disconnect forgets the tokens here.
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/**
 * The profile of `/profiles/me`: its `id` (a UUID), the display name (else the first and last names joined), the
 * names, the e-mail and the profile's page; an answer without an id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const profile = objectOf(body);
  const id = trimmedText(profile?.id);
  if (!id) return undefined;
  const name = trimmedText(profile!.display_name) ?? joinedName(profile!.first_name, profile!.last_name);
  return { id, ...textMembers({ name, given_name: profile!.first_name, family_name: profile!.last_name, email: profile!.email, profile: profile!.link }) };
}

/** Mendeley's refusal of the client, a 401 in plain text, as RFC 6749 §5.2's `invalid_client` with that text as the description; any other answer as it came. */
async function tokenResponse(response: Response): Promise<Response> {
  if (response.status !== 401) return response;
  const { text, fields } = await readTokenEndpointBody(response);
  if (typeof fields?.error === 'string') return rebuiltAnswer(response, 401, text);
  const description = text.trim();
  return rebuiltAnswer(response, 401, JSON.stringify(description ? { error: 'invalid_client', error_description: description } : { error: 'invalid_client' }), 'application/json');
}

export const mendeley: ProviderPreset = {
  displayName: 'Mendeley',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://api.mendeley.com/oauth/authorize',
      tokenEndpoint: 'https://api.mendeley.com/oauth/token',
      userinfoEndpoint: 'https://api.mendeley.com/profiles/me',
    },
    // The one scope Mendeley has, which it requires: the manipulation of all API resources.
    scope: 'all',
    apiBaseUrl: 'https://api.mendeley.com',
    tokenEndpointAuthMethod: 'client_secret_basic',
    pkce: false,
    refreshSendsRedirectUri: true,
    subjectClaim: 'id',
    hooks: { tokenResponse, profileClaims },
  }),
};
