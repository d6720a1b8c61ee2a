/**
 * Zettle by PayPal (its OAuth2 API, for a partner-hosted app created in the
 * Zettle Developer Portal with the callback among its OAuth Redirect URIs).
 * Plain OAuth 2.0 with explicit endpoints: no discovery, no ID token. From
 * Zettle's API documentation (https://github.com/iZettle/api-documentation):
 * - `GET https://oauth.zettle.com/authorize` with `response_type=code`,
 *   `client_id`, `redirect_uri` (one registered for the app), a
 *   space-separated `scope` (`READ:PURCHASE`, `READ:FINANCE`,
 *   `READ:PRODUCT`, `WRITE:PRODUCT`…) and `state`, carried back unchanged
 *   (authorization.md, "Ask the user to authorize the client";
 *   oauth-api/user-guides/set-up-app-authorisation/set-up-authorisation-code-grant.md);
 * - `POST https://oauth.zettle.com/token`, a form with `client_id` and
 *   `client_secret`, exchanges the code (usable once) and answers JSON with
 *   `access_token`, `expires_in` (7200: two hours) and `refresh_token`
 *   (`IZSEC…`), and no `token_type` or `scope` (RFC 6749 §5.1 requires a
 *   type, so an answer without it is read as Bearer: `omitsTokenType`; the
 *   scope asked is kept). A refresh is the same POST with
 *   `grant_type=refresh_token` and answers the same members: a new refresh
 *   token each time, which invalidates the one before, each valid 180 days
 *   (set-up-authorisation-code-grant.md, Step 2 and Step 3; authorization.md,
 *   "Refreshing an access token"), so the keep-alive sweep refreshes a
 *   connection left unused for 173 days. Refusals are RFC 6749 §5.2's, e.g.
 *   400 `invalid_grant` "invalid refresh_token" (authorization.md, "Errors");
 * - the APIs take the token as Bearer and answer 401 to an expired or
 *   invalid one (authorization.md, "Include the access token in an API
 *   request"); they live on several hosts (`finance.izettle.com/v2`,
 *   `purchase.izettle.com`, `products.izettle.com`, `inventory.izettle.com`,
 *   `image.izettle.com`, `pusher.izettle.com`, `giftcard.izettle.com`), the
 *   Finance API v2's is the base (finance-api/api-reference-v2.yaml) and the
 *   others are taken as extra bases;
 * - `GET https://oauth.zettle.com/users/self` answers `uuid` (the user, the
 *   subject) and `organizationUuid` (the merchant's organization), and no
 *   name or e-mail (authorization.md, "Get user info"; it replaced
 *   `users/me`, CHANGELOG.adoc);
 * - `DELETE https://oauth.zettle.com/application-connections/self` with the
 *   access token disconnects the app from the organization, answering 204
 *   (authorization.md, "Disconnect application from organization"); the
 *   revoke hook calls it on disconnect (`<NAME>_REVOCATION_URL` moves it).
 * Not checked against Zettle's own pages: how a refused authorization comes
 * back (RFC 6749's `error` is assumed); whether PKCE is taken (none is sent);
 * whether the token endpoint takes Basic credentials (the form is what
 * Zettle's examples send); whether `/users/self` needs a scope (none is
 * named); how the disconnection answers a token it does not take (a 401 for
 * a live token, or once Zettle refused the refresh token, is taken as
 * disconnected already) and whether it ends the refresh token too.
 */
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import { revokeWithBearer } from './bearer-revocation.js';
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/**
 * The user of `/users/self`: `uuid`, the subject, and `organizationUuid`, the organization the app is connected to;
 * an answer without a user uuid names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const self = objectOf(body);
  const uuid = trimmedText(self?.uuid);
  if (!uuid) return undefined;
  return { uuid, ...textMembers({ organizationUuid: self!.organizationUuid }) };
}

/** Disconnects the app from the organization with `DELETE /application-connections/self`, the access token as Bearer. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('Zettle revocation needs the application connection endpoint');
  return revokeWithBearer(request, request.revocationEndpoint, { method: 'DELETE', headers: request.apiHeaders }, { provider: 'Zettle', what: 'the application disconnection' });
}

export const zettle: ProviderPreset = {
  displayName: 'Zettle',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://oauth.zettle.com/authorize',
      tokenEndpoint: 'https://oauth.zettle.com/token',
      userinfoEndpoint: 'https://oauth.zettle.com/users/self',
      revocationEndpoint: 'https://oauth.zettle.com/application-connections/self',
    },
    scope: 'READ:PURCHASE READ:FINANCE',
    apiBaseUrl: 'https://finance.izettle.com/v2',
    extraApiBaseUrls: [
      'https://purchase.izettle.com',
      'https://products.izettle.com',
      'https://inventory.izettle.com',
      'https://image.izettle.com',
      'https://pusher.izettle.com',
      'https://giftcard.izettle.com',
    ],
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    omitsTokenType: true,
    subjectClaim: 'uuid',
    refreshTokenIdleSeconds: 180 * 86_400,
    hooks: { profileClaims, revoke },
  }),
};
