/**
 * An emulator of HUAWEI ID's web sign-in (`oauth-login.cloud.huawei.com`),
 * written from Huawei's Account Kit documentation
 * (https://developer.huawei.com/consumer/en/doc/hmscore-guides/auth-example-0000001054581058,
 * https://developer.huawei.com/consumer/cn/doc/HMSCore-Guides/web-refresh-access-token-0000001050048952,
 * https://developer.huawei.com/consumer/cn/doc/harmonyos-references/account-server-error-code,
 * https://developer.huawei.com/consumer/en/doc/doccenter-references/api/account-api-verify-id-token/):
 * - `GET /oauth2/v3/authorize` with `response_type=code`, `client_id`,
 *   `redirect_uri`, `scope` (`openid`, `profile`) and `access_type`; only
 *   `access_type=offline` gets a refresh token. A person who cancels is sent
 *   back with `error=access_denied`.
 * - `POST /oauth2/v3/token`, the client in the form only. The code's answer
 *   is `access_token` (an hour), `expires_in`, `id_token`, `refresh_token`,
 *   `scope` and `token_type: "Bearer"`; a refresh answers a new access token
 *   and ID token and no refresh token, the old one staying good (180 days).
 *   Refusals are HTTP 400 with a numeric `error` 1101 and `sub_error`: 12304
 *   a wrong secret, 20085/20171 a missing one, 20155 an expired code, 20156
 *   a spent one, 20152 one Huawei never issued, 20154 another client's;
 *   20192 stands here for any refresh token refused (Huawei's own code for
 *   a revoked one is not documented).
 * - ID tokens are RS256 with the key at `/oauth2/v3/certs`, `iss`
 *   `https://accounts.huawei.com`, `sub` the UnionID, `openid` the OpenID,
 *   `aud`/`azp` the client, `at_hash`, and with `profile` `display_name`,
 *   `nickname` and `picture`.
 * The authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { grantIdToken, createSigningKey } from './kit/signing.js';
import { tokenEndpoint, tokenMembers, type CodeRefusal } from './kit/token-endpoint.js';

export interface HuaweiUser {
  /** The UnionID: the same for every app of one developer account. */
  unionId: string;
  /** The OpenID: this app's own id of the person. */
  openId: string;
  nickname: string;
}

export interface HuaweiEmulator extends EmulatorHandle<HuaweiUser> {
  /** The person cancels the app's authorization in their HUAWEI ID: its tokens stop working. */
  cancelAuthorization(user: HuaweiUser): void;
  /** The form of each token request, in order. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

export const HUAWEI_ISSUER = 'https://accounts.huawei.com';
export const HUAWEI_ACCESS_TOKEN_SECONDS = 3600;
const REFRESH_TOKEN_SECONDS = 180 * 86_400;

/** Huawei's refusal: HTTP 400, the main code 1101 and the sub-code naming the fault. */
const refusal = (subError: number, description: string) => json(400, { sub_error: subError, error_description: description, error: 1101 });

const CODE_REFUSALS: Record<CodeRefusal, [number, string]> = {
  unknown_code: [20152, 'invalid code'],
  expired_code: [20155, 'code expired'],
  code_reused: [20156, 'code used'],
  wrong_client: [20154, 'client_id not match'],
  redirect_uri_mismatch: [20024, 'redirect_uri not match'],
  pkce_failed: [20152, 'invalid code'],
};

export async function startHuaweiEmulator(options: EmulatorOptions): Promise<HuaweiEmulator> {
  const server = await startEmulatorServer();
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<HuaweiUser>({ now, accessTokenTtl: HUAWEI_ACCESS_TOKEN_SECONDS, refreshPolicy: 'static', refreshTokenTtl: REFRESH_TOKEN_SECONDS });
  const controls = emulatorControls<HuaweiUser>(server, grants);
  const tokenForms: URLSearchParams[] = [];

  server.route('GET', '/oauth2/v3/certs', () => json(200, key.jwks));

  authorizationEndpoint(server, '/oauth2/v3/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    // A refresh token only for access_type=offline.
    request: (query) => ({ refreshToken: query.get('access_type') === 'offline' }),
  });

  tokenEndpoint(server, '/oauth2/v3/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      const form = request.form();
      tokenForms.push(form);
      return formCredentials(request, options);
    },
    pkce: false,
    errors: {
      client: () => refusal(12304, 'invalid client_secret'),
      refreshToken: () => refusal(20192, 'invalid refresh_token'),
      code: (reason) => refusal(...CODE_REFUSALS[reason]),
    },
    answer: async ({ grantType, grant, tokens }) => {
      const { user } = grant;
      const profile = grant.scope.split(' ').includes('profile') ? { display_name: user.nickname, nickname: user.nickname, picture: `https://upfile-drcn.platform.hicloud.com/${user.openId}.jpg` } : {};
      const idToken = await grantIdToken(key, grant, tokens.accessToken, { iss: HUAWEI_ISSUER, sub: user.unionId, aud: options.clientId, azp: options.clientId, openid: user.openId, ...profile });
      const members = tokenMembers(tokens, grant.scope, 'Bearer');
      if (grantType === 'refresh_token') delete members.refresh_token;
      return json(200, { ...members, id_token: idToken });
    },
  });

  return {
    ...controls.handle,
    cancelAuthorization: (user) => grants.revokeGrantsOf((someone) => someone.unionId === user.unionId),
    tokenForms,
  };
}
