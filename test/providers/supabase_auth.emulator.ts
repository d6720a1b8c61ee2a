/**
 * An emulator of a Supabase project's OAuth 2.1 Server for one confidential client, the project's URL the emulator's
 * origin and its issuer `/auth/v1` there, written from Supabase's pages
 * (https://supabase.com/docs/guides/auth/oauth-server/getting-started,
 * https://supabase.com/docs/guides/auth/oauth-server/oauth-flows):
 * - OpenID metadata at `/auth/v1/.well-known/openid-configuration`, naming `/auth/v1/oauth/authorize`,
 *   `/auth/v1/oauth/token`, `/auth/v1/oauth/userinfo` and the keys at `/auth/v1/.well-known/jwks.json`;
 * - the authorization request needs `response_type=code`, `client_id`, the registered `redirect_uri` and a PKCE
 *   challenge with `S256`; `scope` is taken as sent (not enforced); a person who declines comes back with
 *   `access_denied` and Supabase's description;
 * - the token endpoint takes the client as Basic, a confidential client's default; the code exchange needs the
 *   verifier and answers `token_type: "bearer"`, an hour's access token, a refresh token, the scope and an ID token
 *   (signed with an asymmetric key, RS256); a refresh answers the same members without an ID token and a new refresh
 *   token;
 * - the ID token and userinfo hold `sub` (the user's UUID), `email`, `email_verified`, `phone_number`,
 *   `phone_number_verified`, `name` and `picture`.
 * Made up here (Supabase's pages do not say): the spent refresh token refused after a refresh; the client refused in
 * the form (it is registered for Basic); no revocation endpoint; the refusals as RFC 6749 §5.2's bodies, the
 * authorization page's missing-PKCE refusal as `invalid_request`, userinfo's 401 as RFC 6750's. removeUser() is the
 * project deleting the user: every token of theirs stops working. The authorization page (the project's consent
 * page) approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { openIdTokenAnswer, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface SupabaseUser {
  /** The user's id in the project, a UUID: the `sub`. */
  id: string;
  name: string;
  email: string;
  emailVerified: boolean;
}

export interface SupabaseAuthEmulator extends EmulatorHandle<SupabaseUser> {
  /** `<project URL>/auth/v1`. */
  readonly issuer: string;
  /** The project deletes the user: every token of theirs stops working. */
  removeUser(user: SupabaseUser): void;
  /** Each token request's form, in order. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

/** Supabase's default access token lifetime. */
export const SUPABASE_ACCESS_TOKEN_SECONDS = 3600;

export async function startSupabaseAuthEmulator(options: EmulatorOptions): Promise<SupabaseAuthEmulator> {
  const server = await startEmulatorServer();
  const base = '/auth/v1';
  const issuer = `${server.origin}${base}`;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<SupabaseUser>({ now, accessTokenTtl: SUPABASE_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating' });
  const controls = emulatorControls<SupabaseUser>(server, grants);
  const tokenForms: URLSearchParams[] = [];
  const client = { clientId: options.clientId, clientSecret: options.clientSecret };

  server.route('GET', `${base}/.well-known/openid-configuration`, () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/oauth/authorize`,
      token_endpoint: `${issuer}/oauth/token`,
      userinfo_endpoint: `${issuer}/oauth/userinfo`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      scopes_supported: ['openid', 'email', 'profile', 'phone'],
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256', 'ES256'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    }),
  );
  server.route('GET', `${base}/.well-known/jwks.json`, () => json(200, key.jwks));

  authorizationEndpoint(server, `${base}/oauth/authorize`, {
    client: options,
    grants,
    approver: controls.approver,
    // PKCE with S256 is required of every client.
    refuse: (query) => (query.get('code_challenge') && query.get('code_challenge_method') === 'S256' ? undefined : { error: 'invalid_request', error_description: 'PKCE flow requires code_challenge and code_challenge_method' }),
    denied: { error: 'access_denied', error_description: 'The user denied the authorization request' },
  });

  /** The person's OpenID claims, in the ID token and userinfo alike. */
  const openIdClaims = ({ user }: Grant<SupabaseUser>) => ({
    sub: user.id,
    email: user.email,
    email_verified: user.emailVerified,
    phone_number: '',
    phone_number_verified: false,
    name: user.name,
    picture: `https://example.com/avatars/${user.id}.png`,
  });

  tokenEndpoint(server, `${base}/oauth/token`, {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      const form = request.form();
      tokenForms.push(form);
      // Registered as client_secret_basic: the secret in the form is not taken; a client_id there must be the same.
      return basicAsSent(request, client) && !form.has('client_secret') && (!form.has('client_id') || form.get('client_id') === client.clientId);
    },
    answer: async ({ grantType, grant, tokens }) => {
      if (grantType !== 'authorization_code') return json(200, tokenMembers(tokens, grant.scope, 'bearer'));
      const idToken = await grantIdToken(key, grant, tokens.accessToken, { iss: issuer, aud: options.clientId, auth_time: now(), ...openIdClaims(grant) }, 3600);
      return json(200, openIdTokenAnswer(tokens, grant.scope, 'bearer', idToken));
    },
  });

  server.route('GET', `${base}/oauth/userinfo`, (request) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return json(401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
    return json(200, openIdClaims(grant));
  });

  return {
    ...controls.handle,
    issuer,
    removeUser: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    tokenForms,
  };
}
