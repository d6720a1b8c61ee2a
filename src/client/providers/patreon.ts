/**
 * Patreon (API v2 clients registered in Patreon's developer portal). Plain
 * OAuth 2.0 without discovery or an ID token. From Patreon's API reference
 * (https://docs.patreon.com/#oauth, https://docs.patreon.com/#apiv2-oauth),
 * whose source is https://github.com/Patreon/platform-documentation:
 * - `GET https://www.patreon.com/oauth2/authorize` with
 *   `response_type=code`, `client_id`, `redirect_uri` (one registered),
 *   `scope` and `state`. Scopes are space-separated; `identity identity[email]`
 *   is asked: the person's profile, and their e-mail, which `/identity`
 *   gives only with `identity[email]`. Without a scope Patreon grants APIv1's
 *   `users pledges-to-me my-campaign`, which an APIv2 client cannot ask for;
 * - `POST https://www.patreon.com/api/oauth2/token`, a form
 *   (`application/x-www-form-urlencoded`) with `grant_type`, `code`,
 *   `client_id`, `client_secret` and `redirect_uri`, or `refresh_token` for a
 *   refresh: the client in the form. The answer is `{ access_token,
 *   refresh_token, expires_in, scope, token_type: "Bearer" }`, each refresh
 *   answering a new refresh token as the first did, which is kept in place
 *   of the old. Tokens last what `expires_in` says (a month, 2,678,400
 *   seconds, in Patreon's answers);
 * - the person is `GET https://www.patreon.com/api/oauth2/v2/identity`, a
 *   JSON:API document: `{ data: { id, type: "user", attributes: {…} } }`,
 *   whose attributes are only those named in `fields[user]`
 *   (https://docs.patreon.com/#get-api-oauth2-v2-identity): `email`,
 *   `full_name` and `is_email_verified` ("true if the user has confirmed
 *   their email", https://docs.patreon.com/#user-v2) are asked. The
 *   profileClaims hook reads the attributes beside `data.id`, the subject,
 *   with `is_email_verified` as the e-mail's verification;
 * - the API is `https://www.patreon.com/api/oauth2/v2`, with the token as
 *   `Authorization: Bearer`; a token it does not take is a 401
 *   (https://docs.patreon.com/#errors);
 * - Patreon documents no revocation endpoint: disconnect deletes here, and
 *   the person removes the app in their Patreon settings.
 * Not checked against Patreon's pages: PKCE (not documented; the challenge
 * and verifier are sent, which a server without PKCE ignores, RFC 7636 §4.5),
 * whether a refresh ends the previous refresh token (assumed, as each
 * refresh answers a new one), how long a refresh token lasts unused (no idle
 * end is assumed), the body of a token endpoint refusal (RFC 6749 §5.2's
 * `invalid_grant` and `invalid_client` are assumed) and of the API's 401
 * (JSON:API's `errors[]` is assumed).
 */
import type { ProviderPreset } from './preset.js';

/**
 * The user of the JSON:API document `{ data: { id, attributes } }`, its
 * attributes beside its id and `is_email_verified` as `email_verified`; an
 * answer without a user id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const data = (body as { data?: unknown } | null)?.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const { id, type, attributes } = data as Record<string, unknown>;
  if (typeof id !== 'string' || id === '' || (type !== undefined && type !== 'user')) return undefined;
  const fields = attributes !== null && typeof attributes === 'object' && !Array.isArray(attributes) ? (attributes as Record<string, unknown>) : {};
  return { ...fields, id, ...(typeof fields.is_email_verified === 'boolean' ? { email_verified: fields.is_email_verified } : {}) };
}

export const patreon: ProviderPreset = {
  displayName: 'Patreon',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://www.patreon.com/oauth2/authorize',
      tokenEndpoint: 'https://www.patreon.com/api/oauth2/token',
      userinfoEndpoint: 'https://www.patreon.com/api/oauth2/v2/identity?fields%5Buser%5D=email,full_name,is_email_verified',
    },
    scope: 'identity identity[email]',
    apiBaseUrl: 'https://www.patreon.com/api/oauth2/v2',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
    claimNames: { name: 'full_name', email: 'email' },
    hooks: { profileClaims },
  }),
};
