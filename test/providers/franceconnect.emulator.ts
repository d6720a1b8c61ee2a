/**
 * An emulator of FranceConnect version 2, written from its partner documentation
 * (https://docs.partenaires.franceconnect.gouv.fr/fs/fs-technique/fs-technique-endpoints/, its FranceConnect+ edition
 * on GitHub, and https://docs.partenaires.franceconnect.gouv.fr/fs/migration/fs-migration-diff-v1-v2/):
 * - discovery at `/api/v2/.well-known/openid-configuration`, the issuer `<origin>/api/v2`, naming `/api/v2/authorize`,
 *   `/api/v2/token`, `/api/v2/userinfo`, the keys at `/api/v2/jwks` and `/api/v2/session/end`; client_secret_post, and
 *   ES256 for ID tokens and userinfo; no revocation endpoint;
 * - `GET /api/v2/authorize`: a client_id or redirect_uri that is not the client's, or a request without `acr_values`,
 *   `scope`, or a `state` or `nonce` of 32 characters, is its `Y000400` error page; an `acr_values` other than `eidas1`
 *   or a scope it does not know goes back with `error` and `error_description`; a person who gives up with
 *   `access_denied`, "User auth aborted";
 * - `POST /api/v2/token` takes the client's id and secret in the form, `grant_type`, `redirect_uri` and `code`, and
 *   answers `access_token`, `token_type: "Bearer"`, `expires_in: 60` and the ID token (`sub`, `acr: "eidas1"`, `amr`,
 *   `auth_time`, `nonce`, `at_hash`), never a refresh token; refusals are HTTP 400 with `error` and
 *   `error_description`;
 * - `GET /api/v2/userinfo` answers `application/jwt`: the claims the scopes asked (`sub`, `given_name`,
 *   `family_name`, `email`…) with `iss` and `aud`, signed ES256; a token it does not take is a 401 `invalid_token`.
 * The authorization page approves at once for signInAs()'s user.
 */
