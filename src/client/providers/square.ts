/**
 * Square (the Square API, for apps acting for sellers by the OAuth code
 * flow). Plain OAuth 2.0 without discovery or an ID token (Square's OpenID
 * support ended in version 2021-09-15). From Square's docs
 * (https://developer.squareup.com/docs/oauth-api/overview,
 * https://developer.squareup.com/docs/oauth-api/receive-and-manage-tokens,
 * https://developer.squareup.com/docs/oauth-api/refresh-revoke-limit-scope):
 * - `GET https://connect.squareup.com/oauth2/authorize` with `client_id`
 *   (the Application ID), `scope`, a space-separated list of permissions,
 *   `state`, and `session=false` in production, which Square recommends so
 *   that the seller signs in at the authorization page whatever session
 *   their browser holds. `MERCHANT_PROFILE_READ` is asked, which the person
 *   is read with. The Sandbox (`<NAME>_BASE_URL=https://connect.squareupsandbox.com`)
 *   has the same paths on its own host, and no `session` is sent there. A
 *   seller who denies is sent back with `error=access_denied`. Codes live 5
 *   minutes. No PKCE challenge is sent: Square's PKCE flow is for clients
 *   without a secret, and its refresh tokens are single-use and end after 90
 *   days, where the code flow's do not;
 * - `POST /oauth2/token` (ObtainToken,
 *   https://developer.squareup.com/reference/square/o-auth/obtain-token)
 *   takes a JSON body with `client_id`, `client_secret`, `grant_type`, and
 *   `code` and `redirect_uri`, or `refresh_token`: the tokenRequest hook sends
 *   openid-client's form as that JSON. The answer
 *   (https://developer.squareup.com/reference/square/objects/ObtainTokenResponse)
 *   is `access_token`, `token_type: "bearer"`, `expires_at` (an ISO 8601
 *   time, 30 days on), `merchant_id` and `refresh_token`, with no `scope`
 *   (the scope asked for is kept); the tokenResponse hook makes `expires_at`
 *   RFC 6749's `expires_in`. With the code flow a refresh "returns the same
 *   refresh token provided in the request", and that refresh token does not
 *   expire; Square asks apps to renew access tokens every 7 days or less,
 *   which the refresh at expiry (or at a 401) leaves to the app's use;
 * - the seller is `GET /v2/merchants/me` (RetrieveMerchant,
 *   https://developer.squareup.com/reference/square/merchants-api/retrieve-merchant),
 *   `{ merchant: { id, business_name, country, currency, status, … } }`: the
 *   subject is the merchant `id`, the token answer's `merchant_id`, and
 *   `business_name` the name; Square names no e-mail for it;
 * - the API is `https://connect.squareup.com/v2`, with the token as
 *   `Authorization: Bearer` and the `Square-Version` header naming the API
 *   version (https://developer.squareup.com/docs/build-basics/versioning-overview):
 *   2026-01-22 unless the caller sends its own, which the proxies pass on.
 *   Errors are `{ errors: [{ category, code, detail, field }] }`
 *   (https://developer.squareup.com/docs/build-basics/handling-errors), 401
 *   `UNAUTHORIZED`, `ACCESS_TOKEN_EXPIRED` or `ACCESS_TOKEN_REVOKED` for a
 *   token it does not take;
 * - `POST /oauth2/revoke` (RevokeToken,
 *   https://developer.squareup.com/reference/square/o-auth/revoke-token) with
 *   `Authorization: Client <client secret>` and the JSON `{ client_id,
 *   access_token }` ends the seller's whole authorization of the app, every
 *   access and refresh token of it, answering `{ success: true }`. It is not
 *   RFC 7009's, so the revoke hook calls it at the revocation endpoint.
 * Not checked against Square's pages: the body of ObtainToken's refusals
 * (both shapes Square's APIs answer, `{ errors: [{ category, code, detail }]
 * }` and the OAuth endpoints' older `{ message, type }`, are read; one that
 * names the client, its secret or the application is read as `invalid_client`,
 * any other 400 or 401 as `invalid_grant`, so a code or refresh token Square
 * no longer takes asks for a new sign-in), RevokeToken's answer for an
 * authorization already ended (a 401 or 404 for a token that was live counts
 * as already revoked), and whether the Sandbox takes `session`.
 */
