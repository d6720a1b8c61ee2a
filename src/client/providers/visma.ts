/**
 * Visma Connect (the identity provider in front of Visma's APIs: a Web
 * application registered in the Visma Developer Portal,
 * https://oauth.developers.visma.com, with OpenID Connect and Offline Access
 * ticked and the callback among its redirect URIs). OpenID Connect with
 * discovery at `https://connect.visma.com`. From Visma's pages:
 * - discovery at https://connect.visma.com/.well-known/openid-configuration;
 *   the endpoints are `/connect/authorize`, `/connect/token`,
 *   `/connect/userinfo` and `/connect/endsession`
 *   (https://docs.vismasoftware.no/vismanetapi/authentication);
 * - a Web application uses the authorization code grant with its client
 *   secret, PKCE optional (sent here, S256), and the refresh token grant once
 *   Offline Access is ticked for it
 *   (https://docs.connect.visma.com/docs/create-your-application,
 *   https://docs.vismasoftware.no/vismanetapi/developer-portal/interactive-integrations);
 *   a refresh token is issued only when `offline_access` is asked too, and a
 *   refresh posts `client_id`, `client_secret`, `grant_type` and
 *   `refresh_token` as a form to `/connect/token`
 *   (https://docs.connect.visma.com/v1/docs/offline-access), so the client
 *   is sent in the form;
 * - `openid profile email offline_access` is asked: the identity scopes give
 *   the userinfo's `name`, `given_name`, `family_name`, `email` and
 *   `email_verified` (https://docs.connect.visma.com/docs/userinfo-endpoint,
 *   https://docs.connect.visma.com/docs/id-token). An application's own API
 *   scopes (`<api>:read`…) are added with `<NAME>_SCOPE`;
 * - the person is `sub`, the account's UserID: a UUID, immutable for the
 *   account's lifetime, where the e-mail is unique only at a given time, can
 *   be changed by any Visma application and must never be used to match
 *   accounts (https://docs.connect.visma.com/docs/userid-and-email-for-a-connect-account,
 *   https://docs.connect.visma.com/docs/access-token);
 * - revocation is `POST https://connect.visma.com/connect/revocation` with
 *   `token` (and optionally `token_type_hint=refresh_token`) and the client
 *   as HTTP Basic `base64(client_id:client_secret)`, only a refresh token:
 *   "an Access Token cannot be revoked"; revoking it ends the tokens of the
 *   same grant; 200 is success, 400 an invalid client, 401 a client not
 *   allowed to (https://docs.connect.visma.com/docs/token-revocation). So
 *   disconnect revokes the refresh token alone, with a hook (the core's
 *   RFC 7009 revocation would send the client in the form, as the token
 *   endpoint takes it, and the access token after it);
 * - the token opens the userinfo, so the API base is
 *   `https://connect.visma.com/connect`; the product APIs (Visma.net,
 *   Business NXT…) each have their own origin, set as `<NAME>_API_BASE_URL`.
 * Not checked against Visma's pages: the access tokens' lifetime (1 hour, as
 *   Visma products' integration guides show; `expires_in` is what is kept);
 *   whether a refresh answers a new refresh token and ends the spent one (an
 *   application's setting, one-time or re-use; the newest answered is kept
 *   either way, and the emulator rotates, the stricter); whether the token
 *   endpoint also takes the client as Basic; the refusals' bodies (RFC 6749
 *   §5.2's assumed); `access_denied` for a person who declines.
 */
import { ProviderUnavailableError } from '../errors.js';
import { plainBasicAuthorization, type RevocationOutcome, type RevocationRequest } from '../provider-hooks.js';
import type { ProviderPreset } from './preset.js';

/** Revokes the refresh token (Visma Connect revokes no access token) at the revocation endpoint, the client as Basic. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('Visma Connect revocation needs the revocation endpoint');
  if (!request.refreshToken) throw new Error('Visma Connect revokes refresh tokens only, and this connection has none');
  const response = await request.send(request.revocationEndpoint, {
    method: 'POST',
    headers: { accept: 'application/json', authorization: plainBasicAuthorization(request.clientId, request.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: request.refreshToken, token_type_hint: 'refresh_token' }).toString(),
  });
  await response.body?.cancel().catch(() => {});
  if (response.status === 200) return 'revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Visma Connect refused the token revocation (HTTP ${response.status}).`);
}

export const visma: ProviderPreset = {
  displayName: 'Visma',
  settings: () => ({
    discovery: { issuer: 'https://connect.visma.com' },
    // Named here, `<NAME>_REVOCATION_URL` may replace it, as for any endpoint.
    metadataOverrides: { revocationEndpoint: 'https://connect.visma.com/connect/revocation' },
    scope: 'openid profile email offline_access',
    apiBaseUrl: 'https://connect.visma.com/connect',
    tokenEndpointAuthMethod: 'client_secret_post',
    // A Web application with Offline Access gets a refresh token for `offline_access`, no consent prompt needed.
    refreshTokenNeedsConsent: false,
    hooks: { revoke },
  }),
};
