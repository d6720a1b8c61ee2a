/**
 * An emulator of the netID broker (broker.netid.de), written from netID's Single Sign-on documentation
 * (https://developerzone.netid.dev/sso/):
 * - Discovery at `/.well-known/openid-configuration` (its members are not on netID's pages: the issuer with its
 *   trailing slash as the ID token example's `iss`, `/authorize`, `/token`, `/userinfo`, the scopes and claims the
 *   page lists, `none` as the ID token's only algorithm, and no keys).
 * - Authorize: `response_type=code`, `client_id`, `redirect_uri` (the client's Callback URL), `scope` with `openid`
 *   (or `permission_management` alone, the Permission Center's OAuth flow) among `openid`, `profile`, `email`,
 *   `address` and `permission_management` (another is `invalid_scope`), `state` sent back; PKCE as the client
 *   chooses (mandatory only for apps without a secret). A person who declines goes back with `error=access_denied`
 *   (netID says only that the error comes with the callback).
 * - Token: `POST /token` with the client by Basic (`base64(client_id:client_secret)`, nothing form-encoded) or in
 *   the form, `code` (30 seconds, once), `redirect_uri` and `grant_type=authorization_code`; the answer is `access_token`, `id_token` (unsigned: `{"alg":"none"}`),
 *   `token_type: "Bearer"` and `expires_in: 899`, with no refresh token. Refusals are RFC 6749 §5.2's JSON.
 * - Userinfo: `GET /userinfo` with the token as Bearer (or `POST` with `access_token` in the form): the pairwise
 *   `sub` and the claims of the scopes asked (`profile`: names, gender, birthdate; `email`: `email`,
 *   `email_verified`); a token it does not take is a 401 (assumed).
 * - revokeConsent() is the person revoking the service's authorization in the netID Privacy Center: its tokens stop
 *   working.
 * The authorization page approves at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { basicAsSent, formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface NetIdUser {
  /** The pairwise subject identifier of the person for this service. */
  sub: string;
  givenName: string;
  familyName: string;
  email: string;
}

export interface NetIdEmulator extends EmulatorHandle<NetIdUser> {
  readonly issuer: string;
  /** The person revokes the service's authorization: every token of theirs stops working. */
  revokeConsent(user: NetIdUser): void;
  /** The body of each token answer, in order, as netID sent it. */
  readonly tokenAnswers: ReadonlyArray<Record<string, unknown>>;
}

export const NETID_ACCESS_TOKEN_SECONDS = 899;
const CODE_SECONDS = 30;
const SCOPES = ['openid', 'profile', 'email', 'address', 'permission_management'];

/** A JWS with `alg` `none` (RFC 7519 §6), as netID's ID token example is. */
function unsignedJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none' })}.${part(claims)}.`;
}

export async function startNetIdEmulator(options: EmulatorOptions): Promise<NetIdEmulator> {
  const server = await startEmulatorServer();
  const issuer = `${server.origin}/`;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const grants = new GrantStore<NetIdUser>({ now, accessTokenTtl: NETID_ACCESS_TOKEN_SECONDS + 1, refreshPolicy: 'none', codeTtl: CODE_SECONDS });
  const controls = emulatorControls<NetIdUser>(server, grants);
  const tokenAnswers: Record<string, unknown>[] = [];

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${server.origin}/authorize`,
      token_endpoint: `${server.origin}/token`,
      userinfo_endpoint: `${server.origin}/userinfo`,
      scopes_supported: SCOPES,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['none'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      code_challenge_methods_supported: ['S256'],
      claims_parameter_supported: true,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'given_name', 'family_name', 'gender', 'birthdate', 'email', 'email_verified', 'address', 'shipping_address'],
    }),
  );

  authorizationEndpoint(server, '/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => {
      const scopes = requestedScopes(query);
      const known = scopes.every((scope) => SCOPES.includes(scope));
      return known && (scopes.includes('openid') || scopes.includes('permission_management')) ? undefined : { error: 'invalid_scope' };
    },
  });

  tokenEndpoint(server, '/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    // Basic as netID's example builds it, base64(client_id:client_secret) with nothing form-encoded, else the form.
    authenticates: (request) => (request.headers.authorization ? basicAsSent(request, options) : formCredentials(request, options)),
    answer: ({ grant, tokens }) => {
      const at = now();
      const idToken = unsignedJwt({ aud: options.clientId, sub: grant.user.sub, auth_time: at, iss: issuer, exp: at + 900, iat: at, ...(grant.nonce ? { nonce: grant.nonce } : {}) });
      const answer = { access_token: tokens.accessToken, id_token: idToken, token_type: 'Bearer', expires_in: NETID_ACCESS_TOKEN_SECONDS };
      tokenAnswers.push(answer);
      return json(200, answer);
    },
  });

  const userinfo = (accessToken: string | null | undefined) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(accessToken ?? '');
    if (!grant) return json(401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
    const scopes = grant.scope.split(' ');
    const { sub, givenName, familyName, email } = grant.user;
    return json(200, {
      sub,
      ...(scopes.includes('profile') ? { given_name: givenName, family_name: familyName, gender: 'female', birthdate: '1980-01-01' } : {}),
      ...(scopes.includes('email') ? { email, email_verified: true } : {}),
    });
  };
  server.route('GET', '/userinfo', (request) => userinfo(request.bearer()));
  server.route('POST', '/userinfo', (request) => userinfo(request.bearer() ?? request.form().get('access_token') ?? undefined));

  return {
    ...controls.handle,
    issuer,
    revokeConsent: (user) => grants.revokeGrantsOf((someone) => someone.sub === user.sub),
    tokenAnswers,
  };
}
