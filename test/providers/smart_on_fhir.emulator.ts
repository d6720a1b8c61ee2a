/**
 * An emulator of a SMART on FHIR EHR (its FHIR server at `/fhir`, its authorization server at `/auth`), written from
 * the SMART App Launch 2.0 specification (https://hl7.org/fhir/smart-app-launch/):
 * - `GET /fhir/.well-known/smart-configuration` as conformance.html lists it: `issuer` and `jwks_uri` (the server has
 *   `sso-openid-connect`), the authorization, token and revocation endpoints, `client_secret_basic`, `S256` alone,
 *   the scopes and the capabilities.
 * - Authorize: `response_type=code`, `client_id`, `redirect_uri` (the registered one), `scope`, `state`, `aud` (the
 *   FHIR base URL: another, or none, is refused), PKCE with `S256` (`plain` or none is refused, as servers SHALL NOT
 *   take `plain`); an unknown scope is `invalid_scope`; a person who declines goes back with `access_denied`.
 * - Token: `POST /auth/token`, the client by HTTP Basic of its id and secret as they are (client-confidential-symmetric
 *   .html), `code`, `redirect_uri` and `code_verifier`; the answer (with `Cache-Control: no-store`) is
 *   `access_token`, `token_type: "Bearer"`, `expires_in` (3600), `scope`, an RS256 `id_token` with `fhirUser` when
 *   `openid fhirUser` was granted, a `refresh_token` with `offline_access`, and `patient` with `launch/patient`. A
 *   refresh answers a new refresh token, the old one then refused. Refusals are RFC 6749 §5.2's JSON.
 * - Revoke: `POST /auth/revoke` (RFC 7009, the client by Basic): a refresh token ends its grant.
 * - FHIR, the token as Bearer: `GET /fhir/Patient/:id`, for a token whose scope reads Patient resources
 *   (`patient/*.rs`, `patient/Patient.rs`) and is for that patient; another is a 403, no token a 401, each with an
 *   OperationOutcome.
 * - endAccess() is the EHR ending the person's grant: their tokens stop working.
 * The authorization page approves at once for signInAs()'s person; a standalone `launch/patient` picks their patient.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { isGrant } from './kit/bearer-grant.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface SmartUser {
  /** The ID token's subject, the person's id at this EHR. */
  sub: string;
  /** The person's FHIR resource, relative to the FHIR base (`Patient/123`). */
  fhirUser: string;
  /** The id of the Patient a standalone `launch/patient` puts in context. */
  patient: string;
  name: string;
}

export interface SmartEmulator extends EmulatorHandle<SmartUser> {
  readonly issuer: string;
  /** The FHIR base URL, `aud` of every authorization. */
  readonly fhirBase: string;
  /** The EHR ends the person's grant: none of their tokens works. */
  endAccess(user: SmartUser): void;
  /** How many grants of the app the person still has. */
  liveGrants(user: SmartUser): number;
}

export const SMART_ACCESS_TOKEN_SECONDS = 3600;
const SCOPES = /^(openid|fhirUser|offline_access|online_access|launch|launch\/patient|launch\/encounter|(patient|user)\/(\*|[A-Z][A-Za-z]+)\.(c?r?u?d?s?))$/;

const outcome = (status: number, code: string, text: string): EmulatorReply =>
  json(status, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics: text }] });

