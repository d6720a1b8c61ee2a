/**
 * An emulator of a Beyond Identity OIDC application as an OpenID provider, its issuer the emulator's origin with the
 * application's path (`/v1/tenants/{tenant}/realms/{realm}/applications/{application}`, as on
 * auth-us.beyondidentity.com), written from Beyond Identity's pages:
 * - discovery under the issuer (https://developer.beyondidentity.com/docs/next-auth);
 * - `/authorize` with `response_type=code`, `client_id`, `redirect_uri`, `scope` (`openid` and the application's
 *   allowed scopes), `state` and an S256 PKCE challenge, the application's PKCE setting being S256; `/token` with
 *   the client as HTTP Basic, answering the access token (a day), `scope`, the ID token and a refresh token, the
 *   application's Enable Refresh Tokens on; a refresh at `/token` with `grant_type=refresh_token`
 *   (https://developer.beyondidentity.com/docs/create-api-token, https://developer.beyondidentity.com/docs/enable-refresh-tokens);
 * - the ID token's `sub` is the identity's `id`, the application's default Subject
 *   (https://developer.beyondidentity.com/docs/session-management-console); `/userinfo` answers `sub`, `name`,
 *   `preferred_username` and `email` (https://developer.beyondidentity.com/docs/hosted-add-authentication).
 * Made up here (Beyond Identity's pages do not say): the discovery document's other members (no revocation
 * endpoint: an OIDC application's tokens are revoked only with a management token), the `/.well-known/jwks.json`
 * path of the RS256 key, a refresh answering a new refresh token while the old one lasts, refusals as RFC 6749 §5.2's
 * bare `error` and userinfo's 401. removeIdentity() is an administrator deleting the identity in the realm. The
 * authorization page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { openIdTokenAnswer, tokenEndpoint } from './kit/token-endpoint.js';

export interface BeyondIdentityUser {
  /** The identity's id in the realm: the `sub`. */
  id: string;
  displayName: string;
  username: string;
  email: string;
}

export interface BeyondIdentityEmulator extends EmulatorHandle<BeyondIdentityUser> {
  readonly issuer: string;
  /** An administrator deletes the identity: every token of theirs stops working. */
  removeIdentity(user: BeyondIdentityUser): void;
}

export const BEYOND_IDENTITY_ACCESS_TOKEN_SECONDS = 86_400;
export const BEYOND_IDENTITY_APPLICATION_PATH = '/v1/tenants/000176d94fd7b4d1/realms/5a0f2b7c9e3d1846/applications/1233449b-11c4-4884-b622-0bfbaefd44d3';

export async function startBeyondIdentityEmulator(options: EmulatorOptions): Promise<BeyondIdentityEmulator> {
  const server = await startEmulatorServer();
  const base = BEYOND_IDENTITY_APPLICATION_PATH;
  const issuer = `${server.origin}${base}`;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<BeyondIdentityUser>({ now, accessTokenTtl: BEYOND_IDENTITY_ACCESS_TOKEN_SECONDS, refreshPolicy: 'reissued' });
  const controls = emulatorControls<BeyondIdentityUser>(server, grants);

  server.route('GET', `${base}/.well-known/openid-configuration`, () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      userinfo_endpoint: `${issuer}/userinfo`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      scopes_supported: ['openid'],
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic'],
      code_challenge_methods_supported: ['S256'],
    }),
  );
  server.route('GET', `${base}/.well-known/jwks.json`, () => json(200, key.jwks));

  authorizationEndpoint(server, `${base}/authorize`, {
    client: options,
    grants,
    approver: controls.approver,
    // The application's PKCE setting is S256: a request without the challenge is refused.
    refuse: (query) => (query.get('code_challenge_method') === 'S256' && query.get('code_challenge') ? undefined : { error: 'invalid_request', error_description: 'code_challenge required' }),
    request: () => ({ refreshToken: true }),
  });

  const claims = ({ user }: Grant<BeyondIdentityUser>): Record<string, unknown> => ({ sub: user.id, name: user.displayName, preferred_username: user.username, email: user.email });

  tokenEndpoint(server, `${base}/token`, {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => basicAsSent(request, options),
    answer: async ({ grant, tokens }) => json(200, openIdTokenAnswer(tokens, grant.scope, 'Bearer', await grantIdToken(key, grant, tokens.accessToken, { sub: grant.user.id, iss: issuer, aud: options.clientId }))),
  });

  server.route('GET', `${base}/userinfo`, (request) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return json(401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
    return json(200, claims(grant));
  });

  return {
    ...controls.handle,
    issuer,
    removeIdentity: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
