/**
 * An emulator of GOV.UK One Login's OpenID provider, written from its technical documentation
 * (https://docs.sign-in.service.gov.uk/integrate-with-integration-environment/authenticate-your-user/ and the pages
 * it links: the token authentication method, the User-Agent header, the user attributes):
 * - discovery at `/.well-known/openid-configuration`, the issuer the host's root URL with its slash, naming
 *   `/authorize`, `/token`, `/userinfo`, the keys at `/.well-known/jwks.json` and `/logout`; private_key_jwt its client
 *   authentication, ES256 its ID tokens' signature, and no revocation endpoint;
 * - `GET /authorize`: a client_id or redirect_uri that is not the client's, or a request without `openid`, is an HTTP
 *   400 page; past them a `response_type` other than `code` goes back as `unsupported_response_type`, a scope it does
 *   not know as `invalid_scope`, no `nonce` as `invalid_request`, a `vtr` it cannot read as `invalid_request`
 *   ("Request vtr not valid"), a person who cancels as `access_denied`; a PKCE challenge must be S256;
 * - `POST /token` takes `grant_type=authorization_code`, `code`, `redirect_uri` and the client assertion (RS256
 *   with the RSA key the service registered, `iss` and `sub` the client id, `aud` the token endpoint's URL, `exp`
 *   ahead and a `jti` not seen before), and the `code_verifier` of a code that had a challenge; it answers
 *   `access_token`, `token_type: "Bearer"`, `expires_in: 180` and the ES256 ID token (`sub`, `vot`, `vtm`, `sid`,
 *   `auth_time`, `nonce`, `at_hash`), never a refresh token. Its refusals are RFC 6749 §5.2's, HTTP 400;
 * - `GET /userinfo` answers `sub`, and `email` with `email_verified: true` for the `email` scope, `phone_number` with
 *   `phone_number_verified` for `phone`; a token it does not take is a 401 with `WWW-Authenticate: Bearer
 *   error="invalid_token"`;
 * - a request to `/token` or `/userinfo` without a User-Agent is a 403.
 * The authorization page approves at once for signInAs()'s user.
 */
