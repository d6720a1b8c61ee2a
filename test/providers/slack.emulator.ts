/**
 * An emulator of Sign in with Slack (OpenID Connect) and the Web API methods
 * it touches, written from Slack's documentation:
 * - Sign in with Slack (the flow, /openid/connect/authorize, `openid profile email`,
 *   discovery at /.well-known/openid-configuration, the ID token's claims):
 *   https://docs.slack.dev/authentication/sign-in-with-slack
 * - openid.connect.token (`client_id`, `client_secret`, `code`, `redirect_uri` —
 *   required when the authorization request had one —, `grant_type`, `refresh_token`;
 *   the answer `{"ok": true, "access_token", "token_type": "Bearer", "id_token"}`):
 *   https://docs.slack.dev/reference/methods/openid.connect.token
 * - Web API answers: HTTP 200 with `{"ok": false, "error": "<name>"}` for errors
 *   (invalid_code, bad_client_secret, invalid_client_id, bad_redirect_uri,
 *   invalid_refresh_token, internal_error, service_unavailable…), the token as a
 *   Bearer header, GET or POST: https://docs.slack.dev/apis/web-api/
 * - openid.connect.userInfo (`ok: true`, `sub`, `https://slack.com/…` members):
 *   https://docs.slack.dev/reference/methods/openid.connect.userInfo
 * - Token rotation, when the app turns it on: 12-hour access tokens
 *   (`expires_in: 43200`), a `xoxe-` refresh token that is revoked when used, a new
 *   one with each refresh: https://docs.slack.dev/authentication/using-token-rotation
 * - auth.test and auth.revoke (`{"ok": true, "revoked": true}`; `test=1` revokes nothing):
 *   https://docs.slack.dev/reference/methods/auth.test, https://docs.slack.dev/reference/methods/auth.revoke
 * PKCE is a setting a Slack app opts into (https://docs.slack.dev/authentication/using-pkce);
 * the emulated app is a confidential web app without it, so PKCE arguments are not checked.
 * The issuer is the emulator's own origin. The authorization page approves at
 * once for the user set with signInAs() (a real Slack asks them to sign in and allow).
 */
import { codeRequest, redirectBack } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { atHash, createSigningKey } from './kit/signing.js';

export interface SlackUser {
  /** The Slack user ID, e.g. `U0R7JM`: the `sub`. */
  userId: string;
  teamId: string;
  teamDomain: string;
  name: string;
  email: string;
}

export interface SlackEmulatorOptions extends Omit<EmulatorOptions, 'now'> {
  /** The app's "token rotation" setting (off by default at Slack). */
  tokenRotation: boolean;
}

/** What the next openid.connect.token call answers instead of doing its work. */
export type SlackFault = 'internal_error' | 'service_unavailable' | 'http_503';

export interface SlackEmulator extends EmulatorHandle<SlackUser, SlackFault> {
  /** Revokes the grant behind a token, as an admin or the person removing the app does. */
  revokeGrantOf(token: string): void;
}

const ok = (body: Record<string, unknown>) => json(200, { ok: true, ...body });
const failed = (error: string) => json(200, { ok: false, error });

/** Web API arguments come in the query string or a form body. */
function argument(request: EmulatorRequest, name: string): string | null {
  return request.form().get(name) ?? request.url.searchParams.get(name);
}

