/**
 * Razorpay OAuth (for Technology Partners: an application created under Partners > Applications on the Razorpay
 * Dashboard, the callback among its client's redirect URIs). Plain OAuth 2.0 with explicit endpoints: no discovery,
 * no ID token, no user API. The token is a Razorpay account's (a sub-merchant's), granted by the person holding the
 * account's Owner credentials. From Razorpay's pages
 * (https://razorpay.com/docs/partners/technology-partners/onboard-businesses/integrate-oauth/integration-steps/,
 * https://razorpay.com/docs/partners/technology-partners/onboard-businesses/integrate-oauth/integration-steps/sub-merchants/):
 * - `GET https://auth.razorpay.com/authorize` with `client_id`, `response_type=code`, `redirect_uri` (whitelisted
 *   on the client), `scope` and `state`, all mandatory; the scopes are `read_only` (asked here), `read_write`,
 *   `rx_read_only`, `rx_read_write` and `rx_partner_read_write`, several going in array notation (`scope[]=…`),
 *   which this preset does not make: it asks one. A person who declines is sent back with `error=access_denied`
 *   (with `error_description`, `hint` and `message`); an account not compliant for payments with
 *   `error=merchant _rejected`;
 * - `POST https://auth.razorpay.com/token`, a JSON body with `client_id`, `client_secret`, `grant_type`,
 *   `redirect_uri` and `code` (optionally `mode`: `live` by default, the only one a production client may ask):
 *   the tokenRequest hook sends openid-client's form as that JSON. The answer is `public_token` (the Checkout key),
 *   `token_type: "Bearer"`, `expires_in` (7862400: 91 days), `access_token`, `refresh_token` (which ends 180 days
 *   after it was issued: refreshTokenIdleSeconds has the keep-alive sweep refresh a connection nobody used before
 *   then) and `razorpay_account_id`, "the sub-merchant ID who granted the authorisation", the
 *   subject, read from the answer by the tokenResponseProfile hook: no profile call is made, and no name or e-mail is
 *   known. There is no `scope` in the answer. A refresh (`grant_type=refresh_token`, the same JSON) answers a new
 *   access token and a new refresh token, "the old refresh token … expired automatically";
 * - the API is `https://api.razorpay.com/v1` with the access token as Bearer (`GET /payments`, `POST /orders`…);
 *   an access token that ended is answered a 4xx;
 * - `POST https://auth.razorpay.com/revoke`, a JSON body with `client_id`, `client_secret`, `token_type_hint`
 *   (`access_token` or `refresh_token`, mandatory) and `token`, answering `{ "message": "Token Revoked" }`: the
 *   revoke hook revokes the refresh token, then the access token.
 * Not checked against Razorpay's own pages: whether the token and revocation endpoints take a form too (the JSON
 * they document is sent); whether PKCE is read (none is sent: Razorpay documents none); the status and body of the
 * token endpoint's refusals (the errors page gives only their messages, league/oauth2-server's, as the denial
 * shows: `error`, `error_description`, `hint`, `message` assumed) and which 4xx the API answers an ended token (401
 * assumed); whether revoking the refresh token ends the access token (both are revoked); what revoking a token
 * Razorpay no longer takes answers (a 400 or 401 after Razorpay refused the refresh token, or for the access token
 * once the refresh token was revoked, is taken as revoked already); test mode (`mode=test`, for a development
 * client) is not asked.
 */
import { ProviderUnavailableError } from '../errors.js';
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import { jsonTokenRequest, type ProviderPreset } from './preset.js';
import { trimmedText } from './profile-text.js';

/** The Razorpay account of the code exchange's answer, `razorpay_account_id` (`acc_…`): the subject, never the tokens. */
function tokenResponseProfile(answer: Record<string, unknown>): Record<string, unknown> | undefined {
  const accountId = trimmedText(answer.razorpay_account_id);
  if (!accountId || !accountId.startsWith('acc_')) return undefined;
  return { razorpay_account_id: accountId };
}

/**
 * Revokes the refresh token and then the access token at `/revoke`, each as Razorpay documents it: JSON with the
 * client's id and secret, `token_type_hint` and `token`. A 400 or 401 is the token gone already where Razorpay had
 * refused the refresh token, or, for the access token, once the refresh token was revoked just before.
 */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('Razorpay revocation needs the revocation endpoint');
  const tokens: Array<[string, 'refresh_token' | 'access_token']> = [];
  if (request.refreshToken) tokens.push([request.refreshToken, 'refresh_token']);
  tokens.push([request.accessToken, 'access_token']);
  let outcome: RevocationOutcome = 'revoked';
  let refreshTokenRevoked = false;
  for (const [token, hint] of tokens) {
    const response = await request.send(request.revocationEndpoint, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: request.clientId, client_secret: request.clientSecret, token_type_hint: hint, token }),
    });
    await response.body?.cancel().catch(() => {});
    if (response.status >= 200 && response.status < 300) {
      if (hint === 'refresh_token') refreshTokenRevoked = true;
      continue;
    }
    const gone = request.refreshTokenRefused || (hint === 'access_token' && refreshTokenRevoked);
    if ((response.status === 400 || response.status === 401) && gone) {
      if (!refreshTokenRevoked) outcome = 'already_revoked';
      continue;
    }
    throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Razorpay answered HTTP ${response.status} to the ${hint.replace('_', ' ')} revocation.`);
  }
  return outcome;
}

export const razorpay: ProviderPreset = {
  displayName: 'Razorpay',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://auth.razorpay.com/authorize',
      tokenEndpoint: 'https://auth.razorpay.com/token',
      revocationEndpoint: 'https://auth.razorpay.com/revoke',
    },
    scope: 'read_only',
    apiBaseUrl: 'https://api.razorpay.com/v1',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    // "The refresh_token expires in 180 days from the day of generation": each refresh answers a new one.
    refreshTokenIdleSeconds: 180 * 86_400,
    subjectClaim: 'razorpay_account_id',
    hooks: { tokenRequest: jsonTokenRequest(), tokenResponseProfile, revoke },
  }),
};
