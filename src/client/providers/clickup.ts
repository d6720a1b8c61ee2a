/**
 * ClickUp (OAuth apps, which reach the Workspaces a person authorizes).
 * Plain OAuth 2.0 without discovery, scopes or an ID token. From ClickUp's
 * docs (https://developer.clickup.com/docs/authentication):
 * - `GET https://app.clickup.com/api` with `client_id`, `redirect_uri` (one
 *   of the app's redirect URLs) and `state`; there are no scopes: the person
 *   picks the Workspaces the app may reach (`GET /api/v2/team` lists them),
 *   so none is sent;
 * - `POST https://api.clickup.com/api/v2/oauth/token` with `client_id`,
 *   `client_secret` and `code`, which ClickUp's reference names as query
 *   parameters (https://developer.clickup.com/reference/getaccesstoken);
 *   they are sent in the form body as RFC 6749 §2.3.1 has it (never a secret
 *   in a URL). The answer is `{ "access_token": "…" }` alone, read as
 *   Bearer for want of the `token_type` RFC 6749 §5.1 requires
 *   (omitsTokenType). The token "currently does not expire", and there is no
 *   refresh token;
 * - OAuth tokens go in `Authorization: Bearer {access_token}` "for all API
 *   requests made on behalf of the user" (same page; only personal `pk_`
 *   tokens are sent bare, which no connection here holds). The API is
 *   `https://api.clickup.com/api`, v2 and v3 side by side;
 * - errors are `{ "err": "…", "ECODE": "…" }`: `OAUTH_010` a client not
 *   found, `OAUTH_019`, `OAUTH_021`, `OAUTH_025` and `OAUTH_077` a token the
 *   person revoked, which then needs a new sign-in
 *   (https://developer.clickup.com/docs/common_errors). The tokenResponse
 *   hook reads a refused token request in that shape as RFC 6749 §5.2's
 *   `invalid_client` (OAUTH_010, or HTTP 401) or `invalid_grant` (another
 *   4xx: the code not taken);
 * - the person is `GET /api/v2/user`, `{ user: { id, username, email, … } }`
 *   (https://developer.clickup.com/reference/getauthorizeduser): `id` is the
 *   subject, `username` the name, the e-mail kept with its verification
 *   unknown;
 * - there is no revocation endpoint: disconnect deletes the token here, and
 *   the person removes the app in their ClickUp settings.
 * Not checked against ClickUp's pages: whether the token endpoint reads a
 * form body (integrations send the client in a form or JSON body, and its
 * reference shows the query), the HTTP status and ECODE of a refused code
 * or a wrong client secret (OAUTH_010 and 401 are assumed for the client),
 * whether PKCE is taken (the challenge is sent, which RFC 7636 §4.5 has a
 * server ignore), and the HTTP status of a call with a revoked token (401
 * is assumed, as integrations report it).
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import type { ProviderPreset } from './preset.js';

/** The user of `GET /api/v2/user`'s `{ user }`. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = body !== null && typeof body === 'object' ? (body as { user?: unknown }).user : undefined;
  return user !== null && typeof user === 'object' && !Array.isArray(user) ? (user as Record<string, unknown>) : undefined;
}

/** ClickUp's `{ err, ECODE }` refusal of a token request as an RFC 6749 §5.2 `error` code; anything else as it came. */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (!fields || response.ok) return rebuiltAnswer(response, response.status, text);
  if (response.status >= 500 || typeof fields.error === 'string' || (typeof fields.err !== 'string' && typeof fields.ECODE !== 'string')) return rebuiltAnswer(response, response.status, text);
  const error = fields.ECODE === 'OAUTH_010' || response.status === 401 ? 'invalid_client' : 'invalid_grant';
  const description = [fields.err, fields.ECODE].filter((part) => typeof part === 'string').join(' ');
  return rebuiltAnswer(response, error === 'invalid_client' ? 401 : 400, JSON.stringify({ error, error_description: description }), 'application/json');
}

export const clickup: ProviderPreset = {
  displayName: 'ClickUp',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://app.clickup.com/api',
      tokenEndpoint: 'https://api.clickup.com/api/v2/oauth/token',
      userinfoEndpoint: 'https://api.clickup.com/api/v2/user',
    },
    scope: '',
    apiBaseUrl: 'https://api.clickup.com/api',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
    claimNames: { name: 'username', email: 'email' },
    omitsTokenType: true,
    hooks: { profileClaims, tokenResponse },
  }),
};
