/**
 * Miro (REST API apps, https://developers.miro.com/docs/getting-started-with-oauth).
 * Plain OAuth 2.0 without discovery or an ID token. From Miro's docs:
 * - `GET https://miro.com/oauth/authorize` takes `response_type=code`,
 *   `client_id`, `redirect_uri`, `state` and an optional `team_id`
 *   (https://developers.miro.com/reference/ne-create-authorization-request-link);
 *   no `scope`: the app's permissions (`boards:read`, `boards:write`,
 *   `identity:read`, `team:read`, …) are ticked on the app and named in the
 *   token answer's `scope`, so none is sent
 *   (https://developers.miro.com/reference/scopes). The person installs
 *   the app for one team;
 * - `POST https://api.miro.com/v1/oauth/token` exchanges the code (once,
 *   within 10 minutes) with `client_id`, `client_secret` and
 *   `redirect_uri`; the reference shows them as query parameters only for its
 *   try-it console and recommends the request body, as RFC 6749 §4.1.3 has
 *   it (https://developers.miro.com/reference/exchange-authorization-code-with-access-token).
 *   The answer is `access_token`, `token_type: "bearer"`, `scope`,
 *   `user_id`, `team_id` (a number past 2^53, unused here) and, for an app
 *   with expiring tokens, `expires_in` (an hour) and `refresh_token`
 *   (60 days); an app without them gets a token that works until the app is
 *   uninstalled from the team, with no `expires_in` or refresh token. The
 *   choice is made when the app is created
 *   (https://developers.miro.com/reference/oauth-20-authorization-v2);
 * - a refresh (`grant_type=refresh_token`, the client in the form body)
 *   answers a new access token and a new refresh token, and "the old access
 *   token and refresh token are no longer valid"
 *   (https://developers.miro.com/reference/get-new-access-token-using-refresh-token):
 *   the new one is kept, and as each refresh token ends 60 days after it was
 *   issued, the keep-alive sweep refreshes a connection nobody used within
 *   that time;
 * - the person is `GET https://api.miro.com/v1/oauth-token`, the token's
 *   context: `type`, `scopes`, `team` and `user` (`{ id, name, type }`),
 *   `createdBy` and `organization`
 *   (https://developers.miro.com/reference/get-access-token-context): the
 *   subject is `user.id`, with its name; Miro names no e-mail there, so none
 *   is stored. The team and organization are kept with the profile;
 * - `POST https://api.miro.com/v2/oauth/revoke` takes a JSON body
 *   `{ accessToken, clientId, clientSecret }` and ends the access token and
 *   its refresh token, without uninstalling the app
 *   (https://developers.miro.com/reference/revoke-token-v2); the older
 *   `/v1/oauth/revoke?access_token=…` stopped working after February 15,
 *   2025 (https://developers.miro.com/changelog/2024-12-16). Not RFC 7009's
 *   form, so the revoke hook sends it Miro's way;
 * - API errors are `{ status, code, message, type: "error" }`, `401
 *   tokenNotProvided` without a token.
 * Not checked against Miro's pages: whether PKCE is taken (the challenge is
 * sent, which RFC 7636 §4.5 has a server ignore), the status of a successful
 * revocation (any 2xx is taken) and its answer for a token already ended
 * (400 or 401 for a token that was live is taken as revoked, as after an
 * uninstall), the body of a refused token request (RFC 6749 §5.2 is
 * assumed), and the status Miro answers a request with an ended token (401
 * is assumed).
 */
import { ProviderUnavailableError } from '../errors.js';
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import type { ProviderPreset } from './preset.js';

/** Sixty days, how long a Miro refresh token lives. */
const REFRESH_TOKEN_LIFETIME = 60 * 24 * 60 * 60;

/** The token context's `user` as the profile (`id`, `name`), with the team and organization kept beside it. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const context = body as Record<string, unknown>;
  const user = context.user;
  if (user === null || typeof user !== 'object' || Array.isArray(user)) return undefined;
  const { id, name } = user as Record<string, unknown>;
  if (typeof id !== 'string' && typeof id !== 'number') return undefined;
  return { id: String(id), name, team: context.team, organization: context.organization, scopes: context.scopes };
}

/** Revokes at Miro's v2 endpoint: the access token and the client in a JSON body (the token as Bearer too). */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('Miro revocation needs the revocation endpoint');
  const response = await request.send(request.revocationEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${request.accessToken}` },
    body: JSON.stringify({ accessToken: request.accessToken, clientId: request.clientId, clientSecret: request.clientSecret }),
  });
  await response.body?.cancel().catch(() => {});
  if (response.status >= 200 && response.status < 300) return 'revoked';
  // A live token refused (the app uninstalled from the team, or the token revoked already), or one whose refresh Miro refused: the grant is gone.
  const tokenWasGood = !request.accessTokenExpired || request.refreshTokenRefused;
  if ((response.status === 400 || response.status === 401) && tokenWasGood) return 'already_revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Miro refused the token revocation (HTTP ${response.status}).`);
}

export const miro: ProviderPreset = {
  displayName: 'Miro',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://miro.com/oauth/authorize',
      tokenEndpoint: 'https://api.miro.com/v1/oauth/token',
      userinfoEndpoint: 'https://api.miro.com/v1/oauth-token',
      revocationEndpoint: 'https://api.miro.com/v2/oauth/revoke',
    },
    scope: '',
    apiBaseUrl: 'https://api.miro.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
    claimNames: { name: 'name' },
    refreshTokenIdleSeconds: REFRESH_TOKEN_LIFETIME,
    hooks: { profileClaims, revoke },
  }),
};
