/**
 * Calendly (OAuth apps of the API v2,
 * https://developer.calendly.com/docs/authentication/how-to-access-calendly-data-on-behalf-of-authenticated-users).
 * Plain OAuth 2.x without an ID token: the person is the `uri` of
 * `GET https://api.calendly.com/users/me`, which answers the user under
 * `resource` (https://developer.calendly.com/api-docs/calendly-api/users/get-user):
 * its `name`, `email`, `slug`, `scheduling_url`, `timezone` and
 * `current_organization` are kept with it. From Calendly's docs:
 * - `GET https://auth.calendly.com/oauth/authorize` takes `client_id`,
 *   `response_type=code`, `redirect_uri` and a PKCE challenge, which Calendly
 *   recommends for every app
 *   (https://developer.calendly.com/api-docs/calendly-o-auth/o-auth/get-oauth-authorize);
 *   the code lives 10 minutes;
 * - scopes (https://developer.calendly.com/docs/authentication/scopes) came
 *   in March 2026: an app made since grants nothing it did not ask for, and
 *   `/users/me` needs `users:read`, the default here; an app adds the ones
 *   its calls need (`event_types:read`, `scheduled_events:read`…) in
 *   `<NAME>_SCOPE`. A `:write` scope includes its `:read`;
 * - `POST https://auth.calendly.com/oauth/token` takes a form with the code
 *   or refresh token
 *   (https://developer.calendly.com/api-docs/calendly-o-auth/o-auth/post-oauth-refresh-token):
 *   a web client may authenticate with Basic, and the form takes `client_id`
 *   and `client_secret` too; the client is sent in the form here, as the
 *   revocation endpoint takes it only there. The answer has `access_token`,
 *   `token_type: "Bearer"`, `expires_in` (access tokens live 2 hours),
 *   `refresh_token`, `scope`, `created_at`, `owner` (the user's URI, the
 *   same as `/users/me`'s `uri`) and `organization` (its organization's
 *   URI); refusals are RFC 6749 §5.2's `{ error, error_description }`.
 *   At most 8 tokens per user are issued a minute, which the single-flight
 *   refresh keeps far from;
 * - refresh tokens are single-use and rotate: every refresh answers a new
 *   one, kept in place of the old, which stops working at once
 *   (https://developer.calendly.com/refresh-token-rotation-guide); they do
 *   not expire until used, so no idle lifetime is set;
 * - `POST https://auth.calendly.com/oauth/revoke` takes `client_id`,
 *   `client_secret` and `token` (an access or a refresh token) in a form and
 *   answers 200 (https://developer.calendly.com/api-docs/calendly-o-auth/o-auth/post-oauth-revoke):
 *   RFC 7009 as the core sends it (the refresh token, then the access
 *   token), its `token_type_hint` not documented by Calendly, which RFC 7009
 *   §2.1 lets a server ignore;
 * - the API is https://api.calendly.com and answers an access token it does
 *   not take with 401.
 * Not said in Calendly's docs: whether the e-mail is verified (it is kept
 * with its verification unknown), whether revoking the refresh token also
 * ends the access tokens issued with it (both are revoked), what the
 * revocation endpoint answers for a token already revoked (RFC 7009 §2.2
 * has 200), and how an app made before scopes existed answers a `scope` it
 * never asked for (such an app sets `<NAME>_SCOPE` as it was registered).
 */
import type { ProviderPreset } from './preset.js';

/** The user `GET /users/me` answers under `resource`. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const resource = (body as { resource?: unknown } | null)?.resource;
  if (resource === null || typeof resource !== 'object' || Array.isArray(resource)) return undefined;
  return resource as Record<string, unknown>;
}

export const calendly: ProviderPreset = {
  displayName: 'Calendly',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://auth.calendly.com/oauth/authorize',
      tokenEndpoint: 'https://auth.calendly.com/oauth/token',
      userinfoEndpoint: 'https://api.calendly.com/users/me',
      revocationEndpoint: 'https://auth.calendly.com/oauth/revoke',
    },
    scope: 'users:read',
    apiBaseUrl: 'https://api.calendly.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'uri',
    claimNames: { name: 'name', email: 'email', preferredUsername: 'slug' },
    hooks: { profileClaims },
  }),
};
