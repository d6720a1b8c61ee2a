/**
 * Reddit (web apps). Plain OAuth 2.0 without discovery or an ID token: the
 * person is the `id` of `GET https://oauth.reddit.com/api/v1/me` (with the
 * `identity` scope), `name` their username; Reddit gives no e-mail. From
 * Reddit's OAuth2 wiki (https://github.com/reddit-archive/reddit/wiki/OAuth2):
 * - `https://www.reddit.com/api/v1/authorize` with `client_id`,
 *   `response_type=code`, `state`, `redirect_uri`, `duration=permanent` (for
 *   a refresh token: every access token ends after one hour) and a
 *   space-separated `scope` (commas are taken too); a refusal comes back as
 *   `error=access_denied`;
 * - `POST https://www.reddit.com/api/v1/access_token` with the client's id
 *   and secret in HTTP Basic, which Reddit decodes without undoing any
 *   form-encoding (`parse_http_basic` in its published source,
 *   https://github.com/reddit-archive/reddit/blob/master/r2/r2/lib/utils/utils.py),
 *   so they are sent as they are: its client ids hold `-` and `_`. The answer
 *   is `{ access_token, token_type: "bearer", expires_in, scope,
 *   refresh_token }`; the wiki calls `expires_in` "Unix Epoch Seconds", but
 *   the source (`int(access_token._ttl)`) and the one-hour lifetime it
 *   states make it the seconds left, as RFC 6749 has it. A refresh answers
 *   no refresh token: the one held stays in use;
 * - the token endpoint's refusals (https://github.com/reddit-archive/reddit/blob/master/r2/r2/controllers/oauth2.py):
 *   a code it will not redeem is `{"error": "invalid_grant"}` with HTTP 200,
 *   as are the exchange's other errors; a refresh token it does not know is
 *   400 `{"error": "invalid_request"}`; client credentials it does not take
 *   are a bare 401. They are read here as RFC 6749 §5.2 has them: 400
 *   `invalid_grant` for a refused code or refresh token, 401 `invalid_client`;
 * - API calls go to https://oauth.reddit.com with `Authorization: bearer`;
 * - `POST https://www.reddit.com/api/v1/revoke_token` with the same Basic
 *   credentials, `token` and `token_type_hint` answers 204, even for a token
 *   it no longer knows (RFC 7009); revoking the refresh token revokes its
 *   access tokens too, so the refresh token is what is sent.
 * Reddit's API rules (https://github.com/reddit-archive/reddit/wiki/API) ask
 * every request to carry a unique, descriptive User-Agent,
 * `<platform>:<app ID>:<version string> (by /u/<reddit username>)`, and
 * throttle generic ones: the token, userinfo, API and revocation requests
 * carry `server:<client id>:v1 (Tokenkeeper OAuth token service)`, the app
 * named by its own client id so that no two apps share one, whatever
 * User-Agent a caller of the proxies sends (a browser's own would not say
 * which app is calling). The contact the rules ask for, the operator's
 * Reddit username, is not known here: `<NAME>_USER_AGENT` gives the whole
 * User-Agent with it, e.g. `server:my-app:v1 (by /u/my_username)`. The current API terms
 * (rate limits, which apps may use the API) are Reddit's to set and are not
 * checked here.
 */
import { ProviderUnavailableError } from '../errors.js';
import { plainBasicAuthorization, readTokenEndpointBody, rebuiltAnswer, type RevocationOutcome, type RevocationRequest } from '../provider-hooks.js';
import type { ProviderPreset } from './preset.js';

/** A User-Agent in the form Reddit's API rules ask for, naming the app by its client id (Reddit's "app ID"). */
function redditUserAgent(clientId: string): string {
  const app = /^[\w.-]+$/.test(clientId) ? clientId : 'tokenkeeper';
  return `server:${app}:v1 (Tokenkeeper OAuth token service)`;
}

