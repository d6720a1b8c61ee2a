/**
 * An emulator of Vipps MobilePay Login (the OpenID provider under
 * `/access-management-1.0/access/` and the userinfo endpoint), written from
 * Vipps MobilePay's documentation
 * (https://developer.vippsmobilepay.com/docs/APIs/login-api/api-guide/integration,
 * https://developer.vippsmobilepay.com/docs/APIs/login-api/api-guide/core-concepts):
 * - Discovery at `<issuer>.well-known/openid-configuration`, the issuer
 *   ending in `/`, with the members of Vipps's example; the keys at
 *   `.well-known/jwks.json` (RS256).
 * - Authorize: `GET oauth2/auth` with `response_type=code`, `client_id`,
 *   `redirect_uri` (exactly the one registered; another is an error page),
 *   `scope`, `state` and PKCE. A `state` shorter than 8 characters goes
 *   back as an error (`invalid_request` here; Vipps names no code), a scope
 *   Login does not know as `invalid_scope`, a cancel as `access_denied`
 *   with `error_description`. The code comes back with `state` and the
 *   `scope` consented to.
 * - Token: `POST oauth2/token`, the code and `redirect_uri` in the form and
 *   the client as Basic of `client_id:client_secret` joined as they are
 *   (nothing form-encoded); 401 `invalid_client` otherwise. The answer is
 *   `access_token`, `id_token` (RS256; `aud` a list, as in Vipps's example),
 *   `expires_in: 3599`, `scope` and `token_type: "bearer"`; no refresh
 *   token, and a `refresh_token` grant is refused. A spent or unknown code
 *   is 400 `invalid_grant` with the description Vipps's docs quote.
 * - `GET /vipps-userinfo-api/userinfo` with the token as Bearer answers the
 *   consented claims: `sub` always, `name`, `given_name`, `family_name`
 *   with `name`, `email` and `email_verified` with `email`, `phone_number`
 *   with `phoneNumber`; 401 for a token it does not take.
 * - `POST oauth2/revoke`, named by discovery, takes `token` with the client
 *   as Basic and ends that token's grant (RFC 7009; its behaviour is not
 *   described on Vipps's pages).
 * - removeConsent() is the person revoking their consent to share data in
 *   the app (profile → personal information), which ends the grant.
 * The authorization page approves at once for signInAs()'s person.
 */
