/**
 * Clio Manage (its API v4, for a developer application created in Clio's
 * Developer Portal, the callback among its redirect URIs). Plain OAuth 2.0
 * authorization code with explicit endpoints: no discovery, no ID token.
 * From Clio's developer documentation
 * (https://docs.developers.clio.com/api-docs/clio-manage/authorization/):
 * - `GET https://app.clio.com/oauth/authorize` with `response_type=code`,
 *   `client_id`, `redirect_uri` (one of the application's) and `state`;
 *   the application's access permissions are chosen when it is created
 *   (https://docs.developers.clio.com/api-docs/applications), so no scope
 *   is asked; `redirect_on_decline=true` sends a person who declines back
 *   with `error=access_denied` rather than leaving them on Clio's page;
 * - `POST https://app.clio.com/oauth/token`, a URL-encoded form with
 *   `client_id` and `client_secret`, exchanges the code (with the
 *   `redirect_uri` again) and answers `token_type` "bearer", `access_token`,
 *   `expires_in` (2592000: 30 days) and `refresh_token`, no scope;
 * - a refresh is the same POST with `grant_type=refresh_token` and answers
 *   a new access token only: "Clio Manage: Refresh tokens do not expire and
 *   can be reused across multiple refresh calls. They remain valid until
 *   explicitly revoked" (https://docs.developers.clio.com/faq/), so the one
 *   held is kept and no keep-alive is needed;
 * - an expired or revoked token is a 401 (the FAQ's "I'm getting a 401");
 * - the API is `https://app.clio.com/api/v4`, the token as Bearer; a record
 *   comes in `data` with only `id` and `etag` unless `fields` names more
 *   (https://docs.developers.clio.com/api-docs/clio-manage/fields/), so the
 *   person is `GET /users/who_am_i.json?fields=id,name,email`: `id` (a
 *   number, the subject), `name`, `email`; whether the e-mail is verified
 *   Clio does not say;
 * - `POST https://app.clio.com/oauth/deauthorize` with the access token as
 *   Bearer ends the application's authorization (200).
 * Not checked against Clio's own pages: the body of a refused token
 * request (RFC 6749 §5.2's `invalid_grant` is assumed); whether the
 * deauthorization needs the `token` form member its sample sends beside
 * the Bearer header (only the header is sent); whether PKCE is taken (none
 * is sent). Accounts in Clio's EU, CA or AU regions use that region's host
 * (`eu.app.clio.com`…; https://docs.developers.clio.com/handbook/getting-started/regions/),
 * set through the endpoint variables: tokens of one region are not valid in
 * another.
 */
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import { revokeWithBearer } from './bearer-revocation.js';
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers } from './profile-text.js';

/**
 * The user in the `data` of `/users/who_am_i.json`: its numeric `id` as the subject, with `name` and `email`; an
 * answer without a positive integer id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(objectOf(body)?.data);
  const id = user?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return undefined;
  return { id: String(id), ...textMembers({ name: user!.name, email: user!.email }) };
}

/** Deauthorizes the application with `POST /oauth/deauthorize`, the access token as Bearer. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('Clio revocation needs the deauthorization endpoint');
  return revokeWithBearer(request, request.revocationEndpoint, { method: 'POST' }, { provider: 'Clio', what: 'the deauthorization' });
}

export const clio: ProviderPreset = {
  displayName: 'Clio',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://app.clio.com/oauth/authorize',
      tokenEndpoint: 'https://app.clio.com/oauth/token',
      userinfoEndpoint: 'https://app.clio.com/api/v4/users/who_am_i.json?fields=id,name,email',
      revocationEndpoint: 'https://app.clio.com/oauth/deauthorize',
    },
    // None: the person grants the access permissions the application was created with.
    scope: '',
    authorizationParams: { redirect_on_decline: 'true' },
    apiBaseUrl: 'https://app.clio.com/api/v4',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'id',
    hooks: { profileClaims, revoke },
  }),
};
