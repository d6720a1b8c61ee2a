/**
 * Kit (formerly ConvertKit: the Kit API v4, for an app made in Kit's
 * developer settings, installed from the Kit App Store). Plain OAuth 2.0
 * with explicit endpoints: no discovery, no ID token. From Kit's docs
 * (https://developers.kit.com/api-reference/authentication,
 * https://developers.kit.com/api-reference/oauth-refresh-token-flow,
 * https://developers.kit.com/api-reference/oauth-proof-key-for-code-exchange-flow):
 * - `GET https://api.kit.com/v4/oauth/authorize` with `client_id`,
 *   `response_type=code`, `redirect_uri` (one of the app's Redirect URIs)
 *   and `state`; `scope` is `public` by default ("fine-grained access
 *   control via scopes coming soon"), and `public` is asked here. Kit sends
 *   the person back with `code` and `state`;
 * - `POST https://api.kit.com/v4/oauth/token` with `client_id`,
 *   `client_secret`, `grant_type=authorization_code`, `code` and
 *   `redirect_uri`; Kit's samples send these as a JSON body, and the
 *   tokenRequest hook sends openid-client's form that way. The answer is
 *   `access_token`, `token_type: "Bearer"`, `expires_in` (172800, two days,
 *   in Kit's example), `refresh_token`, `scope` and `created_at`;
 * - a refresh (`grant_type=refresh_token`, `refresh_token`) answers a new
 *   access token and a new refresh token (7200 seconds in Kit's example):
 *   the new one is kept in place of the old;
 * - the API is `https://api.kit.com/v4` with `Authorization: Bearer`;
 * - the person is `GET /v4/account`, "the standard way to identify which
 *   account authorized your app"
 *   (https://developers.kit.com/api-reference/accounts/get-current-account):
 *   `{ user: { id, email }, account: { id, name, plan_type,
 *   primary_email_address, … } }`. The user's `id` is the subject, with its
 *   e-mail (verification unknown); the account's id, name and plan are kept
 *   with the profile. There is no name for the user itself.
 * Not checked against Kit's own pages: whether the token endpoint takes a
 * form body too (JSON is sent, as its samples do), whether the refresh
 * request needs the client secret (the client is sent, as at the code
 * exchange), whether the spent refresh token stops working and whether
 * refresh tokens end unused (no end is assumed), whether PKCE is taken from
 * a confidential app (the challenge is sent, which RFC 7636 §4.5 has a
 * server ignore), whether Kit has a revocation endpoint (none is in its
 * docs: disconnect deletes the tokens here, and the person uninstalls the
 * app in Kit), whether `user.id`, which the schema does not require, is
 * always there (without it the sign-in fails), and the body of a refused
 * token request (RFC 6749 §5.2's `error` is assumed).
 */
import { jsonTokenRequest, objectOf, type ProviderPreset } from './preset.js';
import { textMembers } from './profile-text.js';

/**
 * The user of /v4/account as the subject (`id`, as a string), with its
 * e-mail, and the account's id, name and plan. An answer without a
 * whole-number user id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const answer = objectOf(body);
  const user = objectOf(answer?.user);
  const id = user?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return undefined;
  const account = objectOf(answer!.account) ?? {};
  return {
    id: String(id),
    ...textMembers({ email: user!.email }),
    ...(typeof account.id === 'number' && Number.isSafeInteger(account.id) ? { account_id: String(account.id) } : {}),
    ...textMembers({ account_name: account.name, plan_type: account.plan_type }),
  };
}

export const kit: ProviderPreset = {
  displayName: 'Kit',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://api.kit.com/v4/oauth/authorize',
      tokenEndpoint: 'https://api.kit.com/v4/oauth/token',
      userinfoEndpoint: 'https://api.kit.com/v4/account',
    },
    scope: 'public',
    apiBaseUrl: 'https://api.kit.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
    claimNames: { email: 'email' },
    hooks: { tokenRequest: jsonTokenRequest(), profileClaims },
  }),
};
