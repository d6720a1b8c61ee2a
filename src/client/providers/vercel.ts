/**
 * Vercel (Sign in with Vercel: Vercel's identity provider, OpenID Connect
 * with discovery at https://vercel.com/.well-known/openid-configuration). From
 * Vercel's docs:
 * - The issuer is `https://vercel.com`; discovery names the endpoints
 *   `https://vercel.com/oauth/authorize`, and on `https://api.vercel.com`
 *   `/login/oauth/token`, `/login/oauth/token/revoke`,
 *   `/login/oauth/token/introspect` and `/login/oauth/userinfo`
 *   (https://vercel.com/docs/sign-in-with-vercel/authorization-server-api,
 *   https://vercel.com/.well-known/oauth-authorization-server).
 * - The authorization request takes `client_id`, `redirect_uri` (one of the
 *   app's Authorization Callback URLs), `response_type=code`, `scope`,
 *   `state`, `nonce`, and requires `code_challenge` with
 *   `code_challenge_method` (S256 only). The scopes are `openid`, `email`,
 *   `profile` and `offline_access`; a scope not configured on the app is
 *   filtered out rather than refused, and no scope means all those
 *   configured. A person who authorized the app before goes straight back:
 *   Vercel documents no `prompt`, so none is sent, and `offline_access`
 *   alone asks for the refresh token
 *   (https://vercel.com/docs/sign-in-with-vercel/authorization-server-api).
 * - The token endpoint takes `client_secret_basic` and `client_secret_post`;
 *   the revocation endpoint only `client_secret_basic`
 *   (https://vercel.com/.well-known/oauth-authorization-server): Basic is
 *   used for both.
 * - The ID token carries `sub` (the user's unique id, the subject), `name`,
 *   `preferred_username` (the Vercel username, which the person can change),
 *   `picture` (only when the user has an avatar) and `email`, by the scopes
 *   asked; Vercel sends no `email_verified`, so the e-mail is kept as
 *   unverified (https://vercel.com/docs/sign-in-with-vercel/tokens).
 * - Access tokens are opaque, last one hour and are for Vercel's REST API
 *   (`https://api.vercel.com`, the token as Bearer); refresh tokens are
 *   valid for 30 days, and exchanging one answers a new one
 *   (https://vercel.com/docs/sign-in-with-vercel/tokens), kept in place of
 *   the old: each new one living 30 days again, the keep-alive sweep
 *   refreshes a connection left unused before its refresh token ends.
 * - Disconnect revokes at the revocation endpoint (RFC 7009).
 * Not checked against Vercel's pages: whether a spent refresh token is
 * refused at once (the newest is always kept), whether revoking the refresh
 * token ends the access tokens issued with it (both are revoked), the
 * descriptions of its token endpoint's refusals (the RFC 6749 §5.2 codes are
 * what the core reads), whether a refresh token is issued without
 * `offline_access` (it is always asked), and whether Vercel form-decodes
 * Basic credentials as RFC 6749 §2.3.1 has them (they are sent as they are).
 */
import type { ProviderPreset } from './preset.js';

/** A refresh token's life: 30 days, each refresh answering a new one (https://vercel.com/docs/sign-in-with-vercel/tokens). */
const REFRESH_TOKEN_SECONDS = 30 * 86_400;

export const vercel: ProviderPreset = {
  displayName: 'Vercel',
  settings: () => ({
    discovery: { issuer: 'https://vercel.com' },
    scope: 'openid email profile offline_access',
    apiBaseUrl: 'https://api.vercel.com',
    tokenEndpointAuthMethod: 'client_secret_basic',
    // The client id (`cl_…`) as it is, not form-encoded (`cl%5F…`): Vercel's pages say nothing of decoding it.
    basicCredentials: 'plain',
    // offline_access alone brings the refresh token; Vercel's authorize endpoint documents no prompt.
    refreshTokenNeedsConsent: false,
    refreshTokenIdleSeconds: REFRESH_TOKEN_SECONDS,
  }),
};
