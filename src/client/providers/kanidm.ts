/**
 * Kanidm (self-run; its OAuth2 / OpenID Connect provider, with discovery).
 * `<NAME>_BASE_URL` is the server's origin: each OAuth2 client is its own
 * issuer, `<base>/oauth2/openid/<client id>` (no trailing slash), so the
 * preset makes it from `<NAME>_CLIENT_ID`; its discovery document names the
 * endpoints, which are the server's: `/ui/oauth2` (authorization),
 * `/oauth2/token`, `/oauth2/token/revoke` (RFC 7009) and the client's
 * `/oauth2/openid/<client id>/userinfo`
 * (https://kanidm.github.io/kanidm/stable/integrations/oauth2.html).
 * `<NAME>_ISSUER` alone also works.
 * - The client is a confidential one (`kanidm system oauth2 create`), its
 *   redirect URL the callback (`add-redirect-url`), authenticated by HTTP
 *   Basic with its `oauth2_rs_basic_secret`; PKCE S256 is required, and ID
 *   tokens are ES256 unless the client has `warning-enable-legacy-crypto`
 *   (RS256), both named in discovery (same page).
 * - The scopes: `openid profile email`, and each must be granted to the
 *   person by a scope map (`update-scope-map <client> <group> openid profile
 *   email`): Kanidm refuses an authorisation asking for a scope the person
 *   is not mapped to, so no `offline_access` is asked (Kanidm has no such
 *   scope map by default). The person consents on Kanidm's own page the first
 *   time or when the scopes change (same page).
 * - The person is `sub`, the account's UUID; `preferred_username` is the SPN
 *   (`name@domain`), or the short name with `prefer-short-username`, either of
 *   which can be renamed; `name` is the display name; `email` the primary
 *   address, with `email_verified` true (same page, "Short names", and the
 *   scope hint listing `email, email_verified`).
 * - Tokens: access tokens live 15 minutes; a code exchange always answers a
 *   refresh token, single-use: each refresh answers a new one and moves the
 *   session's "not issued before" time, so a spent one used again ends the
 *   whole session (https://kanidm.github.io/kanidm/stable/developers/designs/oauth2_refresh_tokens.html).
 *   The core keeps each new one. A refresh token ends 16 hours after its issue
 *   (the client's `oauth2_refresh_token_expiry`, Kanidm's source default), so
 *   the keep-alive sweep refreshes a connection left unused before then; a
 *   client set otherwise: `<NAME>_REFRESH_TOKEN_IDLE_DAYS`.
 * - Kanidm answers a client it cannot authenticate (a wrong secret) with HTTP
 *   401, `WWW-Authenticate: Bearer` and no body, not RFC 6749 §5.2's JSON (its
 *   source, server/core/src/https/errors.rs; its pages do not say): that
 *   answer is read as `invalid_client`.
 * - Disconnect revokes at `/oauth2/token/revoke`, which discovery names.
 * - The API base is the issuer, whose `/userinfo` the access token reads.
 * Not checked against a running Kanidm: whether a refresh token also ends with
 * the Kanidm login session it was issued under, and the 16 hours (Kanidm's
 * pages do not state a refresh token's life).
 */
import { rebuiltAnswer } from '../provider-hooks.js';
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

/** Kanidm's empty 401 for a client it cannot authenticate, as RFC 6749 §5.2's `invalid_client`. */
async function tokenResponse(response: Response): Promise<Response> {
  if (response.status !== 401) return response;
  const text = await response.text();
  if (text.trim() !== '') return rebuiltAnswer(response, response.status, text);
  // Its bare `WWW-Authenticate: Bearer`, which names no error, is dropped by the core once the body names one.
  return rebuiltAnswer(response, 401, JSON.stringify({ error: 'invalid_client', error_description: 'Kanidm refused the client authentication (HTTP 401 with no body)' }), 'application/json');
}

export const kanidm: ProviderPreset = {
  displayName: 'Kanidm',
  values: { baseUrl: 'issuer' },
  settings: ({ baseUrl }, client) => {
    const issuer = `${withoutTrailingSlash(baseUrl ?? '')}/oauth2/openid/${encodeURIComponent(client?.clientId ?? '')}`;
    return {
      discovery: { issuer },
      scope: 'openid profile email',
      apiBaseUrl: issuer,
      tokenEndpointAuthMethod: 'client_secret_basic',
      // Every code exchange answers a refresh token: no offline_access, no prompt=consent.
      refreshTokenNeedsConsent: false,
      refreshTokenIdleSeconds: 16 * 3600,
      hooks: { tokenResponse },
    };
  },
};
