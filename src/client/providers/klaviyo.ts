/**
 * Klaviyo (a public or user-scoped OAuth app made on Klaviyo's Manage apps
 * page, with the scopes it may ask for and its redirect URL). Plain OAuth 2.0
 * with explicit endpoints: no discovery, no ID token. The grant is for a
 * Klaviyo account (the company), and the API tells nothing of the person who
 * installed the app. From Klaviyo's docs:
 * - `GET https://www.klaviyo.com/oauth/authorize` with `response_type=code`,
 *   `client_id`, `redirect_uri`, a space-separated `scope` (each one the app
 *   registered), `state`, and a PKCE `code_challenge` with
 *   `code_challenge_method=S256`, all required
 *   (https://developers.klaviyo.com/en/docs/set_up_oauth);
 * - `POST https://a.klaviyo.com/oauth/token` exchanges the code with its
 *   `code_verifier`, and spends a refresh token, in an
 *   `application/x-www-form-urlencoded` body, the client authenticated by
 *   `Authorization: Basic` with base64 of `[ID]:[SECRET]`; token traffic
 *   through `www.klaviyo.com` is refused since March 31, 2025
 *   (https://developers.klaviyo.com/en/docs/set_up_oauth). A client it does
 *   not take is `invalid_client`; a verifier that does not hash to the
 *   challenge is `Code challenge failed.`; a refresh token that is expired or
 *   revoked is refused (https://developers.klaviyo.com/en/docs/troubleshoot_oauth_errors);
 * - `POST https://a.klaviyo.com/oauth/revoke` revokes a token, the client
 *   authenticated as at the token endpoint
 *   (https://developers.klaviyo.com/en/docs/set_up_oauth): RFC 7009 as the
 *   core sends it, the refresh token first;
 * - the API is `https://a.klaviyo.com/api`, the token as Bearer, and every
 *   call needs a `revision` header naming the API version; the latest is
 *   2026-10-15 (https://developers.klaviyo.com/en/reference/get_accounts). It
 *   is sent with each call unless the caller names another, which the
 *   proxies pass on;
 * - the account is `GET /api/accounts`, behind `accounts:read`, a JSON:API
 *   answer whose `data` holds the one account the token is for: its `id`
 *   (the subject) and `attributes.contact_information` with
 *   `organization_name` (the name) and `default_sender_email`
 *   (https://developers.klaviyo.com/en/reference/get_accounts). That address
 *   is the account's default sender, not the person's: it is kept with the
 *   profile, never stored as their e-mail.
 * Not checked against Klaviyo's own pages: the access token's life (an hour
 * is read from `expires_in`, whatever it says); whether a refresh answers a
 * new refresh token and the used one stops working (the newest is always
 * kept); that a refresh token ends after 90 days unused (other integrations
 * say so: the keep-alive refreshes before then); the HTTP status of the
 * token endpoint's refusals and that a refused refresh token is RFC 6749's
 * `invalid_grant` (the troubleshooting page files it under "Invalid grant
 * type"); whether revoking the refresh token ends the access token too
 * (both are revoked); whether Basic credentials are form-encoded first (they
 * are sent as they are, as Klaviyo's examples build them).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/** The `revision` Klaviyo's API reference documents as the latest. */
export const KLAVIYO_REVISION = '2026-10-15';

/**
 * The account of `/api/accounts`: the `id` of the first (and only) entry of
 * `data`, its organization name and default sender address when set; an
 * answer without an account id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const data = objectOf(body)?.data;
  const account = objectOf(Array.isArray(data) ? data[0] : data);
  const id = account?.id;
  if (typeof id !== 'string' || id === '') return undefined;
  const contact = objectOf(objectOf(account!.attributes)?.contact_information);
  const organization = trimmedText(contact?.organization_name);
  const sender = trimmedText(contact?.default_sender_email);
  return { id, ...textMembers({ organization_name: organization, default_sender_email: sender }) };
}

export const klaviyo: ProviderPreset = {
  displayName: 'Klaviyo',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://www.klaviyo.com/oauth/authorize',
      tokenEndpoint: 'https://a.klaviyo.com/oauth/token',
      userinfoEndpoint: 'https://a.klaviyo.com/api/accounts',
      revocationEndpoint: 'https://a.klaviyo.com/oauth/revoke',
    },
    scope: 'accounts:read',
    apiBaseUrl: 'https://a.klaviyo.com/api',
    apiHeaders: { revision: KLAVIYO_REVISION },
    proxyHeaders: { request: ['revision'], response: [] },
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    subjectClaim: 'id',
    claimNames: { name: 'organization_name' },
    refreshTokenIdleSeconds: 90 * 86_400,
    hooks: { profileClaims },
  }),
};
