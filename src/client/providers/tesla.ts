/**
 * Tesla (the Fleet API, with third-party tokens: an app registered at
 * developer.tesla.com acting for a Tesla customer). OAuth 2.0 authorization
 * code with PKCE and explicit endpoints. From Tesla's docs:
 * - `GET https://auth.tesla.com/oauth2/v3/authorize` with `response_type=code`,
 *   `client_id`, `redirect_uri`, a space-separated `scope` and `state`;
 *   `openid` and `offline_access` must be among the scopes for a refresh
 *   token to be issued; the data and command scopes are `user_data`,
 *   `vehicle_device_data`, `vehicle_cmds` and `vehicle_charging_cmds`
 *   (https://developer.tesla.com/docs/fleet-api/authentication/third-party-tokens,
 *   https://developer.tesla.com/docs/fleet-api/authentication/overview);
 *   PKCE (RFC 7636) is what Tesla's open-source apps must send and what
 *   others may (https://developer.tesla.com/docs/fleet-api/authentication/open-source-tokens),
 *   so the S256 challenge is always sent;
 * - the token endpoint is `POST https://fleet-auth.prd.vn.cloud.tesla.com/oauth2/v3/token`,
 *   a form with the client's id and secret beside the grant's parameters
 *   (https://developer.tesla.com/docs/fleet-api/authentication/third-party-tokens,
 *   https://developer.tesla.com/docs/fleet-api/authentication/third-party-business-tokens);
 * - the Fleet API is regional, one base per region: North America and
 *   Asia-Pacific `https://fleet-api.prd.na.vn.cloud.tesla.com`, Europe,
 *   Middle East and Africa `https://fleet-api.prd.eu.vn.cloud.tesla.com`,
 *   China `https://fleet-api.prd.cn.vn.cloud.tesla.cn`, whose vehicles need
 *   an app of its own at developer.tesla.cn
 *   (https://developer.tesla.com/docs/fleet-api/getting-started/base-urls),
 *   "use the appropriate region for each user": at sign-in the person's
 *   region is asked first, of `GET /api/1/users/region`, and its
 *   `fleet_api_base_url`, which must be one of those three hosts (or
 *   `TESLA_API_BASE_URL`'s), is that connection's API base, where the
 *   profile is then read: the Fleet API answers a person of another region
 *   with HTTP 421 (as integrations report it). The preset's base for that
 *   first question is North America's; `TESLA_API_BASE_URL` names another.
 *   The token is sent as Bearer
 *   (https://developer.tesla.com/docs/fleet-api/authentication/overview).
 * Not checked against Tesla's own pages (of the third-party token page only
 * the authorization part was read, not its token and refresh parts, nor the
 * user endpoints page): that access tokens last 8 hours (`expires_in`
 * 28800) and a refresh token is spent by its refresh, which answers a new
 * one kept in its place; the refresh token's own end (3 months is reported:
 * no keep-alive is made); whether the token exchange needs `audience` (none
 * is sent); the answer of `GET /api/1/users/me` (`{ response: { email,
 * full_name, profile_image_url, vault_uuid } }`, the account's `vault_uuid`
 * taken as the subject, the e-mail's verification unknown) and whether it
 * answers on every region's base (it is asked at the person's own); that
 * `GET /api/1/users/region` answers at any region's base; its answer
 * (`{ response: { region, fleet_api_base_url } }`; without a base the
 * sign-in fails, as the connection would have no API);
 * the ID token's issuer and keys (it is not relied on: the subject is the
 * user API's); and revocation: no endpoint is documented for third-party
 * tokens, so disconnect deletes the token here, and the person removes the app
 * in their Tesla account.
 */
import type { ProfileReader } from '../provider-hooks.js';
import { objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/** The Fleet API's regional hosts (https://developer.tesla.com/docs/fleet-api/getting-started/base-urls). */
const REGIONAL_HOSTS = ['fleet-api.prd.na.vn.cloud.tesla.com', 'fleet-api.prd.eu.vn.cloud.tesla.com', 'fleet-api.prd.cn.vn.cloud.tesla.cn'];

/**
 * The person's region and its Fleet API base, from `/api/1/users/region`'s
 * `response` at the configured base; nothing where it names none (the
 * sign-in then fails, as the connection would have no API).
 */
async function readMoreClaims(reader: ProfileReader): Promise<Record<string, unknown>> {
  if (!reader.apiBaseUrl) return {};
  const region = objectOf(objectOf(await reader.getJson(`${withoutTrailingSlash(reader.apiBaseUrl)}/api/1/users/region`))?.response);
  const base = region?.fleet_api_base_url;
  const name = region?.region;
  return { ...(typeof base === 'string' && base !== '' ? { fleet_api_base_url: base } : {}), ...(typeof name === 'string' && name !== '' ? { region: name } : {}) };
}

/**
 * The person in `/api/1/users/me`'s `response`: `vault_uuid` (the subject),
 * `full_name` as the name, and the e-mail; an answer without a vault_uuid
 * names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const me = objectOf(objectOf(body)?.response);
  const id = me?.vault_uuid;
  if (typeof id !== 'string' || id === '') return undefined;
  const name = trimmedText(me!.full_name);
  const email = trimmedText(me!.email);
  const picture = trimmedText(me!.profile_image_url);
  return { vault_uuid: id, ...textMembers({ name, email, picture }) };
}

export const tesla: ProviderPreset = {
  displayName: 'Tesla',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://auth.tesla.com/oauth2/v3/authorize',
      tokenEndpoint: 'https://fleet-auth.prd.vn.cloud.tesla.com/oauth2/v3/token',
    },
    scope: 'openid offline_access user_data vehicle_device_data vehicle_cmds vehicle_charging_cmds',
    apiBaseUrl: 'https://fleet-api.prd.na.vn.cloud.tesla.com',
    connectionApiBase: { profileMember: 'fleet_api_base_url', domains: REGIONAL_HOSTS, userinfoPath: '/api/1/users/me' },
    tokenEndpointAuthMethod: 'client_secret_post',
    idTokenUnused: true,
    subjectClaim: 'vault_uuid',
    hooks: { profileClaims, readMoreClaims },
  }),
};