import type { KeyObject } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { jwtVerify } from 'jose';
import { codeRequest, redirectBack, requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface GovUkOneLoginUser {
  /** The person's pairwise subject identifier, `urn:fdc:gov.uk:2022:…`. */
  sub: string;
  email: string;
  /** Absent for a person whose second factor is an authenticator app. */
  phoneNumber?: string;
}

export interface GovUkOneLoginEmulator extends EmulatorHandle<GovUkOneLoginUser> {
  /** The discovery document's issuer: the origin with its slash. */
  readonly issuer: string;
  /** The person deletes their GOV.UK One Login: none of their tokens works any more. */
  deleteAccount(user: GovUkOneLoginUser): void;
  /** The client assertion of the last token request that sent one. */
  lastClientAssertion(): string;
}

/** The access token's lifetime, as the guide's token answer gives it. */
export const GOVUK_ONE_LOGIN_ACCESS_TOKEN_SECONDS = 180;

const SCOPES = ['openid', 'email', 'phone', 'wallet-subject-id'];
/** The credential trust levels (low, medium) and the levels of identity confidence a `vtr` vector combines. */
const VECTOR = /^(Cl|Cl\.Cm)(\.P[0-3])?$/;
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The vector of trust a `vtr` asks for ("Cl.Cm" when none is sent), or undefined when it cannot be read or asks for identity at low authentication. */
function vectorOf(vtr: string | null): string | undefined {
  if (vtr === null) return 'Cl.Cm';
  let vectors: unknown;
  try {
    vectors = JSON.parse(vtr);
  } catch {
    return undefined;
  }
  const first = Array.isArray(vectors) && typeof vectors[0] === 'string' ? VECTOR.exec(vectors[0]) : null;
  if (!first || (first[1] === 'Cl' && first[2] !== undefined)) return undefined;
  return first[1];
}

export async function startGovUkOneLoginEmulator(options: { clientId: string; redirectUri: string; clientPublicKey: KeyObject }): Promise<GovUkOneLoginEmulator> {
  const server = await startEmulatorServer();
  const issuer = `${server.origin}/`;
  const tokenUrl = `${server.origin}/token`;
  const key = await createSigningKey('ES256');
  const grants = new GrantStore<GovUkOneLoginUser>({ accessTokenTtl: GOVUK_ONE_LOGIN_ACCESS_TOKEN_SECONDS, refreshPolicy: 'none' });
  const controls = emulatorControls<GovUkOneLoginUser>(server, grants);
  /** The credential trust level each nonce's sign-in was asked for, the ID token's `vot`. */
  const votOf = new Map<string, string>();
  const spentJtis = new Set<string>();
  let lastAssertion: string | undefined;

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      authorization_endpoint: `${server.origin}/authorize`,
      token_endpoint: tokenUrl,
      issuer,
      jwks_uri: `${server.origin}/.well-known/jwks.json`,
      scopes_supported: SCOPES,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code'],
      token_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_post'],
      token_endpoint_auth_signing_alg_values_supported: ['RS256'],
      code_challenge_methods_supported: ['S256'],
      ui_locales_supported: ['en', 'cy'],
      service_documentation: 'https://docs.sign-in.service.gov.uk/',
      subject_types_supported: ['public', 'pairwise'],
      userinfo_endpoint: `${server.origin}/userinfo`,
      end_session_endpoint: `${server.origin}/logout`,
      id_token_signing_alg_values_supported: ['ES256', 'RS256'],
      claims_supported: ['sub', 'email', 'email_verified', 'phone_number', 'phone_number_verified', 'wallet_subject_id'],
    }),
  );
  server.route('GET', '/.well-known/jwks.json', () => json(200, key.jwks));

  server.route('GET', '/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>Request is missing parameters</h1>');
    const scopes = requestedScopes(query);
    if (!scopes.includes('openid')) return html(400, '<h1>Invalid request</h1>');
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type', error_description: 'Unsupported response' });
    if (scopes.some((scope) => !SCOPES.includes(scope))) return reply({ error: 'invalid_scope', error_description: 'Invalid, unknown or malformed scope' });
    if (!query.get('nonce')) return reply({ error: 'invalid_request', error_description: 'Request is missing nonce parameter' });
    const vot = vectorOf(query.get('vtr'));
    if (vot === undefined) return reply({ error: 'invalid_request', error_description: 'Request vtr not valid' });
    if (query.has('code_challenge') && query.get('code_challenge_method') !== 'S256') return reply({ error: 'invalid_request', error_description: 'Invalid value for code_challenge_method parameter.' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied' });
    votOf.set(query.get('nonce')!, vot);
    return reply({ code: grants.issueCode(codeRequest(query, options, user)) });
  });

  /** The client assertion as GOV.UK One Login checks it: a refusal, or undefined when it is good. */
  const assertionRefusal = async (request: EmulatorRequest): Promise<EmulatorReply | undefined> => {
    const form = request.form();
    const invalidClient = (description: string) => oauthError(400, 'invalid_client', description);
    if (form.get('client_assertion_type') !== ASSERTION_TYPE || !form.get('client_assertion')) return oauthError(400, 'invalid_request', 'Invalid request');
    lastAssertion = form.get('client_assertion')!;
    let payload;
    try {
      ({ payload } = await jwtVerify(lastAssertion, options.clientPublicKey, { algorithms: ['RS256'], issuer: options.clientId, subject: options.clientId, audience: tokenUrl, requiredClaims: ['exp', 'jti'] }));
    } catch {
      return invalidClient('Invalid signature in private_key_jwt');
    }
    if (spentJtis.has(payload.jti!)) return invalidClient('Invalid private_key_jwt: jti already used');
    spentJtis.add(payload.jti!);
    return undefined;
  };

  tokenEndpoint(server, '/token', {
    client: { clientId: options.clientId },
    grants,
    failure: { queued: controls.tokenFailure },
    screen: (request) => (request.headers['user-agent'] ? undefined : html(403, '<h1>Forbidden</h1>')),
    authenticates: async (request) => (await assertionRefusal(request)) ?? true,
    refuseCode: (form) => (form.get('redirect_uri') ? undefined : oauthError(400, 'invalid_request', 'Request is missing redirect_uri parameter')),
    // GOV.UK One Login issues no refresh token and takes no refresh grant.
    refuseRefresh: () => oauthError(400, 'unsupported_grant_type'),
    answer: async ({ grant, tokens }) => {
      const idToken = await grantIdToken(
        key,
        grant,
        tokens.accessToken,
        { iss: issuer, aud: options.clientId, sub: grant.user.sub, vot: votOf.get(grant.nonce ?? '') ?? 'Cl.Cm', vtm: `${server.origin}/trustmark`, sid: randomBytes(16).toString('base64url'), auth_time: Math.floor(Date.now() / 1000) },
        120,
      );
      return json(200, { access_token: tokens.accessToken, token_type: 'Bearer', expires_in: tokens.expiresIn, id_token: idToken });
    },
  });

  server.route('GET', '/userinfo', (request) => {
    server.count('userinfo');
    if (!request.headers['user-agent']) return html(403, '<h1>Forbidden</h1>');
    const grant = bearerGrant(grants, request, () => ({ status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token", error_description="The Access Token expired"' } }));
    if (!isGrant(grant)) return grant;
    const scope = grant.scope.split(' ');
    const { user } = grant;
    return json(200, {
      sub: user.sub,
      ...(scope.includes('email') ? { email: user.email, email_verified: true } : {}),
      ...(scope.includes('phone') && user.phoneNumber ? { phone_number: user.phoneNumber, phone_number_verified: true } : {}),
    });
  });

  return {
    ...controls.handle,
    issuer,
    deleteAccount: (user) => grants.revokeGrantsOf((someone) => someone.sub === user.sub),
    lastClientAssertion: () => {
      if (lastAssertion === undefined) throw new Error('no token request has sent a client assertion');
      return lastAssertion;
    },
  };
}
