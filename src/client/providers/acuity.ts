/**
 * Acuity Scheduling (an OAuth2 client account registered at https://acuityscheduling.com/oauth2/register, the
 * callback among its redirect URIs). Plain OAuth 2.0, RFC 6749's authorization code grant, with explicit endpoints:
 * no discovery, no ID token. A token is one Acuity account's. From Acuity's pages:
 * - OAuth2 is for an application many Acuity users connect; the person is sent to
 *   `https://acuityscheduling.com/oauth2/authorize` with `response_type=code`, `scope=api-v1`, `client_id`,
 *   `redirect_uri` and an unguessable `state`, and comes back with a code, which is exchanged for an access token
 *   (https://developers.acuityscheduling.com/docs/oauth2); `api-v1`, the one scope, is asked;
 * - the exchange, `POST https://acuityscheduling.com/oauth2/token`, takes a form with `grant_type`, `code`,
 *   `redirect_uri`, `client_id` and `client_secret`, and the API is then called with the token as Bearer, as
 *   Acuity's own SDKs do (https://github.com/AcuityScheduling/acuity-js, https://github.com/AcuityScheduling/acuity-php);
 * - the API is `https://acuityscheduling.com/api/v1`, and every account has a numeric User ID, which its API
 *   credentials name (https://developers.acuityscheduling.com/v1.0/reference, Quick Start); `GET /me` answers the
 *   account the token is for (https://developers.acuityscheduling.com/reference, "/me"), and its numeric `id` is the
 *   subject, with the account's `name`, `email` and `timezone`; errors are JSON `{ status_code, error, message }`, a
 *   refused authentication 401 (https://developers.acuityscheduling.com/reference/api-errors).
 * Not checked against Acuity's pages: that `/me`'s `id` is that User ID, and its other members (`email`, `name`,
 * `timezone`, `schedulingPage`, as the SDKs' examples print the answer); the token answer's members (`access_token`
 * is what the SDKs read; whatever lifetime or refresh token it names is kept); whether PKCE is read (none is sent:
 * the page names none); the token endpoint's refusals (RFC 6749 §5.2's `error` is assumed); whether the e-mail is
 * verified (it is kept unverified). Acuity documents no revocation for OAuth2 clients: disconnect forgets the token
 * here.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers } from './profile-text.js';

/**
 * The account of `/me`: the numeric `id` as its digits, the name, the e-mail and the time zone; an answer without a
 * positive integer id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const account = objectOf(body);
  const id = account?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return undefined;
  return { id: String(id), ...textMembers({ name: account!.name, email: account!.email, zoneinfo: account!.timezone }) };
}

export const acuity: ProviderPreset = {
  displayName: 'Acuity Scheduling',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://acuityscheduling.com/oauth2/authorize',
      tokenEndpoint: 'https://acuityscheduling.com/oauth2/token',
      userinfoEndpoint: 'https://acuityscheduling.com/api/v1/me',
    },
    scope: 'api-v1',
    apiBaseUrl: 'https://acuityscheduling.com/api/v1',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
