/**
 * An emulator of Sign in with Apple for the web (the REST API), written from Apple's documentation:
 * - Request an authorization to the Sign in with Apple server (GET /auth/authorize; the answer
 *   to the redirect URI: `code`, `state`, and `user` the first time only):
 *   https://developer.apple.com/documentation/sign_in_with_apple/request_an_authorization_to_the_sign_in_with_apple_server
 * - Incorporating Sign in with Apple into other platforms (response_mode must be form_post when
 *   scopes are asked; a single-use code valid five minutes; `user` is a JSON string
 *   `{"name":{"firstName","lastName"},"email"}` of the scopes asked; a cancelled sign-in answers
 *   `error=user_cancelled_authorize` and the state):
 *   https://developer.apple.com/documentation/sign_in_with_apple/sign_in_with_apple_js/incorporating_sign_in_with_apple_into_other_platforms
 * - Generate and validate tokens (credentials in the form body; the client secret is an ES256 JWT
 *   with `kid` = key ID, iss = team ID, iat, exp at most 15777000 s (6 months) ahead, aud =
 *   https://appleid.apple.com, sub = client ID; a refresh brings no new refresh token; errors are
 *   `{"error": "invalid_client" | "invalid_grant" | …}`):
 *   https://developer.apple.com/documentation/sign_in_with_apple/generate_and_validate_tokens
 * - Revoke tokens (it ends "the tokens and associated user authorizations"; 200 also for a token
 *   already invalid, RFC 7009 §2.2): https://developer.apple.com/documentation/sign_in_with_apple/revoke_tokens
 * - Authenticating users with Sign in with Apple (the ID token's claims; `email_verified` and
 *   `is_private_email` may be strings or booleans: the emulator sends strings; no name claims):
 *   https://developer.apple.com/documentation/sign_in_with_apple/sign_in_with_apple_rest_api/authenticating_users_with_sign_in_with_apple
 * - Fetch Apple's public key for verifying token signature (GET /auth/keys):
 *   https://developer.apple.com/documentation/sign_in_with_apple/fetch_apple_s_public_key_for_verifying_token_signature
 * - Discovery as https://appleid.apple.com/.well-known/openid-configuration has it (no userinfo);
 *   the form_post page: https://openid.net/specs/oauth-v2-form-post-response-mode-1_0.html
 * `name` or `email` with another response_mode never reaches the client: Apple shows `invalid_request`
 * "response_mode must be form_post when name or email scope is requested." on its own page
 * (observed, not documented: e.g. https://github.com/nov/apple_id/issues/6); here a 400 page.
 * Only response_type=code is emulated. The person named with signInAs() approves at once.
 * The issuer is the emulator's origin (a deployment sets it as APPLE_ISSUER).
 */
import { createHash, type KeyObject } from 'node:crypto';
import { jwtVerify, type JWK } from 'jose';
import { codeRequest } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import { html, json, redirect, startEmulatorServer, type EmulatorReply } from './kit/emulator-server.js';
import { GrantStore, type Grant, type IssuedTokens } from './kit/grants.js';
import { createSigningKey } from './kit/signing.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface AppleUser {
  /** Apple's stable identifier of the person for the team, e.g. `001234.5f0c….1234`. */
  sub: string;
  /** The real address or a relay one (…@privaterelay.appleid.com). */
  email: string;
  emailVerified: boolean;
  isPrivateEmail: boolean;
  firstName: string;
  lastName: string;
}

export interface AppleEmulatorOptions {
  /** The Services ID, e.g. `com.example.web`. */
  clientId: string;
  /** The 10-character Team ID: the client secret's `iss`. */
  teamId: string;
  /** The ID of the client's Sign in with Apple key: the client secret's `kid`. */
  keyId: string;
  /** The public half of that ES256 key. */
  clientPublicKey: KeyObject | JWK;
  redirectUri: string;
  /** Epoch seconds (default: the real clock). */
  now?: () => number;
}

export interface AppleEmulator extends Omit<EmulatorHandle<AppleUser>, 'denyNextAuthorization' | 'failNextTokenRequest'> {
  /** The next authorization is cancelled by the person (answers `error=user_cancelled_authorize`). */
  denyNext(): void;
  /** How many live grants holding a refresh token the person has with the client. */
  liveRefreshTokens(sub: string): number;
  /** The parameters of every authorization request received, oldest first. */
  readonly authorizationRequests: readonly URLSearchParams[];
}