/** Every request to the token endpoint names the client as Reddit asks. */
function tokenRequestWith(userAgent: string) {
  return (request: { body: URLSearchParams; headers: Record<string, string> }): { body: string; headers: Record<string, string> } => {
    const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => name.toLowerCase() !== 'user-agent'));
    return { body: request.body.toString(), headers: { ...headers, 'user-agent': userAgent } };
  };
}

/**
 * Reddit's token answers in RFC 6749 §5.2 shape: an `error` sent with HTTP 200 becomes a 400 (a refused code is
 * `invalid_grant`), a refresh refused with 400 `invalid_request` (the refresh token unknown) becomes `invalid_grant`,
 * and a 401 without an RFC 6749 error becomes `invalid_client`.
 */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  const error = typeof fields?.error === 'string' ? fields.error : undefined;
  const description = typeof fields?.error_description === 'string' ? { error_description: fields.error_description } : {};
  if (response.status === 200 && error !== undefined) return rebuiltAnswer(response, 400, JSON.stringify({ error, ...description }), 'application/json');
  if (response.status === 400 && error === 'invalid_request') {
    return rebuiltAnswer(response, 400, JSON.stringify({ error: 'invalid_grant', error_description: 'Reddit did not take the refresh token (invalid_request).' }), 'application/json');
  }
  // Its `WWW-Authenticate: Basic` challenge, which names no error, is dropped by the core once the body names one.
  if (response.status === 401 && error === undefined) return rebuiltAnswer(response, 401, JSON.stringify({ error: 'invalid_client' }), 'application/json');
  return rebuiltAnswer(response, response.status, text);
}

/** Revokes at /api/v1/revoke_token: the refresh token when there is one (its access tokens end with it), else the access token. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  const userAgent = request.apiHeaders['user-agent'] ?? redditUserAgent(request.clientId);
  if (!request.revocationEndpoint) throw new Error('Reddit revocation needs the revocation endpoint');
  const [token, hint] = request.refreshToken ? [request.refreshToken, 'refresh_token'] : [request.accessToken, 'access_token'];
  const response = await request.send(request.revocationEndpoint, {
    method: 'POST',
    headers: {
      authorization: plainBasicAuthorization(request.clientId, request.clientSecret),
      'content-type': 'application/x-www-form-urlencoded',
      'user-agent': userAgent,
    },
    body: new URLSearchParams({ token, token_type_hint: hint }).toString(),
  });
  await response.body?.cancel().catch(() => {});
  if (response.status >= 200 && response.status < 300) return 'revoked';
  if (response.status === 401) throw new ProviderUnavailableError('provider_bad_response', 'Reddit refused the client credentials of the token revocation (HTTP 401): check the client id and secret.');
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Reddit answered HTTP ${response.status} to the token revocation.`);
}

export const reddit: ProviderPreset = {
  displayName: 'Reddit',
  values: { userAgent: 'optional' },
  settings: ({ userAgent: configured }, client) => {
    const userAgent = configured ?? redditUserAgent(client?.clientId ?? '');
    return {
      endpoints: {
        authorizationEndpoint: 'https://www.reddit.com/api/v1/authorize',
        tokenEndpoint: 'https://www.reddit.com/api/v1/access_token',
        userinfoEndpoint: 'https://oauth.reddit.com/api/v1/me',
        revocationEndpoint: 'https://www.reddit.com/api/v1/revoke_token',
      },
      scope: 'identity',
      authorizationParams: { duration: 'permanent' },
      apiBaseUrl: 'https://oauth.reddit.com',
      apiHeaders: { 'user-agent': userAgent },
      fixedApiHeaders: ['user-agent'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      // Reddit documents no PKCE.
      pkce: false,
      subjectClaim: 'id',
      claimNames: { name: 'name', preferredUsername: 'name' },
      hooks: { tokenRequest: tokenRequestWith(userAgent), tokenResponse, revoke },
    };
  },
};
