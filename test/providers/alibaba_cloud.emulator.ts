/**
 * An emulator of Alibaba Cloud's OAuth service for a RAM web application (its issuer the emulator's origin, as
 * `https://oauth.aliyun.com` is the China site's), written from Alibaba Cloud's pages
 * (https://help.aliyun.com/document_detail/93698.html, https://help.aliyun.com/knowledge_detail/93696.html,
 * https://help.aliyun.com/document_detail/93693.html):
 * - Discovery: `/.well-known/openid-configuration` with the members its example shows (no userinfo endpoint), the
 *   keys at `/v1/keys` (RS256).
 * - Authorize: `GET /oauth2/v1/auth` (on signin.aliyun.com there) with `client_id`, `redirect_uri`,
 *   `response_type=code`, `scope` and `state`; a refresh token only for `access_type=offline`.
 * - Token: `POST /v1/token`, a form with `client_id` and `client_secret`. The code's answer: `access_token`,
 *   `token_type: "Bearer"`, `expires_in: 3600`, `refresh_token` (offline) and `id_token` (RS256: `sub`, `aud`, `iss`,
 *   `iat`, `exp`, and `name`, `login_name` or `upn`, `aid`, `uid` for the scopes granted). A refresh answers the
 *   access token, its type and lifetime only: the refresh token lasts.
 * - Revoke: `POST /v1/revoke` with `token`, `client_id` and `client_secret`.
 * - User info: `GET /v1/userinfo` with the token as Bearer, the claims of the ID token without the JWT's own.
 * Made up here (Alibaba Cloud's pages do not say): PKCE checked when a challenge was sent, the ID token carrying the
 * `nonce` sent, refusals as RFC 6749 §5.2's bare `error`, a declined consent (`access_denied`), the user info's 401
 * and its body, revocation ending the whole grant for a refresh token and the access token alone for one, with 200
 * for a token no longer known. removeAuthorization() is the person removing the application's authorization. The
 * authorization page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface AlibabaCloudUser {
  /** The OpenID, `sub`. */
  sub: string;
  /** The user's own UID. */
  uid: string;
  /** The Alibaba Cloud account's UID (the user's own for the account itself). */
  aid: string;
  /** The display name. */
  name: string;
  /** The logon name: a RAM user's `upn`, else the account's `login_name`. */
  logonName: string;
  ramUser: boolean;
}

export interface AlibabaCloudEmulator extends EmulatorHandle<AlibabaCloudUser> {
  readonly issuer: string;
  /** The person removes the application's authorization: every token of theirs stops working. */
  removeAuthorization(user: AlibabaCloudUser): void;
  /** Each revocation's form, in order. */
  readonly revocations: ReadonlyArray<Record<string, string>>;
}

export const ALIBABA_CLOUD_ACCESS_TOKEN_SECONDS = 3600;

export async function startAlibabaCloudEmulator(options: EmulatorOptions): Promise<AlibabaCloudEmulator> {
  const server = await startEmulatorServer();
  const issuer = server.origin;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<AlibabaCloudUser>({ now, accessTokenTtl: ALIBABA_CLOUD_ACCESS_TOKEN_SECONDS, refreshPolicy: 'static' });
  const controls = emulatorControls<AlibabaCloudUser>(server, grants);
  const revocations: Array<Record<string, string>> = [];
  const client = { clientId: options.clientId, clientSecret: options.clientSecret };

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      code_challenge_methods_supported: ['plain', 'S256'],
      subject_types_supported: ['public'],
      response_types_supported: ['code'],
      issuer,
      jwks_uri: `${issuer}/v1/keys`,
      revocation_endpoint: `${issuer}/v1/revoke`,
      token_endpoint: `${issuer}/v1/token`,
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'aliuid', 'profile'],
      authorization_endpoint: `${issuer}/oauth2/v1/auth`,
    }),
  );
  server.route('GET', '/v1/keys', () => json(200, key.jwks));

  authorizationEndpoint(server, '/oauth2/v1/auth', {
    client: options,
    grants,
    approver: controls.approver,
    request: (query) => ({ refreshToken: query.get('access_type') === 'offline' }),
  });

  const claims = ({ user, scope }: Grant<AlibabaCloudUser>): Record<string, unknown> => {
    const scopes = scope.split(' ');
    return {
      sub: user.sub,
      ...(scopes.includes('profile') ? { name: user.name, ...(user.ramUser ? { upn: user.logonName } : { login_name: user.logonName }) } : {}),
      ...(scopes.includes('aliuid') ? { aid: user.aid, uid: user.uid } : {}),
    };
  };

  tokenEndpoint(server, '/v1/token', {
    client,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, client),
    answer: async ({ grantType, grant, tokens }) => {
      const members = tokenMembers(tokens, undefined, 'Bearer');
      if (grantType === 'refresh_token') return json(200, members);
      return json(200, { ...members, id_token: await grantIdToken(key, grant, tokens.accessToken, { ...claims(grant), iss: issuer, aud: options.clientId }) });
    },
  });

  server.route('POST', '/v1/revoke', (request) => {
    server.count('revoke');
    const form = request.form();
    revocations.push(Object.fromEntries(form));
    if (!formCredentials(request, client)) return oauthError(401, 'invalid_client');
    const token = form.get('token');
    if (!token) return oauthError(400, 'invalid_request');
    grants.revokeToken(token);
    return json(200, {});
  });

  server.route('GET', '/v1/userinfo', (request) => {
    server.count('userinfo');
    const grant = bearerGrant(grants, request, () => json(401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' }));
    if (!isGrant(grant)) return grant;
    return json(200, claims(grant));
  });

  return {
    ...controls.handle,
    issuer,
    removeAuthorization: (user) => grants.revokeGrantsOf((someone) => someone.sub === user.sub),
    revocations,
  };
}
