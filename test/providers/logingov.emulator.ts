/**
 * An emulator of Login.gov's OpenID Connect IdP, written from its developer pages
 * (https://developers.login.gov/oidc/getting-started/, /oidc/authorization/, /oidc/token/, /oidc/user-info/,
 * /oidc/logout/, /attributes/, and the errors of https://developers.login.gov/support/#openid-connect-errors):
 * - discovery at `/.well-known/openid-configuration`, the issuer the host's root URL (with its slash), naming
 *   `/openid_connect/authorize`, `/api/openid_connect/token`, `/api/openid_connect/userinfo`, the RS256 keys at
 *   `/api/openid_connect/certs` and `/openid_connect/logout`; private_key_jwt its one client authentication, and no
 *   revocation endpoint;
 * - `GET /openid_connect/authorize`: a client_id or redirect_uri that is not the client's is an error page; past them
 *   a request without a known `acr_values` service level, without `openid`, with a `prompt` other than
 *   `select_account`, or a `state` or `nonce` shorter than 22 characters goes back with `invalid_request` and an
 *   `error_description`; a person who cancels, with `access_denied`;
 * - `POST /api/openid_connect/token` takes `code`, `grant_type=authorization_code` and a client assertion, RS256 with
 *   the key whose certificate the client registered, `iss` and `sub` the client id and `aud` (or one of its
 *   audiences) the token endpoint's URL; it answers `access_token`, `token_type: "Bearer"`, `expires_in` (3600, as
 *   the example) and the ID token (userinfo's claims with `acr`, `nonce`, `at_hash`, `c_hash`, `jti`, `nbf`), and
 *   never a refresh token. Every refusal is HTTP 400 with the sentence of its error as `error`;
 * - `GET /api/openid_connect/userinfo` answers `sub` (the person's UUID), `iss`, `email`, `email_verified: true`,
 *   `all_emails` with that scope, `given_name` and `family_name` for an identity-verified person with `profile` or
 *   `profile:name`, and `ial` and `aal`; a token it does not take is 401 with the sentence as `error`.
 * The authorization page approves at once for signInAs()'s user.
 */