import { randomUUID } from 'node:crypto';
import { codeRequest, redirectBack, requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { atHash, createSigningKey } from './kit/signing.js';
import { oauthError, RFC_6749_DESCRIPTIONS, tokenEndpoint } from './kit/token-endpoint.js';

export interface VippsUser {
  /** The person's pairwise id at this merchant, a UUID. */
  sub: string;
  givenName: string;
  familyName: string;
  email: string;
  emailVerified: boolean;
  phoneNumber: string;
}

export interface VippsEmulator extends EmulatorHandle<VippsUser> {
  /** `<origin>/access-management-1.0/access/`. */
  readonly issuer: string;
  /** The person revokes their consent in the app: none of the merchant's tokens for them works. */
  removeConsent(user: VippsUser): void;
}

export const VIPPS_ACCESS_TOKEN_TTL = 3599;
const BASE = '/access-management-1.0/access/';
const SCOPES = new Set(['openid', 'address', 'name', 'email', 'phoneNumber', 'nin', 'birthDate', 'delegatedConsents', 'api_version_2']);
const GRANT_REFUSED =
  'The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client';

export async function startVippsEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<VippsEmulator> {
  const server = await startEmulatorServer();
  const issuer = `${server.origin}${BASE}`;
  const key = await createSigningKey('RS256');
  const grants = new GrantStore<VippsUser>({ accessTokenTtl: VIPPS_ACCESS_TOKEN_TTL, refreshPolicy: 'none' });
  const controls = emulatorControls<VippsUser>(server, grants);

  server.route('GET', `${BASE}.well-known/openid-configuration`, () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}oauth2/auth`,
      token_endpoint: `${issuer}oauth2/token`,
      jwks_uri: `${issuer}.well-known/jwks.json`,
      subject_types_supported: ['public', 'pairwise'],
      response_types_supported: ['code', 'code id_token', 'id_token', 'token id_token', 'token', 'token id_token code'],
      claims_supported: ['sub'],
      grant_types_supported: ['authorization_code', 'implicit', 'client_credentials', 'refresh_token'],
      response_modes_supported: ['query', 'fragment'],
      userinfo_endpoint: `${server.origin}/vipps-userinfo-api/userinfo`,
      scopes_supported: ['offline', 'openid', 'address', 'name', 'email', 'phoneNumber', 'nin', 'birthDate', 'api_version_2'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic', 'private_key_jwt', 'none'],
      userinfo_signing_alg_values_supported: ['none', 'RS256'],
      id_token_signing_alg_values_supported: ['RS256'],
      request_parameter_supported: true,
      request_uri_parameter_supported: true,
      require_request_uri_registration: true,
      claims_parameter_supported: false,
      revocation_endpoint: `${issuer}oauth2/revoke`,
      backchannel_logout_supported: false,
      frontchannel_logout_supported: false,
      end_session_endpoint: `${issuer}oauth2/sessions/logout`,
    }),
  );
  server.route('GET', `${BASE}.well-known/jwks.json`, () => json(200, key.jwks));

  server.route('GET', `${BASE}oauth2/auth`, (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) {
      return html(400, '<h1>Something went wrong</h1><p>The requested redirect URI is not registered for this client.</p>');
    }
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    if ((query.get('state') ?? '').length < 8) return reply({ error: 'invalid_request', error_description: 'The state is missing or does not have enough characters.' });
    const asked = requestedScopes(query);
    if (asked.some((scope) => !SCOPES.has(scope))) return reply({ error: 'invalid_scope' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'user cancelled the login' });
    return reply({ code: grants.issueCode(codeRequest(query, options, user)), scope: asked.join(' ') });
  });

  tokenEndpoint(server, `${BASE}oauth2/token`, {
    client: options,
    grants,
    authenticates: (request) => basicAsSent(request, options),
    failure: { queued: controls.tokenFailure, reply: (status) => json(status, { error: 'server_error' }) },
    errors: {
      client: () => oauthError(401, 'invalid_client', RFC_6749_DESCRIPTIONS.invalid_client),
      code: () => oauthError(400, 'invalid_grant', GRANT_REFUSED),
      refreshToken: () => oauthError(400, 'invalid_grant', GRANT_REFUSED),
    },
    answer: async ({ grant, tokens }) => {
      const now = Math.floor(Date.now() / 1000);
      const idToken = await key.signIdToken({
        iss: issuer,
        aud: [options.clientId],
        sub: grant.user.sub,
        at_hash: atHash(tokens.accessToken),
        auth_time: now,
        rat: now - 5,
        jti: randomUUID(),
        nonce: grant.nonce ?? '',
      });
      return json(200, { access_token: tokens.accessToken, id_token: idToken, expires_in: tokens.expiresIn, scope: grant.scope, token_type: 'bearer' });
    },
  });

  server.route('GET', '/vipps-userinfo-api/userinfo', (request) => {
    server.count('userinfo');
    const grant = bearerGrant(grants, request, () => json(401, { error: 'invalid_token', error_description: 'The access token is not valid.' }));
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    const scopes = grant.scope.split(' ');
    return json(200, {
      sub: user.sub,
      ...(scopes.includes('name') ? { name: `${user.givenName} ${user.familyName}`, given_name: user.givenName, family_name: user.familyName } : {}),
      ...(scopes.includes('email') ? { email: user.email, email_verified: user.emailVerified } : {}),
      ...(scopes.includes('phoneNumber') ? { phone_number: user.phoneNumber } : {}),
      sid: grant.id,
    });
  });

  server.route('POST', `${BASE}oauth2/revoke`, (request) => {
    server.count('revoke');
    if (!basicAsSent(request, options)) return oauthError(401, 'invalid_client');
    const token = request.form().get('token');
    if (!token) return oauthError(400, 'invalid_request');
    const grant = grants.grantOfToken(token);
    if (grant) grants.revokeGrant(grant.id);
    return { status: 200 };
  });

  return {
    ...controls.handle,
    issuer,
    removeConsent: (user) => grants.revokeGrantsOf((someone) => someone.sub === user.sub),
  };
}
