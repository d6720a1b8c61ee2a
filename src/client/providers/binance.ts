/**
 * Binance (Binance Login, OAuth 2.0 for an application Binance has created
 * for a partner in its Developer Center, the callback as its redirect URI).
 * Plain OAuth 2.0 authorization code with explicit endpoints. From Binance's
 * developer docs:
 * - `GET https://accounts.binance.com/en/oauth/authorize` with
 *   `response_type=code`, `client_id`, `redirect_uri`, an optional `state`
 *   and a required `scope`, scopes "with comma (,) separated", e.g.
 *   `user:openId,create:apikey`; the person consents and is sent back with a
 *   `code` (https://developers.binance.com/docs/login/web-integration). Only
 *   `user:openId` is asked, the scope of the page's example that reads the
 *   person; the authorizationScope hook joins several with commas;
 * - `POST https://accounts.binance.com/oauth/token` with `grant_type`,
 *   `code`, `client_id`, `client_secret` and `redirect_uri` (the web flow:
 *   the client in the request, no PKCE, which the page gives to browser and
 *   mobile applications only); the answer is `access_token`,
 *   `refresh_token`, `scope`, `token_type: "bearer"` and `expires_in` in
 *   seconds; an expired access token is renewed with
 *   `grant_type=refresh_token`, `refresh_token` and the client, whose answer
 *   has a refresh token too, kept in place of the old
 *   (https://developers.binance.com/docs/login/web-integration);
 * - the OAuth APIs are under `https://www.binanceapis.com/oauth-api` with the
 *   token as `Authorization: Bearer`: `GET /v1/user-info` answers
 *   `{ code: "000000", message, data: { userId, email }, success: true }`,
 *   whose `userId` (an opaque hex string) is the subject, and
 *   `POST /v1/revoke-token` clears the access token, answering
 *   `data: true` (https://developers.binance.com/docs/binance-open-api/apis,
 *   https://developers.binance.com/docs/login/web-integration); the revoke
 *   hook calls it on disconnect.
 * Not checked against Binance's pages: whether `userId` is never reused or
 *   changed (Binance gives no words about it beyond its name in the user
 *   info API; it is the only id it names); whether the e-mail is verified
 *   (stored unverified) and which scope brings it (it is read when present);
 *   whether a refresh ends the spent refresh token (the newest is kept);
 *   the token endpoint's refusals (RFC 6749 §5.2's are assumed) and the
 *   OAuth API's answer to a token it does not take (a non-2xx status is
 *   assumed); whether revoking the access token also ends the refresh
 *   token (a 401 for a live token, or once Binance refused the refresh
 *   token, is taken as revoked already).
 */
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import { revokeWithBearer } from './bearer-revocation.js';
import { commaJoinedScope, objectOf, type ProviderPreset } from './preset.js';
import { textMembers } from './profile-text.js';

/**
 * The user info's envelope, `{ code: "000000", data: { userId, email }, success: true }`: the `userId` and the e-mail;
 * an answer that is not a success, or has no string `userId`, names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const answer = objectOf(body);
  if (answer?.success !== true) return undefined;
  const data = objectOf(answer.data);
  const userId = data?.userId;
  if (typeof userId !== 'string' || userId.trim() === '') return undefined;
  return { userId, ...textMembers({ email: data!.email }) };
}

/** Clears the access token with `POST /oauth-api/v1/revoke-token`, the token as Bearer. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('Binance revocation needs the revoke-token endpoint');
  return revokeWithBearer(request, request.revocationEndpoint, { method: 'POST' }, { provider: 'Binance', what: 'the token revocation' });
}

export const binance: ProviderPreset = {
  displayName: 'Binance',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://accounts.binance.com/en/oauth/authorize',
      tokenEndpoint: 'https://accounts.binance.com/oauth/token',
      userinfoEndpoint: 'https://www.binanceapis.com/oauth-api/v1/user-info',
      revocationEndpoint: 'https://www.binanceapis.com/oauth-api/v1/revoke-token',
    },
    scope: 'user:openId',
    apiBaseUrl: 'https://www.binanceapis.com/oauth-api',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'userId',
    hooks: { authorizationScope: commaJoinedScope, profileClaims, revoke },
  }),
};
