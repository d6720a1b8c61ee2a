/**
 * Front (an app made in Front's developer settings with OAuth on, the scopes
 * its calls need set there, and the callback as its redirect URI). Plain
 * OAuth 2.0, the authorization code grant only, with explicit endpoints: no
 * discovery, no ID token. From Front's OAuth guide
 * (https://dev.frontapp.com/docs/oauth; the token steps as the Markdown
 * source of Front's API documentation has them, `_oauth.md`, as the live
 * page's later sections were not at hand):
 * - `GET https://app.frontapp.com/oauth/authorize` with
 *   `response_type=code`, `client_id`, `redirect_uri` and an optional
 *   `state`; there is no scope parameter: the scopes are set on the app and
 *   the person installing it (an admin of the Front company) authorizes
 *   them, so none is sent;
 * - `POST https://app.frontapp.com/oauth/token`, the client authenticated
 *   with HTTP Basic of its id and secret (RFC 2617's scheme: as they are,
 *   not form-encoded first), the form `grant_type=authorization_code`,
 *   `code` and `redirect_uri`, or `grant_type=refresh_token` and
 *   `refresh_token`. The answer is `access_token`, `refresh_token` and
 *   `token_type: "Bearer"`; an access token expires an hour after it is
 *   issued, and the API then answers 401. A refresh answers a new access
 *   token and "the same, or new" refresh token, kept in its place. A refresh
 *   token ends six months after it was issued, unless Front renews it at a
 *   refresh when it is about to end;
 * - the API is `https://api2.frontapp.com` with the token as Bearer
 *   (https://dev.frontapp.com/docs/authentication); `GET /me` ("API Token
 *   details" in the Core API's Token Identity) answers the token's identity:
 *   the Front company's `id` (`cmp_…`), the subject, and its `name`, with
 *   `_links`. An OAuth token is the company's, so every admin of one company
 *   signs in here as one person, with no e-mail.
 * Not checked against Front's own pages: the members of the token answer
 * beyond those three (integrations read an `expires_at` time beside them:
 * the tokenResponse hook makes it, or else the documented hour, the
 * `expires_in` RFC 6749 §5.1 names), how soon before its end a refresh token
 * is renewed (so no keep-alive is set: a connection unused for six months
 * needs signing in again), `/me`'s members (as Front's published OpenAPI
 * document names them), the token endpoint's refusals (RFC 6749 §5.2's
 * `error` assumed), a declined authorization (`access_denied` assumed),
 * whether PKCE is read (the challenge is sent, which RFC 7636 §4.5 has a
 * server ignore), and any revocation endpoint (none is documented:
 * disconnect deletes the tokens here, and the app is uninstalled in Front's
 * settings).
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import type { ProviderPreset } from './preset.js';

/** An access token lives an hour. */
const ACCESS_TOKEN_SECONDS = 60 * 60;

/**
 * Front's token answer with the `expires_in` RFC 6749 §5.1 names: from an `expires_at` time when it has one
 * (epoch seconds, or milliseconds when it is that large), else the documented hour; anything else as it came.
 */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (!response.ok || !fields || typeof fields.access_token !== 'string' || fields.expires_in !== undefined) return rebuiltAnswer(response, response.status, text);
  const { expires_at: expiresAt, ...rest } = fields;
  let expiresIn = ACCESS_TOKEN_SECONDS;
  if (typeof expiresAt === 'number' && Number.isFinite(expiresAt) && expiresAt > 0) {
    const endMs = expiresAt > 1e11 ? expiresAt : expiresAt * 1000;
    expiresIn = Math.max(0, Math.floor((endMs - Date.now()) / 1000));
  }
  return rebuiltAnswer(response, response.status, JSON.stringify({ ...rest, expires_in: expiresIn }), 'application/json');
}

export const front: ProviderPreset = {
  displayName: 'Front',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://app.frontapp.com/oauth/authorize',
      tokenEndpoint: 'https://app.frontapp.com/oauth/token',
      userinfoEndpoint: 'https://api2.frontapp.com/me',
    },
    scope: '',
    apiBaseUrl: 'https://api2.frontapp.com',
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    subjectClaim: 'id',
    claimNames: { name: 'name' },
    hooks: { tokenResponse },
  }),
};
