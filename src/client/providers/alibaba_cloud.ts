/**
 * Alibaba Cloud (an OAuth application of Resource Access Management, a web application created in the RAM console
 * with its redirect URI, OAuth scopes and a client secret), signing in an Alibaba Cloud account or a RAM user.
 * OpenID Connect with discovery. From Alibaba Cloud's pages:
 * - the issuer is `https://oauth.aliyun.com` on the China site, with its discovery document at
 *   `/.well-known/openid-configuration`, naming `https://signin.aliyun.com/oauth2/v1/auth`, `/v1/token`, `/v1/revoke`,
 *   the keys at `/v1/keys`, RS256 ID tokens, `public` subjects and PKCE with `plain` and `S256`
 *   (https://help.aliyun.com/document_detail/93698.html); the international site's is `https://oauth.alibabacloud.com`
 *   (https://www.alibabacloud.com/help/en/ram/user-guide/obtain-user-information-through-oidc), which
 *   `<NAME>_ISSUER` sets (with `<NAME>_USERINFO_URL` and `<NAME>_API_BASE_URL` on that host);
 * - the scopes: `openid`, always granted, gives the OpenID, "a string that uniquely represents the user" but no UID or
 *   name; `aliuid` the Alibaba Cloud UIDs; `profile` the names (https://help.aliyun.com/document_detail/93693.html).
 *   `openid aliuid profile` is asked;
 * - the authorization request takes `client_id`, `redirect_uri`, `response_type=code`, `scope`, `state` and
 *   `access_type`: a refresh token is issued only for `offline` (the default is `online`), so the preset sends
 *   `access_type=offline` (https://help.aliyun.com/knowledge_detail/93696.html, "Log on to Alibaba Cloud from a web
 *   application", https://www.alibabacloud.com/help/en/ram/user-guide/access-alibaba-cloud-apis-from-a-web-application);
 * - the token endpoint takes a form with `client_id` and `client_secret` in it; the code's answer is
 *   `access_token`, `token_type: "Bearer"`, `expires_in` (3600 in the example), `refresh_token` and `id_token`; a
 *   refresh answers a new access token alone, "without the refresh_token and id_token", so the refresh token is
 *   kept (the same page);
 * - "when a user logs out of an application or removes its account", the refresh token is revoked at `/v1/revoke`
 *   with `token`, `client_id` and `client_secret` (the same page): the endpoint discovery names, used on disconnect;
 * - the ID token and `GET /v1/userinfo` (with the token as Bearer; not in the discovery document, so named here)
 *   carry `sub`, `name` (the display name), `login_name` (an Alibaba Cloud account's logon name) or `upn` (a RAM
 *   user's), `aid` (the Alibaba Cloud account the user belongs to) and `uid` (the user's own UID)
 *   (https://help.aliyun.com/document_detail/93698.html). The account is the ID token's `sub`, under the issuer, so
 *   the China and international sites are apart; the logon name is the username, `uid` and `aid` are kept with the
 *   profile. An access token for these scopes alone reaches only the user info, so the API base is `/v1`.
 * Not checked against Alibaba Cloud's pages: whether the ID token carries the `nonce` sent (OpenID Connect Core
 * §3.1.3.7 has it), whether PKCE is checked for a web application (the challenge is sent), how a refused token
 * request, a revoked or unknown token at `/v1/revoke` (an access token there included), a declined consent
 * (`access_denied` assumed) and a refused user info (401 assumed) are answered, whether revoking the refresh token
 * ends its access tokens, and how long a refresh token lasts.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/**
 * The user info as claims: `sub`, the display name, the logon name (a RAM user's `upn`, else the account's
 * `login_name`) as the username, and the UIDs `uid` and `aid`; an answer without a `sub` names no one.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const info = objectOf(body);
  const sub = trimmedText(info?.sub);
  if (!info || !sub) return undefined;
  return {
    sub,
    ...textMembers({
      name: info.name,
      preferred_username: trimmedText(info.upn) ?? info.login_name,
      uid: info.uid,
      aid: info.aid,
    }),
  };
}

export const alibaba_cloud: ProviderPreset = {
  displayName: 'Alibaba Cloud',
  settings: () => ({
    discovery: { issuer: 'https://oauth.aliyun.com' },
    metadataOverrides: { userinfoEndpoint: 'https://oauth.aliyun.com/v1/userinfo' },
    scope: 'openid aliuid profile',
    authorizationParams: { access_type: 'offline' },
    apiBaseUrl: 'https://oauth.aliyun.com/v1',
    tokenEndpointAuthMethod: 'client_secret_post',
    hooks: { profileClaims },
  }),
};
