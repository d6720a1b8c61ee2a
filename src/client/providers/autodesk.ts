/**
 * Autodesk (an app of Autodesk Platform Services, APS, registered as a
 * Traditional Web App with the callback URL, its client confidential).
 * OpenID Connect with discovery, three-legged OAuth v2. From Autodesk's docs:
 * - the issuer is `https://developer.api.autodesk.com`, whose
 *   `.well-known/openid-configuration` names the endpoints and the keys
 *   (https://aps.autodesk.com/en/docs/oauth/v2/reference/http/, "GET OIDC
 *   Specification"): `GET /authentication/v2/authorize`,
 *   `POST /authentication/v2/token`, `POST /authentication/v2/revoke` and
 *   the JWKS at `/authentication/v2/keys`;
 * - `GET /authentication/v2/authorize` with `client_id`, `response_type=code`,
 *   the `redirect_uri` registered, a space-separated `scope`, `state`,
 *   `nonce`, and a PKCE `code_challenge` with `code_challenge_method=S256`;
 *   the code is good for 5 minutes, the ID token for 60, an access token for
 *   60 minutes and a refresh token for 15 days
 *   (https://aps.autodesk.com/en/docs/oauth/v2/reference/http/authorize-GET/,
 *   https://aps.autodesk.com/en/docs/oauth/v2/tutorials/get-3-legged-token-pkce/):
 *   so the keep-alive sweep refreshes a connection nobody used within its 15
 *   days;
 * - `POST /authentication/v2/token`, a form; a confidential client sends
 *   `Authorization: Basic` of base64 of `client_id:client_secret` as they are
 *   (https://aps.autodesk.com/en/docs/oauth/v2/tutorials/get-2-legged-token),
 *   or both in the body, but not both ways at once
 *   (https://aps.autodesk.com/en/docs/ssa/v1/reference/http/ssa-exchange-jwt-assertion-POST/);
 *   the code with its `redirect_uri` and `code_verifier`, or a refresh token;
 * - `POST /authentication/v2/revoke` takes an access or a refresh token as
 *   `token` with `token_type_hint` (required), the confidential client as
 *   Basic, and answers with no body; a client revokes only its own tokens
 *   (https://aps.autodesk.com/en/docs/oauth/v2/reference/http/revoke-POST/):
 *   RFC 7009 as the core sends it, the refresh token first;
 * - the person is the ID token's `sub`; userinfo answers `sub`, `name`,
 *   `given_name`, `family_name`, `preferred_username`, `email`,
 *   `email_verified`, `picture`, `locale` and Autodesk's own `country_code`,
 *   `company`, `job_title`, `language`; it takes `openid`
 *   (https://aps.autodesk.com/en/docs/profile/v2/reference/restapireference/oidcuserinfo/,
 *   https://aps.autodesk.com/en/docs/profile/v2/codesamples/codesnippets/restsnippets/userinfosnippets/);
 * - the scope asked is `openid user-profile:read data:read`: the ID token,
 *   the profile, and the Data Management API's reads (hubs, projects,
 *   folders), whose `GET /project/v1/hubs` the proxy can call; add
 *   `data:write`, `data:create`, `account:read`… with `<NAME>_SCOPE`;
 * - the APIs are on https://developer.api.autodesk.com, the token as Bearer; a
 *   token they do not take is 401
 *   (https://aps.autodesk.com/en/docs/oauth/v1/reference/http/users-@me-GET).
 * Not checked against Autodesk's own pages (only excerpts of them were
 * read): the issuer's exact form (taken as the origin, without a trailing
 * slash, as the discovery document's own address suggests); the body of the
 * token endpoint's refusals (RFC 6749 §5.2's are assumed); whether a refresh
 * answers a new refresh token and the spent one is refused (taken as so: the
 * newest is always kept); whether each new refresh token gets 15 days of its
 * own; whether the userinfo fields need `profapi:core-std-profile:read`
 * beside `openid` at every userinfo host (`user-profile:read` is the OAuth v2
 * scope asked); whether revoking the refresh token ends its access tokens
 * (both are revoked here).
 */
import type { ProviderPreset } from './preset.js';

/** Fifteen days, how long an Autodesk refresh token lasts. */
const REFRESH_TOKEN_LIFETIME = 15 * 86_400;

export const autodesk: ProviderPreset = {
  displayName: 'Autodesk',
  settings: () => ({
    discovery: { issuer: 'https://developer.api.autodesk.com' },
    scope: 'openid user-profile:read data:read',
    apiBaseUrl: 'https://developer.api.autodesk.com',
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    refreshTokenIdleSeconds: REFRESH_TOKEN_LIFETIME,
  }),
};
