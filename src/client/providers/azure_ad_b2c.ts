/**
 * Azure AD B2C (Azure Active Directory B2C; closed to new customers since
 * May 2025, its successor being Microsoft Entra External ID, the
 * `entra_external_id` preset). Unlike the `microsoft` preset's Entra ID, each
 * user flow or custom policy is an OpenID provider of its own at the tenant's
 * `b2clogin.com` host. `<NAME>_TENANT` is the B2C tenant's name (the
 * `contoso` of `contoso.onmicrosoft.com` and `contoso.b2clogin.com`) and
 * `<NAME>_POLICY` the user flow or custom policy (`B2C_1_signupsignin`). From
 * Microsoft's pages:
 * - the endpoints are the policy's,
 *   `https://{tenant}.b2clogin.com/{tenant}.onmicrosoft.com/{policy}/oauth2/v2.0/authorize`
 *   and `…/token`, named by its discovery document at
 *   `…/{policy}/v2.0/.well-known/openid-configuration`, which the preset reads
 *   by URL: its issuer, `https://{tenant}.b2clogin.com/{tenant id}/v2.0/`,
 *   names the tenant's id, which every ID token's `iss` must then equal
 *   (https://learn.microsoft.com/en-us/azure/active-directory-b2c/openid-connect,
 *   https://learn.microsoft.com/en-us/azure/active-directory-b2c/tokens-overview);
 * - an access token comes only for a scope of an API: the app's own client id
 *   as a scope asks for one for the app itself (its own web API, which
 *   `<NAME>_API_BASE_URL` names; B2C has no API of its own), and
 *   `offline_access` for a refresh token, so the scope is
 *   `openid offline_access <client id>`
 *   (https://learn.microsoft.com/en-us/azure/active-directory-b2c/openid-connect#get-access-tokens);
 * - a user flow has no userinfo endpoint (only custom policies may have one,
 *   https://learn.microsoft.com/en-us/azure/active-directory-b2c/userinfo-endpoint):
 *   the person is read from the ID token alone. `sub` is the user's object id
 *   (the user flow's default "Subject (sub) claim"); the e-mail is the first of
 *   `emails`, the list the user flow's "Email Addresses" application claim
 *   sends, kept as not verified; `name` is the "Display Name" claim
 *   (https://learn.microsoft.com/en-us/azure/active-directory-b2c/tokens-overview#claims);
 * - refresh tokens: each refresh answers a new one, which replaces the one
 *   used; each lives 14 days by default (1 to 90 days, the user flow's
 *   "Refresh token lifetime"), so the keep-alive sweep refreshes an unused
 *   connection before then; a sliding window (90 days by default) ends the
 *   refreshes after that long from sign-in, when the person signs in again
 *   (https://learn.microsoft.com/en-us/azure/active-directory-b2c/configure-tokens);
 * - there is no revocation endpoint: disconnecting deletes the tokens here only.
 * Not checked against Microsoft's own pages: whether the refresh token used
 * keeps working until it expires once a new one is issued, and that a user
 * flow's token answer carries its numbers as the JSON numbers the core reads
 * (the pages' examples write `expires_in` as a string, which is read too).
 */
import { objectOf, type ProviderPreset } from './preset.js';

/**
 * The first of the ID token's `emails`, as `email`. The ID token is the code exchange's own, whose signature,
 * issuer and audience openid-client has checked before the profile is read.
 */
function tokenAnswerClaims(answer: Record<string, unknown>): Record<string, unknown> {
  const payload = typeof answer.id_token === 'string' ? answer.id_token.split('.')[1] : undefined;
  if (payload === undefined) return {};
  let claims: Record<string, unknown> | undefined;
  try {
    claims = objectOf(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  } catch {
    return {};
  }
  const emails = Array.isArray(claims?.emails) ? claims.emails : [];
  const email = emails.find((value): value is string => typeof value === 'string' && value !== '');
  return email === undefined ? {} : { email };
}

export const azure_ad_b2c: ProviderPreset = {
  displayName: 'Azure AD B2C',
  values: { tenant: 'issuer', policy: 'issuer' },
  settings: ({ tenant, policy }, client) => {
    // `contoso`, from `contoso`, `contoso.onmicrosoft.com` or `contoso.b2clogin.com`.
    const name = (tenant ?? '').replace(/\.(onmicrosoft|b2clogin)\.com$/i, '');
    return {
      discovery: { metadataUrl: `https://${name}.b2clogin.com/${name}.onmicrosoft.com/${policy ?? ''}/v2.0/.well-known/openid-configuration` },
      scope: client === undefined ? 'openid offline_access' : `openid offline_access ${client.clientId}`,
      // A user flow has no userinfo: the profile is the ID token's.
      skipUserinfo: true,
      refreshTokenNeedsConsent: false,
      refreshTokenIdleSeconds: 14 * 86_400,
      hooks: { tokenAnswerClaims },
    };
  },
};
