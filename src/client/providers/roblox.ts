/**
 * Roblox (an OAuth 2.0 app registered on the Creator Dashboard, for Open
 * Cloud). OpenID Connect with discovery. From Roblox's docs
 * (https://create.roblox.com/docs/cloud/auth/oauth2-reference,
 * https://create.roblox.com/docs/cloud/auth/oauth2-overview):
 * - the issuer is `https://apis.roblox.com/oauth/` (with its trailing
 *   slash), whose `.well-known/openid-configuration` names
 *   `/oauth/v1/authorize`, `/oauth/v1/token`, `/oauth/v1/userinfo`,
 *   `/oauth/v1/token/revoke`, `/oauth/v1/token/introspect`,
 *   `/oauth/v1/token/resources` and the keys at `/oauth/v1/certs`, with ES256
 *   ID tokens and the client as Basic or in the form;
 * - the scope asked is `openid profile`: the ID token and the person's
 *   names. The Open Cloud scopes the app's calls need (`asset:read`,
 *   `universe-messaging-service:publish`, …), each registered on the app
 *   first, are added with `<NAME>_SCOPE`; on the consent page the person
 *   picks the resources (experiences, groups) each one reaches. PKCE S256;
 *   the client goes in the form body, as Roblox's examples send it;
 * - a code lives one minute and is good once. The token answer is
 *   `access_token` (`expires_in` 899: 15 minutes), `refresh_token`,
 *   `token_type: "Bearer"`, `scope` and, with `openid`, `id_token`; a refresh
 *   answers a new set, its refresh token kept in place of the old, which is
 *   good only once. A refresh token lasts 90 days: the keep-alive sweep
 *   refreshes a connection nobody used before then. A person who revokes the
 *   app's authorization ends its tokens early;
 * - the person is the ID token's `sub`, the Roblox user id (the username and
 *   display name can change), with userinfo's `name` and `nickname` (the
 *   display name), `preferred_username` (the username), `profile`,
 *   `picture` and `created_at`. Roblox gives third-party apps no e-mail;
 * - the API is Open Cloud on `https://apis.roblox.com` (`/cloud/v2/users/{id}`,
 *   `/assets/v1/assets`…), the token as `Authorization: Bearer`. Which
 *   resources the person granted is a POST of the token with the client to
 *   `/oauth/v1/token/resources`, which an app makes itself: it carries the
 *   client secret, so it is no call for the proxies;
 * - `POST /oauth/v1/token/revoke` with `token`, the refresh token, and the
 *   client in the form ends the authorization session, answering 200 with an
 *   empty body: the revoke hook sends it that way (RFC 7009's second request,
 *   for the access token, is not documented there).
 * Not checked against Roblox's pages: the error bodies of a refused code,
 * refresh token or client (RFC 6749 §5.2's are assumed), whether a refresh
 * token's 90 days start again at each refresh (the replacement is taken to
 * last 90 days from its own issue; an older page says 6 months), whether the
 * access tokens of a revoked session stop at once, and the answer of the
 * revocation endpoint to a refresh token it no longer knows (a 4xx is taken
 * as already revoked when Roblox had refused that token at a refresh).
 */
import { ProviderUnavailableError } from '../errors.js';
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import type { ProviderPreset } from './preset.js';

/** Ninety days, how long a Roblox refresh token lasts. */
const REFRESH_TOKEN_LIFETIME = 90 * 86_400;

/** Ends the authorization session at /oauth/v1/token/revoke with the refresh token and the client in the form. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('Roblox revocation needs the revocation endpoint');
  if (!request.refreshToken) throw new ProviderUnavailableError('provider_bad_response', 'Roblox revokes a session by its refresh token, and this connection has none.');
  const response = await request.send(request.revocationEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: request.refreshToken, client_id: request.clientId, client_secret: request.clientSecret }).toString(),
  });
  await response.body?.cancel().catch(() => {});
  if (response.status >= 200 && response.status < 300) return 'revoked';
  // A session Roblox had ended already (the person revoked the app, or the refresh token lapsed): nothing is left to end.
  if (response.status >= 400 && response.status < 500 && response.status !== 401 && request.refreshTokenRefused) return 'already_revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `Roblox answered HTTP ${response.status} to the session's revocation.`);
}

export const roblox: ProviderPreset = {
  displayName: 'Roblox',
  settings: () => ({
    discovery: { issuer: 'https://apis.roblox.com/oauth/' },
    // Named here too, as the endpoint the revoke hook posts to (so <NAME>_REVOCATION_URL may replace it).
    metadataOverrides: { revocationEndpoint: 'https://apis.roblox.com/oauth/v1/token/revoke' },
    scope: 'openid profile',
    apiBaseUrl: 'https://apis.roblox.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    refreshTokenIdleSeconds: REFRESH_TOKEN_LIFETIME,
    hooks: { revoke },
  }),
};