import { ProviderUnavailableError } from '../errors.js';
import { readTokenEndpointBody, rebuiltAnswer, type RevocationOutcome, type RevocationRequest } from '../provider-hooks.js';
import { jsonTokenRequest, objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';

/** The Square API version sent when the caller names none. */
const SQUARE_VERSION = '2026-01-22';
const PRODUCTION = 'https://connect.squareup.com';

/** openid-client's form as the JSON body ObtainToken takes, the client's id and secret in it. */
const tokenRequest = jsonTokenRequest();

/** What a refusal says, from `errors[]` (each one's code and detail) or from `{ message, type }`. */
function refusalText(fields: Record<string, unknown>): string | undefined {
  if (Array.isArray(fields.errors)) {
    const said = fields.errors.map((entry) => {
      const { code, detail, field } = objectOf(entry) ?? {};
      return [code, field, detail].filter((part) => typeof part === 'string' && part !== '').join(' ');
    });
    return said.filter(Boolean).join('; ') || undefined;
  }
  const said = [fields.type, fields.message].filter((part) => typeof part === 'string' && part !== '').join(' ');
  return said || undefined;
}

/**
 * ObtainToken's answer in RFC 6749 §5.1's shape, `expires_at` as `expires_in`
 * (seconds from now); its refusals (400 or 401, `errors[]` or `{ message,
 * type }`) as §5.2's `error`: `invalid_client` where it names the client,
 * `invalid_grant` otherwise. Anything else as it came.
 */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (!fields) return rebuiltAnswer(response, response.status, text);
  if (typeof fields.access_token === 'string') {
    const { expires_at: expiresAt, ...rest } = fields;
    const end = typeof expiresAt === 'string' ? Date.parse(expiresAt) : Number.NaN;
    const kept = Number.isNaN(end) ? rest : { ...rest, expires_in: Math.max(0, Math.floor((end - Date.now()) / 1000)) };
    return rebuiltAnswer(response, response.status, JSON.stringify(kept), 'application/json');
  }
  if ((response.status !== 400 && response.status !== 401) || typeof fields.error === 'string') return rebuiltAnswer(response, response.status, text);
  const description = refusalText(fields);
  if (description === undefined) return rebuiltAnswer(response, response.status, text);
  const error = /client|secret|application/i.test(description) ? 'invalid_client' : 'invalid_grant';
  return rebuiltAnswer(response, response.status, JSON.stringify({ error, error_description: description }), 'application/json');
}

/** The merchant of `{ merchant: {…} }`, when it has an id: an answer without one names no one, and the sign-in fails. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const merchant = objectOf(objectOf(body)?.merchant);
  return typeof merchant?.id === 'string' && merchant.id !== '' ? merchant : undefined;
}

/**
 * Ends the seller's authorization at `/oauth2/revoke`, the client secret as
 * `Authorization: Client`. A 401 or 404 for a token that was live (or whose
 * refresh token Square had refused) means it had ended already.
 */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('Square revocation needs the revocation endpoint');
  const response = await request.send(request.revocationEndpoint, {
    method: 'POST',
    headers: { ...request.apiHeaders, 'content-type': 'application/json', authorization: `Client ${request.clientSecret}` },
    body: JSON.stringify({ client_id: request.clientId, access_token: request.accessToken }),
  });
  const { fields } = await readTokenEndpointBody(response);
  if (response.status >= 200 && response.status < 300 && fields?.success === true) return 'revoked';
  if ((response.status === 401 || response.status === 404) && (!request.accessTokenExpired || request.refreshTokenRefused)) return 'already_revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Square answered HTTP ${response.status} to the token revocation.`);
}

export const square: ProviderPreset = {
  displayName: 'Square',
  values: { baseUrl: 'optional' },
  settings: ({ baseUrl }) => {
    const origin = baseUrl ? withoutTrailingSlash(baseUrl) : PRODUCTION;
    return {
      endpoints: {
        authorizationEndpoint: `${origin}/oauth2/authorize`,
        tokenEndpoint: `${origin}/oauth2/token`,
        userinfoEndpoint: `${origin}/v2/merchants/me`,
        revocationEndpoint: `${origin}/oauth2/revoke`,
      },
      scope: 'MERCHANT_PROFILE_READ',
      ...(baseUrl ? {} : { authorizationParams: { session: 'false' } }),
      pkce: false,
      apiBaseUrl: `${origin}/v2`,
      apiHeaders: { 'square-version': SQUARE_VERSION },
      proxyHeaders: { request: ['square-version'], response: [] },
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
      claimNames: { name: 'business_name' },
      hooks: { tokenRequest, tokenResponse, profileClaims, revoke },
    };
  },
};
