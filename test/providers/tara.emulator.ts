/**
 * An emulator of TARA, the Estonian Information System Authority's authentication service (its issuer the emulator's
 * origin, as `https://tara.ria.ee` and `https://tara-test.ria.ee` are TARA's), with one registered client, written
 * from TARA's technical specification (https://e-gov.github.io/TARA-Doku/TechnicalSpecification):
 * - Discovery at `/.well-known/openid-configuration` (and `/oidc/.well-known/openid-configuration`), the keys at
 *   `/oidc/jwks` (§6).
 * - `GET /oidc/authorize`: `redirect_uri`, `scope`, `state`, `response_type=code` and `client_id` compulsory;
 *   `scope` must hold `openid`, and a scope value the specification does not name is `invalid_scope`; a person who
 *   turns back comes back with `error=user_cancel` (§4.1, §4.2).
 * - `POST /oidc/token`: `grant_type=authorization_code`, `code`, `redirect_uri`, the client only as HTTP Basic, its id and secret
 *   as they are (RFC 2617), not form-encoded first; the
 *   code lasts 30 seconds, the ID token and the access token 40; the answer is `access_token`, `token_type`,
 *   `expires_in` and an RS256 `id_token` with `sub` (the country code, then the personal identification code or
 *   eIDAS identifier), `profile_attributes` (`date_of_birth`, `given_name`, `family_name`), `amr` and `acr` (§4.3.1,
 *   §6.3); its `state` echo is left out.
 * - `GET /oidc/profile`: the token as Bearer or as the `access_token` parameter; `sub`, `given_name`, `family_name`,
 *   `date_of_birth`, `amr`, `acr` and `auth_time` flat; a token it does not take is a 401 with
 *   `WWW-Authenticate: Bearer error="invalid_token"` (§4.4).
 * Made up here (the specification does not say): the error page for an unknown client or redirect URI; `invalid_request` for a `state` under the 8 characters
 * §5.2 requires; refusals
 * of the token endpoint as RFC 6749 §5.2's codes (401 `invalid_client`, 400 otherwise, `unsupported_grant_type` for
 * any grant but the code's). `endSessionOf()` is a person's tokens no longer taken. The authorization page approves
 * at once for signInAs()'s person.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface TaraUser {
  /** `EE` and the Estonian personal identification code, or a country code and that country's eIDAS identifier. */
  sub: string;
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  /** The method used: `idcard`, `mID`, `smartid` or `eIDAS`. */
  amr: string;
}

export interface TaraEmulator extends EmulatorHandle<TaraUser> {
  readonly issuer: string;
  /** Every token of this person's stops working at TARA. */
  endSessionOf(user: TaraUser): void;
  /** The next userinfo request fails with this HTTP status. */
  failNextUserinfo(status: number): void;
  /** The form of each token request, in order. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

export const TARA_ACCESS_TOKEN_SECONDS = 40;
const CODE_SECONDS = 30;

/** The scope values TARA's specification names (§4.1, §4.1.4); `eidas:country:xx` besides. */
const SCOPES = new Set(['openid', 'idcard', 'mid', 'smartid', 'eidas', 'eidasonly', 'email', 'phone']);
const LEVELS: Record<string, string> = { idcard: 'high', mID: 'high', smartid: 'high', eIDAS: 'substantial' };

export async function startTaraEmulator(options: EmulatorOptions): Promise<TaraEmulator> {
  const server = await startEmulatorServer();
  const issuer = server.origin;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<TaraUser>({ now, accessTokenTtl: TARA_ACCESS_TOKEN_SECONDS, refreshPolicy: 'none', codeTtl: CODE_SECONDS });
  const controls = emulatorControls<TaraUser>(server, grants);
  const userinfoFailure = queuedFailure();
  const tokenForms: URLSearchParams[] = [];

  const metadata = () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/oidc/authorize`,
      token_endpoint: `${issuer}/oidc/token`,
      userinfo_endpoint: `${issuer}/oidc/profile`,
      jwks_uri: `${issuer}/oidc/jwks`,
      scopes_supported: [...SCOPES],
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic'],
      claims_supported: ['sub', 'given_name', 'family_name', 'date_of_birth', 'email', 'email_verified', 'phone_number', 'phone_number_verified', 'amr', 'acr'],
      ui_locales_supported: ['et', 'en', 'ru'],
    });
  server.route('GET', '/.well-known/openid-configuration', metadata);
  server.route('GET', '/oidc/.well-known/openid-configuration', metadata);
  server.route('GET', '/oidc/jwks', () => json(200, key.jwks));

  authorizationEndpoint(server, '/oidc/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    refuse: (query) => {
      const scopes = requestedScopes(query);
      if (!scopes.includes('openid')) return { error: 'invalid_scope', error_description: 'Required scope <openid> not provided. TARA do not allow this request to be processed' };
      const unknown = scopes.find((scope) => !SCOPES.has(scope) && !/^eidas:country:[a-z]{2}$/.test(scope));
      if (unknown) return { error: 'invalid_scope', error_description: `The requested scope is invalid, unknown, or malformed: ${unknown}` };
      if ((query.get('state') ?? '').length < 8) return { error: 'invalid_request', error_description: 'state must be at least 8 characters' };
      return undefined;
    },
    denied: { error: 'user_cancel', error_description: 'User canceled the authentication process.' },
  });

  // Only HTTP Basic, `<client_id>:<client_secret>` in Base64 as they are (§4.3).
  const authenticates = (request: EmulatorRequest) => {
    tokenForms.push(request.form());
    return basicAsSent(request, options);
  };

  const profile = (grant: Grant<TaraUser>) => {
    const { user } = grant;
    return { given_name: user.givenName, family_name: user.familyName, date_of_birth: user.dateOfBirth };
  };

  tokenEndpoint(server, '/oidc/token', {
    client: options,
    grants,
    pkce: false,
    failure: { queued: controls.tokenFailure },
    authenticates,
    errors: { grantType: () => oauthError(400, 'unsupported_grant_type') },
    refuseRefresh: () => oauthError(400, 'unsupported_grant_type'),
    answer: async ({ grant, tokens }) => {
      const { user } = grant;
      const idToken = await grantIdToken(
        key,
        grant,
        tokens.accessToken,
        {
          iss: issuer,
          aud: options.clientId,
          jti: crypto.randomUUID(),
          sub: user.sub,
          profile_attributes: profile(grant),
          amr: [user.amr],
          acr: LEVELS[user.amr],
        },
        TARA_ACCESS_TOKEN_SECONDS,
      );
      return json(200, { access_token: tokens.accessToken, token_type: 'bearer', expires_in: tokens.expiresIn, id_token: idToken });
    },
  });

  server.route('GET', '/oidc/profile', (request) => {
    server.count('userinfo');
    const status = userinfoFailure.take();
    if (status !== undefined) return json(status, { error: 'server_error' });
    const grant = grants.grantOfAccessToken(request.bearer() ?? request.url.searchParams.get('access_token') ?? '');
    if (!grant) return json(401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token",error_description="The access token has expired"' });
    const { user } = grant;
    return json(200, { sub: user.sub, ...profile(grant), amr: [user.amr], acr: LEVELS[user.amr], auth_time: now() });
  });

  return {
    ...controls.handle,
    issuer,
    endSessionOf: (user) => grants.revokeGrantsOf((someone) => someone.sub === user.sub),
    failNextUserinfo: userinfoFailure.queue,
    tokenForms,
  };
}
