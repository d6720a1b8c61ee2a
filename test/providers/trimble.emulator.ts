/**
 * An emulator of Trimble Identity (Trimble ID) for one Developer Console application, its issuer the emulator's origin
 * (as `https://id.trimble.com`), written from Trimble's pages (https://developer.trimble.com/docs/authentication/api,
 * https://developer.trimble.com/docs/authentication/authorization-code,
 * https://developer.trimble.com/docs/authentication/authorization-code-pkce,
 * https://developer.trimble.com/docs/ag/client-credentials):
 * - `/oauth/authorize` (`client_id`, `response_type=code`, `redirect_uri`, `state`, `scope` with `openid`, which makes
 *   it an OpenID Connect request with an ID token), `/oauth/token` (the client as Basic, `Base64(id:secret)` as it is;
 *   an hour's access token, an ID token and a refresh token that lasts 9 days and is spent by its refresh, which
 *   answers a new one), `/oauth/userinfo` and `/oauth/revoke` (the client as Basic, `token` and `token_type_hint`: a
 *   refresh token is revoked);
 * - a client that sent a PKCE challenge must send a new verifier and challenge with each refresh (Serial PKCE): a
 *   refresh of such a grant without `code_verifier` is refused.
 * Made up here (Trimble's pages do not say): the discovery document at `/.well-known/openid-configuration` and its
 * `/.well-known/jwks.json`; the `sub` (a UUID); the claims (`given_name`, `family_name`, `email`, `email_verified`);
 * `openid` alone granted; refusals as RFC 6749 §5.2's bare `error`; an access token at `/oauth/revoke` refused as
 * `unsupported_token_type`; userinfo's 401. removeUser() is the person removing the application's access. The
 * authorization page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { oauthError, openIdTokenAnswer, tokenEndpoint } from './kit/token-endpoint.js';

export interface TrimbleUser {
  /** The Trimble ID user's UUID: the `sub`. */
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  emailVerified: boolean;
}

export interface TrimbleEmulator extends EmulatorHandle<TrimbleUser> {
  readonly issuer: string;
  /** The person removes the application's access: every token of theirs stops working. */
  removeUser(user: TrimbleUser): void;
  /** Each token request's form, in order. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
  /** Each revocation's form, in order. */
  readonly revocations: ReadonlyArray<Record<string, string>>;
}

export const TRIMBLE_ACCESS_TOKEN_SECONDS = 3600;
export const TRIMBLE_REFRESH_TOKEN_SECONDS = 9 * 86_400;

export async function startTrimbleEmulator(options: EmulatorOptions): Promise<TrimbleEmulator> {
  const server = await startEmulatorServer();
  const issuer = server.origin;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<TrimbleUser>({ now, accessTokenTtl: TRIMBLE_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating', refreshTokenIdleTtl: TRIMBLE_REFRESH_TOKEN_SECONDS });
  const controls = emulatorControls<TrimbleUser>(server, grants);
  const tokenForms: URLSearchParams[] = [];
  const revocations: Array<Record<string, string>> = [];
  /** Grants whose authorization sent a PKCE challenge: Serial PKCE on their refreshes. */
  const pkceGrants = new Set<string>();
  const client = { clientId: options.clientId, clientSecret: options.clientSecret };

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/oauth/authorize`,
      token_endpoint: `${issuer}/oauth/token`,
      userinfo_endpoint: `${issuer}/oauth/userinfo`,
      revocation_endpoint: `${issuer}/oauth/revoke`,
      end_session_endpoint: `${issuer}/oauth/logout`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      response_types_supported: ['code', 'id_token', 'token'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic'],
      code_challenge_methods_supported: ['S256'],
    }),
  );
  server.route('GET', '/.well-known/jwks.json', () => json(200, key.jwks));

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => ((query.get('scope') ?? '').split(' ').includes('openid') ? undefined : { error: 'invalid_scope' }),
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return basicAsSent(request, client) && !request.form().has('client_secret');
    },
    refuseRefresh: (presented, form) => {
      const grant = grants.grantOfToken(presented);
      return grant && pkceGrants.has(grant.id) && !form.get('code_verifier') ? oauthError(400, 'invalid_request') : undefined;
    },
    answer: async ({ grantType, grant, tokens, form }) => {
      if (grantType === 'authorization_code' && form.get('code_verifier')) pkceGrants.add(grant.id);
      return json(200, openIdTokenAnswer(tokens, grant.scope, 'bearer', await grantIdToken(key, grant, tokens.accessToken, { sub: grant.user.id, iss: issuer, aud: options.clientId })));
    },
  });

  const claims = ({ user }: Grant<TrimbleUser>) => ({ sub: user.id, given_name: user.firstName, family_name: user.lastName, email: user.email, email_verified: user.emailVerified });

  server.route('GET', '/oauth/userinfo', (request) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return json(401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
    return json(200, claims(grant));
  });

  server.route('POST', '/oauth/revoke', (request) => {
    server.count('revoke');
    const form = request.form();
    revocations.push(Object.fromEntries(form));
    if (!basicAsSent(request, client)) return oauthError(401, 'invalid_client');
    const token = form.get('token');
    if (!token) return oauthError(400, 'invalid_request');
    if (grants.grantOfAccessToken(token)) return oauthError(400, 'unsupported_token_type');
    const grant = grants.grantOfToken(token);
    // The refresh token, and the access tokens issued with it.
    if (grant) grants.revokeGrant(grant.id);
    return { status: 200 };
  });

  return {
    ...controls.handle,
    issuer,
    removeUser: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    tokenForms,
    revocations,
  };
}
