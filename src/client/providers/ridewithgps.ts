/**
 * Ride with GPS (an API client created in the person's Ride with GPS developer
 * settings, https://ridewithgps.com/settings/developers, with the callback
 * among its OAuth redirect URIs). Plain OAuth 2.0 with explicit endpoints: no
 * discovery, no ID token. From Ride with GPS's developer documentation
 * (https://github.com/ridewithgps/developers/blob/master/authentication.md):
 * - `GET https://ridewithgps.com/oauth/authorize` with `client_id`,
 *   `redirect_uri` (one of the API client's) and `response_type=code`; there
 *   is no scope parameter: the token's scope is always `user`, so none is
 *   asked;
 * - `POST https://ridewithgps.com/oauth/token.json` with a JSON body of
 *   `grant_type=authorization_code`, `code`, `client_id`, `client_secret` and
 *   the same `redirect_uri`; the API takes JSON only
 *   (https://github.com/ridewithgps/developers/blob/master/README.md,
 *   "Formats"), so the tokenRequest hook sends openid-client's form as JSON.
 *   The answer is `access_token`, `token_type: "Bearer"`, `scope: "user"`,
 *   `created_at` and `user_id`: no `expires_in` and no refresh token, so the
 *   token is kept until Ride with GPS stops taking it (a 401 then asks for a
 *   new sign-in);
 * - the API is `https://ridewithgps.com/api/v1` with the token as Bearer;
 *   `GET /users/current.json` answers the person as `user`: `id` (an integer,
 *   the subject) and `name`, no e-mail
 *   (https://github.com/ridewithgps/developers/blob/master/endpoints/users.md);
 *   the profileClaims hook unwraps it;
 * - `POST https://ridewithgps.com/oauth/revoke.json` with a JSON body of
 *   `client_id`, `client_secret` and `token` revokes the access token,
 *   answering 200 `{}`; the revoke hook sends it on disconnect.
 * Not checked against Ride with GPS's own pages: whether `state` is sent back
 * (its example redirect has `code` alone; RFC 6749 §4.1.2 has it returned,
 * and the callback needs it); whether PKCE is read (the challenge is sent,
 * which RFC 7636 §4.5 has a server ignore); the token endpoint's refusals
 * (assumed RFC 6749 §5.2's `error`); what the API answers a revoked token
 * (assumed 401); what revoking answers for a token it no longer knows (a 2xx
 * is revoked; RFC 7009 §2.2 has 200 for it).
 */
import { ProviderUnavailableError } from '../errors.js';
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import { jsonTokenRequest, objectOf, type ProviderPreset } from './preset.js';

/** The person of `/users/current.json`, under `user`: `id` (an integer) and `name`; an answer without a numeric id names no one. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(objectOf(body)?.user);
  const id = user?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return undefined;
  const name = typeof user!.name === 'string' ? user!.name.trim() : '';
  return { id, ...(name ? { name } : {}) };
}

/** Revokes the access token at /oauth/revoke.json, the client and the token in a JSON body as Ride with GPS documents it. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('Ride with GPS revocation needs the revocation endpoint');
  const response = await request.send(request.revocationEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ client_id: request.clientId, client_secret: request.clientSecret, token: request.accessToken }),
  });
  await response.body?.cancel().catch(() => {});
  if (response.status >= 200 && response.status < 300) return 'revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Ride with GPS refused the token revocation (HTTP ${response.status}).`);
}

export const ridewithgps: ProviderPreset = {
  displayName: 'Ride with GPS',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://ridewithgps.com/oauth/authorize',
      tokenEndpoint: 'https://ridewithgps.com/oauth/token.json',
      userinfoEndpoint: 'https://ridewithgps.com/api/v1/users/current.json',
      revocationEndpoint: 'https://ridewithgps.com/oauth/revoke.json',
    },
    scope: '',
    apiBaseUrl: 'https://ridewithgps.com/api/v1',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
    hooks: { tokenRequest: jsonTokenRequest(), profileClaims, revoke },
  }),
};
