/**
 * Log in with PayPal (the Identity API). OAuth 2.0 with explicit endpoints:
 * the sign-in asks for PayPal's `openid` scope, but no ID token is relied on.
 * From PayPal's docs:
 * - `GET https://www.paypal.com/signin/authorize` with `response_type=code`,
 *   `client_id`, a space-separated `scope` and `redirect_uri` (the app's
 *   registered Return URL); the sandbox's is www.sandbox.paypal.com, and its
 *   REST API api-m.sandbox.paypal.com: `<NAME>_BASE_URL=https://www.sandbox.paypal.com`
 *   moves both (https://developer.paypal.com/docs/log-in-with-paypal/integrate/,
 *   https://developer.paypal.com/api/rest/);
 * - the scopes asked are `openid` (PayPal's "Basic Authentication", with no
 *   attribute of its own), `profile` (the name), `email` and
 *   `https://uri.paypal.com/services/paypalattributes` (the account's
 *   verification status and payer id); each must also be ticked for the
 *   app in the Developer Dashboard
 *   (https://developer.paypal.com/docs/log-in-with-paypal/integrate/reference/);
 * - `POST https://api-m.paypal.com/v1/oauth2/token` takes `Authorization:
 *   Basic` base64 of `client_id:secret` as they are and a form body
 *   (`grant_type=authorization_code&code=…`, or `refresh_token`)
 *   (https://developer.paypal.com/api/rest/authentication/), and answers an
 *   `access_token` (Bearer), its lifetime in `expires_in` (which is what
 *   counts here) and a `refresh_token`; a client it does not
 *   take is 401 `invalid_client` (https://developer.paypal.com/api/identity/v1/errors/invalid_client);
 * - PayPal's pages name no issuer or signing keys for ID tokens, so none is
 *   relied on (idTokenUnused): one a token answer carries is dropped unread,
 *   and no nonce is sent;
 * - `GET /v1/identity/oauth2/userinfo?schema=paypalv1.1`
 *   (https://developer.paypal.com/docs/api/identity/v1/) answers `user_id`,
 *   the Private Personal Identifier, unique for the person and this app (the
 *   subject), `name`, `given_name`, `family_name`, `emails[]` (each `value`,
 *   `primary`, `confirmed`), `verified_account` and, with paypalattributes,
 *   `payer_id`, the account's id in PayPal's other APIs; the primary e-mail
 *   is the person's, its `confirmed` read as `email_verified`. Its errors are
 *   the REST API's `{name, message, debug_id}` ("Invalid access token.",
 *   "Invalid request.");
 * - PayPal documents no revocation endpoint for Log in with PayPal: a person
 *   removes the app in their PayPal account's settings, so disconnect deletes
 *   the tokens here and says it was not revoked at PayPal.
 * Not checked against PayPal's own pages: whether the code exchange answers
 * an ID token (dropped either way), whether a refresh answers a new refresh
 * token (kept if it does; none is expected) and how long a refresh token
 * lives (PayPal's older mobile SDK guide says ten years: no idle lifetime is
 * assumed), the access tokens' lifetime (8 hours as integrations report it,
 * about 9 for PayPal's REST app tokens) and that `expires_in` is a number,
 * the members of each `emails[]` entry (`value`, `primary`, `confirmed`, as
 * integrations read them), whether PKCE is taken (the challenge is sent,
 * which RFC 7636 §4.5 has a server ignore), the bodies of a refused code or
 * refresh token (RFC 6749 §5.2's `error` is assumed), and the HTTP status of
 * a refused userinfo call.
 */
import { objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';

/** PayPal's site and its REST API: production's, or the sandbox's from `<NAME>_BASE_URL`; a stand-in's API is its own origin. */
function apiOf(web: string): string {
  const { host } = new URL(web);
  if (host === 'www.paypal.com' || host === 'www.sandbox.paypal.com') return `https://api-m.${host.slice('www.'.length)}`;
  return web;
}

/**
 * The userinfo answer with the primary address of `emails[]` as `email` and
 * its `confirmed` as `email_verified`; no primary address, no e-mail (another
 * address may be anyone's that the person once added). An answer without
 * `emails[]` (the Identity API's `openid` schema, named by
 * `<NAME>_USERINFO_URL`) keeps its own `email` and `email_verified`.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const userinfo = objectOf(body);
  if (!userinfo) return undefined;
  if (!Array.isArray(userinfo.emails)) return userinfo;
  const emails = userinfo.emails.map(objectOf).filter((email) => email !== undefined);
  const primary = emails.find((email) => email.primary === true && typeof email.value === 'string' && email.value !== '');
  const { email: _ignored, email_verified: _unread, ...rest } = userinfo;
  if (!primary) return rest;
  return { ...rest, email: primary.value, ...(typeof primary.confirmed === 'boolean' ? { email_verified: primary.confirmed } : {}) };
}

export const paypal: ProviderPreset = {
  displayName: 'PayPal',
  values: { baseUrl: 'optional' },
  settings: ({ baseUrl }) => {
    const web = baseUrl ? withoutTrailingSlash(baseUrl) : 'https://www.paypal.com';
    const api = apiOf(web);
    return {
      endpoints: {
        authorizationEndpoint: `${web}/signin/authorize`,
        tokenEndpoint: `${api}/v1/oauth2/token`,
        userinfoEndpoint: `${api}/v1/identity/oauth2/userinfo?schema=paypalv1.1`,
      },
      scope: 'openid profile email https://uri.paypal.com/services/paypalattributes',
      apiBaseUrl: api,
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      idTokenUnused: true,
      subjectClaim: 'user_id',
      claimNames: { name: 'name', email: 'email' },
      hooks: { profileClaims },
    };
  },
};
