/**
 * Netatmo (Netatmo Connect: an app created at https://dev.netatmo.com/apps/
 * with the callback as its redirect URI). Plain OAuth 2.0 authorization code
 * with explicit endpoints on `https://api.netatmo.com`: no discovery, no ID
 * token. From Netatmo's pages:
 * - the authorization code grant is the way an app gets a person's tokens
 *   (https://dev.netatmo.com/apidocumentation/oauth#authorization-code):
 *   `GET /oauth2/authorize` with `client_id`, `redirect_uri`, `scope` and
 *   `state`, the person sent back with the `code` and `state`, then
 *   `POST /oauth2/token` with `grant_type=authorization_code`, the client's
 *   id and secret, the code and the redirect URI in the form body;
 * - a scope is granted only when the person authorizes it, and the default
 *   scope is `read_station` (https://dev.netatmo.com/guideline), which is
 *   asked; another product's scopes (`read_thermostat`, `read_camera`…) are
 *   set with `<NAME>_SCOPE`. The `access_*` camera scopes are given to an
 *   app only after Netatmo reviews it (same page);
 * - the token answer is `access_token`, `refresh_token`, `expires_in` (three
 *   hours, 10800) and `scope` as a JSON array of strings, without
 *   `token_type`: the tokenResponse hook joins the scope with spaces and
 *   adds `token_type: Bearer`, as RFC 6749 §5.1 has them. A refresh
 *   (`grant_type=refresh_token` with the client in the form) answers a new
 *   refresh token, which is kept;
 * - an app may keep only the access and refresh tokens, never the person's
 *   credentials (https://dev.netatmo.com/guideline);
 * - the API is `https://api.netatmo.com/api` with the token as
 *   `Authorization: Bearer` (`GET /api/homesdata`, the person's homes:
 *   https://dev.netatmo.com/apidocumentation/energy#homesdata);
 * - the API refuses a token it does not take with HTTP 403 and an `error`
 *   object, code 2 "Invalid access token" or 3 "Access token expired"
 *   (https://dev.netatmo.com/apidocumentation/general#errors): the
 *   tokenRejected hook reads those as a 401, so the token is refreshed.
 * Netatmo's pages name no user endpoint and no identifier of the person that
 * they say is stable and never given to another account (homesdata's `user`
 * carries an `id` beside the e-mail, but what it is, and whether it lasts, is
 * not written there): so the preset is connect-only. A person signs in here
 * with another provider and connects Netatmo from the account page; the
 * connection's subject is their own id here, and no profile is read.
 * Not checked against Netatmo's pages (read here only through copies and
 * integrations' code): whether the refresh token used stops working once a
 * new one is issued (a new one is always kept); the authorization request's
 * answer to a person who declines (RFC 6749's `access_denied` assumed) and
 * the token endpoint's refusals (§5.2's `error` assumed); whether PKCE is
 * read (none is sent).
 * Netatmo documents no revocation: disconnect forgets the tokens here.
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import { objectOf, type ProviderPreset } from './preset.js';

/** Netatmo's API error codes for an access token it does not take: 2 "Invalid access token", 3 "Access token expired". */
const TOKEN_ERRORS = new Set([2, 3]);

/** A token answer's `scope` array joined with spaces and `token_type: Bearer` added, as RFC 6749 §5.1 has them; any other answer as it came. */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (response.status !== 200 || typeof fields?.access_token !== 'string') return rebuiltAnswer(response, response.status, text);
  const scope = Array.isArray(fields.scope) ? fields.scope.filter((value): value is string => typeof value === 'string').join(' ') : fields.scope;
  return rebuiltAnswer(response, 200, JSON.stringify({ ...fields, scope, token_type: fields.token_type ?? 'Bearer' }), 'application/json');
}

/** Whether a 403 is Netatmo's refusal of the access token (error code 2 or 3), not of the request. */
async function tokenRejected(response: Response): Promise<boolean> {
  if (response.status !== 403) return false;
  const { fields } = await readTokenEndpointBody(response);
  const code = objectOf(fields?.error)?.code;
  return typeof code === 'number' && TOKEN_ERRORS.has(code);
}

export const netatmo: ProviderPreset = {
  displayName: 'Netatmo',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://api.netatmo.com/oauth2/authorize',
      tokenEndpoint: 'https://api.netatmo.com/oauth2/token',
    },
    scope: 'read_station',
    apiBaseUrl: 'https://api.netatmo.com/api',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    connectOnly: true,
    hooks: { tokenResponse, tokenRejected },
  }),
};
