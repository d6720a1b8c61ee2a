/**
 * Pipedrive (Marketplace apps). Plain OAuth 2.0 without discovery or an ID
 * token. From Pipedrive's OAuth guide
 * (https://pipedrive.readme.io/docs/marketplace-oauth-authorization) and API
 * reference (https://developers.pipedrive.com/docs/api/v1/Oauth):
 * - `GET https://oauth.pipedrive.com/oauth/authorize` takes `client_id`,
 *   `redirect_uri` and `state` only: the scopes are those set on the app in
 *   Developer Hub, so none is asked for here; the token answer's `scope` lists
 *   what was granted, comma-separated (`base,deals:full`), which the preset's
 *   hook reads as RFC 6749 §3.3's space-separated list. Pipedrive documents no
 *   PKCE; the challenge is sent anyway, which RFC 7636 §4.5 has a server ignore;
 * - `POST https://oauth.pipedrive.com/oauth/token` with `Authorization: Basic`
 *   base64 of `client_id:client_secret` as they are; access tokens of about an
 *   hour (`expires_in`); the answer names `api_domain`, the company's own API
 *   origin (`https://{company}.pipedrive.com`), at every sign-in and refresh
 *   (https://developers.pipedrive.com/changelog/post/new-parameter-in-oauth-oauthtoken-responses):
 *   it is where that connection's API calls go, and it may change, so a
 *   refresh's `api_domain` replaces the kept one;
 * - a refresh token expires when unused for 60 days, each use starting the 60
 *   days again, so the keep-alive sweep refreshes an unused connection before
 *   then. Pipedrive's own pages stored here did not show that sentence in full:
 *   it is from summaries of the guide, not read on the guide itself. Whether a
 *   refresh answers a new refresh token is not said either: whichever it
 *   answers is kept;
 * - the person is `GET {api_domain}/api/v1/users/me`, answered
 *   `{"success": true, "data": {"id", "name", "email", "company_id", …}}`
 *   (https://developers.pipedrive.com/docs/api/v1/Users#getCurrentUser): `data.id`
 *   is the subject. The e-mail is the login of the Pipedrive account, which
 *   Pipedrive does not say it verified: it is kept as not known to be;
 * - revocation is RFC 7009 at `https://oauth.pipedrive.com/oauth/revoke`, with
 *   the same Basic credentials; revoking the refresh token ends the
 *   installation (https://pipedrive.readme.io/docs/app-uninstallation);
 * - an API call with a token Pipedrive does not take is 401
 *   `{"success": false, "error": …, "errorCode": 401}`
 *   (https://pipedrive.readme.io/docs/core-api-concepts-http-status-codes).
 *   Pipedrive documents no body for a refused token request: RFC 6749 §5.2's
 *   `error` is assumed, and an answer without one is a provider fault (502).
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import type { ProviderPreset } from './preset.js';

/** `data` of `/api/v1/users/me` when Pipedrive says it succeeded. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const { success, data } = body as { success?: unknown; data?: unknown };
  if (success !== true || data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
  return data as Record<string, unknown>;
}

/** The token answer with its comma-separated `scope` space-separated (RFC 6749 §3.3); anything else as it came. */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (!fields || typeof fields.scope !== 'string' || !fields.scope.includes(',')) return rebuiltAnswer(response, response.status, text);
  const scope = fields.scope.split(',').map((name) => name.trim()).filter(Boolean).join(' ');
  return rebuiltAnswer(response, response.status, JSON.stringify({ ...fields, scope }), 'application/json');
}

export const pipedrive: ProviderPreset = {
  displayName: 'Pipedrive',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://oauth.pipedrive.com/oauth/authorize',
      tokenEndpoint: 'https://oauth.pipedrive.com/oauth/token',
      revocationEndpoint: 'https://oauth.pipedrive.com/oauth/revoke',
    },
    scope: '',
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    connectionApiBase: { member: 'api_domain', domains: ['pipedrive.com'], userinfoPath: '/api/v1/users/me' },
    refreshTokenIdleSeconds: 60 * 86_400,
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email' },
    hooks: { profileClaims, tokenResponse },
  }),
};