/** What a grant remembers of its authorization. */
type Authorization = { person: AppleUser; authTime: number };

/** Generate and validate tokens: a client secret may live no longer than this (6 months). */
const MAX_SECRET_LIFETIME = 15_777_000;

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const NAMED_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const unescapeHtml = (value: string) =>
  value.replace(/&(#x?)?([0-9a-z]+);/gi, (entity, hash: string | undefined, body: string) =>
    hash ? String.fromCodePoint(Number.parseInt(body, hash.length === 2 ? 16 : 10)) : (NAMED_ENTITIES[body.toLowerCase()] ?? entity),
  );

/** Takes apart a form_post answer: the form's action and its hidden inputs (values unescaped). */
export function readFormPost(page: string): { action: string; fields: URLSearchParams } {
  const action = /<form\b[^>]*\baction="([^"]*)"/i.exec(page)?.[1];
  if (action === undefined) throw new Error('no form in the page');
  const fields = new URLSearchParams();
  for (const [, name, value] of page.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)"/g)) fields.append(unescapeHtml(name!), unescapeHtml(value!));
  return { action: unescapeHtml(action), fields };
}

/** Form Post Response Mode §2: a page whose form posts the answer to the redirect URI as soon as it loads. */
function formPost(action: string, fields: Record<string, string>): EmulatorReply {
  const inputs = Object.entries(fields).map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}"/>`);
  return html(
    200,
    `<!DOCTYPE html><html><head><title>Sign in with Apple</title></head><body onload="document.forms[0].submit()">` +
      `<form method="post" action="${escapeHtml(action)}">${inputs.join('')}<noscript><button type="submit">Continue</button></noscript></form></body></html>`,
  );
}

/** Apple's own error page: the person stays there, nothing goes back to the client. */
const errorPage = (error: string, description: string) => html(400, `<!DOCTYPE html><html><body><h1>${error}</h1><p>${escapeHtml(description)}</p></body></html>`);

