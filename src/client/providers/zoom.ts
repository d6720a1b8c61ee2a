/**
 * Zoom (user-managed OAuth apps). Plain OAuth 2.0 without discovery or an ID
 * token: the person is the `id` of `GET /v2/users/me`, their Zoom user ID,
 * never the e-mail, which its owner may change. From Zoom's docs:
 * - endpoints: https://zoom.us/oauth/authorize and https://zoom.us/oauth/token,
 *   the client authenticating with HTTP Basic, base64 of `Client_ID:Client_Secret`
 *   as they are (RFC 7617: no RFC 6749 §2.3.1 form-encoding, under which the `_`
 *   Zoom's client ids hold would reach it as `%5F`); PKCE is supported; access
 *   tokens live one hour; every refresh answers a new refresh token and the one
 *   used stops working; a refresh token ends 90 days after it was issued, so the
 *   keep-alive sweep refreshes an unused connection before then
 *   (https://developers.zoom.us/docs/integrations/oauth/). An older support
 *   article gives 15 years
 *   (https://devsupport.zoom.us/hc/en-us/articles/360060332931): the shorter
 *   is kept, which costs an unused connection one refresh in 83 days, where
 *   the longer would lose it if wrong;
 * - `GET /users/me` (the `me` keyword stands for the token's user) answers
 *   `id`, `display_name`, `first_name`, `last_name`, `email`, and `verified`,
 *   an integer: 1 when the e-mail is verified, 0 when not
 *   (https://developers.zoom.us/docs/api/users/#tag/users/GET/users/{userId});
 *   the granular scope `user:read:user` allows it, and the API is
 *   https://api.zoom.us/v2 (https://developers.zoom.us/docs/api/);
 * - revocation is `POST https://zoom.us/oauth/revoke`, Basic-authenticated as
 *   above, with the access token as `token`, answered `{"status": "success"}`
 *   (the OAuth page, "Revoke an access token"). Zoom documents no
 *   `token_type_hint` and no refresh token there, where RFC 7009 starts with the
 *   refresh token: the preset's hook sends the access token, as documented.
 * A refresh token Zoom no longer takes is answered 400 `invalid_grant`
 * ("Invalid Token!"), as RFC 6749 §5.2 says: no rewriting is needed.
 */
import { ProviderUnavailableError, providerValueShown } from '../errors.js';
import { plainBasicAuthorization, type RevocationOutcome, type RevocationRequest } from '../provider-hooks.js';
import type { ProviderPreset } from './preset.js';
import { joinedName, trimmedText } from './profile-text.js';

/** `/users/me` with a `name` (the display name, else first and last) and `verified` (1 or 0) read as `email_verified`. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const user = body as Record<string, unknown>;
  const name = trimmedText(user.display_name) ?? joinedName(user.first_name, user.last_name);
  const claims: Record<string, unknown> = { ...user };
  if (name) claims.name = name;
  if (typeof user.email === 'string' && user.email !== '' && (user.verified === 1 || user.verified === 0)) claims.email_verified = user.verified === 1;
  return claims;
}

/** Ends the authorization with the access token at Zoom's revocation endpoint, as Zoom documents it (not RFC 7009's refresh token first). */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('Zoom revocation needs the revocation endpoint');
  const response = await request.send(request.revocationEndpoint, {
    method: 'POST',
    headers: { authorization: plainBasicAuthorization(request.clientId, request.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: request.accessToken }).toString(),
  });
  const body = (await response.json().catch(() => undefined)) as { status?: unknown; error?: unknown; reason?: unknown } | undefined;
  if (response.status === 200 && body?.status === 'success') return 'revoked';
  const said = typeof body?.reason === 'string' ? body.reason : typeof body?.error === 'string' ? body.error : undefined;
  const reason = said === undefined ? `HTTP ${response.status}` : providerValueShown(said);
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Zoom refused the token revocation (${reason}).`);
}

export const zoom: ProviderPreset = {
  displayName: 'Zoom',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://zoom.us/oauth/authorize',
      tokenEndpoint: 'https://zoom.us/oauth/token',
      userinfoEndpoint: 'https://api.zoom.us/v2/users/me',
      revocationEndpoint: 'https://zoom.us/oauth/revoke',
    },
    scope: 'user:read:user',
    apiBaseUrl: 'https://api.zoom.us/v2',
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    refreshTokenIdleSeconds: 90 * 86_400,
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email' },
    hooks: { profileClaims, revoke },
  }),
};
