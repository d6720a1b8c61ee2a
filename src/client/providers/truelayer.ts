/**
 * TrueLayer's Data API (an application made in TrueLayer Console, its
 * client_id and client_secret as the client, the callback allowlisted as a
 * redirect URI there). Connect-only: TrueLayer's pages name no id of the
 * person. In Data API v1 a connection is a concept, "identified by an access
 * token", with no id and no status endpoint of its own
 * (https://docs.truelayer.com/docs/general-data-api-concepts,
 * https://docs.truelayer.com/docs/connections), so a person signs in with
 * another provider and connects TrueLayer, the connection's subject being the
 * user's own id; nothing is read to name them. From TrueLayer's pages:
 * - the auth link is `https://auth.truelayer.com/` itself with
 *   `response_type=code`, `client_id`, `redirect_uri`, a space-separated
 *   `scope` and an optional `state` (and `providers`, `provider_id` to narrow
 *   the banks offered) (https://docs.truelayer.com/docs/generate-an-auth-link,
 *   https://docs.truelayer.com/docs/auth-link-basics). The scopes name the
 *   data shared (`info`, `accounts`, `balance`, `transactions`…,
 *   https://docs.truelayer.com/docs/create-a-connection-1), and a refresh
 *   token comes only with `offline_access`
 *   (https://docs.truelayer.com/docs/create-a-connection): `accounts balance
 *   transactions offline_access` is asked;
 * - the code is exchanged at `POST https://auth.truelayer.com/connect/token`
 *   as a form with `grant_type=authorization_code`, `client_id`,
 *   `client_secret`, `redirect_uri` and `code` (the client in the form, never
 *   Basic); a refresh is the same endpoint with `grant_type=refresh_token`,
 *   the client and the refresh token
 *   (https://docs.truelayer.com/reference/generateaccesstoken);
 * - a connection lasts 90 days from its creation unless the person extends
 *   it, after which a refresh is refused and the person connects again
 *   (https://docs.truelayer.com/docs/create-a-connection);
 * - the Data API is under `https://api.truelayer.com/data/v1` (e.g.
 *   `/accounts`, `/accounts/{id}/balance`) with the token as Bearer
 *   (https://docs.truelayer.com/docs/data-api-basics); the sandbox's API is
 *   `https://api.truelayer-sandbox.com`
 *   (https://docs.truelayer.com/reference/create-connection), reached by
 *   `<NAME>_BASE_URL=https://auth.truelayer-sandbox.com`, the API host being
 *   the auth host's with `auth.` made `api.`.
 * Not checked against TrueLayer's pages: the sandbox's auth host (only its
 * API host was read); the access token's lifetime (the answer's
 * `expires_in` is read); whether a refresh answers a new refresh token (the
 * newest answered is kept either way); the auth link's parameter for PKCE
 * (the token request documents `code_verifier` "only if using PKCE flow";
 * none is sent); the token endpoint's refusals (RFC 6749 §5.2's assumed);
 * a revocation endpoint (none was found: disconnect forgets the tokens
 * here).
 */
import { hostOf, withoutTrailingSlash, type PresetValues, type ProviderPreset } from './preset.js';

const LIVE = 'https://auth.truelayer.com';

/** The Data API's origin beside an auth host: `auth.truelayer.com` → `api.truelayer.com`, the sandbox's likewise. */
function truelayerApiOrigin(authBase: string): string {
  return `https://${hostOf(authBase).replace(/^auth\./, 'api.')}`;
}

export const truelayer: ProviderPreset = {
  displayName: 'TrueLayer',
  values: { baseUrl: 'optional' },
  settings: (values: PresetValues) => {
    const base = withoutTrailingSlash(values.baseUrl ?? LIVE);
    return {
      endpoints: {
        // The auth link is the auth server's root.
        authorizationEndpoint: `${base}/`,
        tokenEndpoint: `${base}/connect/token`,
      },
      scope: 'accounts balance transactions offline_access',
      apiBaseUrl: `${truelayerApiOrigin(base)}/data/v1`,
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      connectOnly: true,
    };
  },
};
