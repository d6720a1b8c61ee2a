/**
 * An emulator of Kakao Login's REST API (kauth.kakao.com) and of the part of
 * Kakao's API (kapi.kakao.com) a connection touches, written from Kakao's
 * REST API guide (https://developers.kakao.com/docs/latest/en/kakaologin/rest-api):
 * - Authorize: `GET /oauth/authorize` with `client_id` (the REST API key),
 *   `redirect_uri` (the one registered) and `response_type=code`. Without
 *   `scope` the person consents to the consent items set on the app; `scope`
 *   is comma-separated consent item ids, and an item the app has not set is
 *   refused with Kakao's error page (KOE205). A PKCE challenge, when sent,
 *   is checked at the exchange. A person who cancels goes back with
 *   `error=access_denied`.
 * - Token: `POST /oauth/token` with the client in the form: `client_secret`
 *   is checked only when the app has Client Secret on (`clientSecret` not
 *   null). The answer is `token_type: "bearer"`, `access_token`,
 *   `expires_in` (21599: six hours), `refresh_token`,
 *   `refresh_token_expires_in` (two months) and `scope`,
 *   space-separated. A refresh answers a new access token, and a new
 *   refresh token (with its `refresh_token_expires_in`) only when the one
 *   presented has less than a month left; that one then ends. Refusals are
 *   `{ error, error_description, error_code }`: 400 `invalid_grant` KOE320
 *   for a code, KOE322 for a refresh token, 401 `invalid_client` KOE010.
 * - `GET /v2/user/me` answers `{ id, connected_at, properties,
 *   kakao_account }`, the profile (`profile_nickname`) and e-mail
 *   (`account_email`) only when consented to, image URLs https only with
 *   `secure_resource=true`; `GET /v1/user/access_token_info` answers
 *   `{ id, expires_in, app_id }`. A token the API does not take is a 401
 *   `{ msg, code: -401 }`.
 * - `POST /v1/user/unlink` with the access token unlinks the app from the
 *   person's account, answering `{ id }`: every token of the person for the
 *   app ends. unlinkInKakao() is the person doing so in their Kakao account.
 * The authorization page approves at once for signInAs()'s person.
 */
import { redirectBack } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface KakaoUser {
  /** The service user ID, a number in Kakao's answers. */
  id: number;
  nickname: string;
  email: string;
  emailVerified: boolean;
  /** False: another Kakao account took the address since. */
  emailValid: boolean;
}

export interface KakaoEmulatorOptions extends Omit<EmulatorOptions, 'clientSecret'> {
  /** The Client Secret code, or null for an app with Client Secret off. */
  clientSecret: string | null;
  /** The consent items set on the app (default: nickname, profile image and e-mail). */
  consentItems?: readonly string[];
}

export interface KakaoEmulator extends EmulatorHandle<KakaoUser> {
  /** The person unlinks the app in their Kakao account: none of its tokens works. */
  unlinkInKakao(user: KakaoUser): void;
}

const ACCESS_TOKEN_TTL = 21_599;
// Two months; Kakao's answers show a second less (5183999), as they do for the access token (21599).
const REFRESH_TOKEN_TTL = 5_184_000;
/** A refresh token with less than this left is replaced at a refresh. */
const REISSUE_WITHIN = 30 * 86_400;
const APP_ID = 1_234_567;

const kakaoError = (status: number, error: string, description: string, code: string) => json(status, { error, error_description: description, error_code: code });

