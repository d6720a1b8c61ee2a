/**
 * Dex (self-run; a federated OpenID Connect provider, with discovery).
 * `<NAME>_BASE_URL` is Dex's `issuer` as its configuration sets it (often with
 * a path, e.g. `https://auth.example.com/dex`), whose discovery document names
 * `/auth`, `/token`, `/userinfo` and `/keys` under it
 * (https://dexidp.io/docs/openid-connect/); `<NAME>_ISSUER` alone also works.
 * - The client is one of Dex's `staticClients` (or made through its API), with
 *   a `secret` and the callback among its `redirectURIs`
 *   (https://dexidp.io/docs/configuration/custom-scopes-claims-clients/). Dex
 *   takes Basic (form-decoded, RFC 6749 §2.3.1) or the form; Basic is sent.
 *   PKCE S256 is taken.
 * - The scopes: `openid profile email offline_access`. A refresh token comes
 *   with `offline_access` alone, where the connector the person signs in
 *   through supports it (the SAML connector does not); the approval page, unless
 *   `oauth2.skipApprovalScreen`, is Dex's own, so no `prompt=consent` is sent
 *   (https://dexidp.io/docs/configuration/tokens/,
 *   https://dexidp.io/docs/configuration/oauth2/).
 * - The person is `sub`, which encodes the upstream user id with the connector's
 *   id: it stays the same while the connector keeps its id. `name`,
 *   `preferred_username` (for `profile`), `email` and `email_verified` (whether
 *   the upstream provider verified it) come in the ID token and userinfo
 *   (https://dexidp.io/docs/configuration/custom-scopes-claims-clients/,
 *   https://dexidp.io/docs/configuration/tokens/). ID tokens are RS256.
 * - Tokens: access and ID tokens live `expiry.idTokens` (24 hours by default);
 *   every refresh answers a new refresh token (rotation, unless
 *   `expiry.refreshTokens.disableRotation`), which the core keeps. Refresh
 *   tokens end for idleness or age only when `expiry.refreshTokens`
 *   `validIfNotUsedFor` or `absoluteLifetime` is set (the sample configuration's
 *   90 and 165 days): then `<NAME>_REFRESH_TOKEN_IDLE_DAYS` to match, so the
 *   keep-alive sweep renews idle connections (https://dexidp.io/docs/configuration/tokens/).
 * - Dex refuses a refresh token it does not know, one already used (outside
 *   `reuseInterval`) or an expired one with HTTP 400 `invalid_request` ("Refresh
 *   token is invalid or has already been claimed by another client.", "Refresh
 *   token expired."), not RFC 6749 §5.2's `invalid_grant` (its source,
 *   server/refreshhandlers.go, in 2.45): those two answers are read as
 *   `invalid_grant`, so the connection needs a new sign-in.
 * - Dex has no revocation endpoint (its discovery names none): disconnect
 *   deletes the tokens here only.
 * - The API base is the issuer, whose `/userinfo` the access token reads.
 * Not checked against a running Dex: a refresh the upstream connector refuses
 * (a person removed from the upstream directory) is answered HTTP 500, which is
 * read as a passing fault, not a refusal; and whether every connector keeps
 * `email_verified` as its upstream says.
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

/** The descriptions of Dex's `invalid_request` answers that refuse the refresh token itself. */
const REFUSED_REFRESH_TOKEN = new Set(['Refresh token is invalid or has already been claimed by another client.', 'Refresh token expired.']);

/** Dex's `invalid_request` refusals of a refresh token, as RFC 6749 §5.2's `invalid_grant`. */
async function tokenResponse(response: Response): Promise<Response> {
  if (response.status !== 400) return response;
  const { text, fields: body } = await readTokenEndpointBody(response);
  if (body?.error !== 'invalid_request' || typeof body.error_description !== 'string' || !REFUSED_REFRESH_TOKEN.has(body.error_description)) {
    return rebuiltAnswer(response, response.status, text);
  }
  return rebuiltAnswer(response, 400, JSON.stringify({ ...body, error: 'invalid_grant' }), 'application/json');
}

export const dex: ProviderPreset = {
  displayName: 'Dex',
  values: { baseUrl: 'issuer' },
  settings: ({ baseUrl }) => {
    // Dex's issuer is its configuration's `issuer`, which names itself without a trailing slash.
    const issuer = withoutTrailingSlash(baseUrl ?? '');
    return {
      discovery: { issuer },
      scope: 'openid profile email offline_access',
      ...(baseUrl === undefined ? {} : { apiBaseUrl: issuer }),
      tokenEndpointAuthMethod: 'client_secret_basic',
      // offline_access alone brings the refresh token; the approval page is Dex's own.
      refreshTokenNeedsConsent: false,
      hooks: { tokenResponse },
    };
  },
};
