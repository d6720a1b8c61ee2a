/**
 * Strava. Plain OAuth 2.0 without discovery or an ID token. From Strava's
 * authentication docs (https://developers.strava.com/docs/authentication/):
 * - `GET https://www.strava.com/oauth/authorize` with `client_id`,
 *   `redirect_uri`, `response_type=code`, `approval_prompt` (`auto` by
 *   default) and `scope`, "a comma delimited string", e.g.
 *   `read,activity:read_all`; the person may untick any scope asked for, and
 *   the redirect back carries the accepted ones as `scope` beside `code` (or
 *   `error=access_denied`). Scopes are kept space-separated here and joined
 *   with commas only in the authorization request;
 * - `POST https://www.strava.com/oauth/token` takes `client_id` and
 *   `client_secret` in the body with the code or refresh token
 *   (client_secret_post); the answer has `token_type`, `access_token`,
 *   `expires_at` (epoch seconds), `expires_in` (six hours), `refresh_token`
 *   and, for the code only, `athlete`, a summary of the person: no `scope`
 *   and no e-mail (Strava's API exposes none). The person is the athlete's
 *   `id`, read from that answer: no userinfo call is made;
 * - a refresh answers the access token held when it still has more than an
 *   hour to live, else a new one; the refresh token in the answer "may or may
 *   not be the same", and once a new one is returned the older one stops
 *   working, so the latest is always kept;
 * - the API is https://www.strava.com/api/v3 and answers a token it no longer
 *   takes 401; `POST https://www.strava.com/oauth/deauthorize` with the
 *   `access_token` ends every token of the grant and removes the app from the
 *   athlete's settings.
 * Errors are Strava's own, `{ "message": "Bad Request", "errors": [{
 * "resource", "field", "code" }] }` (https://developers.strava.com/docs/reference/#api-models-Fault),
 * read here into RFC 6749 §5.2 codes: a code or refresh token refused
 * (resource `AuthorizationCode` or `RefreshToken`) is `invalid_grant`, the
 * client's credentials (`Application`) `invalid_client`. Those resource
 * names, the status of a wrong client secret (400 or 401) and the body of a
 * successful deauthorization are not documented: the names are those Strava's
 * clients report, and any 2xx to the deauthorization is taken. Strava
 * documents no PKCE, so none is sent, and no end to an unused refresh token.
 */
import { ProviderUnavailableError } from '../errors.js';
import { readTokenEndpointBody, rebuiltAnswer, type RevocationOutcome, type RevocationRequest } from '../provider-hooks.js';
import { commaJoinedScope, objectOf, type ProviderPreset } from './preset.js';
import { joinedName, trimmedText } from './profile-text.js';

/** The RFC 6749 §5.2 code for Strava's `errors`: what was refused, by the resource Strava names. */
function errorCode(errors: unknown[]): string {
  const resources = errors.map((entry) => objectOf(entry)?.resource);
  if (resources.includes('Application')) return 'invalid_client';
  if (resources.includes('AuthorizationCode') || resources.includes('RefreshToken')) return 'invalid_grant';
  return 'invalid_request';
}

/** Strava's `{ message, errors }` refusals at the token endpoint as RFC 6749 §5.2's `{ error, error_description }`; anything else as it came. */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (response.status < 400 || response.status >= 500 || !fields || typeof fields.error === 'string' || !Array.isArray(fields.errors)) {
    return rebuiltAnswer(response, response.status, text);
  }
  const said = fields.errors.map((entry) => {
    const { resource, field, code } = objectOf(entry) ?? {};
    return [resource, field, code].filter((part) => typeof part === 'string' && part !== '').join(' ');
  });
  const description = [typeof fields.message === 'string' ? fields.message : '', ...said].filter(Boolean).join(': ');
  const answer = { error: errorCode(fields.errors), ...(description ? { error_description: description } : {}) };
  return rebuiltAnswer(response, response.status, JSON.stringify(answer), 'application/json');
}

/** The scopes the person accepted, from the redirect back (`scope=read,activity:read_all`). */
function grantedScope(parameters: URLSearchParams): string | undefined {
  const scope = parameters.get('scope');
  return scope === null ? undefined : scope.split(',').map((token) => token.trim()).filter(Boolean).join(' ');
}

/** The athlete summary the code exchange answers: the person, never the tokens. */
function tokenResponseProfile(answer: Record<string, unknown>): Record<string, unknown> | undefined {
  const athlete = objectOf(answer.athlete);
  if (!athlete || (typeof athlete.id !== 'number' && typeof athlete.id !== 'string')) return undefined;
  const name = joinedName(athlete.firstname, athlete.lastname);
  return {
    ...athlete,
    ...(name ? { name } : {}),
    ...(trimmedText(athlete.profile) ? { picture: athlete.profile } : {}),
  };
}

/** Deauthorizes the app for the athlete: every token of the grant ends at Strava. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('Strava deauthorization needs the revocation endpoint');
  const response = await request.send(request.revocationEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ access_token: request.accessToken }).toString(),
  });
  await response.body?.cancel().catch(() => {});
  if (response.status >= 200 && response.status < 300) return 'revoked';
  // Strava answers 401 to a token it invalidated: the athlete already removed the app.
  if (response.status === 401 && (!request.accessTokenExpired || request.refreshTokenRefused)) return 'already_revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Strava answered HTTP ${response.status} to the deauthorization.`);
}

export const strava: ProviderPreset = {
  displayName: 'Strava',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://www.strava.com/oauth/authorize',
      tokenEndpoint: 'https://www.strava.com/oauth/token',
      revocationEndpoint: 'https://www.strava.com/oauth/deauthorize',
    },
    scope: 'read activity:read_all',
    apiBaseUrl: 'https://www.strava.com/api/v3',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'id',
    claimNames: { name: 'name', preferredUsername: 'username' },
    hooks: { authorizationScope: commaJoinedScope, grantedScope, tokenResponse, tokenResponseProfile, revoke },
  }),
};
