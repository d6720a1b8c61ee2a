/**
 * Starling Bank (the Starling Developer API, for an application registered in
 * Starling's developer portal, https://developer.starlingbank.com, with the
 * callback as its redirect URL and its permissions chosen there). Plain OAuth
 * 2.0 authorization code with explicit endpoints: no ID token, no scope
 * parameter. From Starling's own pages:
 * - the authorization server's RFC 8414 metadata
 *   (https://api.starlingbank.com/.well-known/oauth-authorization-server)
 *   names the authorization endpoint `https://oauth.starlingbank.com` and the
 *   token endpoint `https://token-api.starlingbank.com/oauth/access-token`;
 * - the code is exchanged at the token endpoint with `code`, `client_id`,
 *   `client_secret`, `grant_type=authorization_code` and `redirect_uri`, and
 *   a refresh sends `grant_type=refresh_token`, `refresh_token` and the
 *   client, which is answered with a new access token and a new refresh
 *   token (Starling's own SDK,
 *   https://github.com/starlingbank/starling-developer-sdk,
 *   `src/entities/oauth.js` and `refreshAccessToken` in `src/starling.js`).
 *   The permissions are the application's, so no scope is asked;
 * - the API is `https://api.starlingbank.com/api/v2` with the token as Bearer
 *   (https://developer.starlingbank.com/docs). Each access token is one
 *   account holder's: a personal, sole trader, business or joint account
 *   holder, each a separate entity needing its own token, though one person
 *   may be several (`GET /api/v2/accounts`, the same docs);
 * - `GET /api/v2/identity/token`, which needs no permission, returns "the
 *   permissions you have access to, the time until the token expires and the
 *   account holder's unique identifier": `accountHolderUid` (a UUID: the
 *   subject), `expiresAt`, `expiresInSeconds`, `scopes`, `authenticated`,
 *   `applicationUserUid` and the deprecated `customerUid` (the same docs,
 *   "API User Identities"). It names no one: a name or e-mail needs
 *   permissions the application may not have, so none is read;
 * - `PUT /api/v2/identity/logout` "logs an individual out by disabling all of
 *   their active access tokens" (202): the revoke hook calls it with the
 *   access token as Bearer on disconnect. The API's 4xx bodies are
 *   `{ "errors": [{ "message" }], "success": false }` (the same docs).
 * Not checked against Starling's pages: the authorization request's
 * parameters past the URL (`client_id`, `response_type=code`, `redirect_uri`
 * and `state`, RFC 6749 §4.1.1's, no scope) and a refusal
 * (`access_denied`); whether the token endpoint takes the client in the form
 * (sent here) as well as in the query, where the SDK puts it; the token
 * answer past the tokens (`token_type`, `expires_in`, 86400 in integrations'
 * recorded answers, and `scope`, the application's permissions) and the
 * token endpoint's refusals (RFC 6749 §5.2's assumed); whether the spent
 * refresh token still works after a refresh (the newest is kept either way)
 * and whether a refresh token ends unused; whether the logout ends the
 * refresh tokens too (disconnect forgets them here either way); the body of
 * a 401 to a token the API does not take (RFC 6750's `invalid_token`
 * assumed); whether PKCE is taken (none is sent). Starling's sandbox
 * (`https://api-sandbox.starlingbank.com` and its authorization page) is
 * reached by setting the endpoint and API base variables.
 */
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import { revokeWithBearer } from './bearer-revocation.js';
import { objectOf, type ProviderPreset } from './preset.js';
import { trimmedText } from './profile-text.js';

/**
 * The `accountHolderUid` of `/api/v2/identity/token`, the account holder the token is for; an answer without one
 * names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const accountHolderUid = trimmedText(objectOf(body)?.accountHolderUid);
  return accountHolderUid === undefined ? undefined : { accountHolderUid };
}

/** Logs the individual out with `PUT /api/v2/identity/logout`, the access token as Bearer. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('Starling revocation needs the logout endpoint');
  return revokeWithBearer(request, request.revocationEndpoint, { method: 'PUT' }, { provider: 'Starling', what: 'the logout' });
}

export const starling: ProviderPreset = {
  displayName: 'Starling Bank',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://oauth.starlingbank.com/',
      tokenEndpoint: 'https://token-api.starlingbank.com/oauth/access-token',
      userinfoEndpoint: 'https://api.starlingbank.com/api/v2/identity/token',
      revocationEndpoint: 'https://api.starlingbank.com/api/v2/identity/logout',
    },
    // None: Starling's authorization takes no scope; the permissions are those chosen for the application.
    scope: '',
    apiBaseUrl: 'https://api.starlingbank.com/api/v2',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'accountHolderUid',
    hooks: { profileClaims, revoke },
  }),
};