export async function startSlackEmulator(options: SlackEmulatorOptions): Promise<SlackEmulator> {
  const server = await startEmulatorServer();
  const issuer = server.origin;
  const key = await createSigningKey('RS256');
  const rotation = options.tokenRotation;
  const grants = new GrantStore<SlackUser>({
    accessTokenTtl: rotation ? 43_200 : null,
    refreshPolicy: rotation ? 'rotating' : 'none',
    prefixes: rotation ? { access: 'xoxe.xoxp-1-', refresh: 'xoxe-1-' } : { access: 'xoxp-1-' },
  });
  const controls = emulatorControls<SlackUser, SlackFault>(server, grants);

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/openid/connect/authorize`,
      token_endpoint: `${issuer}/api/openid.connect.token`,
      userinfo_endpoint: `${issuer}/api/openid.connect.userInfo`,
      jwks_uri: `${issuer}/openid/connect/keys`,
      scopes_supported: ['openid', 'profile', 'email'],
      response_types_supported: ['code'],
      response_modes_supported: ['form_post'],
      grant_types_supported: ['authorization_code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      claims_supported: ['sub', 'auth_time', 'iss'],
      claims_parameter_supported: false,
      request_parameter_supported: false,
      request_uri_parameter_supported: true,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    }),
  );
  server.route('GET', '/openid/connect/keys', () => json(200, key.jwks));

  server.route('GET', '/openid/connect/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId) return html(400, '<h1>Invalid client_id parameter</h1>');
    const redirectUri = query.get('redirect_uri');
    if (redirectUri !== null && redirectUri !== options.redirectUri) return html(400, '<h1>redirect_uri did not match any configured URIs</h1>');
    const reply = redirectBack(options.redirectUri, query);
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied' });
    return reply({ code: grants.issueCode({ ...codeRequest(query, options, user), redirectUri: redirectUri ?? undefined, codeChallenge: undefined, codeChallengeMethod: undefined }) });
  });

  const idToken = (grant: Grant<SlackUser>, accessToken: string) => {
    const { user: person, scope } = grant;
    const scopes = scope.split(' ');
    return key.signIdToken({
      iss: issuer,
      sub: person.userId,
      aud: options.clientId,
      auth_time: Math.floor(Date.now() / 1000),
      at_hash: atHash(accessToken),
      ...(grant.nonce !== undefined ? { nonce: grant.nonce } : {}),
      'https://slack.com/user_id': person.userId,
      'https://slack.com/team_id': person.teamId,
      ...(scopes.includes('email') ? { email: person.email, email_verified: true } : {}),
      ...(scopes.includes('profile') ? { name: person.name, locale: 'en-US', 'https://slack.com/team_domain': person.teamDomain } : {}),
    });
  };

  server.route('POST', '/api/openid.connect.token', async (request) => {
    const fault = controls.tokenFailure();
    if (fault) {
      return fault === 'http_503' ? html(503, '<h1>Slack is temporarily unavailable</h1>') : failed(fault);
    }
    const basic = request.basicAuth();
    const clientId = basic?.username ?? argument(request, 'client_id');
    const clientSecret = basic?.password ?? argument(request, 'client_secret');
    if (clientId !== options.clientId) return failed('invalid_client_id');
    if (clientSecret !== options.clientSecret) return failed('bad_client_secret');
    const grantType = argument(request, 'grant_type') ?? 'authorization_code';
    if (grantType === 'refresh_token') {
      server.count('refresh_token');
      const refreshed = grants.refresh(argument(request, 'refresh_token') ?? '', options.clientId);
      if (!refreshed.ok) return failed('invalid_refresh_token');
      const { tokens } = refreshed;
      return ok({ access_token: tokens.accessToken, token_type: 'Bearer', refresh_token: tokens.refreshToken, expires_in: tokens.expiresIn });
    }
    if (grantType !== 'authorization_code') return failed('invalid_grant_type');
    server.count('authorization_code');
    const redeemed = grants.redeemCode(argument(request, 'code') ?? '', { clientId: options.clientId, redirectUri: argument(request, 'redirect_uri'), codeVerifier: null });
    if (!redeemed.ok) {
      if (redeemed.reason === 'redirect_uri_mismatch') return failed('bad_redirect_uri');
      return failed(redeemed.reason === 'code_reused' ? 'code_already_used' : 'invalid_code');
    }
    const { grant, tokens } = redeemed;
    return ok({
      access_token: tokens.accessToken,
      token_type: 'Bearer',
      id_token: await idToken(grant, tokens.accessToken),
      ...(rotation ? { refresh_token: tokens.refreshToken, expires_in: tokens.expiresIn } : {}),
    });
  });

  /** The person behind the Bearer token (or `token` argument), or the Web API error for it. */
  const caller = (request: EmulatorRequest): Grant<SlackUser> | string => {
    const token = request.bearer() ?? argument(request, 'token');
    if (!token) return 'not_authed';
    const live = grants.grantOfAccessToken(token);
    if (live) return live;
    const grant = grants.grantOfToken(token);
    if (grant?.revoked) return 'token_revoked';
    return grant ? 'token_expired' : 'invalid_auth';
  };

  server.route('*', '/api/openid.connect.userInfo', (request) => {
    server.count('userinfo');
    const grant = caller(request);
    if (typeof grant === 'string') return failed(grant);
    const { user: person } = grant;
    const scopes = grant.scope.split(' ');
    return ok({
      sub: person.userId,
      'https://slack.com/user_id': person.userId,
      'https://slack.com/team_id': person.teamId,
      ...(scopes.includes('email') ? { email: person.email, email_verified: true } : {}),
      ...(scopes.includes('profile') ? { name: person.name, locale: 'en-US', 'https://slack.com/team_domain': person.teamDomain } : {}),
    });
  });

  server.route('*', '/api/auth.test', (request) => {
    server.count('auth_test');
    const grant = caller(request);
    if (typeof grant === 'string') return failed(grant);
    const { user: person } = grant;
    return ok({ url: `https://${person.teamDomain}.slack.com/`, team: person.teamDomain, user: person.name, team_id: person.teamId, user_id: person.userId });
  });

  server.route('*', '/api/auth.revoke', (request): EmulatorReply => {
    server.count('auth_revoke');
    const grant = caller(request);
    if (typeof grant === 'string') return failed(grant);
    if (argument(request, 'test') === '1' || argument(request, 'test') === 'true') return ok({ revoked: false });
    // The token is reset: getting one again takes another trip through OAuth, so the whole grant ends.
    grants.revokeGrant(grant.id);
    return ok({ revoked: true });
  });

  return {
    ...controls.handle,
    origin: issuer,
    revokeGrantOf: (token) => {
      const grant = grants.grantOfToken(token);
      if (grant) grants.revokeGrant(grant.id);
    },
  };
}
