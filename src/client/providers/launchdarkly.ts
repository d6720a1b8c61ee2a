/**
 * LaunchDarkly (an OAuth 2.0 client registered through LaunchDarkly's OAuth2
 * client API by an Admin, the callback as its one redirect URI; the federal
 * and EU instances through the endpoint variables and `<NAME>_API_BASE_URL`).
 * Plain OAuth 2.0 authorization code with explicit endpoints and RFC 7009
 * revocation; the person is read from the REST API. From LaunchDarkly's docs:
 * - a registered client lets account members sign in to an application with
 *   their LaunchDarkly account; its secret is shown once; a client has one
 *   redirect URI, https, without a query
 *   (https://launchdarkly.com/docs/api/oauth2-clients,
 *   https://launchdarkly.com/docs/integrations/partner-integrations/oauth-client-registration);
 * - an authorized app acts as the member who authorized it, never beyond
 *   that member's own permissions, which bound it as they change
 *   (https://launchdarkly.com/docs/home/infrastructure/oauth);
 * - LaunchDarkly's authorization server metadata (RFC 8414,
 *   https://app.launchdarkly.com/.well-known/oauth-authorization-server)
 *   names `https://app.launchdarkly.com/trust/oauth/authorize`, the token
 *   endpoint `/trust/oauth/token`, the revocation endpoint
 *   `/trust/oauth/revoke`, the scopes `reader` and `writer` (`reader` is
 *   asked; `<NAME>_SCOPE=writer` to change things), PKCE with S256, and
 *   `client_secret_basic` and `client_secret_post` (the client is sent in
 *   the form);
 * - the person is `GET https://app.launchdarkly.com/api/v2/caller-identity`,
 *   the identity behind the token (https://launchdarkly.com/docs/api/other/get-caller-identity):
 *   `accountId`, `memberId`, `authKind`, `tokenKind`, `clientId`… A member
 *   belongs to one account, and a member's id is the `_id` of the account
 *   members API (https://launchdarkly.com/docs/api/account-members), so the
 *   subject is `<memberId>@<accountId>`; the same person in two accounts is
 *   two accounts here. It names no name and no e-mail, so none is kept. A
 *   token the API does not take is a 401, an `UnauthorizedErrorRep`.
 * Not checked against LaunchDarkly's pages: that the REST API takes an
 * OAuth token as `Authorization: Bearer` (its access tokens go bare in
 * `Authorization`); the token answer (`access_token`, `refresh_token`,
 * `expires_in`, `token_type`) and the access tokens' lifetime (an hour
 * assumed); whether a refresh ends the spent refresh token (assumed not:
 * the newest is kept); the token endpoint's error bodies (RFC 6749 §5.2's
 * assumed); the members of the 401's `UnauthorizedErrorRep` (`code` and
 * `message` assumed); what `memberId` is for an OAuth token (the
 * authorizing member assumed); that a member belongs to one account only
 * (the id is qualified by the account either way). The endpoints, scopes,
 * PKCE and client authentication were read from a copy of the metadata
 * document, not from a page of LaunchDarkly's prose.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { trimmedText } from './profile-text.js';

/**
 * The caller identity: `id` the member's id qualified by the account's, with both ids and the OAuth client's id;
 * an answer without a member or an account names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const caller = objectOf(body);
  const memberId = trimmedText(caller?.memberId);
  const accountId = trimmedText(caller?.accountId);
  if (!memberId || !accountId) return undefined;
  const clientId = trimmedText(caller!.clientId);
  return { id: `${memberId}@${accountId}`, member_id: memberId, account_id: accountId, ...(clientId ? { client_id: clientId } : {}) };
}

export const launchdarkly: ProviderPreset = {
  displayName: 'LaunchDarkly',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://app.launchdarkly.com/trust/oauth/authorize',
      tokenEndpoint: 'https://app.launchdarkly.com/trust/oauth/token',
      userinfoEndpoint: 'https://app.launchdarkly.com/api/v2/caller-identity',
      revocationEndpoint: 'https://app.launchdarkly.com/trust/oauth/revoke',
    },
    scope: 'reader',
    apiBaseUrl: 'https://app.launchdarkly.com/api/v2',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
