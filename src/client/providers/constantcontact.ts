/**
 * Constant Contact (a V3 API application made on the Developer Portal's My
 * Applications page, its redirect URI the callback). Plain OAuth 2.0 with
 * explicit endpoints at its authorization server, authz.constantcontact.com;
 * the person is read from the V3 API. From Constant Contact's docs:
 * - `GET https://authz.constantcontact.com/oauth2/default/v1/authorize` with
 *   `client_id`, `redirect_uri`, `response_type=code`, `state` (required) and
 *   a space-separated `scope`; `offline_access` is the scope that brings a
 *   refresh token (https://developer.constantcontact.com/api_guide/server_flow.html);
 *   a PKCE `code_challenge` with `code_challenge_method=S256` is the PKCE
 *   flow's (https://developer.constantcontact.com/api_guide/pkce_flow.html);
 * - `POST https://authz.constantcontact.com/oauth2/default/v1/token` with the
 *   code and `redirect_uri`, or a refresh token; the client authenticates with
 *   Basic, base64 of `client_id:client_secret` as they are
 *   (https://developer.constantcontact.com/api_guide/apps_create_archive.html).
 *   The answer is `token_type: "Bearer"`, `expires_in`, `access_token`,
 *   `scope` and `refresh_token`; access tokens live 24 hours. With rotating
 *   refresh tokens (the recommended setting) each refresh answers a new
 *   refresh token and the used one stops working; with long-lived ones the
 *   same one comes back (https://developer.constantcontact.com/api_guide/server_flow.html).
 *   A refusal is RFC 6749's `error` and `error_description`, e.g.
 *   `invalid_grant` for a spent refresh token;
 * - the person is `GET https://api.cc.email/v3/account/summary` (scope
 *   `account_read`): `encoded_account_id` (the subject), `first_name`,
 *   `last_name`, `contact_email` and `organization_name`
 *   (https://developer.constantcontact.com/api_guide/account_details_get.html).
 *   Nothing says the contact e-mail was verified, so it is stored unverified;
 * - the API is https://api.cc.email/v3, with `Authorization: Bearer`.
 * Not checked against Constant Contact's own pages: the 180 days a refresh
 * token may go unused (Constant Contact's API support says so on its
 * community forum, community.constantcontact.com, "Refresh token expiry"),
 * which the keep-alive sweep counts with; the revocation endpoint, RFC 7009's
 * `/oauth2/default/v1/revoke` with Basic, which only integrations' settings
 * name and the authorization server's product offers (it is used here, the
 * refresh token first); whether the token endpoint takes its parameters in a
 * form body as well as in the query string its examples use (the form is
 * sent, as RFC 6749 has it); whether a PKCE challenge is taken beside the
 * client secret (it is sent, and RFC 7636 §4.5 lets a server ignore it); that
 * `encoded_account_id` names the account, so two users of one account sign
 * in as one person here (the V3 API names no user id of its own).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, trimmedText } from './profile-text.js';

/** Rotating refresh tokens end after 180 days unused. */
const REFRESH_TOKEN_IDLE_SECONDS = 180 * 86_400;

/**
 * The account summary's members kept with the profile, with `name` made from `first_name` and `last_name`; an
 * answer without an `encoded_account_id` names no one.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const summary = objectOf(body);
  const accountId = trimmedText(summary?.encoded_account_id);
  if (!summary || !accountId) return undefined;
  const name = joinedName(summary.first_name, summary.last_name);
  const kept: Record<string, unknown> = { encoded_account_id: accountId };
  for (const member of ['first_name', 'last_name', 'contact_email', 'organization_name'] as const) {
    const value = trimmedText(summary[member]);
    if (value) kept[member] = value;
  }
  return { ...kept, ...(name ? { name } : {}) };
}

export const constantcontact: ProviderPreset = {
  displayName: 'Constant Contact',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://authz.constantcontact.com/oauth2/default/v1/authorize',
      tokenEndpoint: 'https://authz.constantcontact.com/oauth2/default/v1/token',
      userinfoEndpoint: 'https://api.cc.email/v3/account/summary',
      revocationEndpoint: 'https://authz.constantcontact.com/oauth2/default/v1/revoke',
    },
    scope: 'account_read contact_data offline_access',
    apiBaseUrl: 'https://api.cc.email/v3',
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    subjectClaim: 'encoded_account_id',
    claimNames: { name: 'name', email: 'contact_email' },
    refreshTokenIdleSeconds: REFRESH_TOKEN_IDLE_SECONDS,
    hooks: { profileClaims },
  }),
};