export async function startAppleEmulator(options: AppleEmulatorOptions): Promise<AppleEmulator> {
  const server = await startEmulatorServer();
  const issuer = server.origin;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  // Access tokens live an hour; the refresh token stays until revoked and is never replaced.
  const grants = new GrantStore<Authorization>({ now, accessTokenTtl: 3600, refreshPolicy: 'static', codeTtl: 300 });
  /** People who have authorized the client: they are not sent `user` again. */
  const authorized = new Set<string>();
  const authorizationRequests: URLSearchParams[] = [];
  const controls = emulatorControls<AppleUser>(server, grants);

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/auth/authorize`,
      token_endpoint: `${issuer}/auth/token`,
      revocation_endpoint: `${issuer}/auth/revoke`,
      jwks_uri: `${issuer}/auth/keys`,
      response_types_supported: ['code'],
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'email', 'name'],
      token_endpoint_auth_methods_supported: ['client_secret_post'],
      claims_supported: ['aud', 'email', 'email_verified', 'exp', 'iat', 'is_private_email', 'iss', 'nonce', 'nonce_supported', 'real_user_status', 'sub', 'transfer_sub'],
    }),
  );
  server.route('GET', '/auth/keys', () => json(200, key.jwks));

  /** The authorization answer in the response mode asked for. */
  const answer = (mode: string, fields: Record<string, string>): EmulatorReply => {
    if (mode === 'form_post') return formPost(options.redirectUri, fields);
    const back = new URL(options.redirectUri);
    if (mode === 'fragment') back.hash = new URLSearchParams(fields).toString();
    else for (const [name, value] of Object.entries(fields)) back.searchParams.set(name, value);
    return redirect(back);
  };

  server.route('GET', '/auth/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    authorizationRequests.push(new URLSearchParams(query));
    if (query.get('client_id') !== options.clientId) return errorPage('invalid_client', 'Invalid client id or web redirect url.');
    if (query.get('redirect_uri') !== options.redirectUri) return errorPage('invalid_request', 'Invalid web redirect url.');
    if (query.get('response_type') !== 'code') return errorPage('unsupported_response_type', 'Unsupported response_type.');
    const mode = query.get('response_mode') ?? 'query';
    if (!['query', 'fragment', 'form_post'].includes(mode)) return errorPage('invalid_request', 'Invalid response mode.');
    const scopes = (query.get('scope') ?? '').split(' ').filter(Boolean);
    if ((scopes.includes('name') || scopes.includes('email')) && mode !== 'form_post') {
      return errorPage('invalid_request', 'response_mode must be form_post when name or email scope is requested.');
    }
    const state = query.get('state');
    const withState = (fields: Record<string, string>): Record<string, string> => (state === null ? fields : { ...fields, state });
    const user = controls.approver();
    if (!user) return answer(mode, withState({ error: 'user_cancelled_authorize' }));
    const code = grants.issueCode(codeRequest(query, options, { person: user, authTime: now() }));
    const fields = withState({ code });
    if (!authorized.has(user.sub)) {
      authorized.add(user.sub);
      // Only the first authorization carries the name and email, and only those asked for.
      const shared = {
        ...(scopes.includes('name') ? { name: { firstName: user.firstName, lastName: user.lastName } } : {}),
        ...(scopes.includes('email') ? { email: user.email } : {}),
      };
      if (Object.keys(shared).length > 0) fields.user = JSON.stringify(shared);
    }
    return answer(mode, fields);
  });

  /** client_secret_post only: the client ID and the ES256 client secret JWT in the form body. */
  const clientAuthenticated = async (form: URLSearchParams): Promise<boolean> => {
    const secret = form.get('client_secret');
    if (form.get('client_id') !== options.clientId || !secret) return false;
    try {
      const { payload, protectedHeader } = await jwtVerify(secret, options.clientPublicKey, {
        algorithms: ['ES256'], issuer: options.teamId, audience: 'https://appleid.apple.com', subject: options.clientId,
        requiredClaims: ['iat', 'exp'], currentDate: new Date(now() * 1000),
      });
      const { iat, exp } = payload as { iat: number; exp: number };
      return protectedHeader.kid === options.keyId && exp - iat <= MAX_SECRET_LIFETIME && exp <= now() + MAX_SECRET_LIFETIME;
    } catch {
      return false;
    }
  };

  const tokenAnswer = async (grant: Grant<Authorization>, tokens: IssuedTokens, nonce: string | undefined): Promise<EmulatorReply> => {
    const { person, authTime } = grant.user;
    const idToken = await key.signIdToken({
      iss: issuer, aud: options.clientId, sub: person.sub, auth_time: authTime,
      at_hash: createHash('sha256').update(tokens.accessToken).digest().subarray(0, 16).toString('base64url'),
      nonce_supported: true,
      ...(nonce !== undefined ? { nonce } : {}),
      ...(grant.scope.split(' ').includes('email')
        ? { email: person.email, email_verified: String(person.emailVerified), is_private_email: String(person.isPrivateEmail) }
        : {}),
    });
    const refreshToken = tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {};
    return json(200, { access_token: tokens.accessToken, token_type: 'Bearer', expires_in: tokens.expiresIn, ...refreshToken, id_token: idToken }, { 'cache-control': 'no-store' });
  };

  tokenEndpoint(server, '/auth/token', {
    client: options,
    grants,
    authenticates: (request) => clientAuthenticated(request.form()),
    errors: { client: () => oauthError(400, 'invalid_client') },
    answer: ({ grantType, grant, tokens }) => tokenAnswer(grant, tokens, grantType === 'authorization_code' ? grant.nonce : undefined),
  });

  server.route('POST', '/auth/revoke', async (request) => {
    server.count('revoke');
    const form = request.form();
    if (!(await clientAuthenticated(form))) return json(400, { error: 'invalid_client' });
    const grant = grants.grantOfToken(form.get('token') ?? '');
    // Either token ends the authorization it belongs to; once the person has none left with the
    // client, their next authorization is a first one again (and carries `user`).
    if (grant && grant.clientId === options.clientId && !grant.revoked) {
      grants.revokeGrant(grant.id);
      const { sub } = grant.user.person;
      if (!grants.liveGrants(options.clientId).some((live) => live.user.person.sub === sub)) authorized.delete(sub);
    }
    return { status: 200 };
  });

  return {
    ...controls.handle,
    origin: issuer,
    denyNext: controls.handle.denyNextAuthorization,
    liveRefreshTokens: (sub) => grants.liveGrants(options.clientId).filter((grant) => grant.user.person.sub === sub && grants.hasRefreshToken(grant.id)).length,
    authorizationRequests,
  };
}
