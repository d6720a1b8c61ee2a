/**
 * Stripe Connect (OAuth for Standard accounts: a Stripe account holder
 * connects their account to the platform). Plain OAuth 2.0 without discovery
 * or an ID token. `<NAME>_CLIENT_ID` is the platform's Connect client id
 * (`ca_…`), `<NAME>_CLIENT_SECRET` its secret API key (`sk_live_…` or
 * `sk_test_…`, which also chooses live or test mode). From Stripe's docs
 * (https://docs.stripe.com/connect/oauth-standard-accounts,
 * https://docs.stripe.com/connect/oauth-reference):
 * - `GET https://connect.stripe.com/oauth/authorize` with
 *   `response_type=code`, `client_id`, `redirect_uri` (one of those set in
 *   the platform's settings), `state` and `scope`: `read_write` (asked here)
 *   or `read_only`. An account holder who declines is sent back with
 *   `error=access_denied`. No PKCE challenge is sent: Stripe documents none;
 * - `POST https://connect.stripe.com/oauth/token` with `grant_type` and
 *   `code` (or `refresh_token`), authenticated by the platform's secret key
 *   as any Stripe request is (https://docs.stripe.com/api/authentication):
 *   the tokenRequest hook moves the key from the form to `Authorization:
 *   Bearer`, as Stripe's own libraries send it, and keeps `client_id`. The
 *   answer is `access_token` (a secret key of the connected account, which
 *   "does not expire, but may be revoked by the user at any time"), `scope`,
 *   `livemode`, `token_type: "bearer"`, `refresh_token`, `stripe_user_id`
 *   (the connected account's id) and `stripe_publishable_key`, with no
 *   `expires_in`: the token is kept with no end and refreshed only when the
 *   API refuses it. A refresh (`grant_type=refresh_token`) answers a new
 *   access token of the same shape. Refusals are `{ error,
 *   error_description }`: `invalid_grant` for a code or refresh token that
 *   does not exist, has been used or is another platform's, `invalid_client`
 *   for a client that is not the key's;
 * - the person is the connected account, `GET https://api.stripe.com/v1/account`
 *   with the access token (https://docs.stripe.com/api/accounts/retrieve):
 *   the subject is its `id` (`acct_…`, the token answer's `stripe_user_id`),
 *   the name `settings.dashboard.display_name`, else `business_profile.name`;
 *   its `email` "is not used for authentication", so it is kept unverified.
 *   The country, default currency and account type are kept with the profile;
 * - the API is `https://api.stripe.com`, with the access token as
 *   `Authorization: Bearer`; a caller may send `Stripe-Version`, and Stripe's
 *   `Request-Id` comes back (https://docs.stripe.com/api/versioning,
 *   https://docs.stripe.com/api/request_ids);
 * - `POST https://connect.stripe.com/oauth/deauthorize` with `client_id` and
 *   `stripe_user_id`, authenticated by the platform's key, disconnects the
 *   account from the platform, answering `{ stripe_user_id }`; every token of
 *   the connection ends. It is not RFC 7009's and needs the account's id,
 *   which a revocation is not given: the revoke hook reads it from
 *   `/v1/account` with the access token first. A key the API no longer takes
 *   there (401) is an account that disconnected itself, or was disconnected,
 *   already.
 * Not checked against Stripe's pages: whether the token endpoint still takes
 * the key as `client_secret` in the form (older examples show it; the
 * Bearer header is sent instead), the body of its refusal of a wrong secret
 * key (Stripe's API answers a key it does not know with HTTP 401 and
 * `{ error: { type, message } }`; the tokenResponse hook reads that as
 * `invalid_client`), whether a refresh ends the access token it replaces and
 * answers a new refresh token or the same (whichever it answers is kept), how
 * long a code lives, and the API's status for a key revoked by a
 * deauthorization (401 is assumed, as for any key it does not take). Stripe
 * calls its connected-account keys a legacy way of calling the API and
 * recommends the platform's key with a `Stripe-Account` header
 * (https://docs.stripe.com/connect/authentication); the account's id is the
 * subject kept for that, and the access token is what the proxies send.
 */
