/**
 * Linode (Akamai Cloud: the Linode API v4, for an OAuth app registered in
 * Cloud Manager). Plain OAuth 2.0 with explicit endpoints: no discovery, no
 * ID token. From Linode's API reference, the OAuth section of "Get started"
 * (https://techdocs.akamai.com/linode-api/reference/get-started#oauth,
 * generated from the OpenAPI spec at https://github.com/linode/linode-api-docs):
 * - `https://login.linode.com/oauth/authorize` (the login server) with the
 *   app's `client_id` and the `scope` asked; a successful login is sent to
 *   the redirect URL registered on the app with an exchange `code`. Scopes
 *   are `<area>:read_only` or `<area>:read_write` (`linodes`, `domains`,
 *   `account`, …); `linodes:read_only` is asked here;
 * - `POST https://login.linode.com/oauth/token`, a form, with `client_id`,
 *   `client_secret` and `code`; the answer is `scope`, `access_token`,
 *   `refresh_token`, `token_type: "bearer"` and `expires_in: 7200`: access
 *   tokens last two hours;
 * - a refresh (`grant_type=refresh_token`, `client_id`, `client_secret`,
 *   `refresh_token` at the same URL) answers a new access token and a new
 *   refresh token, which is the one to use next: it is kept in place of the
 *   old;
 * - the API is `https://api.linode.com/v4` with `Authorization: Bearer`;
 *   its errors are `{ errors: [{ reason, field? }] }`, 401 for a request
 *   that did not authenticate, 403 for one without permission;
 * - the person is `GET /v4/profile`
 *   (https://techdocs.akamai.com/linode-api/reference/get-profile), which
 *   any OAuth client may read whatever its scopes: `uid` ("will never
 *   change, and can safely be used to identify your User") is the subject,
 *   `username` the name, with the e-mail (verification unknown) and
 *   `restricted` kept; the profile's SSH keys and referral details are not
 *   kept;
 * - no RFC 7009 revocation endpoint is given: disconnect deletes the tokens
 *   here, and the person removes the app from their profile in Cloud
 *   Manager.
 * Not checked against Linode's own pages: the authorization request's other
 * parameters (`response_type=code`, `redirect_uri` and `state` are sent, as
 * RFC 6749 §4.1.1 has them), the scope separator (a space, as the API's
 * `X-OAuth-Scopes` header lists them), whether `grant_type` is needed with
 * the code (it is sent), whether the spent refresh token stops working and
 * whether refresh tokens end unused (no end is assumed), whether PKCE is
 * taken (the challenge is sent, which RFC 7636 §4.5 has a server ignore),
 * and the body of a refused token request (RFC 6749 §5.2's `error` is
 * assumed).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers } from './profile-text.js';

/**
 * The profile of /v4/profile: `uid` as a string, with `username`, `email`
 * and `restricted`; nothing else (its SSH keys, referrals). An answer
 * without a whole-number uid names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const profile = objectOf(body);
  const uid = profile?.uid;
  if (typeof uid !== 'number' || !Number.isSafeInteger(uid)) return undefined;
  return {
    uid: String(uid),
    ...textMembers({ username: profile!.username, email: profile!.email }),
    ...(typeof profile!.restricted === 'boolean' ? { restricted: profile!.restricted } : {}),
  };
}

export const linode: ProviderPreset = {
  displayName: 'Linode',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://login.linode.com/oauth/authorize',
      tokenEndpoint: 'https://login.linode.com/oauth/token',
      userinfoEndpoint: 'https://api.linode.com/v4/profile',
    },
    scope: 'linodes:read_only',
    apiBaseUrl: 'https://api.linode.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'uid',
    claimNames: { name: 'username', email: 'email' },
    hooks: { profileClaims },
  }),
};
