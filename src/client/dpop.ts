/**
 * DPoP (RFC 9449): tokens bound to a key of the connection's own, for a provider configured with `dpop`. Each
 * connection gets a new ES256 key at sign-in, kept encrypted with its tokens; openid-client signs the proofs of its
 * token and userinfo requests with it, and the API calls made on the person's behalf carry a proof of their own
 * (oauth4webapi's protectedResourceRequest, over the streaming fetch). A provider's `DPoP-Nonce` is remembered per
 * key and origin, and a request it refused for want of one is sent once more with it (RFC 9449 §8, §9).
 */
import { createHash, randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';
import * as oauth from 'oauth4webapi';
import * as oidc from 'openid-client';

/** The algorithm of every connection's key: ES256, which RFC 9449 servers take first (oidc-provider, Keycloak, Okta). */
const ALGORITHM = 'ES256';

/** Handles kept per configuration, by key: each remembers the nonces its servers gave it. */
const HANDLES_KEPT = 1_000;
const handles = new WeakMap<oidc.Configuration, Map<string, Promise<oidc.DPoPHandle>>>();

/** A new key for a connection's proofs: the private JWK, as JSON, which is stored (encrypted) with its tokens. */
export async function newDPoPKey(): Promise<string> {
  const pair = await oidc.randomDPoPKeyPair(ALGORITHM, { extractable: true });
  return JSON.stringify({ ...(await exportJWK(pair.privateKey)), alg: ALGORITHM });
}

/** The RFC 7638 thumbprint of a stored key's public part: the `dpop_jkt` an authorization request binds its code to (RFC 9449 §10). */
export async function dpopThumbprint(stored: string): Promise<string> {
  const { kty, crv, x, y } = JSON.parse(stored) as JWK;
  return calculateJwkThumbprint({ kty, crv, x, y } as JWK, 'sha256');
}

async function keyPairOf(stored: string): Promise<oauth.CryptoKeyPair> {
  const jwk = JSON.parse(stored) as JWK;
  const { d: _private, ...publicJwk } = jwk;
  const privateKey = (await importJWK(jwk, ALGORITHM)) as CryptoKey;
  const publicKey = (await importJWK({ ...publicJwk, ext: true }, ALGORITHM)) as CryptoKey;
  return { privateKey, publicKey };
}

/** The DPoP handle of the connection's stored key for requests made with `config`, one per key and configuration. */
export function dpopHandle(config: oidc.Configuration, storedKey: string): Promise<oidc.DPoPHandle> {
  let byKey = handles.get(config);
  if (!byKey) handles.set(config, (byKey = new Map()));
  // Keyed by a digest, so the map holds no copy of the private key as a key.
  const id = createHash('sha256').update(storedKey).digest('base64url');
  let handle = byKey.get(id);
  if (handle === undefined) {
    if (byKey.size >= HANDLES_KEPT) byKey.delete(byKey.keys().next().value as string);
    handle = keyPairOf(storedKey).then((pair) => oidc.getDPoPHandle(config, pair));
    handle.catch(() => byKey.delete(id));
    byKey.set(id, handle);
  }
  return handle;
}

/** What sendWithProof needs of a request: its method and headers; the rest of it (body, signal) goes as it is. */
export interface ProvenRequest {
  method: string;
  headers: Record<string, string>;
}

/**
 * Sends an API call with the access token as `Authorization: DPoP` and a proof for its method and URL, through
 * `send`. A 401 that asks for a nonce (`use_dpop_nonce`) is sent once more with the one the answer gave, unless its
 * body was a stream, already gone; then that 401 is the answer. Any other answer, a 401 included, is returned as it is.
 */
export async function sendWithProof<Request extends ProvenRequest>(
  handle: oidc.DPoPHandle,
  send: (url: string, init: Request) => Promise<Response>,
  url: URL,
  request: Request,
  accessToken: string,
  options: { allowInsecureHttp: boolean; resendable: boolean },
): Promise<Response> {
  const attempt = async (): Promise<{ response: Response; needsNonce: boolean }> => {
    try {
      const response = await oauth.protectedResourceRequest(accessToken, request.method, url, new Headers(request.headers), undefined, {
        DPoP: handle,
        [oauth.allowInsecureRequests]: options.allowInsecureHttp,
        // The proof covers the method and URL, not the body: the body goes as the caller gave it, streamed or not.
        [oauth.customFetch]: (target, init) => send(target, { ...request, headers: provenHeaders(request.headers, init.headers as Record<string, string>) }),
      });
      return { response, needsNonce: false };
    } catch (error) {
      // An answer with a WWW-Authenticate challenge is still the API's answer; the handle kept any nonce it gave.
      if (error instanceof oauth.WWWAuthenticateChallengeError) return { response: error.response, needsNonce: oauth.isDPoPNonceError(error) };
      throw error;
    }
  };
  const first = await attempt();
  if (!first.needsNonce || !options.resendable) return first.response;
  await first.response.body?.cancel().catch(() => {});
  return (await attempt()).response;
}

/** The headers oauth4webapi sent, less the User-Agent of its own it adds where the caller gave none. */
function provenHeaders(given: Record<string, string>, sent: Record<string, string>): Record<string, string> {
  if (Object.keys(given).some((name) => name.toLowerCase() === 'user-agent')) return sent;
  const { 'user-agent': _added, ...rest } = sent;
  return rest;
}

/**
 * Revokes a token bound to `storedKey` at the configuration's RFC 7009 endpoint, with a DPoP proof of that key: a
 * server that binds tokens may take a revocation only from their key (AT Protocol's servers answer one without a
 * proof 200 and revoke nothing). oauth4webapi's revocation request takes headers but no DPoP handle, so the proof is
 * made here (RFC 9449 §4.2: `typ` dpop+jwt, the public key in the header; `jti`, `htm`, `htu`, `iat`, and the
 * server's `nonce` once it asked for one, §8). A refusal that asks for a nonce is answered once with it.
 */
export async function revokeWithProof(
  config: oidc.Configuration,
  clientAuth: oidc.ClientAuth,
  storedKey: string,
  token: string,
  hint: 'access_token' | 'refresh_token',
  options: { allowInsecureHttp: boolean; timeoutSeconds: number },
): Promise<void> {
  const server = config.serverMetadata();
  const endpoint = server.revocation_endpoint;
  if (endpoint === undefined) throw new Error('no revocation endpoint');
  let nonce: string | undefined;
  for (let attempt = 0; ; attempt += 1) {
    const response = await oauth.revocationRequest(server, config.clientMetadata(), clientAuth, token, {
      additionalParameters: { token_type_hint: hint },
      headers: { dpop: await proofOf(storedKey, 'POST', endpoint, nonce) },
      signal: AbortSignal.timeout(options.timeoutSeconds * 1000),
      [oauth.customFetch]: config[oidc.customFetch],
      [oauth.allowInsecureRequests]: options.allowInsecureHttp,
    });
    const offered = response.headers.get('dpop-nonce') ?? undefined;
    try {
      await oauth.processRevocationResponse(response);
      return;
    } catch (error) {
      if (attempt > 0 || offered === undefined || !(error instanceof oauth.ResponseBodyError) || error.error !== 'use_dpop_nonce') throw error;
      nonce = offered;
    }
  }
}

/** A DPoP proof (RFC 9449 §4.2) of a stored key for one request: `htu` without its query and fragment. */
async function proofOf(storedKey: string, method: string, url: string, nonce: string | undefined): Promise<string> {
  const { kty, crv, x, y } = JSON.parse(storedKey) as JWK;
  const { privateKey } = await keyPairOf(storedKey);
  const target = new URL(url);
  return new SignJWT({ jti: randomBytes(16).toString('base64url'), htm: method, htu: `${target.origin}${target.pathname}`, ...(nonce === undefined ? {} : { nonce }) })
    .setProtectedHeader({ typ: 'dpop+jwt', alg: ALGORITHM, jwk: { kty, crv, x, y } as JWK })
    .setIssuedAt()
    .sign(privateKey);
}

/** Whether an API's 401 asks for a DPoP nonce (RFC 9449 §9) rather than refusing the token. */
export function asksForNonce(response: Response): boolean {
  return response.status === 401 && /\bDPoP\b[^,]*\berror="?use_dpop_nonce"?/i.test(response.headers.get('www-authenticate') ?? '');
}
