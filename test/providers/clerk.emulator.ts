/**
 * An emulator of one Clerk instance as an OAuth 2.0 provider, at its Frontend API URL, written from Clerk's pages
 * (https://clerk.com/docs/guides/configure/auth-strategies/oauth/how-clerk-implements-oauth,
 * https://clerk.com/docs/guides/configure/auth-strategies/oauth/single-sign-on):
 * - `GET /oauth/authorize` with the OAuth application's `client_id` and redirect URI, `response_type=code`,
 *   `scope` and `state`, and a PKCE challenge (S256); a scope the instance does not have (a custom scope since
 *   deleted) is refused with `invalid_scope`; a refresh token is issued only with `offline_access`;
 * - `POST /oauth/token` with the client as HTTP Basic (`client_secret_basic`, the metadata's one method for a
 *   confidential client): access tokens last a day, refresh tokens never expire; a refresh token issued with a
 *   scope since deleted is refused with `invalid_scope`;
 * - `GET /oauth/userinfo` with the token as Bearer answers `object`, `instance_id`, `user_id` and `sub` (the user's
 *   ID), the names, `preferred_username`, `picture`, `email` and `email_verified`, as the scopes allow.
 * Made up here: the answer's members beyond RFC 6749 §5.1's, a refresh answering the same refresh token, the error
 * pages and refusals (RFC 6749's bare errors), userinfo's refusal of a token (401). There is no revocation endpoint
 * for the client (Clerk's is in its Backend API). The authorization page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface ClerkUser {
  /** The user's ID in the instance (`user_…`). */
  id: string;
  firstName: string;
  lastName: string;
  username: string;
  email: string;
}

export interface ClerkEmulator extends EmulatorHandle<ClerkUser> {
  /** The person's grants end (the user removed from the instance): their tokens stop working. */
  revokeApp(user: ClerkUser): void;
  /** A custom scope is deleted in the Dashboard: asked again it is refused, and refresh tokens issued with it too; the function returned creates it again. */
  deleteScope(scope: string): () => void;
  /** The next /oauth/userinfo request fails with this HTTP status. */
  failNextUserinfoRequest(status: number): void;
}

/** The built-in scopes, and one custom scope of the instance's. */
const BUILT_IN = ['openid', 'profile', 'email', 'offline_access', 'public_metadata', 'private_metadata'];
const CUSTOM = ['read:projects'];

export async function startClerkEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<ClerkEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<ClerkUser>({ accessTokenTtl: 86400, refreshPolicy: 'static', refreshTokenTtl: null, prefixes: { access: 'oat_', refresh: 'ort_' } });
  const controls = emulatorControls<ClerkUser>(server, grants);
  const userinfoFailure = queuedFailure();
  const scopes = new Set([...BUILT_IN, ...CUSTOM]);
  const unknownScope = (scope: string) => scope.split(' ').filter(Boolean).some((each) => !scopes.has(each));

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => (unknownScope(query.get('scope') ?? '') ? { error: 'invalid_scope', error_description: 'The requested scope is invalid, unknown, or malformed.' } : undefined),
    request: (query) => ({ refreshToken: requestedScopes(query).includes('offline_access') }),
  });

  /** The client as HTTP Basic alone: Clerk's metadata names client_secret_basic (and none, for a public client). */
  const basicClient = (request: EmulatorRequest) => {
    const basic = request.basicAuth();
    return basic?.username === options.clientId && basic.password === options.clientSecret;
  };

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: basicClient,
    refuseRefresh: (presented) => {
      const grant = grants.grantOfToken(presented);
      return grant && !grant.revoked && unknownScope(grant.scope) ? oauthError(400, 'invalid_scope', 'The requested scope is invalid, unknown, or malformed.') : undefined;
    },
    answer: ({ grant, tokens }) => json(200, tokenMembers(tokens, grant.scope, 'bearer')),
  });

  server.route('GET', '/oauth/userinfo', (request) => {
    server.count('userinfo');
    const status = userinfoFailure.take();
    if (status !== undefined) return json(status, { errors: [{ message: 'Internal error', code: 'internal_clerk_error' }] });
    const grant = bearerGrant(grants, request, () => json(401, { error: 'invalid_token', error_description: 'The access token is invalid or has expired.' }));
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    const granted = grant.scope.split(' ');
    return json(200, {
      object: 'oauth_user_info',
      instance_id: 'ins_2Nx4PbdXdLzpXGX2VAmhRwgx6fH',
      user_id: user.id,
      sub: user.id,
      ...(granted.includes('profile')
        ? { given_name: user.firstName, family_name: user.lastName, name: `${user.firstName} ${user.lastName}`, username: user.username, preferred_username: user.username, picture: `https://img.clerk.com/${user.id}.png` }
        : {}),
      ...(granted.includes('email') ? { email: user.email, email_verified: true } : {}),
    });
  });

  return {
    ...controls.handle,
    revokeApp: (user) => grants.revokeGrantsOf((holder) => holder.id === user.id),
    deleteScope: (scope) => {
      scopes.delete(scope);
      return () => void scopes.add(scope);
    },
    failNextUserinfoRequest: userinfoFailure.queue,
  };
}
