/**
 * Procore (an app of the Procore Developer Portal, with a Data Connector
 * component and User Level Authentication, its OAuth redirect URI the
 * callback). Plain OAuth 2.0, the Authorization Code grant, with explicit
 * endpoints: no discovery, no ID token, no scopes. From Procore's docs:
 * - `GET https://login.procore.com/oauth/authorize` with `response_type=code`,
 *   `client_id`, `redirect_uri` and `state`; the code lasts 10 minutes and is
 *   good once (https://developers.procore.com/documentation/content/oauth-endpoints);
 *   Procore names no scopes and no PKCE: the grant reaches what the person
 *   reaches in Procore, and no challenge is sent;
 * - `POST https://login.procore.com/oauth/token` with `grant_type`,
 *   `client_id`, `client_secret` (the client in the form, as every example
 *   sends it) and the code with its `redirect_uri`, or the refresh token (the
 *   same page); the answer is `access_token`, `token_type`, `expires_in`,
 *   `refresh_token` and `created_at` (the REST reference's Get or Refresh an
 *   Access Token, https://developers.procore.com/reference/rest/v1/authentication);
 * - access tokens last 90 minutes (5,400 seconds); refresh tokens are
 *   single-use: a refresh answers a new pair and the old refresh token is
 *   invalidated for good, even when the answer is lost
 *   (https://developers.procore.com/documentation/content/troubleshooting), so the
 *   new one is kept in its place;
 * - `POST https://login.procore.com/oauth/revoke` takes the access token as
 *   `token` with `client_id` and `client_secret` as form data, revokes the
 *   access token and the refresh token both, and answers 200 when it revoked
 *   the token and when the token was not valid (the endpoints page): the
 *   revoke hook sends the live access token that way, once;
 * - the person is `GET https://api.procore.com/rest/v1.0/me`: a globally
 *   unique `id` (the same across companies: the subject), `login` (their
 *   e-mail address) and `name`
 *   (https://developers.procore.com/documentation/content/oauth-auth-grant-flow,
 *   https://developers.procore.com/reference/rest/v1/me); the API is
 *   https://api.procore.com (`/rest/v1.0/companies`…), a token it does not
 *   take 401 (https://developers.procore.com/documentation/content/error-reference);
 * - production and the sandboxes are separate environments, each with its own
 *   credentials and authentication base URL
 *   (https://github.com/procore/documentation/blob/main/platform_concepts/development_environments.md):
 *   `<NAME>_BASE_URL` names that base URL, the login host, and the API is the
 *   one its page pairs it with: `https://login-sandbox.procore.com` (the
 *   Development Sandbox) with `https://sandbox.procore.com`,
 *   `https://login-sandbox-monthly.procore.com` (the Monthly Sandbox) with
 *   `https://api-monthly.procore.com`; another host serves both itself.
 * Not checked against Procore's own pages: the token endpoint's refusals
 * (RFC 6749 §5.2's are assumed); whether it takes Basic credentials or a
 * PKCE challenge (neither is sent); whether refresh tokens end unused (no
 * end is stated, so no keep-alive); whether the `login` e-mail is verified
 * (stored with its verification unknown); the body of the API's 401.
 */
import { ProviderUnavailableError } from '../errors.js';
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

const PRODUCTION_LOGIN = 'https://login.procore.com';

/** The API each of Procore's authentication base URLs goes with, as its sandbox page pairs them. */
const API_OF_LOGIN: Readonly<Record<string, string>> = {
  [PRODUCTION_LOGIN]: 'https://api.procore.com',
  'https://login-sandbox.procore.com': 'https://sandbox.procore.com',
  'https://login-sandbox-monthly.procore.com': 'https://api-monthly.procore.com',
};

/** The API of an authentication base URL: its documented pair, or the host itself for another (a stand-in). */
function procoreApiOf(login: string): string {
  return API_OF_LOGIN[login] ?? login;
}

/** Revokes the live access token at /oauth/revoke, the client in the form, which Procore documents as ending the refresh token too. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('Procore revocation needs the revocation endpoint');
  const response = await request.send(request.revocationEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: request.accessToken, client_id: request.clientId, client_secret: request.clientSecret }).toString(),
  });
  await response.body?.cancel().catch(() => {});
  // Procore answers 200 whether it revoked the token or did not know it.
  if (response.status === 200) return 'revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Procore answered HTTP ${response.status} to the token revocation.`);
}

export const procore: ProviderPreset = {
  displayName: 'Procore',
  values: { baseUrl: 'optional' },
  settings: ({ baseUrl }) => {
    const login = baseUrl ? withoutTrailingSlash(baseUrl) : PRODUCTION_LOGIN;
    const api = procoreApiOf(login);
    return {
      endpoints: {
        authorizationEndpoint: `${login}/oauth/authorize`,
        tokenEndpoint: `${login}/oauth/token`,
        userinfoEndpoint: `${api}/rest/v1.0/me`,
        revocationEndpoint: `${login}/oauth/revoke`,
      },
      scope: '',
      apiBaseUrl: api,
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'id',
      claimNames: { name: 'name', email: 'login' },
      hooks: { revoke },
    };
  },
};
