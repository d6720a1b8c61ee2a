/**
 * ZITADEL (ZITADEL Cloud or self-run; OpenID Connect with discovery).
 * `<NAME>_BASE_URL` is required: the instance's URL, its custom domain or
 * `https://<instance>.zitadel.cloud`, which is also the issuer, with discovery
 * at `<base>/.well-known/openid-configuration` naming the endpoints
 * (`/oauth/v2/authorize`, `/oauth/v2/token`, `/oidc/v1/userinfo`,
 * `/oauth/v2/revoke`, `/oauth/v2/keys`;
 * https://zitadel.com/docs/apis/openidoauth/endpoints).
 * - The client is a Web application of a project, with the authentication
 *   method "Basic" (`client_secret_basic`, the default here; "POST" needs
 *   `<NAME>_TOKEN_ENDPOINT_AUTH_METHOD=client_secret_post`), its redirect URI
 *   the callback, and "Refresh Token" ticked among its grant types: ZITADEL
 *   issues a refresh token only to such a client, and only when
 *   `offline_access` is asked, with no consent page (so no `prompt=consent` is sent)
 *   (https://zitadel.com/docs/apis/openidoauth/scopes,
 *   https://help.zitadel.com/how-to-enable-and-receive-refresh-tokens).
 *   Client ids look like `123456789012345678@project`; the Basic header
 *   form-encodes the `@` (RFC 6749 §2.3.1), which ZITADEL decodes. PKCE S256
 *   is taken.
 * - The scopes: `openid profile email offline_access`, and
 *   `urn:zitadel:iam:org:project:id:zitadel:aud`, which puts ZITADEL's own
 *   project in the access token's audience: without it ZITADEL's APIs (the
 *   proxy's default target, `/auth/v1/users/me`, `/v2/…`) refuse the token
 *   (https://zitadel.com/docs/guides/integrate/access-zitadel-apis).
 *   Calls to the app's own APIs, which take ZITADEL's tokens when their project
 *   is in the audience, need `<NAME>_API_BASE_URL` and that project's
 *   `urn:zitadel:iam:org:project:id:<id>:aud` in `<NAME>_SCOPE`.
 * - The person is `sub`, the user's id (a number in a string), which never
 *   changes; `preferred_username` is the login name, which may. Userinfo
 *   answers `name`, `email` and `email_verified`; the ID token carries them
 *   only when the application says "User Info inside ID Token", so they are
 *   read from userinfo.
 * - Tokens, by the instance's OIDC settings (defaults: access and ID tokens 12
 *   hours, refresh tokens ending after 30 days unused and 90 days after
 *   sign-in; https://zitadel.com/docs/guides/manage/console/default-settings, the default values as ZITADEL's source sets them):
 *   every refresh answers a new refresh token in place of the old (rotation),
 *   which the core keeps, and the keep-alive sweep refreshes a connection left
 *   unused before its 30 days; after the 90 days only a new sign-in helps. An
 *   instance set otherwise: `<NAME>_REFRESH_TOKEN_IDLE_DAYS`.
 * - Disconnect revokes at `/oauth/v2/revoke` (RFC 7009), which discovery names.
 * - ZITADEL sends OpenID Connect Back-Channel Logout to an application that
 *   registers the back-channel logout URI, which this site serves for every
 *   provider (see the README).
 * Not checked against a running ZITADEL: whether revoking the refresh token
 * also ends the access tokens issued with it (both are revoked), the
 * descriptions of its token endpoint's refusals (the RFC 6749 §5.2 codes are
 * what the core reads), and whether an instance that never set its OIDC
 * settings answers the lifetimes above.
 */
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

/** The scope that adds ZITADEL's own project to the token's audience, so its APIs take the token. */
const ZITADEL_API_AUDIENCE_SCOPE = 'urn:zitadel:iam:org:project:id:zitadel:aud';

export const zitadel: ProviderPreset = {
  displayName: 'ZITADEL',
  values: { baseUrl: 'required' },
  settings: ({ baseUrl }) => {
    // ZITADEL names its issuer by the instance's domain, with no trailing slash.
    const instance = withoutTrailingSlash(baseUrl ?? '');
    return {
      discovery: { issuer: instance },
      scope: `openid profile email offline_access ${ZITADEL_API_AUDIENCE_SCOPE}`,
      apiBaseUrl: instance,
      tokenEndpointAuthMethod: 'client_secret_basic',
      // offline_access alone brings the refresh token: no prompt=consent.
      refreshTokenNeedsConsent: false,
      refreshTokenIdleSeconds: 30 * 86_400,
    };
  },
};
