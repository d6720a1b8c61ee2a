/**
 * An emulator of BASE API's authorization server and API as BASE documents
 * them (https://docs.thebase.in/docs/api/,
 * https://docs.thebase.in/docs/api/oauth/authorize,
 * https://docs.thebase.in/docs/api/oauth/access_token,
 * https://docs.thebase.in/docs/api/oauth/refresh_token,
 * https://docs.thebase.in/docs/api/users/me): `GET /1/oauth/authorize`
 * granting `read_users` when no scope is asked; `POST /1/oauth/token` taking
 * the client in the form or as Basic, the `redirect_uri` required on the code
 * exchange and on every refresh, answering `access_token` (an hour),
 * `token_type` `bearer`, `expires_in` and `refresh_token` (30 days, a new one
 * with each refresh), and refusing with BASE's own 400 codes and Japanese
 * descriptions; `GET /1/users/me` with the token as Bearer, a token it does
 * not take answered 400 `invalid_request`. No revocation endpoint.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

/** A BASE shop, as /1/users/me shows it. */
export interface BaseShop {
  shopId: string;
  shopName: string;
}

export interface BaseShopEmulator extends EmulatorHandle<BaseShop> {
  /** The shop is closed: BASE then refuses its refresh tokens ("ユーザーが存在しません。"). */
  closeShop(shop: BaseShop): void;
  /** The form of each token request, in order, as BASE read it. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

export const BASE_ACCESS_TOKEN_SECONDS = 3600;
export const BASE_REFRESH_TOKEN_SECONDS = 30 * 86_400;

const refusal = (error: string, description: string) => oauthError(400, error, description);

export async function startBaseShopEmulator(options: EmulatorOptions): Promise<BaseShopEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<BaseShop>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: BASE_ACCESS_TOKEN_SECONDS,
    refreshPolicy: 'reissued',
    refreshTokenTtl: BASE_REFRESH_TOKEN_SECONDS,
  });
  const controls = emulatorControls<BaseShop>(server, grants);
  const tokenForms: URLSearchParams[] = [];
  const closed = new Set<string>();

  authorizationEndpoint(server, '/1/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    request: (query) => ({ scope: query.get('scope') ?? 'read_users' }),
  });

  /** The client in the form or as Basic; one missing is `invalid_request`, one BASE does not know `unauthorized_client`. */
  const authenticates = (request: EmulatorRequest) => {
    const form = request.form();
    tokenForms.push(form);
    const basic = request.basicAuth();
    const [clientId, clientSecret] = basic ? [basic.username, basic.password] : [form.get('client_id'), form.get('client_secret')];
    if (!clientId || !clientSecret) return refusal('invalid_request', 'client_idもしくはclient_secretがありません。');
    return clientId === options.clientId && clientSecret === options.clientSecret ? true : refusal('unauthorized_client', 'クライアントが見つかりませんでした。');
  };
  const redirectUriRefused = (form: URLSearchParams) => (form.get('redirect_uri') === options.redirectUri ? undefined : refusal('invalid_request', '不正なパラメーターです。'));

  tokenEndpoint(server, '/1/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates,
    pkce: false,
    refuseCode: redirectUriRefused,
    refuseRefresh: (presented, form) => {
      const refused = redirectUriRefused(form);
      if (refused) return refused;
      const shop = grants.grantOfToken(presented)?.user;
      return shop && closed.has(shop.shopId) ? refusal('access_denied', 'ユーザーが存在しません。') : undefined;
    },
    errors: {
      grantType: () => refusal('invalid_request', '不正なgrant_typeです。'),
      code: (reason) => refusal('invalid_request', reason === 'expired_code' ? '認可コードの有効期限が切れています。' : '不正な認可コードです。'),
      refreshToken: (reason) => refusal('invalid_request', reason === 'expired_token' ? 'リフレッシュトークンの有効期限が切れています。' : '不正なリフレッシュトークンです。'),
    },
    answer: ({ tokens }) => json(200, tokenMembers(tokens, undefined, 'bearer')),
  });

  server.route('GET', '/1/users/me', (request) => {
    server.count('users_me');
    const grant = bearerGrant(grants, request, () => refusal('invalid_request', 'アクセストークンが無効です。'));
    if (!isGrant(grant)) return grant;
    const { shopId, shopName } = grant.user;
    return json(200, {
      user: {
        shop_id: shopId,
        shop_name: shopName,
        shop_introduction: `${shopName}へようこそ。`,
        shop_url: `https://${shopId}.thebase.in`,
        twitter_id: null,
        facebook_id: null,
        ameba_id: null,
        instagram_id: null,
        background: null,
        display_background: 0,
        repeat_background: 0,
        logo: null,
        display_logo: 0,
      },
    });
  });

  return {
    ...controls.handle,
    closeShop: (shop) => {
      closed.add(shop.shopId);
    },
    tokenForms,
  };
}
