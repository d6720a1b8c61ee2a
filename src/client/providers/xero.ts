/**
 * Xero (OpenID Connect with discovery at https://identity.xero.com). The
 * person is the ID token's `sub`, their Xero user (the token carries it as
 * `xero_userid` too); what the grant reaches is not the person but the
 * organisations ("tenants") they connected to the app. From Xero's docs:
 * - the code flow with a client secret or with PKCE, `offline_access` for a
 *   refresh token; access tokens live 30 minutes; every refresh answers a new
 *   refresh token, which is to replace the one used; the one used may be tried
 *   again for a grace period of 30 minutes, should the answer be lost; an
 *   unused refresh token expires after 60 days
 *   (https://developer.xero.com/documentation/guides/oauth2/auth-flow,
 *   https://developer.xero.com/documentation/guides/oauth2/token-types,
 *   https://developer.xero.com/faq/oauth2): the keep-alive sweep refreshes an
 *   unused connection before then;
 * - `GET https://api.xero.com/connections` lists the tenants the token may
 *   reach (`id` of the connection, `tenantId`, `tenantName`, `tenantType`), and
 *   every API call names one in the `xero-tenant-id` header
 *   (https://developer.xero.com/documentation/guides/oauth2/tenants): the
 *   list is read at each sign-in and kept with the profile as `xero_tenants`,
 *   and the proxies pass the caller's `xero-tenant-id` on. A person who
 *   connects another organisation does so through a new authorization, which
 *   reads the list again; `/connections` through the proxy reads it any time.
 *   `DELETE /connections/{id}` disconnects one tenant, through the proxy too;
 * - revocation is RFC 7009 at `https://identity.xero.com/connect/revocation`,
 *   Basic-authenticated, with the refresh token: it removes every connection
 *   the grant made (the auth-flow guide, "Revoking tokens");
 * - apps created from March 2026 may no longer ask for the broad
 *   `accounting.transactions` and `accounting.reports.read` but for granular
 *   scopes (https://developer.xero.com/documentation/guides/oauth2/scopes):
 *   the default asks for organisation settings and invoices, read-only;
 *   `<NAME>_SCOPE` asks for others.
 * Xero issues a refresh token for `offline_access` without `prompt=consent`,
 * so consent is not asked for on top of it.
 */
import { ProviderUnavailableError } from '../errors.js';
import type { ProfileReader } from '../provider-hooks.js';
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

/** One tenant of `/connections`, as kept with the profile. */
interface XeroTenant {
  /** The connection's id, for `DELETE /connections/{id}`. */
  id: string;
  tenantId: string;
  tenantName: string | null;
  tenantType: string | null;
}

function tenantOf(entry: unknown): XeroTenant | undefined {
  if (entry === null || typeof entry !== 'object') return undefined;
  const { id, tenantId, tenantName, tenantType } = entry as Record<string, unknown>;
  if (typeof id !== 'string' || typeof tenantId !== 'string') return undefined;
  return { id, tenantId, tenantName: typeof tenantName === 'string' ? tenantName : null, tenantType: typeof tenantType === 'string' ? tenantType : null };
}

/** The tenants the new grant reaches, from `GET {api}/connections`, as the `xero_tenants` claim. */
async function readMoreClaims(reader: ProfileReader): Promise<Record<string, unknown>> {
  if (!reader.apiBaseUrl) return {};
  const connections = await reader.getJson(`${withoutTrailingSlash(reader.apiBaseUrl)}/connections`);
  if (connections === undefined) return {};
  const tenants = Array.isArray(connections) ? connections.map(tenantOf) : [undefined];
  if (tenants.some((tenant) => tenant === undefined)) {
    throw new ProviderUnavailableError('provider_bad_response', 'Xero did not answer GET /connections with a list of connections.');
  }
  return { xero_tenants: tenants };
}

export const xero: ProviderPreset = {
  displayName: 'Xero',
  settings: () => ({
    discovery: { issuer: 'https://identity.xero.com' },
    scope: 'openid profile email offline_access accounting.settings.read accounting.invoices.read',
    apiBaseUrl: 'https://api.xero.com',
    tokenEndpointAuthMethod: 'client_secret_basic',
    // Xero's guide builds the header from `client_id:client_secret` as they are; its secrets hold `-` and `_`, which
    // form-encoding would change, while a server that form-decodes reads the plain ones alike.
    basicCredentials: 'plain',
    refreshTokenNeedsConsent: false,
    refreshTokenIdleSeconds: 60 * 86_400,
    proxyHeaders: { request: ['xero-tenant-id'], response: [] },
    hooks: { readMoreClaims },
  }),
};
