/**
 * An emulator of itsme's OpenID provider for a private_key_jwt partner (its issuer `<origin>/v2`, as
 * `https://idp.prd.itsme.services/v2` is itsme's), with one partner and one Authentication service, written from
 * itsme's Authentication API documentation (https://belgianmobileid.github.io/doc/authentication/) and its JOSE page
 * (https://belgianmobileid.github.io/doc/JOSE/):
 * - discovery at `/v2/.well-known/openid-configuration`, naming `/v2/authorization`, `/v2/token` and
 *   `/v2/userinfo`, RS256 signatures and RSA-OAEP-256 encryption; no revocation endpoint;
 * - the partner's keys are read from its JWK Set URI (`clientJwks`, the app's `/auth/itsme/jwks.json` in the test):
 *   the `use: sig` key checks its assertions, the `use: enc` key is what ID tokens and userinfo answers are encrypted
 *   to; a set without both serves no one;
 * - `GET /v2/authorization`: a client or redirect URI that is not the partner's is itsme's own page; past them a
 *   scope without `openid` and the service's `service:<code>`, or with a value itsme does not name, is
 *   `invalid_scope`, a PKCE challenge must be S256, a person saying no is `access_denied`;
 * - `POST /v2/token`: `grant_type=authorization_code`, `code`, `redirect_uri` and the client assertion (RS256 with a
 *   `kid`, `iss` and `sub` the client id, `aud` the token endpoint's URL, `exp`, a `jti` not seen before), and the
 *   `code_verifier` of a code that had a challenge; its refusals are HTTP 400 with RFC 6749's codes, as itsme's
 *   error section has them. It answers `access_token`, `token_type: "Bearer"`, `expires_in: 3600` and the ID token,
 *   signed RS256 then encrypted (RSA-OAEP-256, A128CBC-HS256, `cty: JWT`); never a refresh token;
 * - `GET /v2/userinfo` with the token as Bearer: the claims of the scopes asked, as a JWT signed then encrypted the
 *   same way (`application/jwt`); a token it does not take is a 401 with `WWW-Authenticate: Bearer
 *   error="invalid_token"`. `GET /v2/picture` (Bearer) is the ID photo, a JPEG.
 * Made up here: the keys' path (`/v2/jwks`), the exact 401 header, and the photo's bytes. The authorization page
 * approves at once for signInAs()'s person.
 */
import { CompactEncrypt, createLocalJWKSet, importJWK, jwtVerify, type JWK } from 'jose';
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface ItsmeUser {
  /** itsme's identifier of the account, 36 lower-case letters and digits in its examples. */
  sub: string;
  givenName: string;
  familyName: string;
  birthdate: string;
  gender: 'female' | 'male';
  locale: 'NL' | 'FR' | 'DE' | 'EN';
}

export interface ItsmeEmulator extends EmulatorHandle<ItsmeUser> {
  /** The discovery document's issuer: `<origin>/v2`. */
  readonly issuer: string;
  /** The person deletes their itsme account: none of their tokens works any more. */
  deleteAccount(user: ItsmeUser): void;
  /** The client assertion of the last token request that sent one. */
  lastClientAssertion(): string;
  /** The ID token of the last code exchange, as sent (encrypted). */
  lastIdToken(): string;
}

export const ITSME_ACCESS_TOKEN_SECONDS = 3600;
/** The scope values itsme's authorization request names, besides `service:<code>`. */
const SCOPES = new Set(['openid', 'profile', 'email', 'address', 'phone', 'eid']);
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const PHOTO = Buffer.from('ffd8ffe000104a464946000101', 'hex');

