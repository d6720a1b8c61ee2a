/**
 * QuickBooks Online (Intuit's OAuth 2.0 and OpenID Connect, the Accounting
 * API). From Intuit's docs
 * (https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0,
 * https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/openid-connect):
 * - discovery is at https://developer.api.intuit.com/.well-known/openid_configuration
 *   (an underscore, not at the issuer, which is https://oauth.platform.intuit.com/op/v1);
 *   its sandbox twin, https://developer.intuit.com/.well-known/openid-sandbox-configuration,
 *   is `<NAME>_SERVER_METADATA_URL`. The documents list `realmid` among the
 *   ID token's claims;
 * - the scopes are `com.intuit.quickbooks.accounting` with OpenID's `openid
 *   profile email`; the client authenticates with HTTP Basic; access tokens
 *   live an hour; a refresh may answer a new refresh token (Intuit's FAQ: its
 *   value changes about every 24 hours), and only the latest is to be used,
 *   which the core keeps. A refresh token ends after 100 days unused, each
 *   refresh starting them again, and at most five years after it was first
 *   issued (https://blogs.a.intuit.com/2025/11/12/important-changes-to-refresh-token-policy):
 *   the keep-alive sweep refreshes an unused connection before the 100 days, and
 *   Intuit's `x_refresh_token_expires_in` (the time left, so also the
 *   five-year end) is read as RFC 6749's `refresh_token_expires_in`;
 * - the callback carries `realmId`, the QuickBooks company the person chose,
 *   beside `code` and `state`, and every API call names it:
 *   https://quickbooks.api.intuit.com/v3/company/{realmId} (sandbox companies:
 *   https://sandbox-quickbooks.api.intuit.com/v3/company, `<NAME>_API_BASE_URL`).
 *   The realmId passes through the browser, so it is taken as the path under
 *   the configured API base only: digits alone (`/v3/company/../..` cannot
 *   be made), once, and equal to the ID token's `realmid` when the ID token
 *   names one (that token came from Intuit's token endpoint, signed). Where
 *   the ID token does not name it, the callback's is trusted no further than
 *   that: `state` ties the callback to the person who started the sign-in, the
 *   token never leaves Intuit's API host, and Intuit ties each access token to
 *   the company it was granted for, refusing it for any other; the worst a
 *   changed realmId can do is point a person's own connection at a company
 *   that refuses it;
 * - the person is the ID token's `sub`; the userinfo endpoint answers
 *   `givenName`, `familyName`, `email` and `emailVerified`, camelCase, which
 *   the preset's hook reads as OpenID Connect Core §5.1's names. That sample
 *   answer could not be re-read in the stored copies of the page at the time
 *   of writing;
 * - revocation is `POST https://developer.api.intuit.com/v2/oauth2/tokens/revoke`
 *   (discovery's `revocation_endpoint`) with Basic credentials and a JSON body
 *   `{"token": …}`, not RFC 7009's form: the preset's hook sends the refresh
 *   token (or the access token when there is none), which disconnects the app
 *   from the company;
 * - a refused refresh token is 400 `{"error": "invalid_grant"}`, as RFC 6749
 *   §5.2 says; the API answers a token it does not take with 401 and a
 *   `fault` of type AUTHENTICATION
 *   (https://developer.intuit.com/app/developer/qbo/docs/develop/troubleshooting/error-codes).
 */
import { ProviderUnavailableError } from '../errors.js';
import { plainBasicAuthorization, readTokenEndpointBody, rebuiltAnswer, type RevocationOutcome, type RevocationRequest } from '../provider-hooks.js';
import type { ProviderPreset } from './preset.js';

/** Intuit's camelCase userinfo with OpenID Connect Core §5.1's names beside it. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const info = body as Record<string, unknown>;
  const claims: Record<string, unknown> = { ...info };
  if (typeof info.givenName === 'string' && info.given_name === undefined) claims.given_name = info.givenName;
  if (typeof info.familyName === 'string' && info.family_name === undefined) claims.family_name = info.familyName;
  if (typeof info.emailVerified === 'boolean' && info.email_verified === undefined) claims.email_verified = info.emailVerified;
  return claims;
}

/** The token answer with Intuit's `x_refresh_token_expires_in` as `refresh_token_expires_in`, so the refresh token's stated end is kept. */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (!fields || typeof fields.x_refresh_token_expires_in !== 'number' || fields.refresh_token_expires_in !== undefined) return rebuiltAnswer(response, response.status, text);
  return rebuiltAnswer(response, response.status, JSON.stringify({ ...fields, refresh_token_expires_in: fields.x_refresh_token_expires_in }), 'application/json');
}

/** Revokes at Intuit's endpoint as it documents it: Basic credentials, the token in a JSON body. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('QuickBooks revocation needs the revocation endpoint');
  const response = await request.send(request.revocationEndpoint, {
    method: 'POST',
    headers: { authorization: plainBasicAuthorization(request.clientId, request.clientSecret), accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({ token: request.refreshToken ?? request.accessToken }),
  });
  await response.body?.cancel().catch(() => {});
  if (response.status === 200) return 'revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `QuickBooks refused the token revocation (HTTP ${response.status}).`);
}

export const quickbooks: ProviderPreset = {
  displayName: 'QuickBooks',
  settings: () => ({
    discovery: { metadataUrl: 'https://developer.api.intuit.com/.well-known/openid_configuration' },
    // Discovery names it too; named here, `<NAME>_REVOCATION_URL` may replace it, as for any endpoint.
    metadataOverrides: { revocationEndpoint: 'https://developer.api.intuit.com/v2/oauth2/tokens/revoke' },
    scope: 'com.intuit.quickbooks.accounting openid profile email',
    apiBaseUrl: 'https://quickbooks.api.intuit.com/v3/company',
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    // Intuit issues a refresh token with every grant, without asking for consent again.
    refreshTokenNeedsConsent: false,
    connectionApiBase: { callbackParameter: 'realmId', pattern: /[0-9]{1,32}/, idTokenClaim: 'realmid' },
    refreshTokenIdleSeconds: 100 * 86_400,
    hooks: { profileClaims, tokenResponse, revoke },
  }),
};
