/**
 * Cronofy (Individual Connect: an application made in the Cronofy developer
 * dashboard, the callback among its redirect URIs). Plain OAuth 2.0 with
 * explicit endpoints, the authorization code grant only, in the United States
 * data centre; another data centre's application (Cronofy's applications
 * belong to one) sets `<NAME>_AUTHORIZE_URL` to its `app-…` host and
 * `<NAME>_ACCESS_TOKEN_URL`, `<NAME>_REVOCATION_URL` and
 * `<NAME>_API_BASE_URL` to its `api-…` host (`app-de.cronofy.com`,
 * `api-de.cronofy.com`…). From Cronofy's API documentation:
 * - `GET https://app.cronofy.com/oauth/authorize` (the `app` host, not the
 *   `api` one) with `response_type=code`, `client_id`, `redirect_uri`,
 *   `scope`, at least one of Cronofy's, space-separated (`read_events`,
 *   `create_event`, `delete_event`, `read_free_busy`, `create_calendar`…),
 *   and `state` (https://docs.cronofy.com/developers/api/authorization/request-authorization/);
 * - `POST https://api.cronofy.com/oauth/token` takes a JSON or a form body
 *   with `client_id` and `client_secret` in it; the code exchange answers
 *   `token_type`, `access_token`, `expires_in` (3600 in the example),
 *   `refresh_token`, `scope`, `account_id`, `sub` (the account, `acc_…`) and
 *   `linking_profile` (the calendar profile just linked)
 *   (https://docs.cronofy.com/developers/api/authorization/request-token/);
 * - a refresh, the same endpoint with `grant_type=refresh_token`, answers a
 *   new access token and the refresh token it was sent, which the core keeps
 *   (https://docs.cronofy.com/developers/api/authorization/refresh-token/);
 *   a code unknown, used or sent with another `redirect_uri` is refused
 *   `invalid_grant` (https://docs.cronofy.com/developers/faqs/authorizations/);
 * - `POST https://api.cronofy.com/oauth/token/revoke`, RFC 7009 with the
 *   client in the body and the `token`, the refresh token recommended as it
 *   cannot have expired; answered 200, and authorization can only be regained
 *   by asking for it again (https://docs.cronofy.com/developers/api/authorization/revoke/);
 * - the person is `GET https://api.cronofy.com/v1/userinfo`, OpenID's
 *   UserInfo: `sub` (Cronofy's id for the account), `email`, `name` (may be
 *   null or blank), `zoneinfo`, `cronofy.type` and `cronofy.data`, the
 *   account's calendar profiles and every calendar of each
 *   (https://docs.cronofy.com/developers/api/identity/userinfo/). The
 *   profileClaims hook keeps the account's own members and leaves out
 *   `cronofy.data`, which is the state of the calendars rather than who the
 *   person is, and grows with them.
 * - API calls go under `https://api.cronofy.com` (`/v1/calendars`…) with the
 *   token as Bearer.
 * Cronofy links the calendar accounts one person authorizes for an
 * application under one Cronofy account, so a second calendar authorized by
 * the same person signs in as the same `sub`.
 * Not checked against Cronofy's own pages: whether PKCE is taken (it is not
 * documented; RFC 7636 §4.5 has a server ignore it, and it is sent), the
 * status and body of the token endpoint's refusals beyond the `invalid_grant`
 * name (RFC 6749 §5.2's `{ error }` is assumed, 401 for a wrong client),
 * whether the e-mail of userinfo is verified (it is stored as unknown), what
 * the authorization endpoint sends back when the person declines (RFC 6749's
 * `access_denied` is assumed), and the scope `/v1/calendars` needs.
 */
import { objectOf, type ProviderPreset } from './preset.js';

/** `/v1/userinfo`'s members about the account, without `cronofy.data`; an answer without a `sub` names no one. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const userinfo = objectOf(body);
  if (typeof userinfo?.sub !== 'string' || userinfo.sub === '') return undefined;
  const { 'cronofy.data': _calendars, name, ...account } = userinfo;
  const trimmed = typeof name === 'string' ? name.trim() : '';
  return { ...account, ...(trimmed ? { name: trimmed } : {}) };
}

export const cronofy: ProviderPreset = {
  displayName: 'Cronofy',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://app.cronofy.com/oauth/authorize',
      tokenEndpoint: 'https://api.cronofy.com/oauth/token',
      userinfoEndpoint: 'https://api.cronofy.com/v1/userinfo',
      revocationEndpoint: 'https://api.cronofy.com/oauth/token/revoke',
    },
    scope: 'read_events',
    apiBaseUrl: 'https://api.cronofy.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'sub',
    claimNames: { name: 'name', email: 'email' },
    hooks: { profileClaims },
  }),
};