export async function startKakaoEmulator(options: KakaoEmulatorOptions): Promise<KakaoEmulator> {
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const server = await startEmulatorServer();
  // Reissued: the store makes a refresh token at every refresh, which is given out only in the refresh token's last month.
  const grants = new GrantStore<KakaoUser>({ now, accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'reissued', refreshTokenTtl: REFRESH_TOKEN_TTL });
  const controls = emulatorControls<KakaoUser>(server, grants);
  const consentItems = options.consentItems ?? ['profile_nickname', 'profile_image', 'account_email'];
  /** When each refresh token given out ends; one replaced is in `ended`. */
  const refreshTokenEnds = new Map<string, number>();
  const ended = new Set<string>();

  server.route('GET', '/oauth/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri || query.get('response_type') !== 'code') {
      return html(400, '<h1>KOE006: 잘못된 요청 (invalid client or redirect URI)</h1>');
    }
    const asked = (query.get('scope') ?? '').split(',').filter(Boolean);
    if (asked.some((item) => !consentItems.includes(item))) return html(400, '<h1>KOE205: 잘못된 요청 (a consent item the app has not set)</h1>');
    const reply = redirectBack(options.redirectUri, query);
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'User denied access' });
    const code = grants.issueCode({
      clientId: options.clientId,
      redirectUri: options.redirectUri,
      scope: (asked.length > 0 ? asked : consentItems).join(' '),
      codeChallenge: query.get('code_challenge') ?? undefined,
      codeChallengeMethod: query.get('code_challenge_method') ?? undefined,
      user,
    });
    return reply({ code });
  });

  tokenEndpoint(server, '/oauth/token', {
    client: { clientId: options.clientId },
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      const form = request.form();
      return form.get('client_id') === options.clientId && (options.clientSecret === null || form.get('client_secret') === options.clientSecret);
    },
    errors: {
      client: () => kakaoError(401, 'invalid_client', 'Bad client credentials', 'KOE010'),
      code: () => kakaoError(400, 'invalid_grant', 'authorization code not found', 'KOE320'),
      refreshToken: () => kakaoError(400, 'invalid_grant', 'expired_or_invalid_refresh_token', 'KOE322'),
    },
    refuseRefresh: (presented) => (ended.has(presented) ? kakaoError(400, 'invalid_grant', 'expired_or_invalid_refresh_token', 'KOE322') : undefined),
    answer: ({ grantType, grant, tokens, form }) => {
      let refreshToken: string | undefined;
      if (grantType === 'authorization_code') refreshToken = tokens.refreshToken;
      else {
        const presented = form.get('refresh_token') ?? '';
        if ((refreshTokenEnds.get(presented) ?? 0) - now() < REISSUE_WITHIN) {
          refreshToken = tokens.refreshToken;
          ended.add(presented);
        }
      }
      if (refreshToken) refreshTokenEnds.set(refreshToken, now() + REFRESH_TOKEN_TTL);
      return json(200, {
        token_type: 'bearer',
        access_token: tokens.accessToken,
        expires_in: tokens.expiresIn,
        ...(refreshToken ? { refresh_token: refreshToken, refresh_token_expires_in: REFRESH_TOKEN_TTL } : {}),
        scope: grant.scope,
      });
    },
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, () => json(401, { msg: 'this access token does not exist', code: -401 }));

  server.route('GET', '/v2/user/me', (request) => {
    server.count('user_me');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user, scope } = grant;
    const granted = scope.split(' ');
    const scheme = request.url.searchParams.get('secure_resource') === 'true' ? 'https' : 'http';
    const image = `${scheme}://k.kakaocdn.net/dn/${user.id}/profile_640x640.jpg`;
    const profile = granted.includes('profile_nickname');
    const email = granted.includes('account_email');
    return json(200, {
      id: user.id,
      connected_at: '2026-11-30T01:02:03Z',
      ...(profile ? { properties: { nickname: user.nickname, profile_image: image } } : {}),
      kakao_account: {
        profile_nickname_needs_agreement: !profile,
        ...(profile ? { profile: { nickname: user.nickname, profile_image_url: image, is_default_image: false, is_default_nickname: false } } : {}),
        has_email: true,
        email_needs_agreement: !email,
        ...(email ? { is_email_valid: user.emailValid, is_email_verified: user.emailVerified, email: user.email } : {}),
      },
    });
  });

  server.route('GET', '/v1/user/access_token_info', (request) => {
    server.count('access_token_info');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, { id: grant.user.id, expires_in: grants.accessTokenSecondsLeft(request.bearer()!), app_id: APP_ID });
  });

  const unlink = (user: KakaoUser) => {
    grants.revokeGrantsOf((someone) => someone.id === user.id);
  };

  server.route('POST', '/v1/user/unlink', (request) => {
    server.count('unlink');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    unlink(grant.user);
    return json(200, { id: grant.user.id });
  });

  return { ...controls.handle, unlinkInKakao: unlink };
}
