/**
 * An emulator of Adobe IMS for an OAuth Web App credential, and of the part
 * of Adobe's APIs a connection touches, written from Adobe's IMS reference
 * (https://developer.adobe.com/developer-console/docs/guides/authentication/UserAuthentication/ims):
 * - Discovery at `/ims/.well-known/openid-configuration`, its `issuer` the
 *   origin alone (nothing is served at the origin's own
 *   /.well-known/openid-configuration), the endpoints under /ims, RS256
 *   keys at /ims/keys.
 * - Authorize: `GET /ims/authorize/v2` with `client_id` (an unknown one gets
 *   an error page), `redirect_uri` (one not matching the credential's pattern
 *   goes to its default redirect URI; here there is one URI), `scope`,
 *   space- or comma-separated, each one the credential has (else
 *   `invalid_scope`), `openid` among them; `state`, `nonce`, and
 *   `code_challenge` with `code_challenge_method` (`plain` when not given).
 *   A person who declines goes back with `error=access_denied`.
 * - Token: `POST /ims/token/v3`, parameters in the body or the query string,
 *   the credential as HTTP Basic of `client_id:client_secret` as they are (a
 *   Web App credential is confidential). A code is good once; its PKCE
 *   verifier is checked when a challenge was sent. The answer is
 *   `access_token` (`expires_in: 86399`), `refresh_token` (with
 *   `offline_access` only; 14 days), `sub`, `id_token` (with `openid`: `iss`
 *   the origin, `aud` the client id, `sub`, the nonce) and `token_type:
 *   "bearer"`. A refresh answers a new refresh token and the old one stops
 *   working. Refusals are RFC 6749 §5.2's (400 `invalid_grant`, 401
 *   `invalid_client`), which Adobe's reference does not show.
 * - `GET /ims/userinfo/v2` answers `sub`, with `profile` `name`,
 *   `given_name`, `family_name` and `account_type`, with `email` `email` and
 *   `email_verified`; `GET /ims/organizations/v5` lists the person's
 *   organizations, only with `x-api-key` the client id (as Adobe's APIs ask
 *   it), else 403. A token it does not take is 401.
 * - `POST /ims/revoke` with the credential as Basic and `token` (body or
 *   query) answers 200 with no body; a refresh token revoked ends its grant
 *   (assumed), an access token revoked ends that token.
 * - removeApp() is the person removing the app from Connected Applications
 *   in their Adobe account: its tokens stop working.
 * The authorization page approves at once for signInAs()'s person.
 */
import { codeRequest, redirectBack } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { createSigningKey } from './kit/signing.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface AdobeUser {
  /** IMS's user id, as `sub` carries it. */
  sub: string;
  givenName: string;
  familyName: string;
  email: string;
  emailVerified: boolean;
}

export interface AdobeEmulator extends EmulatorHandle<AdobeUser> {
  /** Where the discovery document is: under /ims, not at the issuer's /.well-known. */
  readonly metadataUrl: string;
  /** The person removes the app from Connected Applications in their Adobe account. */
  removeApp(user: AdobeUser): void;
}

/** The scopes this credential has in the Developer Console. */
const CREDENTIAL_SCOPES = new Set(['openid', 'AdobeID', 'offline_access', 'email', 'profile', 'creative_sdk', 'read_organizations']);
const ACCESS_TOKEN_TTL = 86_399;
const REFRESH_TOKEN_TTL = 14 * 86_400;

/** The request's parameters, the query string's then the body's: IMS reads both. */
function imsParameters(request: EmulatorRequest): URLSearchParams {
  const parameters = new URLSearchParams(request.url.searchParams);
  for (const [name, value] of request.form()) parameters.set(name, value);
  return parameters;
}

