/**
 * An emulator of Sign in with Hugging Face for one OAuth application, its issuer the emulator's origin (as
 * `https://huggingface.co`), and of the part of the Hub API a connection touches, written from Hugging Face's pages
 * (https://huggingface.co/docs/hub/oauth, https://huggingface.co/docs/hub/spaces-oauth,
 * https://huggingface.co/docs/huggingface.js/hub/interfaces/UserInfo,
 * https://huggingface.co/docs/huggingface.js/hub/interfaces/WhoAmIUser):
 * - discovery at `/.well-known/openid-configuration`, naming `/oauth/authorize`, `/oauth/token`, `/oauth/userinfo`
 *   and the keys; no revocation endpoint;
 * - `/oauth/authorize` with `client_id`, `redirect_uri`, `scope` (of `openid`, `profile`, `email`, `read-billing`,
 *   `read-repos`, `write-repos`, `manage-repos`, `inference-api`, `write-discussions`), `state` and a PKCE challenge;
 * - `/oauth/token`: `grant_type`, `code`, `client_id` and `redirect_uri` in the form, the client as
 *   `Basic base64(client_id:client_secret)`; an access token and, with `openid`, an ID token. Access tokens last 8
 *   hours, a Space's default;
 * - `/oauth/userinfo`: `sub` (unchanged by a rename), `name`, `preferred_username`, `profile`, `picture`, `isPro`,
 *   `orgs`, and `email` with `email_verified` when `email` was granted;
 * - `GET /api/whoami-v2`: `type: "user"`, `id` (persistent across renames), `name` (the username), `fullname`,
 *   `email`, `emailVerified`, `isPro`, `canPay`, `periodEnd`, `avatarUrl`, `orgs`.
 * Made up here (Hugging Face's pages do not say): a refresh token with each token answer, spent by its refresh, which
 * answers a new one; the client refused in the form alone; an unknown scope sent back as `invalid_scope`; refusals as
 * RFC 6749 §5.2's bare `error`; the 401 bodies of the user info and the Hub API; the ID token's claims beside `sub`
 * (those of the user info by the scopes). removeAccess() is the person revoking the application in their settings'
 * Connected Apps. The authorization page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { openIdTokenAnswer, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface HuggingFaceUser {
  /** The user's id, 24 hex digits, kept across renames: the `sub`. */
  id: string;
  /** The username, which the person can change. */
  username: string;
  fullname: string;
  email: string;
  emailVerified: boolean;
}

export interface HuggingFaceEmulator extends EmulatorHandle<HuggingFaceUser> {
  readonly issuer: string;
  /** The person revokes the application in their Connected Apps: every token of theirs stops working. */
  removeAccess(user: HuggingFaceUser): void;
  /** Each token request's form, in order. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

/** A Space's OAuth tokens last 8 hours unless set otherwise. */
export const HUGGINGFACE_ACCESS_TOKEN_SECONDS = 8 * 3600;

const SCOPES = ['openid', 'profile', 'email', 'read-billing', 'read-repos', 'write-repos', 'manage-repos', 'inference-api', 'write-discussions'];

export async function startHuggingFaceEmulator(options: EmulatorOptions): Promise<HuggingFaceEmulator> {
  const server = await startEmulatorServer();
  const issuer = server.origin;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<HuggingFaceUser>({ now, accessTokenTtl: HUGGINGFACE_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating', prefixes: { access: 'hf_oauth_' } });
  const controls = emulatorControls<HuggingFaceUser>(server, grants);
  const tokenForms: URLSearchParams[] = [];
  const client = { clientId: options.clientId, clientSecret: options.clientSecret };

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/oauth/authorize`,
      token_endpoint: `${issuer}/oauth/token`,
      userinfo_endpoint: `${issuer}/oauth/userinfo`,
      jwks_uri: `${issuer}/oauth/jwks`,
      scopes_supported: SCOPES,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic'],
    }),
  );
  server.route('GET', '/oauth/jwks', () => json(200, key.jwks));

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => ((query.get('scope') ?? '').split(' ').filter(Boolean).every((scope) => SCOPES.includes(scope)) ? undefined : { error: 'invalid_scope' }),
  });

  /** The person's OpenID claims by the scopes granted, in the ID token and the user info alike. */
  const openIdClaims = ({ user, scope }: Grant<HuggingFaceUser>) => {
    const scopes = scope.split(' ');
    return {
      sub: user.id,
      ...(scopes.includes('profile') ? { name: user.fullname, preferred_username: user.username, profile: `https://huggingface.co/${user.username}`, picture: `https://cdn-avatars.huggingface.co/v1/production/uploads/${user.id}/avatar.png` } : {}),
      ...(scopes.includes('email') ? { email: user.email, email_verified: user.emailVerified } : {}),
    };
  };

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      const form = request.form();
      tokenForms.push(form);
      // Basic as documented; a client_id in the form beside it must name the same client.
      return basicAsSent(request, client) && !form.has('client_secret') && (!form.has('client_id') || form.get('client_id') === client.clientId);
    },
    answer: async ({ grantType, grant, tokens }) => {
      if (grantType !== 'authorization_code' || !grant.scope.split(' ').includes('openid')) return json(200, tokenMembers(tokens, grant.scope, 'bearer'));
      const idToken = await grantIdToken(key, grant, tokens.accessToken, { iss: issuer, aud: options.clientId, ...openIdClaims(grant) }, HUGGINGFACE_ACCESS_TOKEN_SECONDS);
      return json(200, openIdTokenAnswer(tokens, grant.scope, 'bearer', idToken));
    },
  });

  server.route('GET', '/oauth/userinfo', (request) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return json(401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
    return json(200, { ...openIdClaims(grant), isPro: false, orgs: [] });
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, () => json(401, { error: 'Invalid credentials in Authorization header' }));

  server.route('GET', '/api/whoami-v2', (request) => {
    server.count('whoami');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      type: 'user',
      id: user.id,
      name: user.username,
      fullname: user.fullname,
      email: user.email,
      emailVerified: user.emailVerified,
      isPro: false,
      canPay: false,
      periodEnd: null,
      avatarUrl: `/avatars/${user.id}.svg`,
      orgs: [],
    });
  });

  return {
    ...controls.handle,
    issuer,
    removeAccess: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    tokenForms,
  };
}
