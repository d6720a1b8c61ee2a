/**
 * A small OpenID provider for tests that can be told to misbehave. It speaks
 * the protocol and nothing more: the authorization endpoint redirects straight
 * back with `code`, `state` and `iss` (no login page), the token endpoint
 * checks the client (client_secret_basic), the code's redirect URI and its
 * PKCE verifier, and every ID token is signed with `jose`.
 *
 *   const hostile = await startHostileProvider({ clientId, clientSecret });
 *   hostile.misbehave({ idToken: { claims: { iss: 'https://evil.example' } } });
 *   …sign in through the app…
 *   hostile.behave();
 *   await hostile.close();
 *
 * A misbehaviour holds until the next misbehave() or behave(); it applies to
 * every grant, so a test that wants a hostile refresh signs in first and
 * misbehaves afterwards.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { base64url, exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

/** How an ID token is signed, when not as it should be. */
export type IdTokenSigning =
  /** Signed properly, then its payload changed (an `email` claim added), so the signature no longer matches. */
  | 'tampered-payload'
  /** Signed by a key the provider never published, under the published key's `kid`. */
  | 'forged-key'
  /** Signed by a key the provider never published, under a `kid` of its own (a rotation not published in the JWKS). */
  | 'unpublished-key'
  /** `alg: none`, no signature. */
  | 'none'
  /** HS256 with the provider's public key (its PEM text) used as the HMAC secret. */
  | 'hs256-with-public-key';

export interface IdTokenMisbehaviour {
  signing?: IdTokenSigning;
  /** The `kid` header to claim (the token is still signed by the current key). */
  kid?: string;
  /** Claims to set on top of the proper ones; a claim set to `undefined` is left out. */
  claims?: Record<string, unknown>;
}

/** What the token endpoint answers instead of its proper answer. */
export type EndpointFault =
  /** This JSON (any value: `null`, `[]`, `{ error }`…) with this status (default 200). */
  | { kind: 'json'; body: unknown; status?: number; headers?: Record<string, string> }
  /** This raw body; `chunked` sends it without a Content-Length. */
  | { kind: 'raw'; body: string | Buffer; contentType: string; status?: number; headers?: Record<string, string>; chunked?: boolean }
  /** The proper answer with fields changed; a field set to `undefined` is removed. */
  | { kind: 'edit'; set: Record<string, unknown> }
  /** The proper answer, after `ms`. */
  | { kind: 'slow'; ms: number }
  /** The connection is destroyed without an answer. */
  | { kind: 'reset' };

export interface Misbehaviour {
  /** Fields merged into the discovery document, e.g. `{ issuer: 'https://other.example' }`. */
  discovery?: Record<string, unknown>;
  /** The RFC 9207 `iss` in the redirect back: another value, or `null` to leave it out. */
  callbackIss?: string | null;
  idToken?: IdTokenMisbehaviour;
  tokenEndpoint?: EndpointFault;
  /** Claims set on top of the userinfo answer (e.g. another `sub`). */
  userinfo?: Record<string, unknown>;
}

export interface HostileUser {
  sub: string;
  name?: string;
  email?: string;
}

export interface HostileProviderOptions {
  clientId: string;
  clientSecret: string;
}

export interface HostileProviderStats {
  authorizations: number;
  authorizationCodeGrants: number;
  refreshTokenGrants: number;
  jwksFetches: number;
}

export interface HostileProvider {
  /** http://127.0.0.1:PORT, also the `issuer` it publishes (unless told otherwise). */
  readonly issuer: string;
  readonly stats: HostileProviderStats;
  /** Misbehave from now on (replaces any previous misbehaviour). */
  misbehave(misbehaviour: Misbehaviour): void;
  /** Back to proper answers. */
  behave(): void;
  /** The user the next authorizations are for. */
  signInAs(user: HostileUser): void;
  /**
   * A logout token (OpenID Connect Back-Channel Logout 1.0 §2.4) for this
   * client: iss, aud, iat, jti and the logout event, then `claims` on top (a
   * claim set to `undefined` is left out), signed as ID tokens are, so
   * misbehave({ idToken }) applies; `typ` in its header (default logout+jwt,
   * `null` none).
   */
  logoutToken(claims: Record<string, unknown>, typ?: string | null): Promise<string>;
  /**
   * A key rotation: a new signing key replaces the current one, and the JWKS
   * lists only the new key. (A rotation the JWKS does not show is the
   * `unpublished-key` misbehaviour.)
   */
  rotateSigningKey(): Promise<void>;
  close(): Promise<void>;
}

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  nonce: string | undefined;
  scope: string;
  user: HostileUser;
}

interface Grant {
  user: HostileUser;
  scope: string;
}

