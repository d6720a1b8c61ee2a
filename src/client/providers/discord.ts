/**
 * Discord. Plain OAuth 2.0 without discovery (explicit endpoints); no ID
 * token: the person is the snowflake `id` of `GET /users/@me`, never the
 * username, which is not unique and may change. From Discord's docs:
 * - endpoints (authorize, token, RFC 7009 revocation at /api/oauth2/token/revoke),
 *   space-separated scopes (`%20`), form-encoded requests only, client
 *   authentication by HTTP Basic or in the body, 7-day access tokens
 *   (`expires_in: 604800`) with a refresh token, and on refresh a new pair;
 *   revoking either token ends every token of that authorization
 *   (https://discord.com/developers/docs/topics/oauth2);
 * - `identify` allows `/users/@me` without `email`; `email` adds it, and
 *   `verified` says whether that address is verified; `global_name` is the
 *   display name, null when unset (https://discord.com/developers/docs/resources/user);
 * - the API is versioned, `https://discord.com/api/v10`
 *   (https://discord.com/developers/docs/reference#api-versioning).
 * The client authenticates in the request body, which Discord documents
 * beside HTTP Basic: Basic credentials are form-encoded first (RFC 6749
 * §2.3.1, a `-` becomes `%2D`), which Discord does not say it decodes.
 * Its only departure handled here: the e-mail's verification is `verified`,
 * not OpenID's `email_verified`.
 */
import type { ProviderPreset } from './preset.js';

/** `/users/@me` with `verified` read as `email_verified` (it qualifies the e-mail only). */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const user = body as Record<string, unknown>;
  const hasEmail = typeof user.email === 'string' && user.email !== '';
  return hasEmail && typeof user.verified === 'boolean' ? { ...user, email_verified: user.verified } : user;
}

export const discord: ProviderPreset = {
  displayName: 'Discord',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://discord.com/oauth2/authorize',
      tokenEndpoint: 'https://discord.com/api/oauth2/token',
      userinfoEndpoint: 'https://discord.com/api/v10/users/@me',
      revocationEndpoint: 'https://discord.com/api/oauth2/token/revoke',
    },
    scope: 'identify email',
    apiBaseUrl: 'https://discord.com/api/v10',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
    claimNames: { name: 'global_name', email: 'email', preferredUsername: 'username' },
    hooks: { profileClaims },
  }),
};
