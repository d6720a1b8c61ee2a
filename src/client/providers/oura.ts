/**
 * Oura (API v2, https://cloud.ouraring.com/docs/authentication). Plain
 * OAuth 2.0 without discovery or an ID token. From Oura's docs:
 * - `GET https://cloud.ouraring.com/oauth/authorize` with
 *   `response_type=code`, `client_id`, `redirect_uri`, `state` and `scope`,
 *   a "space separated list" of `email`, `personal`, `daily`, `heartrate`,
 *   `workout`, `tag`, `session` and `spo2`; the person "can enable and
 *   disable scopes based on her preferences", so an e-mail is not promised
 *   even when `email` was asked for;
 * - `POST https://api.ouraring.com/oauth/token` exchanges the code, and
 *   spends a refresh token, with the client in the form body; the answer is
 *   RFC 6749's (`access_token`, `token_type`, `expires_in`,
 *   `refresh_token`), and so are refusals, beside RFC 7807's `status`,
 *   `title` and `detail` (https://cloud.ouraring.com/docs/error-handling).
 *   RFC 7807 §3 types such a body `application/problem+json`, which the
 *   token endpoint's JSON reader does not take, so the tokenResponse hook
 *   reads an answer of that type as the JSON it is;
 * - a refresh token "can only be used once"
 *   (https://cloud.ouraring.com/docs/error-handling, "Token Already Used Or
 *   Revoked"): each refresh answers a new one, which is kept;
 * - the API is https://api.ouraring.com/v2 with the token as Bearer,
 *   answering 401 to a token it does not take; the person is the `id` of
 *   `GET /v2/usercollection/personal_info`, beside `age`, `weight`,
 *   `height`, `biological_sex` and, under the `email` scope, `email`
 *   (https://cloud.ouraring.com/v2/docs), whose
 *   verification Oura does not say;
 * - the access token is revoked at
 *   `https://api.ouraring.com/oauth/revoke?access_token=…`, the token in the
 *   query as Oura's docs print it, not RFC 7009's form; the revoke hook
 *   sends it that way.
 * Not checked against Oura's pages: the revocation's method (GET, as the
 *   docs' URL is written and as Oura's clients call it), its answer for a
 *   token already ended (400 or 401 for a token that was live is taken as
 *   revoked) and whether it ends the refresh token too; how long an access
 *   token lives (the answer's `expires_in` is used; Oura's clients show a
 *   day) and whether a refresh token ends unused (no end is assumed, so no
 *   keep-alive); whether PKCE is taken (none is sent); the content type of a
 *   refusal (`application/json` and `application/problem+json` are both
 *   read).
 */
import { ProviderUnavailableError } from '../errors.js';
import { readTokenEndpointBody, rebuiltAnswer, type RevocationOutcome, type RevocationRequest } from '../provider-hooks.js';
import type { ProviderPreset } from './preset.js';

/** A token endpoint answer typed as RFC 7807's `application/problem+json` read as the JSON it is; anything else as it came. */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  const problem = /^application\/problem\+json\b/i.test(response.headers.get('content-type') ?? '');
  return rebuiltAnswer(response, response.status, text, problem && fields ? 'application/json' : undefined);
}

/** Revokes the access token at Oura's endpoint, the token in the query. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('Oura revocation needs the revocation endpoint');
  const url = new URL(request.revocationEndpoint);
  url.searchParams.set('access_token', request.accessToken);
  const response = await request.send(url.toString(), { method: 'GET', headers: { accept: 'application/json' } });
  await response.body?.cancel().catch(() => {});
  if (response.status >= 200 && response.status < 300) return 'revoked';
  // A live token refused (the person removed the app, or it was revoked already), or one whose refresh Oura refused: the grant is gone.
  if ((response.status === 400 || response.status === 401) && (!request.accessTokenExpired || request.refreshTokenRefused)) return 'already_revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Oura refused the token revocation (HTTP ${response.status}).`);
}

export const oura: ProviderPreset = {
  displayName: 'Oura',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://cloud.ouraring.com/oauth/authorize',
      tokenEndpoint: 'https://api.ouraring.com/oauth/token',
      userinfoEndpoint: 'https://api.ouraring.com/v2/usercollection/personal_info',
      revocationEndpoint: 'https://api.ouraring.com/oauth/revoke',
    },
    scope: 'email personal daily',
    apiBaseUrl: 'https://api.ouraring.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'id',
    claimNames: { email: 'email' },
    hooks: { tokenResponse, revoke },
  }),
};
