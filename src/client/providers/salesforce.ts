/**
 * Salesforce (OpenID Connect, with discovery at the login host). From
 * Salesforce's docs:
 * - the login host is https://login.salesforce.com, https://test.salesforce.com
 *   for sandboxes, or the org's My Domain: `<NAME>_BASE_URL`
 *   (https://help.salesforce.com/s/articleView?id=sf.remoteaccess_using_openid_discovery_endpoint.htm);
 * - the token response names the org's own API host in `instance_url`, which
 *   is where API calls for that connection go; it has no `expires_in` (the
 *   session's timeout decides, so a 401 is the sign to refresh)
 *   (https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm);
 * - a refresh token is issued for the `refresh_token` scope, and is not
 *   rotated unless the connected app turns rotation on
 *   (https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_refresh_token_flow.htm);
 * - the subject (`sub`) is the user's identity URL; revocation is RFC 7009 at
 *   /services/oauth2/revoke, which discovery lists
 *   (https://help.salesforce.com/s/articleView?id=sf.remoteaccess_revoke_token.htm).
 */
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

/** The domains Salesforce serves org APIs from; instance_url must be on one of them (or the My Domain host). */
const API_DOMAINS = ['salesforce.com', 'force.com', 'salesforce.mil', 'cloudforce.com'];

export const salesforce: ProviderPreset = {
  displayName: 'Salesforce',
  values: { baseUrl: 'optional' },
  settings: ({ baseUrl }) => {
    const login = baseUrl ? withoutTrailingSlash(baseUrl) : 'https://login.salesforce.com';
    return {
      discovery: { issuer: login },
      scope: 'openid profile email api refresh_token',
      tokenEndpointAuthMethod: 'client_secret_post',
      refreshTokenNeedsConsent: false,
      connectionApiBase: { member: 'instance_url', domains: [...API_DOMAINS, new URL(login).hostname] },
    };
  },
};