export async function startItsmeEmulator(options: {
  clientId: string;
  redirectUri: string;
  serviceCode: string;
  /** The partner's JWK Set, as itsme reads it from the URI given at onboarding. */
  clientJwks(): Promise<{ keys: JWK[] }>;
}): Promise<ItsmeEmulator> {
  const server = await startEmulatorServer();
  const issuer = `${server.origin}/v2`;
  const tokenUrl = `${issuer}/token`;
  const key = await createSigningKey('RS256');
  const grants = new GrantStore<ItsmeUser>({ accessTokenTtl: ITSME_ACCESS_TOKEN_SECONDS, refreshPolicy: 'none' });
  const controls = emulatorControls<ItsmeUser>(server, grants);
  const spentJtis = new Set<string>();
  let lastAssertion: string | undefined;
  let lastIdToken: string | undefined;

  /** The partner's key for `use`, from its JWK Set as published now. */
  const partnerKey = async (use: 'sig' | 'enc'): Promise<JWK> => {
    const { keys } = await options.clientJwks();
    const found = keys.find((jwk) => jwk.use === use && jwk.kty === 'RSA');
    if (!found) throw new Error(`the partner's JWK Set has no RSA key with use ${use}`);
    return found;
  };
  /** A signed JWT nested in a JWE to the partner's encryption key. */
  const encrypted = async (signed: string): Promise<string> => {
    const enc = await partnerKey('enc');
    return new CompactEncrypt(new TextEncoder().encode(signed))
      .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A128CBC-HS256', cty: 'JWT', ...(enc.kid ? { kid: enc.kid } : {}) })
      .encrypt(await importJWK(enc, 'RSA-OAEP-256'));
  };

  server.route('GET', '/v2/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/authorization`,
      token_endpoint: tokenUrl,
      userinfo_endpoint: `${issuer}/userinfo`,
      jwks_uri: `${issuer}/jwks`,
      scopes_supported: [...SCOPES, 'service'],
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code'],
      subject_types_supported: ['public'],
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['RS256'],
      id_token_signing_alg_values_supported: ['RS256'],
      id_token_encryption_alg_values_supported: ['RSA-OAEP-256'],
      id_token_encryption_enc_values_supported: ['A128CBC-HS256'],
      userinfo_signing_alg_values_supported: ['RS256'],
      userinfo_encryption_alg_values_supported: ['RSA-OAEP-256'],
      userinfo_encryption_enc_values_supported: ['A128CBC-HS256'],
      code_challenge_methods_supported: ['S256'],
      ui_locales_supported: ['fr', 'nl', 'de', 'en'],
      claims_parameter_supported: true,
    }),
  );
  server.route('GET', '/v2/jwks', () => json(200, key.jwks));

  authorizationEndpoint(server, '/v2/authorization', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => {
      const scopes = requestedScopes(query);
      if (!scopes.includes('openid') || !scopes.includes(`service:${options.serviceCode}`)) return { error: 'invalid_scope', error_description: 'openid and the service are required' };
      if (scopes.some((scope) => !SCOPES.has(scope) && scope !== `service:${options.serviceCode}`)) return { error: 'invalid_scope' };
      if (query.has('code_challenge') && query.get('code_challenge_method') !== 'S256') return { error: 'invalid_request', error_description: 'code_challenge_method must be S256' };
      return undefined;
    },
  });

  /** The client assertion as itsme checks it against the partner's `sig` key: a refusal, or undefined when it is good. */
  const assertionRefusal = async (request: EmulatorRequest): Promise<EmulatorReply | undefined> => {
    const form = request.form();
    if (form.get('client_assertion_type') !== ASSERTION_TYPE || !form.get('client_assertion')) return oauthError(400, 'invalid_request');
    lastAssertion = form.get('client_assertion')!;
    let verified;
    try {
      const keys = createLocalJWKSet({ keys: [await partnerKey('sig')] });
      verified = await jwtVerify(lastAssertion, keys, { algorithms: ['RS256'], issuer: options.clientId, subject: options.clientId, audience: tokenUrl, requiredClaims: ['exp', 'jti'] });
    } catch {
      return oauthError(400, 'invalid_client', 'client_assertion could not be verified');
    }
    if (!verified.protectedHeader.kid) return oauthError(400, 'invalid_client', 'client_assertion has no kid');
    if (spentJtis.has(verified.payload.jti!)) return oauthError(400, 'invalid_client', 'client_assertion jti already used');
    spentJtis.add(verified.payload.jti!);
    return undefined;
  };

  tokenEndpoint(server, '/v2/token', {
    client: { clientId: options.clientId },
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: async (request) => (await assertionRefusal(request)) ?? true,
    errors: { code: () => oauthError(400, 'invalid_grant') },
    refuseCode: (form) => (form.get('redirect_uri') ? undefined : oauthError(400, 'invalid_request')),
    // itsme issues no refresh token and takes no refresh grant.
    refuseRefresh: () => oauthError(400, 'unsupported_grant_type'),
    answer: async ({ grant, tokens }) => {
      const claims = { iss: issuer, aud: options.clientId, sub: grant.user.sub, ...(grant.scope.split(' ').includes('profile') ? profileOf(grant.user, issuer) : {}) };
      lastIdToken = await encrypted(await grantIdToken(key, grant, tokens.accessToken, claims, 300));
      return json(200, { id_token: lastIdToken, access_token: tokens.accessToken, token_type: 'Bearer', expires_in: tokens.expiresIn });
    },
  });

  const withGrant = (request: EmulatorRequest) => bearerGrant(grants, request, () => ({ status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } }));
  server.route('GET', '/v2/userinfo', async (request) => {
    server.count('userinfo');
    const grant = withGrant(request);
    if (!isGrant(grant)) return grant;
    const scope = grant.scope.split(' ');
    const signed = await key.signIdToken({ iss: issuer, aud: options.clientId, sub: grant.user.sub, ...(scope.includes('profile') ? profileOf(grant.user, issuer) : {}) }, 300);
    return { status: 200, headers: { 'content-type': 'application/jwt' }, body: await encrypted(signed) };
  });
  server.route('GET', '/v2/picture', (request) => {
    const grant = withGrant(request);
    if (!isGrant(grant)) return grant;
    return { status: 200, headers: { 'content-type': 'image/jpeg' }, body: PHOTO };
  });

  return {
    ...controls.handle,
    issuer,
    deleteAccount: (user) => grants.revokeGrantsOf((someone) => someone.sub === user.sub),
    lastClientAssertion: () => {
      if (lastAssertion === undefined) throw new Error('no token request has sent a client assertion');
      return lastAssertion;
    },
    lastIdToken: () => {
      if (lastIdToken === undefined) throw new Error('no code has been exchanged');
      return lastIdToken;
    },
  };
}

/** The `profile` scope's claims, as itsme's authorization request lists them. */
function profileOf(user: ItsmeUser, issuer: string): Record<string, string> {
  return {
    name: `${user.givenName} ${user.familyName}`,
    given_name: user.givenName,
    family_name: user.familyName,
    gender: user.gender,
    locale: user.locale,
    birthdate: user.birthdate,
    picture: `${issuer}/picture`,
  };
}

