/**
 * Todoist (the Todoist API v1, for an app registered in Todoist's App
 * Management Console). Plain OAuth 2.0 with explicit endpoints: no
 * discovery, no ID token. From Doist's documentation of its API and of its
 * own SDK (https://developer.todoist.com/api/v1/#tag/Authorization,
 * https://doist.github.io/todoist-api-typescript/authorization,
 * https://doist.github.io/todoist-sdk-typescript/api/functions/refreshAuthToken):
 * - `GET https://todoist.com/oauth/authorize` with `client_id`, `state` and
 *   `scope`, the scopes comma-separated (`task:add`, `data:read`,
 *   `data:read_write`, `data:delete`, `project:delete`, `backups:read`): the
 *   authorizationScope hook joins them with commas;
 * - `POST https://todoist.com/oauth/access_token` with `client_id`,
 *   `client_secret` and the code; the answer is `access_token` and
 *   `token_type: "Bearer"`. An app with refresh tokens enabled (the default
 *   for new apps) also gets a `refresh_token` and `expires_in`; the refresh
 *   grant answers a new access token and a new refresh token, to keep in
 *   place of the old one. An older app gets no refresh token: its access
 *   token is long-lived;
 * - the API is `https://api.todoist.com` with the token as Bearer; the person
 *   is `GET /api/v1/user`: `id` (a string, the subject), `email` and
 *   `full_name`;
 * - revocation is RFC 7009's `POST https://api.todoist.com/api/v1/revoke`,
 *   the client by HTTP Basic, the form `token` and `token_type_hint`: the
 *   revoke hook sends the refresh token when one is held, then the access
 *   token, each with its hint, as the client is not in the form as at the
 *   token endpoint.
 * Not checked against Todoist's own pages, which were not all at hand: the
 * access token's lifetime with refresh tokens (the answer's `expires_in` is
 * used), whether a refresh token ends unused (no end is assumed, so no
 * keep-alive), whether the token endpoint takes Basic credentials (the form
 * is what the SDK sends), whether PKCE is taken (the challenge is sent, which
 * RFC 7636 §4.5 has a server ignore), whether the e-mail is verified (kept as
 * not known to be), the body of a refused token request (RFC 6749 §5.2's
 * `error` is assumed), and whether revoking the access token alone ends the
 * refresh token (both are revoked).
 */
import { ProviderUnavailableError } from '../errors.js';
import { plainBasicAuthorization, type RevocationOutcome, type RevocationRequest } from '../provider-hooks.js';
import { commaJoinedScope, objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/** The person of /api/v1/user: `id` as a string, `full_name` and `email`; an answer without an id names no one, and the sign-in fails. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const id = user?.id;
  if ((typeof id !== 'string' || id === '') && (typeof id !== 'number' || !Number.isSafeInteger(id))) return undefined;
  const name = trimmedText(user!.full_name);
  const email = trimmedText(user!.email);
  return { id: String(id), ...textMembers({ full_name: name, email }) };
}

/**
 * RFC 7009 at Todoist's `/api/v1/revoke` with the client by HTTP Basic: the refresh token first (when held), then
 * the access token. RFC 7009 §2.2 answers 200 for a token the server no longer knows too, so any 200 is revoked.
 */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('Todoist revocation needs the revocation endpoint');
  const tokens: Array<[string, string]> = [];
  if (request.refreshToken) tokens.push([request.refreshToken, 'refresh_token']);
  tokens.push([request.accessToken, 'access_token']);
  for (const [token, hint] of tokens) {
    const response = await request.send(request.revocationEndpoint, {
      method: 'POST',
      headers: { authorization: plainBasicAuthorization(request.clientId, request.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, token_type_hint: hint }).toString(),
    });
    await response.body?.cancel().catch(() => {});
    if (response.status !== 200) {
      throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Todoist answered HTTP ${response.status} to the token revocation.`);
    }
  }
  return 'revoked';
}

export const todoist: ProviderPreset = {
  displayName: 'Todoist',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://todoist.com/oauth/authorize',
      tokenEndpoint: 'https://todoist.com/oauth/access_token',
      userinfoEndpoint: 'https://api.todoist.com/api/v1/user',
      revocationEndpoint: 'https://api.todoist.com/api/v1/revoke',
    },
    scope: 'data:read',
    apiBaseUrl: 'https://api.todoist.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
    claimNames: { name: 'full_name', email: 'email' },
    hooks: { authorizationScope: commaJoinedScope, profileClaims, revoke },
  }),
};
