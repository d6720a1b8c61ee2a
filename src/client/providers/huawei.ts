/**
 * HUAWEI ID (Account Kit's web sign-in: a server app created on HUAWEI
 * Developers, its APP ID as `<NAME>_CLIENT_ID` and its APP SECRET as
 * `<NAME>_CLIENT_SECRET`, the callback as its redirect URL). OAuth 2.0 with
 * an OpenID Connect ID token, explicit endpoints. From Huawei's pages:
 * - `GET https://oauth-login.cloud.huawei.com/oauth2/v3/authorize` with
 *   `response_type=code`, `client_id`, `redirect_uri` (URL-encoded, the one
 *   registered), `scope` and `state`; a person who cancels is sent back with
 *   `error=access_denied`
 *   (https://developer.huawei.com/consumer/en/doc/hmscore-guides/auth-example-0000001054581058);
 *   the web guide asks `openid profile`
 *   (https://developer.huawei.com/consumer/en/doc/HMS-Guides/account-web-guide/),
 *   and a refresh token is issued only when the request carries
 *   `access_type=offline`, which the preset sends
 *   (https://developer.huawei.com/consumer/cn/doc/HMSCore-Guides/web-refresh-access-token-0000001050048952,
 *   https://developer.huawei.com/consumer/cn/doc/HMS-Guides/30101);
 * - `POST https://oauth-login.cloud.huawei.com/oauth2/v3/token`, a
 *   URL-encoded form with `client_id` and `client_secret` in it; a code lasts
 *   5 minutes and is used once; access tokens last an hour
 *   (`expires_in` 3600), refresh tokens 180 days, and a refresh
 *   (`grant_type=refresh_token`, the client in the form) answers a new
 *   access token and ID token with no new refresh token, so the one stored
 *   is kept
 *   (https://developer.huawei.com/consumer/cn/doc/HMSCore-Guides/web-refresh-access-token-0000001050048952,
 *   https://developer.huawei.com/consumer/cn/doc/harmonyOS-references/account-api-obtain-refresh-token/);
 * - its refusals are HTTP 400 with a numeric `error` (1101) and a numeric
 *   `sub_error` naming the fault: 12304 a wrong `client_secret`, 20002 a
 *   malformed `client_id`, 20085/20171 a missing secret, 20152 a malformed
 *   code, 20154 a code or refresh token of another client, 20155 an expired
 *   code, 20156 a code used already, 20158 a code ended early (a changed
 *   password, the app's authorization cancelled), 20192 a malformed refresh
 *   token (https://developer.huawei.com/consumer/cn/doc/harmonyos-references/account-server-error-code,
 *   https://developer.huawei.com/consumer/en/doc/HMSCore-References/server-error-codes-0000001062371380):
 *   the tokenResponse hook names them as RFC 6749 §5.2 does;
 * - the ID token's `iss` is `https://accounts.huawei.com`, its `sub` the
 *   person's UnionID (one per person for all the apps of one developer
 *   account), beside `openid` (the OpenID, one per person per app), `aud`,
 *   `azp`, `at_hash` and, with `profile`, `display_name` (the nickname, else
 *   a masked e-mail or phone number), `nickname` and `picture`; it is signed
 *   RS256 by default (PS256 on request) with the keys of
 *   `https://oauth-login.cloud.huawei.com/oauth2/v3/certs`
 *   (https://developer.huawei.com/consumer/en/doc/doccenter-references/api/account-api-verify-id-token/,
 *   https://developer.huawei.com/consumer/cn/doc/harmonyOS-Guides/account-faq-12/).
 *   The person is `sub`, the UnionID, named by `display_name`; there is no
 *   OpenID Connect userinfo endpoint, so the ID token is the profile.
 * Not checked against Huawei's own pages: the keys' URL
 * (`/oauth2/v3/certs`, named by Huawei's server samples' "JWT public key"
 * call, not read); whether the web authorization takes a `nonce` and echoes
 * it in the ID token (none is sent) or PKCE (not sent); the `sub_error` of a
 * refresh token expired or revoked (every 1101 refusal other than the
 * client's is read as `invalid_grant`, so such a refusal asks for a new
 * sign-in); that a UnionID changes only when the app moves to another
 * developer account (Huawei says it then changes: such a move needs people
 * to sign in again). No revocation endpoint for web apps was found on
 * Huawei's pages (its samples name one, not read): disconnect forgets the
 * tokens here. Huawei's user APIs (`rest.php?nsp_svc=…`) take the token in
 * the form, not as Bearer, so the preset names no API base.
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import type { ProviderPreset } from './preset.js';

/** Huawei's `sub_error`s for a client it does not take: a wrong or missing secret, a malformed client id, an unknown client. */
const CLIENT_FAULTS = new Set([12304, 20002, 20003, 20085, 20171, 20172]);

/**
 * Huawei's refusals (`error` 1101 with a numeric `sub_error`) under RFC 6749 §5.2's names: the client's own faults as
 * `invalid_client`, any other 1101 (a code or refresh token refused) as `invalid_grant`, another code as
 * `invalid_request`; Huawei's codes are kept beside them. Answers that are not refusals pass as they came.
 */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  const numeric = typeof fields?.error === 'number' || (typeof fields?.error === 'string' && /^\d+$/.test(fields.error));
  if (!fields || !numeric) return rebuiltAnswer(response, response.status, text);
  const code = Number(fields.error);
  const sub = Number(fields.sub_error);
  const error = code === 1101 ? (CLIENT_FAULTS.has(sub) ? 'invalid_client' : 'invalid_grant') : 'invalid_request';
  const named = { ...fields, error, huawei_error: fields.error, ...(fields.sub_error === undefined ? {} : { huawei_sub_error: fields.sub_error }) };
  return rebuiltAnswer(response, response.status, JSON.stringify(named), 'application/json');
}

export const huawei: ProviderPreset = {
  displayName: 'HUAWEI ID',
  settings: () => ({
    endpoints: {
      issuer: 'https://accounts.huawei.com',
      authorizationEndpoint: 'https://oauth-login.cloud.huawei.com/oauth2/v3/authorize',
      tokenEndpoint: 'https://oauth-login.cloud.huawei.com/oauth2/v3/token',
      jwksUri: 'https://oauth-login.cloud.huawei.com/oauth2/v3/certs',
    },
    scope: 'openid profile',
    // A refresh token only for `access_type=offline`.
    authorizationParams: { access_type: 'offline' },
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    idTokenNonce: false,
    claimNames: { name: 'display_name' },
    hooks: { tokenResponse },
  }),
};
