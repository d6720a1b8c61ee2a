/**
 * Webflow (Data API v2, for apps with the Data Client building block). Plain
 * OAuth 2.0 without discovery or an ID token. From Webflow's docs
 * (https://developers.webflow.com/data/reference/oauth-app,
 * https://developers.webflow.com/data/reference/scopes):
 * - `GET https://webflow.com/oauth/authorize` with `response_type=code`,
 *   `client_id`, `redirect_uri` (the app's), `state` and `scope`,
 *   space-separated, equal to or a subset of the scopes set on the app:
 *   `authorized_user:read`, which the person is read with, is asked. On
 *   Webflow's page the person also chooses the sites or the workspace the app
 *   reaches. No PKCE challenge is sent: Webflow documents none;
 * - `POST https://api.webflow.com/oauth/access_token` with `client_id`,
 *   `client_secret`, `code`, `grant_type` and `redirect_uri` (required when
 *   the authorization link had one), sent as the JSON Webflow's own SDK
 *   sends: the tokenRequest hook sends openid-client's form as that JSON.
 *   A code is good once, for 15 minutes. The answer is an access token with
 *   no `expires_in` and no refresh token: it lasts until the person, or
 *   the app, revokes it, so it is kept with no end and nothing refreshes;
 *   an API that refuses it (401, `{ code: "not_authorized", message }`) asks
 *   for a new sign-in;
 * - the person is `GET https://api.webflow.com/v2/token/authorized_by`
 *   (https://developers.webflow.com/data/reference/token/authorized-by), `{
 *   id, email, firstName, lastName }`: the subject is `id`, the name the
 *   first and last names; Webflow says nothing of the e-mail's verification,
 *   so it is kept unverified;
 * - the API is `https://api.webflow.com/v2`, with the token as
 *   `Authorization: Bearer`;
 * - `POST https://webflow.com/oauth/revoke_authorization` with `client_id`,
 *   `client_secret` and `access_token` as JSON revokes the token, answering
 *   200 `{ did_revoke: true }`; `invalid_token` is a token that "doesn't
 *   exist or has already been revoked", which is as good.
 * Not checked against Webflow's pages: the token endpoint's refusals
 * (assumed RFC 6749's `{ error, error_description }`, `invalid_grant` as its
 * troubleshooting names it), whether it takes a form as well as JSON (JSON
 * is sent), whether PKCE is taken, the status that comes with a revocation's
 * refusal (its `error` is read whatever the status), and the status the
 * API answers a revoked token with (401 is assumed).
 */
import { ProviderUnavailableError } from '../errors.js';
import { readTokenEndpointBody, type RevocationOutcome, type RevocationRequest } from '../provider-hooks.js';
import { jsonTokenRequest, objectOf, type ProviderPreset } from './preset.js';

/** openid-client's form as the JSON body Webflow's SDK sends to /oauth/access_token, the client's id and secret in it. */
const tokenRequest = jsonTokenRequest();

/**
 * The user of /v2/token/authorized_by: its `id`, the first and last names
 * joined as the name, and the e-mail, unverified; an answer without an id
 * names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  if (typeof user?.id !== 'string' || user.id === '') return undefined;
  const name = [user.firstName, user.lastName].filter((part) => typeof part === 'string' && part !== '').join(' ');
  return {
    id: user.id,
    ...(name ? { name } : {}),
    ...(typeof user.email === 'string' && user.email !== '' ? { email: user.email, email_verified: false } : {}),
  };
}

/** Revokes the access token at /oauth/revoke_authorization, the client in the JSON body. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('Webflow revocation needs the revocation endpoint');
  const response = await request.send(request.revocationEndpoint, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: request.clientId, client_secret: request.clientSecret, access_token: request.accessToken }),
  });
  const { fields } = await readTokenEndpointBody(response);
  if (response.status >= 200 && response.status < 300 && fields?.did_revoke === true) return 'revoked';
  if (response.status < 500 && fields?.error === 'invalid_token') return 'already_revoked';
  const error = typeof fields?.error === 'string' ? ` (${fields.error})` : '';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Webflow answered HTTP ${response.status}${error} to the token revocation.`);
}

export const webflow: ProviderPreset = {
  displayName: 'Webflow',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://webflow.com/oauth/authorize',
      tokenEndpoint: 'https://api.webflow.com/oauth/access_token',
      userinfoEndpoint: 'https://api.webflow.com/v2/token/authorized_by',
      revocationEndpoint: 'https://webflow.com/oauth/revoke_authorization',
    },
    scope: 'authorized_user:read',
    pkce: false,
    apiBaseUrl: 'https://api.webflow.com/v2',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email' },
    hooks: { tokenRequest, profileClaims, revoke },
  }),
};