import { ProviderUnavailableError } from '../errors.js';
import { readTokenEndpointBody, rebuiltAnswer, type RevocationOutcome, type RevocationRequest } from '../provider-hooks.js';
import { objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';

/**
 * The token request with the platform's secret key as `Authorization: Bearer`
 * rather than `client_secret` in the form; a request without `client_secret`
 * (another authentication method configured) is sent as it was.
 */
function tokenRequest(request: { body: URLSearchParams; headers: Record<string, string> }): { body: string; headers: Record<string, string> } {
  const secret = request.body.get('client_secret');
  if (secret === null) return { body: request.body.toString(), headers: request.headers };
  const body = new URLSearchParams(request.body);
  body.delete('client_secret');
  const kept = Object.fromEntries(Object.entries(request.headers).filter(([name]) => name.toLowerCase() !== 'authorization'));
  return { body: body.toString(), headers: { ...kept, authorization: `Bearer ${secret}` } };
}

/**
 * A 401 in the shape of Stripe's API errors, `{ error: { type, message } }`
 * (a secret key Stripe does not take), as RFC 6749 §5.2's `invalid_client`;
 * every other answer as it came.
 */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  const apiError = objectOf(fields?.error);
  if (response.status !== 401 || !apiError) return rebuiltAnswer(response, response.status, text);
  const message = typeof apiError.message === 'string' ? apiError.message : undefined;
  return rebuiltAnswer(response, 401, JSON.stringify({ error: 'invalid_client', ...(message ? { error_description: message } : {}) }), 'application/json');
}

/**
 * The account of /v1/account as the profile: its `id`, the dashboard's
 * display name or else the business name, its e-mail unverified, and the
 * country, default currency and type; an answer without an `acct_` id names
 * no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const account = objectOf(body);
  if (typeof account?.id !== 'string' || !account.id.startsWith('acct_')) return undefined;
  const displayName = objectOf(objectOf(account.settings)?.dashboard)?.display_name;
  const businessName = objectOf(account.business_profile)?.name;
  const name = [displayName, businessName].find((value) => typeof value === 'string' && value !== '');
  return {
    id: account.id,
    ...(name ? { name } : {}),
    ...(typeof account.email === 'string' && account.email !== '' ? { email: account.email, email_verified: false } : {}),
    country: account.country,
    default_currency: account.default_currency,
    type: account.type,
  };
}

/** The connected account's id, from /v1/account with its access token; null when Stripe no longer takes the token (401). */
async function connectedAccountId(request: RevocationRequest): Promise<string | null> {
  if (!request.apiBaseUrl) throw new Error('Stripe revocation needs the API base URL');
  const response = await request.send(`${withoutTrailingSlash(request.apiBaseUrl)}/v1/account`, {
    method: 'GET',
    headers: { ...request.apiHeaders, accept: 'application/json', authorization: `Bearer ${request.accessToken}` },
  });
  const { fields } = await readTokenEndpointBody(response);
  if (response.status === 401) return null;
  if (response.status >= 200 && response.status < 300 && typeof fields?.id === 'string' && fields.id.startsWith('acct_')) return fields.id;
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Stripe answered HTTP ${response.status} to the account request before the deauthorization.`);
}

/**
 * Disconnects the account at /oauth/deauthorize (its id read first, with the
 * platform's key as Bearer); an access token Stripe no longer takes is a
 * connection ended already.
 */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('Stripe revocation needs the revocation endpoint');
  const account = await connectedAccountId(request);
  if (account === null) return 'already_revoked';
  const response = await request.send(request.revocationEndpoint, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${request.clientSecret}` },
    body: new URLSearchParams({ client_id: request.clientId, stripe_user_id: account }).toString(),
  });
  const { fields } = await readTokenEndpointBody(response);
  if (response.status >= 200 && response.status < 300 && fields?.stripe_user_id === account) return 'revoked';
  const error = typeof fields?.error === 'string' ? ` (${fields.error})` : '';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Stripe answered HTTP ${response.status}${error} to the deauthorization.`);
}

export const stripe: ProviderPreset = {
  displayName: 'Stripe',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://connect.stripe.com/oauth/authorize',
      tokenEndpoint: 'https://connect.stripe.com/oauth/token',
      userinfoEndpoint: 'https://api.stripe.com/v1/account',
      revocationEndpoint: 'https://connect.stripe.com/oauth/deauthorize',
    },
    scope: 'read_write',
    pkce: false,
    apiBaseUrl: 'https://api.stripe.com',
    proxyHeaders: { request: ['stripe-version'], response: ['request-id', 'stripe-version'] },
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email' },
    hooks: { tokenRequest, tokenResponse, profileClaims, revoke },
  }),
};
