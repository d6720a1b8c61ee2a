/**
 * An emulator of ProConnect, written from its service-provider documentation
 * (https://partenaires.proconnect.gouv.fr/docs/fournisseur-service/implementation_technique and, in
 * https://github.com/numerique-gouv/proconnect-documentation, doc_fs/donnees_fournies.md and doc_fs/scope-claims.md):
 * - discovery at `/api/v2/.well-known/openid-configuration`, the issuer `<origin>/api/v2`, naming `/api/v2/authorize`,
 *   `/api/v2/token`, `/api/v2/userinfo`, the keys at `/api/v2/jwks` and `/api/v2/session/end`; client_secret_post,
 *   RS256 (the algorithm this client registered) for ID tokens and userinfo; no revocation endpoint;
 * - `GET /api/v2/authorize`: a client_id or redirect_uri that is not the client's, a request without `scope`, or a
 *   `state` or `nonce` of 32 characters, or with any parameter beyond the documented ones (`acr_values`, a PKCE
 *   challenge…), is its `Y000400` error page; a scope it does not know goes back with "requested scope is not
 *   allowed"; a person who gives up with `access_denied`;
 * - codes last 30 seconds; `POST /api/v2/token` takes the client's id and secret in the form, `grant_type`,
 *   `redirect_uri` and `code`, and answers `access_token`, `token_type: "Bearer"`, `expires_in: 60` and the ID token
 *   (`sub`, `acr: "eidas1"`, `amr`, `auth_time`, `nonce`, `at_hash`, as the documentation's example), never a
 *   refresh token; refusals are HTTP 400 with `error` and `error_description`;
 * - `GET /api/v2/userinfo` answers `application/jwt`: the claims the scopes asked (`sub`, `given_name`,
 *   `usual_name`, `email`, `uid`, `siret`, `idp_id`…) with `iss` and `aud`; a token it does not take is a 401.
 * Each person signs in through one identity provider (`idpId`), whose `sub` is theirs for this service at that
 * provider only. The authorization page approves at once for signInAs()'s user.
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

export interface ProConnectUser {
  /** The person's identifier for this service at the identity provider they signed in with (64 hex digits). */
  sub: string;
  /** That identity provider's id (a UUID). */
  idpId: string;
  /** The person's id at that identity provider. */
  uid: string;
  givenName: string;
  usualName: string;
  email: string;
  siret: string;
}

export interface ProConnectEmulator extends EmulatorHandle<ProConnectUser> {
  /** The discovery document's issuer, `<origin>/api/v2`. */
  readonly issuer: string;
  /** The person's ProConnect session ends: none of this person's tokens works any more. */
  endSessionOf(user: ProConnectUser): void;
  /** The next userinfo request fails with this HTTP status, or (`forged`) is answered signed with a key the JWKS does not hold. */
  failNextUserinfo(failure: number | 'forged'): void;
}

/** The access token's lifetime, as the documentation gives it. */
export const PROCONNECT_ACCESS_TOKEN_SECONDS = 60;
/** The authorization code's lifetime, as the documentation gives it. */
export const PROCONNECT_CODE_SECONDS = 30;

const SCOPES = ['openid', 'given_name', 'usual_name', 'email', 'uid', 'siret', 'idp_id', 'phone', 'custom', 'siren', 'organizational_unit', 'belonging_population', 'chorusdt'];
const PARAMETERS = new Set(['response_type', 'client_id', 'redirect_uri', 'scope', 'claims', 'state', 'nonce', 'prompt', 'idp_hint']);
const BAD_REQUEST = '<h1>Une erreur est survenue</h1><p>Y000400 : Bad Request Exception</p>';

export async function startProConnectEmulator(options: EmulatorOptions): Promise<ProConnectEmulator> {
  const server = await startEmulatorServer();
  const issuer = `${server.origin}/api/v2`;
  const key = await createSigningKey('RS256');
  const grants = new GrantStore<ProConnectUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: PROCONNECT_ACCESS_TOKEN_SECONDS, codeTtl: PROCONNECT_CODE_SECONDS, refreshPolicy: 'none' });
  const controls = emulatorControls<ProConnectUser>(server, grants);
  const userinfoFailure = queuedFailure<number | 'forged'>();
  /** A key of the same kind whose public half ProConnect never published. */
  const strangerKey = await createSigningKey('RS256');

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
      subject_types_supported: ['public'],
      token_endpoint_auth_methods_supported: ['client_secret_post'],
      id_token_signing_alg_values_supported: ['RS256', 'ES256', 'HS256'],
      userinfo_signing_alg_values_supported: ['RS256', 'ES256', 'HS256'],
      claims_parameter_supported: true,
      claims_supported: ['sub', 'given_name', 'usual_name', 'email', 'uid', 'siret', 'idp_id', 'phone_number', 'amr', 'acr', 'auth_time', 'sid'],
    }),
  );
  server.route('GET', '/api/v2/jwks', () => json(200, key.jwks));

  server.route('GET', '/api/v2/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if ([...query.keys()].some((name) => !PARAMETERS.has(name))) return html(400, BAD_REQUEST);
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) return html(400, BAD_REQUEST);
    if (query.get('response_type') !== 'code' || !query.get('scope')) return html(400, BAD_REQUEST);
    if ((query.get('state') ?? '').length < 32 || (query.get('nonce') ?? '').length < 32) return html(400, BAD_REQUEST);
    const reply = redirectBack(options.redirectUri, query);
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
    // ProConnect issues no refresh token.
    refuseRefresh: () => oauthError(400, 'unsupported_grant_type', 'unsupported grant_type requested'),
    answer: async ({ grant, tokens }) => {
      const idToken = await grantIdToken(key, grant, tokens.accessToken, { iss: issuer, aud: options.clientId, sub: grant.user.sub, acr: 'eidas1', amr: ['pwd'], auth_time: Math.floor(Date.now() / 1000), jti: randomBytes(12).toString('base64url') }, PROCONNECT_ACCESS_TOKEN_SECONDS);
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
    const asked = (name: string, value: string) => (scope.includes(name) ? { [name]: value } : {});
    const claims = {
      sub: user.sub,
      ...asked('given_name', user.givenName),
      ...asked('usual_name', user.usualName),
      ...asked('email', user.email),
      ...asked('uid', user.uid),
      ...asked('siret', user.siret),
      ...asked('idp_id', user.idpId),
      iss: issuer,
      aud: options.clientId,
    };
    return { status: 200, headers: { 'content-type': 'application/jwt; charset=utf-8' }, body: await (failure === 'forged' ? strangerKey : key).signIdToken(claims, PROCONNECT_ACCESS_TOKEN_SECONDS) };
  });

  return {
    ...controls.handle,
    issuer,
    endSessionOf: (user) => grants.revokeGrantsOf((someone) => someone.sub === user.sub),
    failNextUserinfo: userinfoFailure.queue,
  };
}
