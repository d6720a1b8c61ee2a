/**
 * Edlink (an application made in the Edlink dashboard, its Application ID and Secret Key as the client, the callback
 * among its redirect URIs): Edlink's OAuth 2.0 single sign-on, which sends the person to the identity provider of
 * their school's integration (an LMS or SIS) and back. From Edlink's developer docs:
 * - Authorize: `GET https://ed.link/sso/login` with `client_id`, `redirect_uri`, `state` and `response_type=code`
 *   (https://ed.link/docs/guides/v2.0/sso/oauth2, https://ed.link/docs/api/v2.0/oauth2/login); no scopes and no
 *   PKCE are named for it, so none is asked or sent;
 * - Token: `POST https://ed.link/api/authentication/token` with `code`, `client_id`, `client_secret` (the client in
 *   the body, not Basic), `redirect_uri` and `grant_type`, or `refresh_token` and `grant_type=refresh_token`
 *   (https://ed.link/docs/api/v2.0/oauth2/token). The answer is wrapped in `$data` (`access_token`,
 *   `refresh_token`, `expires_in`), which the tokenResponse hook unwraps; access tokens always last 60 minutes and
 *   refresh tokens do not expire (https://ed.link/docs/api/v2.0/authorization/user);
 * - errors come as `{ "$request", "$errors": [{ "code", "message" }] }`
 *   (https://ed.link/docs/guides/v2.0/features/errors-warnings); an access token Edlink no longer takes is a 400
 *   `INVALID_TOKEN` or `EXPIRED_TOKEN` (https://ed.link/docs/api/v2.0/responses/errors), which the tokenRejected
 *   hook reads as a 401 would be;
 * - the person is `GET https://ed.link/api/v2/my/profile`'s `$data` (https://ed.link/docs/api/v2.0/people/user-get-profile),
 *   keyed by its `id`: a stable UUID that does not change when the e-mail does, tied to the person's account in the
 *   source system, which Edlink says to match people by, never the e-mail, which many sources never verify
 *   (https://ed.link/docs/guides/v2.0/security/selecting-a-unique-identifier); so the e-mail is kept unverified.
 *   The API base is `https://ed.link/api/v2` (the User API, e.g. `/my/classes`).
 * Not checked against Edlink's pages: whether a refresh answers a new refresh token (the newest answered is kept);
 * the token endpoint's refusals (its `$errors` are read as RFC 6749's: a code naming the client as
 * `invalid_client`, any other as `invalid_grant`); whether the body may be a form (sent so, as RFC 6749 has it and
 * an integration of Edlink does; Edlink's samples post an object); `access_denied` for a person who declines;
 * revocation (none is documented: disconnect forgets the tokens here).
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/** The codes of Edlink's `$errors`, upper-cased, or none when the body holds no `$errors` list. */
function errorCodes(fields: Record<string, unknown> | undefined): string[] | undefined {
  const errors = fields?.$errors;
  if (!Array.isArray(errors)) return undefined;
  return errors.map((error) => (trimmedText(objectOf(error)?.code) ?? '').toUpperCase());
}

/** Edlink's `{ $data }` token answers and `{ $errors }` refusals as RFC 6749 §5.1/§5.2's. */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  const data = objectOf(fields?.$data);
  if (response.ok && typeof data?.access_token === 'string') {
    return rebuiltAnswer(response, 200, JSON.stringify({ token_type: 'Bearer', ...data }), 'application/json');
  }
  const codes = errorCodes(fields);
  if (!codes || response.status >= 500) return rebuiltAnswer(response, response.status, text);
  const client = codes.some((code) => code.includes('CLIENT'));
  const message = trimmedText(objectOf((fields!.$errors as unknown[])[0])?.message);
  const refusal = { error: client ? 'invalid_client' : 'invalid_grant', ...textMembers({ error_description: message }), edlink_codes: codes };
  return rebuiltAnswer(response, client ? 401 : 400, JSON.stringify(refusal), 'application/json');
}

/** The person in `/my/profile`'s `$data`: the id, the names and the e-mail as the source gave it. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const person = objectOf(objectOf(body)?.$data);
  const id = trimmedText(person?.id);
  if (!person || !id) return undefined;
  const name = trimmedText(person.display_name) ?? joinedName(person.first_name, person.last_name);
  const roles = Array.isArray(person.roles) ? { roles: person.roles.filter((role) => typeof role === 'string') } : {};
  return { id, ...textMembers({ name, given_name: person.first_name, family_name: person.last_name, email: person.email, picture: person.picture_url, district_id: person.district_id }), ...roles };
}

/** A User API answer that is Edlink's 400 for an access token it does not take (invalid or expired). */
async function tokenRejected(response: Response): Promise<boolean> {
  if (response.status !== 400) return false;
  const { fields } = await readTokenEndpointBody(response);
  return (errorCodes(fields) ?? []).some((code) => code === 'INVALID_TOKEN' || code === 'EXPIRED_TOKEN');
}

export const edlink: ProviderPreset = {
  displayName: 'Edlink',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://ed.link/sso/login',
      tokenEndpoint: 'https://ed.link/api/authentication/token',
      userinfoEndpoint: 'https://ed.link/api/v2/my/profile',
    },
    // None: Edlink's OAuth 2.0 SSO names no scopes; what an application sees is its integrations' sharing rules.
    scope: '',
    apiBaseUrl: 'https://ed.link/api/v2',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'id',
    hooks: { tokenResponse, profileClaims, tokenRejected },
  }),
};
