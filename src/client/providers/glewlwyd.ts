/**
 * Glewlwyd (self-run; its OpenID Connect plugin, with discovery). `<NAME>_BASE_URL`
 * is the server's external URL: the issuer is `<base>/api/oidc`, the plugin
 * instance named `oidc` under the default API prefix `/api`
 * (https://github.com/babelouest/glewlwyd/blob/v2.7.5/docs/INSTALL.md#api-prefix),
 * which must also be the plugin's Issuer setting, as discovery names that
 * (https://github.com/babelouest/glewlwyd/blob/v2.7.5/docs/OIDC.md#issuer). Another
 * instance name or prefix: `<NAME>_ISSUER` alone. The discovery document names
 * every endpoint, RFC 7009 revocation included; disconnect revokes there with
 * the client's credentials when the plugin has "Allow tokens introspection and
 * invocation" and "Allow for the token client" on
 * (https://github.com/babelouest/glewlwyd/blob/v2.7.5/docs/OIDC.md#allow-for-the-token-client).
 * That page says the client then also needs the `client_credentials`
 * authorization type; 2.7.5 revoked without it in the interop test. Calls go
 * to the plugin by default (userinfo).
 * The person is `sub`, a random id per user (per client with the pairwise
 * subject type). A fresh Glewlwyd knows one OpenID scope, `openid`
 * (docs/database/init.*.sql); the administrator adds others (`profile`,
 * `email`…) and ties the name and e-mail claims to them, so `<NAME>_SCOPE`
 * asks for those. The client needs `code` and `refresh_token` among its
 * authorization types, and `client_secret_basic` as its token endpoint
 * authentication method: with none set, the plugin refuses a confidential
 * client at the token endpoint (unauthorized_client).
 * Glewlwyd 2.7.5 departs from RFC 6749 twice, neither said in its
 * documentation: both were found against the Debian package
 * (test/interop/glewlwyd.test.ts) and in its source (src/plugin/protocol_oidc.c):
 * - it reads the client's Basic credentials as they are (RFC 7617) and not
 *   form-decoded (RFC 6749 §2.3.1): a client id such as `my-app` sent as
 *   `my%2Dapp` is unknown to it. They are sent as they are;
 * - it refuses a refresh token (unknown, revoked, expired, a single-use one
 *   used again) with HTTP 400 and an empty body, not §5.2's `invalid_grant`.
 *   It answers the same to a refresh with wrong client credentials, and then
 *   disables the refresh token too when single-use refresh tokens are on, so
 *   an empty 400 from its token endpoint is read as `invalid_grant`: the
 *   connection needs a new sign-in, whose code exchange shows a client fault
 *   (403 unauthorized_client) if that was the cause.
 * Refresh tokens last 14 days by default, and are single-use when the plugin
 * says so (the core keeps each new one); how long one lives unused depends on
 * the plugin's rolling setting, so the keep-alive sweep is left off.
 */
import { rebuiltAnswer } from '../provider-hooks.js';
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

/** An empty 400 from the token endpoint is Glewlwyd's refusal of the grant: RFC 6749 §5.2's `invalid_grant`. */
async function tokenResponse(response: Response): Promise<Response> {
  if (response.status !== 400) return response;
  const text = await response.text();
  if (text.trim() !== '') return rebuiltAnswer(response, response.status, text);
  return rebuiltAnswer(response, 400, JSON.stringify({ error: 'invalid_grant', error_description: 'Glewlwyd refused the grant (HTTP 400 with no body)' }), 'application/json');
}

export const glewlwyd: ProviderPreset = {
  displayName: 'Glewlwyd',
  values: { baseUrl: 'issuer' },
  settings: ({ baseUrl }) => {
    const issuer = `${withoutTrailingSlash(baseUrl ?? '')}/api/oidc`;
    return {
      discovery: { issuer },
      scope: 'openid',
      apiBaseUrl: issuer,
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      hooks: { tokenResponse },
    };
  },
};
