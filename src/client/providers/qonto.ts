/**
 * Qonto (Business API, for an OAuth application registered with Qonto from its
 * Developer Portal, the callback among its redirect URIs). Plain OAuth 2.0
 * authorization code with explicit endpoints: no discovery, and the ID token
 * (`openid`) is not asked. A token is one membership's: a person's access to
 * one Qonto organization. From Qonto's pages:
 * - the person is sent to `https://oauth.qonto.com/oauth2/auth` with
 *   `client_id`, `redirect_uri`, `response_type=code`, `scope` and `state`,
 *   signs in, picks the organization and consents; the code comes back to the
 *   redirect URI (https://docs.qonto.com/get-started/business-api/authentication/oauth/login-endpoint,
 *   https://docs.qonto.com/guides/authentication/oauth-flow);
 * - the code, valid 10 minutes, is exchanged at `POST
 *   https://oauth.qonto.com/oauth2/token` with `grant_type`, `code`,
 *   `redirect_uri`, `client_id` and `client_secret` in an
 *   `application/x-www-form-urlencoded` body; the access token lasts 1 hour,
 *   the refresh token (issued only with `offline_access`) 90 days, and each
 *   refresh answers a new refresh token to keep
 *   (https://docs.qonto.com/api-reference/business-api/authentication/oauth/token-endpoint,
 *   https://docs.qonto.com/api-reference/business-api/authentication/oauth2/create_tokens.md);
 * - scopes: `offline_access` (the refresh token), `membership.read` (the
 *   authenticated membership) and `organization.read` (the organization and
 *   its accounts, which the proxy may read), the set Qonto's own examples ask
 *   (https://docs.qonto.com/api-reference/business-api/authentication/);
 * - the API is `https://thirdparty.qonto.com/v2` with the token as Bearer; the
 *   person is `GET /v2/membership`, "the authenticated membership", answered
 *   as `{ membership: { id, first_name, last_name, email, phone_number,
 *   position, status, role, locale, team_id, kyc_status } }`
 *   (https://docs.qonto.com/api-reference/business-api/endpoints/memberships/retrieve-the-authenticated-membership):
 *   its `id`, a UUID, is the subject; the membership is also how Qonto names
 *   the grant when it is revoked (`membership_id` of the consent-revocations
 *   webhook, https://docs.qonto.com/api-reference/business-api/webhooks/supported-webhooks/v1-consent-revocations).
 *   A person in two organizations has two memberships, so two accounts here.
 * Not checked against Qonto's pages: whether PKCE is read (none is sent);
 * whether the spent refresh token ends at once (the newest is kept either
 * way); whether the e-mail is verified (stored unverified); the token
 * endpoint's and API's error bodies (RFC 6749 §5.2's `error` and a 401 are
 * assumed). Qonto revokes a consent through a Business API endpoint of its
 * own, not RFC 7009, whose request was not read here: disconnect forgets the
 * tokens, which last until they expire or the person revokes the consent in
 * Qonto.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers } from './profile-text.js';

/**
 * `/v2/membership`'s `{ membership }`: its `id`, the first and last names, the e-mail and locale, and the role in the
 * organization; an answer without a string id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const membership = objectOf(objectOf(body)?.membership);
  const id = membership?.id;
  if (typeof id !== 'string' || id.trim() === '') return undefined;
  return {
    id,
    ...textMembers({
      name: joinedName(membership!.first_name, membership!.last_name),
      given_name: membership!.first_name,
      family_name: membership!.last_name,
      email: membership!.email,
      locale: membership!.locale,
      role: membership!.role,
    }),
  };
}

export const qonto: ProviderPreset = {
  displayName: 'Qonto',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://oauth.qonto.com/oauth2/auth',
      tokenEndpoint: 'https://oauth.qonto.com/oauth2/token',
      userinfoEndpoint: 'https://thirdparty.qonto.com/v2/membership',
    },
    scope: 'offline_access membership.read organization.read',
    apiBaseUrl: 'https://thirdparty.qonto.com/v2',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