export async function startAdobeEmulator(options: EmulatorOptions): Promise<AdobeEmulator> {
  const server = await startEmulatorServer();
  const issuer = server.origin;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<AdobeUser>({ now, accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating', refreshTokenTtl: REFRESH_TOKEN_TTL });
  const controls = emulatorControls<AdobeUser>(server, grants);

  server.route('GET', '/ims/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/ims/authorize/v2`,
      token_endpoint: `${issuer}/ims/token/v3`,
      userinfo_endpoint: `${issuer}/ims/userinfo/v2`,
      revocation_endpoint: `${issuer}/ims/revoke`,
      jwks_uri: `${issuer}/ims/keys`,
      response_types_supported: ['code', 'token', 'id_token', 'id_token token', 'code id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'email', 'profile'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      claims_supported: ['sub', 'given_name', 'family_name', 'name', 'email', 'email_verified', 'address'],
      grant_types_supported: ['authorization_code', 'implicit_grant', 'refresh_token'],
    }),
  );
  server.route('GET', '/ims/keys', () => json(200, key.jwks));

  server.route('GET', '/ims/authorize/v2', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId) return html(400, '<h1>Invalid client_id</h1>');
    // A redirect URI that does not match the credential's pattern (or none) goes to its default: here, the one URI.
    const reply = redirectBack(options.redirectUri, query);
    if ((query.get('response_type') ?? 'code') !== 'code') return reply({ error: 'unsupported_response_type' });
    const scopes = (query.get('scope') ?? '').split(/[\s,]+/).filter(Boolean);
    if (!scopes.includes('openid') || scopes.some((scope) => !CREDENTIAL_SCOPES.has(scope))) return reply({ error: 'invalid_scope' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied' });
    return reply({ code: grants.issueCode({ ...codeRequest(query, options, user), redirectUri: undefined, scope: scopes.join(' '), refreshToken: scopes.includes('offline_access') }) });
  });

  tokenEndpoint(server, '/ims/token/v3', {
    client: options,
    grants,
    parameters: imsParameters,
    authenticates: (request) => basicAsSent(request, options),
    failure: { queued: controls.tokenFailure, reply: (status) => json(status, { error: 'server_error' }) },
    answer: async ({ grantType, grant, tokens }) => {
      const scopes = grant.scope.split(' ');
      const idToken = grantType === 'authorization_code' && scopes.includes('openid') ? await key.signIdToken({ iss: issuer, aud: options.clientId, sub: grant.user.sub, ...(grant.nonce ? { nonce: grant.nonce } : {}) }, ACCESS_TOKEN_TTL) : undefined;
      return json(200, {
        access_token: tokens.accessToken,
        ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}),
        ...(grantType === 'authorization_code' ? { sub: grant.user.sub } : {}),
        ...(idToken ? { id_token: idToken } : {}),
        token_type: 'bearer',
        expires_in: tokens.expiresIn,
      });
    },
  });

  const caller = (request: EmulatorRequest) => bearerGrant(grants, request, () => json(401, { error: 'invalid_token', error_description: 'Could not match JWT signature to any of the bindings' }));

  server.route('GET', '/ims/userinfo/v2', (request) => {
    server.count('userinfo');
    const grant = caller(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    const scopes = grant.scope.split(' ');
    return json(200, {
      sub: user.sub,
      ...(scopes.includes('profile') ? { account_type: 'ind', name: `${user.givenName} ${user.familyName}`, given_name: user.givenName, family_name: user.familyName } : {}),
      ...(scopes.includes('email') ? { email: user.email, email_verified: user.emailVerified } : {}),
    });
  });

  server.route('GET', '/ims/organizations/v5', (request) => {
    server.count('organizations');
    const grant = caller(request);
    if (!isGrant(grant)) return grant;
    if (request.headers['x-api-key'] !== options.clientId) return json(403, { error_code: '403003', message: 'Api Key is invalid' });
    return json(200, [{ orgName: `${grant.user.familyName} Studio`, orgRef: { ident: 'C74F69D7594880280A495D09', authSrc: 'AdobeOrg' }, orgType: 'Enterprise' }]);
  });

  server.route('POST', '/ims/revoke', (request) => {
    server.count('revoke');
    if (!basicAsSent(request, options)) return oauthError(401, 'invalid_client');
    const token = imsParameters(request).get('token');
    if (!token) return oauthError(400, 'invalid_request');
    if (!grants.revokeAccessToken(token)) {
      const grant = grants.grantOfToken(token);
      if (grant) grants.revokeGrant(grant.id);
    }
    return { status: 200 };
  });

  return {
    ...controls.handle,
    metadataUrl: `${issuer}/ims/.well-known/openid-configuration`,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.sub === user.sub),
  };
}
