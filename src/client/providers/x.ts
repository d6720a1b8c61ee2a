/**
 * X (formerly Twitter), OAuth 2.0 Authorization Code Flow with PKCE, as a
 * confidential client. Plain OAuth 2.0: no ID token; the person is the `id`
 * of `GET /2/users/me` (usernames are unique but may change). From X's docs:
 * - endpoints (x.com/i/oauth2/authorize, api.x.com/2/oauth2/token and
 *   /2/oauth2/revoke), PKCE required, HTTP Basic client authentication for a
 *   confidential client, space-separated scopes, a refresh token only with
 *   `offline.access`, access tokens of two hours, codes that live 30 seconds
 *   (https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code,
 *   https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token);
 * - refresh tokens rotate: keep the newest one
 *   (https://docs.x.com/x-ads-api/mcp);
 * - `users.email` and the `confirmed_email` user field give the e-mail
 *   (https://docs.x.com/x-api/fundamentals/data-dictionary);
 * - every v2 answer wraps its object in `data`
 *   (https://docs.x.com/x-api/fundamentals/response-codes-and-errors).
 * Its departures handled here: the profile is under `data`; and X refuses a
 * bad code, verifier or refresh token with `invalid_request` ("Value passed
 * for the … was invalid"), where RFC 6749 §5.2 says `invalid_grant` (X does
 * not document its token errors; this is the answer its endpoint gives).
 * And X documents Basic as RFC 2617 (base64 of `id:secret` as they are),
 * where RFC 6749 §2.3.1 form-encodes both first: a secret holding `-`, `_`
 * or `.` would reach X as `%2D`, `%5F`, `%2E`, so credentials go plain.
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import type { ProviderPreset } from './preset.js';

/** X's wording for a grant it no longer accepts: an authorization code, a PKCE verifier, a refresh token. */
const REFUSED_GRANT = /^Value passed for the (authorization code|code verifier|token)\b/i;

/** X's refusals of a grant, as the RFC 6749 §5.2 `invalid_grant` they mean; every other answer as it was. */
async function tokenResponse(response: Response): Promise<Response> {
  if (response.status !== 400) return response;
  const { text, fields } = await readTokenEndpointBody(response);
  const description = fields?.error_description;
  if (fields?.error === 'invalid_request' && typeof description === 'string' && REFUSED_GRANT.test(description)) {
    return rebuiltAnswer(response, 400, JSON.stringify({ error: 'invalid_grant', error_description: description, x_error: 'invalid_request' }), 'application/json');
  }
  return rebuiltAnswer(response, response.status, text);
}

/** `{ data: { id, name, username, confirmed_email } }` as profile claims; a confirmed e-mail is a verified one. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const data = (body as { data?: unknown } | null)?.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const user = data as Record<string, unknown>;
  const email = typeof user.confirmed_email === 'string' && user.confirmed_email !== '' ? user.confirmed_email : undefined;
  return email ? { ...user, email, email_verified: true } : user;
}

export const x: ProviderPreset = {
  displayName: 'X',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://x.com/i/oauth2/authorize',
      tokenEndpoint: 'https://api.x.com/2/oauth2/token',
      userinfoEndpoint: 'https://api.x.com/2/users/me?user.fields=confirmed_email',
      revocationEndpoint: 'https://api.x.com/2/oauth2/revoke',
    },
    scope: 'tweet.read users.read users.email offline.access',
    apiBaseUrl: 'https://api.x.com',
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email', preferredUsername: 'username' },
    hooks: { tokenResponse, profileClaims },
  }),
};