import { randomBytes } from 'node:crypto';
import { redirectBack, requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface FranceConnectUser {
  /** The person's technical identifier for this service (64 hex digits and a `v1`). */
  sub: string;
  givenName: string;
  familyName: string;
  email: string;
}

export interface FranceConnectEmulator extends EmulatorHandle<FranceConnectUser> {
  /** The discovery document's issuer, `<origin>/api/v2`. */
  readonly issuer: string;
  /** The person's FranceConnect session ends: none of this person's tokens works any more. */
  endSessionOf(user: FranceConnectUser): void;
  /** The next userinfo request fails with this HTTP status, or (`forged`) is answered signed with a key the JWKS does not hold. */
  failNextUserinfo(failure: number | 'forged'): void;
}

/** The access token's lifetime, as the documentation's token answer gives it. */
export const FRANCECONNECT_ACCESS_TOKEN_SECONDS = 60;

const SCOPES = ['openid', 'given_name', 'family_name', 'birthdate', 'gender', 'birthplace', 'birthcountry', 'email', 'preferred_username', 'profile', 'birth', 'identite_pivot'];
const BAD_REQUEST = '<h1>Une erreur s’est produite</h1><p>Code erreur : Y000400</p>';

export async function startFranceConnectEmulator(options: EmulatorOptions): Promise<FranceConnectEmulator> {
  const server = await startEmulatorServer();
  const issuer = `${server.origin}/api/v2`;
  const key = await createSigningKey('ES256');
  const grants = new GrantStore<FranceConnectUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: FRANCECONNECT_ACCESS_TOKEN_SECONDS, refreshPolicy: 'none' });
  const controls = emulatorControls<FranceConnectUser>(server, grants);
  const userinfoFailure = queuedFailure<number | 'forged'>();
  /** A key of the same kind whose public half FranceConnect never published. */
  const strangerKey = await createSigningKey('ES256');

  server.route('GET', '/api/v2/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      userinfo_endpoint: `${issuer}/userinfo`,
      jwks_uri: `${issuer}/jwks`,
      end_session_endpoint: `${issuer}/session/end`,
      scopes_supported: SCOPES,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code'],
      acr_values_supported: ['eidas1'],
      subject_types_supported: ['public'],
      token_endpoint_auth_methods_supported: ['client_secret_post'],
      id_token_signing_alg_values_supported: ['ES256', 'RS256'],
      userinfo_signing_alg_values_supported: ['ES256', 'RS256'],
      claims_supported: ['sub', 'given_name', 'family_name', 'birthdate', 'gender', 'birthplace', 'birthcountry', 'email', 'preferred_username', 'amr', 'acr', 'auth_time'],
    }),
  );
  server.route('GET', '/api/v2/jwks', () => json(200, key.jwks));

  server.route('GET', '/api/v2/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) return html(400, BAD_REQUEST);
    if (query.get('response_type') !== 'code' || !query.get('acr_values') || !query.get('scope')) return html(400, BAD_REQUEST);
    if ((query.get('state') ?? '').length < 32 || (query.get('nonce') ?? '').length < 32) return html(400, BAD_REQUEST);
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('acr_values') !== 'eidas1') return reply({ error: 'invalid_request', error_description: 'acr_values is not eidas1' });
    const scopes = requestedScopes(query);
    if (!scopes.includes('openid') || scopes.some((scope) => !SCOPES.includes(scope))) return reply({ error: 'invalid_scope', error_description: 'requested scope is not allowed' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'User auth aborted' });
    return reply({ code: grants.issueCode({ clientId: options.clientId, redirectUri: options.redirectUri, scope: scopes.join(' '), codeChallenge: undefined, codeChallengeMethod: undefined, nonce: query.get('nonce')!, user }) });
  });

  tokenEndpoint(server, '/api/v2/token', {
    client: options,
    grants,
    pkce: false,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    errors: {
      client: () => oauthError(400, 'invalid_client', 'client authentication failed'),
      code: () => oauthError(400, 'invalid_grant', 'grant request is invalid'),
    },
    // FranceConnect issues no refresh token.
    refuseRefresh: () => oauthError(400, 'unsupported_grant_type', 'unsupported grant_type requested'),
    answer: async ({ grant, tokens }) => {
      const idToken = await grantIdToken(key, grant, tokens.accessToken, { iss: issuer, aud: options.clientId, sub: grant.user.sub, acr: 'eidas1', amr: ['pwd'], auth_time: Math.floor(Date.now() / 1000), jti: randomBytes(12).toString('base64url') }, FRANCECONNECT_ACCESS_TOKEN_SECONDS);
      return json(200, { access_token: tokens.accessToken, token_type: 'Bearer', expires_in: tokens.expiresIn, id_token: idToken });
    },
  });

  server.route('GET', '/api/v2/userinfo', async (request) => {
    server.count('userinfo');
    const failure = userinfoFailure.take();
    if (typeof failure === 'number') return json(failure, { error: 'server_error' });
    const grant = bearerGrant(grants, request, () => json(401, { error: 'invalid_token', error_description: 'invalid token provided' }, { 'www-authenticate': 'Bearer error="invalid_token"' }));
    if (!isGrant(grant)) return grant;
    const scope = grant.scope.split(' ');
    const { user } = grant;
    const claims = {
      sub: user.sub,
      ...(scope.includes('given_name') ? { given_name: user.givenName } : {}),
      ...(scope.includes('family_name') ? { family_name: user.familyName } : {}),
      ...(scope.includes('email') ? { email: user.email } : {}),
      iss: issuer,
      aud: options.clientId,
    };
    return { status: 200, headers: { 'content-type': 'application/jwt; charset=utf-8' }, body: await (failure === 'forged' ? strangerKey : key).signIdToken(claims, FRANCECONNECT_ACCESS_TOKEN_SECONDS) };
  });

  return {
    ...controls.handle,
    issuer,
    endSessionOf: (user) => grants.revokeGrantsOf((someone) => someone.sub === user.sub),
    failNextUserinfo: userinfoFailure.queue,
  };
}