import type { KeyObject } from 'node:crypto';
import { createHash } from 'node:crypto';
import { jwtVerify } from 'jose';
import { redirectBack, requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface LoginGovUser {
  /** The UUID Login.gov gives the person for this agency, the `sub`. */
  uuid: string;
  email: string;
  /** Every confirmed e-mail of the account, the first being `email`. */
  allEmails: string[];
  /** The name from identity verification; undefined for an account that was never verified. */
  verifiedName?: { givenName: string; familyName: string };
}

export interface LoginGovEmulator extends EmulatorHandle<LoginGovUser> {
  /** The discovery document's issuer: the origin with its slash. */
  readonly issuer: string;
  /** The person's Login.gov session ends: none of this person's tokens works any more. */
  endSessionOf(user: LoginGovUser): void;
  /** The client assertion of the last token request that sent one. */
  lastClientAssertion(): string;
}

const SERVICE_LEVELS = new Set(['urn:acr.login.gov:auth-only', 'urn:acr.login.gov:verified', 'urn:acr.login.gov:verified-facial-match-required', 'urn:acr.login.gov:verified-facial-match-preferred', 'http://idmanagement.gov/ns/assurance/ial/1', 'http://idmanagement.gov/ns/assurance/ial/2']);
const SCOPES = ['openid', 'address', 'email', 'all_emails', 'locale', 'phone', 'profile:birthdate', 'profile:name', 'profile:verified_at', 'profile', 'social_security_number', 'x509', 'x509:issuer', 'x509:presented', 'x509:subject'];
const ACCESS_TOKEN_TTL = 3600;
const DEFAULT_AAL = 'urn:gov:gsa:ac:classes:sp:PasswordProtectedTransport:duo';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const SUPPORT = 'Please see our documentation at https://developers.login.gov/support/';

/** Login.gov's refusal of a token request: HTTP 400, its sentence as `error`. */
const refusal = (sentence: string): EmulatorReply => json(400, { error: sentence });

/** The code hash of an RS256 ID token: the left half of the code's SHA-256, base64url (OIDC Core §3.3.2.11). */
const cHash = (code: string) => createHash('sha256').update(code).digest().subarray(0, 16).toString('base64url');

export async function startLoginGovEmulator(options: { clientId: string; redirectUri: string; clientPublicKey: KeyObject }): Promise<LoginGovEmulator> {
  const server = await startEmulatorServer();
  const issuer = `${server.origin}/`;
  const tokenUrl = `${server.origin}/api/openid_connect/token`;
  const key = await createSigningKey('RS256');
  const grants = new GrantStore<LoginGovUser>({ accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'none', codeTtl: 900 });
  const controls = emulatorControls<LoginGovUser>(server, grants);
  const acrOf = new Map<string, string>();
  let lastAssertion: string | undefined;

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      acr_values_supported: [...SERVICE_LEVELS, DEFAULT_AAL],
      claims_supported: ['iss', 'sub', 'email', 'email_verified', 'all_emails', 'given_name', 'family_name', 'ial', 'aal'],
      grant_types_supported: ['authorization_code'],
      response_types_supported: ['code'],
      scopes_supported: SCOPES,
      subject_types_supported: ['pairwise'],
      authorization_endpoint: `${server.origin}/openid_connect/authorize`,
      issuer,
      jwks_uri: `${server.origin}/api/openid_connect/certs`,
      service_documentation: 'https://developers.login.gov/',
      token_endpoint: tokenUrl,
      userinfo_endpoint: `${server.origin}/api/openid_connect/userinfo`,
      end_session_endpoint: `${server.origin}/openid_connect/logout`,
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['RS256'],
    }),
  );
  server.route('GET', '/api/openid_connect/certs', () => json(200, key.jwks));

  server.route('GET', '/openid_connect/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId) return html(400, '<h1>Client is not authorized for Login.gov</h1>');
    if (query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>Redirect uri is invalid</h1>');
    const reply = redirectBack(options.redirectUri, query);
    const invalid = (description: string) => reply({ error: 'invalid_request', error_description: description });
    const acrValues = (query.get('acr_values') ?? '').split(' ').filter((value) => SERVICE_LEVELS.has(value) || value === DEFAULT_AAL);
    if (!acrValues.some((value) => SERVICE_LEVELS.has(value))) return invalid('Acr values Please specify a valid service level (IAL) in acr_values');
    if (query.get('response_type') !== 'code') return invalid('Response type is not included in the list');
    const scopes = requestedScopes(query).filter((scope) => SCOPES.includes(scope));
    if (!scopes.includes('openid')) return invalid('Scope No valid scope values found');
    if (query.get('prompt') !== 'select_account') return invalid('Prompt is not valid');
    if ((query.get('state') ?? '').length < 22) return invalid('State is too short (minimum is 22 characters)');
    if ((query.get('nonce') ?? '').length < 22) return invalid('Nonce is too short (minimum is 22 characters)');
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied' });
    // A private_key_jwt client's code is bound to no PKCE challenge: its token request is checked by its assertion.
    const code = grants.issueCode({ clientId: options.clientId, redirectUri: undefined, scope: scopes.join(' '), codeChallenge: undefined, codeChallengeMethod: undefined, nonce: query.get('nonce')!, user });
    acrOf.set(code, acrValues.find((value) => SERVICE_LEVELS.has(value))!);
    return reply({ code });
  });

  /** The claims of userinfo (and of the ID token) for what the grant's scope asked. */
  const claimsOf = (user: LoginGovUser, scope: string[]) => ({
    sub: user.uuid,
    iss: issuer,
    ...(scope.includes('email') ? { email: user.email, email_verified: true } : {}),
    ...(scope.includes('all_emails') ? { all_emails: user.allEmails } : {}),
    ...(user.verifiedName && (scope.includes('profile') || scope.includes('profile:name')) ? { given_name: user.verifiedName.givenName, family_name: user.verifiedName.familyName } : {}),
    ial: user.verifiedName ? 'http://idmanagement.gov/ns/assurance/ial/2' : 'http://idmanagement.gov/ns/assurance/ial/1',
    aal: DEFAULT_AAL,
  });

  /** The client assertion as Login.gov checks it; a refusal's sentence, or undefined when it is good. */
  const assertionRefusal = async (request: EmulatorRequest): Promise<EmulatorReply | undefined> => {
    const form = request.form();
    if (form.get('client_assertion_type') !== ASSERTION_TYPE || !form.get('client_assertion')) {
      return refusal(`Code Client must authenticate via PKCE or private_key_jwt, missing either code_challenge or client_assertion. ${SUPPORT}#pkce-or-private-key`);
    }
    lastAssertion = form.get('client_assertion')!;
    let payload;
    try {
      ({ payload } = await jwtVerify(form.get('client_assertion')!, options.clientPublicKey, { algorithms: ['RS256'], issuer: options.clientId, subject: options.clientId }));
    } catch {
      return refusal(`Client assertion Could not validate assertion against any registered public keys. ${SUPPORT}#invalid-token-signature`);
    }
    const audiences = (Array.isArray(payload.aud) ? payload.aud : [payload.aud]).map((aud) => String(aud).replace(/\/$/, ''));
    if (!audiences.includes(tokenUrl)) return refusal(`Client assertion Invalid audience claim, expected ${tokenUrl}. ${SUPPORT}#invalid-aud-claim`);
    return undefined;
  };

  tokenEndpoint(server, '/api/openid_connect/token', {
    client: { clientId: options.clientId },
    grants,
    pkce: false,
    failure: { queued: controls.tokenFailure },
    authenticates: async (request) => (await assertionRefusal(request)) ?? true,
    errors: {
      grantType: () => refusal('Grant type is not included in the list'),
      code: (reason) => (reason === 'expired_code' ? refusal(`Code is expired. ${SUPPORT}#token-expired`) : refusal(`Code is invalid because doesn’t match any user. ${SUPPORT}#invalid-code`)),
    },
    // Login.gov issues no refresh token and takes no refresh grant.
    refuseRefresh: () => refusal('Grant type is not included in the list'),
    answer: async ({ grant, tokens, form }) => {
      const code = form.get('code')!;
      const idToken = await grantIdToken(key, grant, tokens.accessToken, { ...claimsOf(grant.user, grant.scope.split(' ')), aud: options.clientId, acr: acrOf.get(code), c_hash: cHash(code), jti: `jti-${code}`, nbf: Math.floor(Date.now() / 1000) }, ACCESS_TOKEN_TTL);
      return json(200, { access_token: tokens.accessToken, token_type: 'Bearer', expires_in: tokens.expiresIn, id_token: idToken });
    },
  });

  server.route('GET', '/api/openid_connect/userinfo', (request) => {
    server.count('userinfo');
    if (!request.headers.authorization) return json(401, { error: 'No Authorization header provided' });
    const grant = bearerGrant(grants, request, () => json(401, { error: 'Could not find authorization for the contents of the provided access_token or it may have expired' }));
    if (!isGrant(grant)) return grant;
    return json(200, claimsOf(grant.user, grant.scope.split(' ')));
  });

  return {
    ...controls.handle,
    issuer,
    endSessionOf: (user) => grants.revokeGrantsOf((someone) => someone.uuid === user.uuid),
    lastClientAssertion: () => {
      if (lastAssertion === undefined) throw new Error('no token request has sent a client assertion');
      return lastAssertion;
    },
  };
}