async function newSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomBytes(8).toString('hex');
  return { kid, privateKey, publicKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

function randomToken(): string {
  return randomBytes(24).toString('base64url');
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(text);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** RFC 6749 §2.3.1: the client id and secret are form-encoded before Basic encoding. */
function basicCredentials(req: IncomingMessage): { clientId: string; clientSecret: string } | null {
  const match = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { clientId: decodeURIComponent(decoded.slice(0, colon)), clientSecret: decodeURIComponent(decoded.slice(colon + 1)) };
}

function withOverrides(base: Record<string, unknown>, overrides: Record<string, unknown> | undefined): Record<string, unknown> {
  const result = { ...base, ...overrides };
  for (const [name, value] of Object.entries(result)) if (value === undefined) delete result[name];
  return result;
}

export async function startHostileProvider(options: HostileProviderOptions): Promise<HostileProvider> {
  let signingKey = await newSigningKey();
  // Made once: RSA key generation can take longer than the app's provider timeout in tests.
  const forgerKey = await newSigningKey();
  let publishedKeys: SigningKey[] = [signingKey];
  let misbehaviour: Misbehaviour = {};
  let user: HostileUser = { sub: 'hostile-user', name: 'Hostile User', email: 'user@hostile.test' };
  const codes = new Map<string, IssuedCode>();
  const refreshTokens = new Map<string, Grant>();
  const accessTokens = new Map<string, Grant>();
  const sockets = new Set<Socket>();
  const stats: HostileProviderStats = { authorizations: 0, authorizationCodeGrants: 0, refreshTokenGrants: 0, jwksFetches: 0 };
  let issuer = '';

  /** An ID token, or with `typ` another JWT signed the same way (a logout token), as misbehaviour.idToken says. */
  async function signIdToken(claims: Record<string, unknown>, typ?: string): Promise<string> {
    const bad = misbehaviour.idToken ?? {};
    const payload = withOverrides(claims, bad.claims);
    const kid = bad.kid ?? signingKey.kid;
    const typed = typ === undefined ? {} : { typ };
    switch (bad.signing) {
      case undefined:
        return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid, ...typed }).sign(signingKey.privateKey);
      case 'tampered-payload': {
        const [header, , signature] = (await new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid, ...typed }).sign(signingKey.privateKey)).split('.');
        return `${header}.${base64url.encode(JSON.stringify({ ...payload, email: 'attacker@evil.example' }))}.${signature}`;
      }
      case 'forged-key':
      case 'unpublished-key': {
        const forgedKid = bad.signing === 'forged-key' ? kid : (bad.kid ?? forgerKey.kid);
        return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: forgedKid, ...typed }).sign(forgerKey.privateKey);
      }
      case 'none':
        return `${base64url.encode(JSON.stringify({ alg: 'none', ...typed }))}.${base64url.encode(JSON.stringify(payload))}.`;
      case 'hs256-with-public-key': {
        const secret = new TextEncoder().encode(await exportSPKI(signingKey.publicKey));
        return new SignJWT(payload).setProtectedHeader({ alg: 'HS256', kid, ...typed }).sign(secret);
      }
    }
  }

  async function tokenResponse(grant: Grant, nonce: string | undefined): Promise<Record<string, unknown>> {
    const accessToken = randomToken();
    const refreshToken = randomToken();
    accessTokens.set(accessToken, grant);
    refreshTokens.set(refreshToken, grant);
    const now = Math.floor(Date.now() / 1000);
    const response: Record<string, unknown> = {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: 300,
      refresh_token: refreshToken,
      scope: grant.scope,
    };
    if (grant.scope.split(' ').includes('openid')) {
      response.id_token = await signIdToken({
        iss: issuer,
        sub: grant.user.sub,
        aud: options.clientId,
        iat: now,
        exp: now + 300,
        ...(nonce !== undefined ? { nonce } : {}),
      });
    }
    return response;
  }

  /** Answers with the fault, or returns the proper body for the caller to edit and send. */
  async function sendTokenAnswer(req: IncomingMessage, res: ServerResponse, answer: () => Promise<Record<string, unknown>>): Promise<void> {
    const fault = misbehaviour.tokenEndpoint;
    switch (fault?.kind) {
      case undefined:
        return sendJson(res, 200, await answer());
      case 'json':
        return sendJson(res, fault.status ?? 200, fault.body, fault.headers);
      case 'raw':
        res.writeHead(fault.status ?? 200, { 'content-type': fault.contentType, ...(fault.chunked ? {} : { 'content-length': String(Buffer.byteLength(fault.body)) }), ...fault.headers });
        if (fault.chunked) {
          const body = Buffer.from(fault.body);
          for (let offset = 0; offset < body.length; offset += 64 * 1024) {
            if (!res.write(body.subarray(offset, offset + 64 * 1024))) await new Promise((resolve) => res.once('drain', resolve));
            if (res.destroyed) return;
          }
          res.end();
        } else {
          res.end(fault.body);
        }
        return;
      case 'edit':
        return sendJson(res, 200, withOverrides(await answer(), fault.set));
      case 'slow': {
        const body = await answer();
        await sleep(fault.ms);
        if (!res.destroyed) sendJson(res, 200, body);
        return;
      }
      case 'reset':
        req.socket.destroy();
        return;
    }
  }

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = await readForm(req);
    const client = basicCredentials(req);
    if (!client || client.clientId !== options.clientId || client.clientSecret !== options.clientSecret) {
      return sendJson(res, 401, { error: 'invalid_client' }, { 'www-authenticate': 'Basic realm="token"' });
    }
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') {
      stats.authorizationCodeGrants += 1;
      const code = form.get('code') ?? '';
      const issued = codes.get(code);
      codes.delete(code);
      const verifier = form.get('code_verifier') ?? '';
      // RFC 7636 §4.6: BASE64URL(SHA256(code_verifier)) must equal the stored challenge.
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      if (!issued || issued.clientId !== client.clientId || issued.redirectUri !== form.get('redirect_uri') || issued.codeChallenge !== challenge) {
        return sendJson(res, 400, { error: 'invalid_grant' });
      }
      return sendTokenAnswer(req, res, () => tokenResponse({ user: issued.user, scope: issued.scope }, issued.nonce));
    }
    if (grantType === 'refresh_token') {
      stats.refreshTokenGrants += 1;
      const presented = form.get('refresh_token') ?? '';
      const grant = refreshTokens.get(presented);
      if (!grant) return sendJson(res, 400, { error: 'invalid_grant' });
      // Rotated only when the answer is a proper one: a faulty answer leaves the old refresh token usable.
      return sendTokenAnswer(req, res, async () => {
        refreshTokens.delete(presented);
        return tokenResponse(grant, undefined);
      });
    }
    return sendJson(res, 400, { error: 'unsupported_grant_type' });
  }

  function authorize(url: URL, res: ServerResponse): void {
    const params = url.searchParams;
    const redirectUri = params.get('redirect_uri');
    if (params.get('client_id') !== options.clientId || !redirectUri || params.get('response_type') !== 'code' || params.get('code_challenge_method') !== 'S256') {
      return sendJson(res, 400, { error: 'invalid_request' });
    }
    stats.authorizations += 1;
    const code = randomToken();
    codes.set(code, {
      clientId: options.clientId,
      redirectUri,
      codeChallenge: params.get('code_challenge') ?? '',
      nonce: params.get('nonce') ?? undefined,
      scope: params.get('scope') ?? '',
      user,
    });
    const back = new URL(redirectUri);
    back.searchParams.set('code', code);
    const state = params.get('state');
    if (state !== null) back.searchParams.set('state', state);
    // RFC 9207 §2: the issuer identifier in the authorization response.
    const iss = misbehaviour.callbackIss === undefined ? issuer : misbehaviour.callbackIss;
    if (iss !== null) back.searchParams.set('iss', iss);
    res.writeHead(303, { location: back.toString() });
    res.end();
  }

  function bearerGrant(req: IncomingMessage): Grant | undefined {
    const match = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '');
    return match ? accessTokens.get(match[1]!) : undefined;
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', issuer);
    switch (`${req.method} ${url.pathname}`) {
      case 'GET /.well-known/openid-configuration':
        return sendJson(
          res,
          200,
          withOverrides(
            {
              issuer,
              authorization_endpoint: `${issuer}/authorize`,
              token_endpoint: `${issuer}/token`,
              userinfo_endpoint: `${issuer}/userinfo`,
              jwks_uri: `${issuer}/jwks`,
              response_types_supported: ['code'],
              grant_types_supported: ['authorization_code', 'refresh_token'],
              subject_types_supported: ['public'],
              id_token_signing_alg_values_supported: ['RS256'],
              token_endpoint_auth_methods_supported: ['client_secret_basic'],
              code_challenge_methods_supported: ['S256'],
              scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
              authorization_response_iss_parameter_supported: true,
            },
            misbehaviour.discovery,
          ),
        );
      case 'GET /jwks':
        stats.jwksFetches += 1;
        return sendJson(res, 200, { keys: publishedKeys.map((key) => key.publicJwk) });
      case 'GET /authorize':
        return authorize(url, res);
      case 'POST /token':
        return token(req, res);
      case 'GET /userinfo':
      case 'GET /api/profile': {
        const grant = bearerGrant(req);
        if (!grant) return sendJson(res, 401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
        const { sub, name, email } = grant.user;
        const claims = { sub, ...(name ? { name } : {}), ...(email ? { email } : {}) };
        return sendJson(res, 200, url.pathname === '/userinfo' ? withOverrides(claims, misbehaviour.userinfo) : claims);
      }
      default:
        return sendJson(res, 404, { error: 'not_found' });
    }
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error', error_description: String(error) });
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    issuer,
    stats,
    misbehave: (next) => {
      misbehaviour = next;
    },
    behave: () => {
      misbehaviour = {};
    },
    logoutToken: (claims, typ = 'logout+jwt') =>
      signIdToken(
        withOverrides(
          {
            iss: issuer,
            aud: options.clientId,
            iat: Math.floor(Date.now() / 1000),
            jti: randomToken(),
            events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
          },
          claims,
        ),
        typ ?? undefined,
      ),
    signInAs: (next) => {
      user = next;
    },
    rotateSigningKey: async () => {
      signingKey = await newSigningKey();
      publishedKeys = [signingKey];
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
