/**
 * Feide, Norway's identity federation for education and research (run by Sikt, formerly Dataporten), for an
 * application registered in the Feide customer portal with an OIDC configuration, the callback among its redirect
 * URIs and the attribute groups it needs granted. OpenID Connect with discovery at
 * `https://auth.dataporten.no/.well-known/openid-configuration`, which names `/oauth/authorization`, `/oauth/token`
 * and `/openid/userinfo` on that host
 * (https://docs.feide.no/service_providers/openid_connect/feide_obtaining_tokens.html). From Feide's pages:
 * - the authorization code flow, RS256 ID tokens, and PKCE with S256 "may be used" with it (sent here); the scope
 *   must hold `openid`, and `profile` (name and photo) and `email` are its standard scopes
 *   (https://docs.feide.no/developer_oauth/technical_details/openidconnect.html,
 *   https://docs.feide.no/reference/oauth_oidc/oauth_scopes.html); `openid profile email` is asked;
 * - the client is sent as HTTP Basic, as Feide's token endpoint example has it
 *   (https://docs.feide.no/service_providers/openid_connect/client_credentials_flow.html);
 * - the person is the ID token's `sub`, Feide's "subject identifier": an opaque UUID generated for the user, meant
 *   to be long-term and to survive mergers of schools and universities
 *   (https://docs.feide.no/reference/oauth_oidc/userids.html), never the Feide ID (`eduPersonPrincipalName`), which
 *   organizations may reuse (https://docs.feide.no/reference/schema/identifiers/index.html). The ID token carries
 *   only the standard's minimum; the name, the e-mail with `email_verified` (false in Feide's example) and the
 *   secondary ids (`https://n.feide.no/claims/userid_sec`) come from the userinfo
 *   (https://docs.feide.no/reference/apis/userinfo.html);
 * - Feide's APIs are at `https://api.dataporten.no`, the API base, e.g. the extended userinfo
 *   `/userinfo/v1/userinfo`, which answers a 401 for a missing, invalid or expired token
 *   (https://docs.feide.no/reference/apis/attributes_feide/extended_userinfo.html).
 * Not checked against Feide's pages: refresh tokens (their issue, lifetime and whether a refresh ends the spent
 * one; the newest answered is kept; the `longterm` scope's meaning is not described); the user access token's
 * lifetime (8 hours in the client credentials example); the keys' path and revocation (RFC 7009 at the endpoint
 * discovery names, should it name one, else disconnect asks Feide nothing); whether the form's client
 * (client_secret_post) is taken too; `access_denied` for a person who declines; what happens to a `sub` when two
 * user records are merged (the page says the ids are copied into the kept record).
 */
import type { ProviderPreset } from './preset.js';

export const feide: ProviderPreset = {
  displayName: 'Feide',
  settings: () => ({
    discovery: { issuer: 'https://auth.dataporten.no' },
    scope: 'openid profile email',
    apiBaseUrl: 'https://api.dataporten.no',
    tokenEndpointAuthMethod: 'client_secret_basic',
  }),
};
