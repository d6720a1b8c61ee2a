/**
 * GitLab (gitlab.com, or a self-managed instance with `<NAME>_BASE_URL`).
 * OpenID Connect with discovery at `<base>/.well-known/openid-configuration`,
 * whose issuer is the instance's own URL
 * (https://docs.gitlab.com/integration/openid_connect_provider/). The person is
 * the ID token's `sub`, the numeric user id as a string; the username
 * (`nickname`, `preferred_username`) can be changed by its owner, the id cannot.
 * Scopes are space-separated; `read_user` lets the token read the REST API's
 * `GET /user` (https://docs.gitlab.com/integration/oauth_provider/).
 * Access tokens live 2 hours (`expires_in: 7200`), and every refresh
 * "invalidates the existing access_token and refresh_token" and sends new
 * ones (https://docs.gitlab.com/api/oauth2/): refresh tokens rotate, and
 * are issued without asking for consent, so no `offline_access`.
 * The docs pass the client id and secret as form parameters (client_secret_post).
 * RFC 7009 revocation at `/oauth/revoke`, listed in discovery (same page).
 * Nothing departs from the specifications: no hooks.
 */
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

export const gitlab: ProviderPreset = {
  displayName: 'GitLab',
  values: { baseUrl: 'optional' },
  settings: ({ baseUrl }) => {
    const web = baseUrl ? withoutTrailingSlash(baseUrl) : 'https://gitlab.com';
    return {
      discovery: { issuer: web },
      scope: 'openid profile email read_user',
      apiBaseUrl: `${web}/api/v4`,
      tokenEndpointAuthMethod: 'client_secret_post',
    };
  },
};