export async function startSmartEmulator(options: EmulatorOptions): Promise<SmartEmulator> {
  const server = await startEmulatorServer();
  const fhirBase = `${server.origin}/fhir`;
  const issuer = `${server.origin}/auth`;
  const key = await createSigningKey('RS256', options.now);
  const grants = new GrantStore<SmartUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: SMART_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating', refreshTokenTtl: null });
  const controls = emulatorControls<SmartUser>(server, grants);

  server.route('GET', '/fhir/.well-known/smart-configuration', () =>
    json(200, {
      issuer,
      jwks_uri: `${issuer}/jwks`,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      revocation_endpoint: `${issuer}/revoke`,
      grant_types_supported: ['authorization_code'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'private_key_jwt'],
      scopes_supported: ['openid', 'fhirUser', 'launch', 'launch/patient', 'offline_access', 'patient/*.rs', 'user/*.rs'],
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      capabilities: ['launch-standalone', 'launch-ehr', 'client-public', 'client-confidential-symmetric', 'client-confidential-asymmetric', 'context-standalone-patient', 'sso-openid-connect', 'permission-offline', 'permission-patient', 'permission-v2'],
    }),
  );
  server.route('GET', '/auth/jwks', () => json(200, key.jwks));

  authorizationEndpoint(server, '/auth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => {
      if (query.get('aud') !== fhirBase) return { error: 'invalid_request', error_description: 'aud must be this server\'s FHIR base URL' };
      if (!query.get('code_challenge') || query.get('code_challenge_method') !== 'S256') return { error: 'invalid_request', error_description: 'PKCE with S256 is required' };
      if (!query.get('state')) return { error: 'invalid_request', error_description: 'state is required' };
      return requestedScopes(query).every((scope) => SCOPES.test(scope)) ? undefined : { error: 'invalid_scope' };
    },
    request: (query) => ({ refreshToken: requestedScopes(query).includes('offline_access') }),
  });

  tokenEndpoint(server, '/auth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    // Symmetric authentication: Basic of the id and secret as they are, nothing else.
    authenticates: (request) => basicAsSent(request, options),
    refuseCode: (form) => (form.get('code_verifier') && form.get('redirect_uri') ? undefined : oauthError(400, 'invalid_request', 'code_verifier and redirect_uri are required')),
    answer: async ({ grant, tokens, grantType }) => {
      const scopes = grant.scope.split(' ');
      const identity = grantType === 'authorization_code' && scopes.includes('openid') && scopes.includes('fhirUser');
      const idToken = identity ? await grantIdToken(key, grant, tokens.accessToken, { iss: issuer, aud: options.clientId, sub: grant.user.sub, fhirUser: grant.user.fhirUser, name: grant.user.name }) : undefined;
      const answer = {
        access_token: tokens.accessToken,
        token_type: 'Bearer',
        expires_in: tokens.expiresIn,
        scope: grant.scope,
        ...(idToken ? { id_token: idToken } : {}),
        ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}),
        ...(scopes.includes('launch/patient') ? { patient: grant.user.patient } : {}),
      };
      return json(200, answer, { 'cache-control': 'no-store', pragma: 'no-cache' });
    },
  });

  server.route('POST', '/auth/revoke', (request) => {
    server.count('revoke');
    if (!basicAsSent(request, options)) return oauthError(401, 'invalid_client');
    const token = request.form().get('token');
    if (!token) return oauthError(400, 'invalid_request');
    grants.revokeToken(token);
    return { status: 200, headers: {}, body: '' };
  });

  const fhirGrant = (request: EmulatorRequest): Grant<SmartUser> | EmulatorReply =>
    grants.grantOfAccessToken(request.bearer() ?? '') ?? outcome(401, 'login', 'The access token is missing, expired or revoked');

  server.route('GET', '/fhir/Patient/:id', (request) => {
    server.count('patient_read');
    const grant = fhirGrant(request);
    if (!isGrant(grant)) return grant;
    const scopes = grant.scope.split(' ');
    const reads = scopes.some((scope) => /^patient\/(\*|Patient)\.c?r/.test(scope));
    if (!reads || request.params.id !== grant.user.patient) return outcome(403, 'forbidden', 'The token does not grant access to this resource');
    return json(200, { resourceType: 'Patient', id: request.params.id, name: [{ text: grant.user.name }] });
  });

  return {
    ...controls.handle,
    issuer,
    fhirBase,
    endAccess: (user) => grants.revokeGrantsOf((someone) => someone.sub === user.sub),
    liveGrants: (user) => grants.liveGrants(options.clientId).filter((grant) => grant.user.sub === user.sub).length,
  };
}
