/**
 * Intervals.icu (training analysis for athletes and coaches; an OAuth application is created by Intervals.icu on
 * request). Plain OAuth 2.0 with explicit endpoints: no discovery, no ID token. From Intervals.icu's own OAuth
 * guide, "Intervals.icu OAuth support" (https://forum.intervals.icu/t/intervals-icu-oauth-support/2759):
 * - `GET https://intervals.icu/oauth/authorize` with `client_id`, `redirect_uri`, `scope` and `state`; the person
 *   logs in and is shown the scopes asked, each of which they may leave ungranted; the redirect back carries `code`
 *   and `state`, or `error=access_denied` when they decline;
 * - scopes are `AREA:READ` or `AREA:WRITE` joined with commas (the guide's answer says
 *   `"scope": "ACTIVITY:WRITE,WELLNESS:WRITE"`); they are kept space-separated here and joined with commas only in
 *   the authorization request, and the token answer's own list is read back the same way;
 * - the code is exchanged "within 2 minutes" by `POST https://intervals.icu/api/oauth/token`, form data with
 *   `client_id` and `client_secret` beside the `code` (client_secret_post); the answer is `token_type` `Bearer`,
 *   `access_token`, `scope` (the scopes granted) and `athlete`, "the id and name of the athlete": the person is
 *   that `id`, read from the answer, so no profile call is made and no e-mail is known.
 * Intervals.icu's own API thread (https://forum.intervals.icu/t/api-access-to-intervals-icu/609) adds that the API
 * is `https://intervals.icu/api/v1` with an OAuth token as Bearer, and that athlete id `0` in a path stands for
 * the athlete of the token (`/athlete/0/activities`).
 * Not checked against Intervals.icu's own pages (the guide is read here only up to its token answer): that the
 * answer has no `expires_in` and no `refresh_token` (as Intervals.icu's client libraries describe it:
 * the token is kept without an expiry, and when Intervals.icu stops taking it the connection needs a new sign-in);
 * `DELETE https://intervals.icu/api/v1/disconnect-app` with the token as Bearer revoking it (those libraries'
 * reading of the same guide; the revoke hook calls it, and a 401 to a live token is taken as revoked already);
 * the scope areas (`ACTIVITY`, `WELLNESS`, `CALENDAR`, `CHATS`, `LIBRARY`, `SETTINGS`); the body of a refused token
 * request (RFC 6749 §5.2's is assumed) and what the API answers a token it no longer takes (a 401 is assumed);
 * whether PKCE is taken (none is sent).
 */
import { readTokenEndpointBody, rebuiltAnswer, type RevocationOutcome, type RevocationRequest } from '../provider-hooks.js';
import { revokeWithBearer } from './bearer-revocation.js';
import { commaJoinedScope, objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';
import { trimmedText } from './profile-text.js';

/** The token answer with its comma-joined `scope` space-separated (RFC 6749 §3.3); anything else as it came. */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (!fields || typeof fields.scope !== 'string' || !fields.scope.includes(',')) return rebuiltAnswer(response, response.status, text);
  const scope = fields.scope.split(',').map((name) => name.trim()).filter(Boolean).join(' ');
  return rebuiltAnswer(response, response.status, JSON.stringify({ ...fields, scope }), 'application/json');
}

/** The athlete of the code exchange's answer, its `id` (a string or a number, kept as text) and `name`: the person, never the tokens. */
function tokenResponseProfile(answer: Record<string, unknown>): Record<string, unknown> | undefined {
  const athlete = objectOf(answer.athlete);
  const id = typeof athlete?.id === 'number' && Number.isSafeInteger(athlete.id) ? String(athlete.id) : trimmedText(athlete?.id);
  if (!id) return undefined;
  const name = trimmedText(athlete!.name);
  return { id, ...(name ? { name } : {}) };
}

/** Ends the app's access with `DELETE /disconnect-app`, the token as Bearer. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.apiBaseUrl) throw new Error('Intervals.icu revocation needs the API base URL');
  return revokeWithBearer(request, `${withoutTrailingSlash(request.apiBaseUrl)}/disconnect-app`, { method: 'DELETE', headers: { ...request.apiHeaders } }, { provider: 'Intervals.icu', what: 'the app disconnection' });
}

export const intervals_icu: ProviderPreset = {
  displayName: 'Intervals.icu',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://intervals.icu/oauth/authorize',
      tokenEndpoint: 'https://intervals.icu/api/oauth/token',
    },
    scope: 'ACTIVITY:READ WELLNESS:READ',
    apiBaseUrl: 'https://intervals.icu/api/v1',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'id',
    claimNames: { name: 'name' },
    hooks: { authorizationScope: commaJoinedScope, tokenResponse, tokenResponseProfile, revoke },
  }),
};
