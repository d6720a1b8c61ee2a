/**
 * FreshBooks (the new FreshBooks API). Plain OAuth 2.0 without discovery or
 * an ID token. From FreshBooks' docs
 * (https://www.freshbooks.com/api/authenticating-with-oauth-2-0-on-the-new-freshbooks-api,
 * https://www.freshbooks.com/api/authentication):
 * - `GET https://auth.freshbooks.com/oauth/authorize` with
 *   `response_type=code`, `client_id`, `redirect_uri` (https, without a
 *   query) and `state`; `scope`, space-separated, asks for some of the
 *   scopes ticked on the app: `user:profile:read`, which the person is read
 *   with, is asked;
 * - `POST https://api.freshbooks.com/auth/oauth/token` with `grant_type`,
 *   `client_id`, `client_secret`, `code` and `redirect_uri` (or
 *   `refresh_token`), sent as the JSON FreshBooks' examples send; the
 *   tokenRequest hook sends openid-client's form as that JSON. A code lives 5
 *   minutes. The answer has `access_token`, `token_type` `Bearer`,
 *   `expires_in` (access tokens last 12 hours), `refresh_token`, `scope` and
 *   `created_at`;
 * - a refresh token never expires but can be used once: a refresh answers a
 *   new access token and a new refresh token, which is kept
 *   (https://www.freshbooks.com/api/get-authenticated-on-the-freshbooks-api);
 * - the person is `GET https://api.freshbooks.com/auth/api/v1/users/me`,
 *   `{ response: { id, first_name, last_name, email, confirmed_at,
 *   business_memberships, … } }` (https://www.freshbooks.com/api/me_endpoint,
 *   https://www.freshbooks.com/api/identity_model): the subject is the
 *   identity's `id`, the name its first and last names, `confirmed_at` the
 *   e-mail's confirmation; the businesses (`business.id`, `account_id`, the
 *   role) are kept beside it, as calls to `/accounting/account/{accountId}/…`
 *   and `/timetracking/business/{businessId}/…` need them;
 * - the API is `https://api.freshbooks.com`, with the token as
 *   `Authorization: Bearer`;
 * - `POST https://api.freshbooks.com/auth/oauth/revoke` with `client_id`,
 *   `client_secret` and `token`, the refresh token, as JSON, answering 200.
 * Not checked against FreshBooks' own pages: the revocation request (its
 * path and JSON body are as other integrations' copies of FreshBooks'
 * reference show them), whether revoking the refresh token ends its access
 * token too (assumed), whether PKCE is taken (none is sent), whether the
 * token endpoint takes a form as well as JSON (JSON is sent), and the token endpoint's refusals, assumed RFC 6749's
 * `{ error, error_description }` (`invalid_grant`, `invalid_client`).
 */
import { ProviderUnavailableError } from '../errors.js';
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import { jsonTokenRequest, objectOf, type ProviderPreset } from './preset.js';

/** openid-client's form as the JSON body FreshBooks' examples send to /auth/oauth/token, the client's id and secret in it. */
const tokenRequest = jsonTokenRequest();

/**
 * The identity of `{ response: {…} }` as the profile: its `id`, the first
 * and last names joined as the name, `confirmed_at` as the e-mail's
 * verification, and each business membership's role, business id, name and
 * account id; an answer without an id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const identity = objectOf(objectOf(body)?.response);
  const id = identity?.id;
  if (typeof id !== 'number' && (typeof id !== 'string' || id === '')) return undefined;
  const name = [identity!.first_name, identity!.last_name].filter((part) => typeof part === 'string' && part !== '').join(' ');
  const memberships = Array.isArray(identity!.business_memberships) ? identity!.business_memberships : [];
  const businesses = memberships.flatMap((membership) => {
    const business = objectOf(objectOf(membership)?.business);
    return business ? [{ role: objectOf(membership)!.role, id: business.id, name: business.name, account_id: business.account_id }] : [];
  });
  return {
    id: String(id),
    ...(name ? { name } : {}),
    ...(typeof identity!.email === 'string' ? { email: identity!.email, email_verified: typeof identity!.confirmed_at === 'string' && identity!.confirmed_at !== '' } : {}),
    businesses,
  };
}

/** Revokes the refresh token at /auth/oauth/revoke, the client in the JSON body. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('FreshBooks revocation needs the revocation endpoint');
  if (!request.refreshToken) throw new Error('FreshBooks revocation needs the refresh token');
  const response = await request.send(request.revocationEndpoint, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: request.clientId, client_secret: request.clientSecret, token: request.refreshToken }),
  });
  await response.body?.cancel().catch(() => {});
  if (response.status >= 200 && response.status < 300) return 'revoked';
  // A refresh token FreshBooks had refused already (used, or the app disconnected there): the grant is gone.
  if ((response.status === 400 || response.status === 401) && request.refreshTokenRefused) return 'already_revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `FreshBooks answered HTTP ${response.status} to the token revocation.`);
}

export const freshbooks: ProviderPreset = {
  displayName: 'FreshBooks',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://auth.freshbooks.com/oauth/authorize',
      tokenEndpoint: 'https://api.freshbooks.com/auth/oauth/token',
      userinfoEndpoint: 'https://api.freshbooks.com/auth/api/v1/users/me',
      revocationEndpoint: 'https://api.freshbooks.com/auth/oauth/revoke',
    },
    scope: 'user:profile:read',
    pkce: false,
    apiBaseUrl: 'https://api.freshbooks.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email' },
    hooks: { tokenRequest, profileClaims, revoke },
  }),
};
