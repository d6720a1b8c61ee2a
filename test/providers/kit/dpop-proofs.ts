/**
 * DPoP proofs (RFC 9449) as an emulated server checks them: the `DPoP`
 * header is one JWT (§4.2) whose header has `typ: dpop+jwt`, an asymmetric
 * `alg` (ES256 here, the one algorithm atproto requires) and the public
 * `jwk` it is signed with, no private member; its claims are `jti`, `htm`
 * (the request's method), `htu` (the request's URL, query and fragment
 * ignored), `iat` (recent), `ath` (base64url SHA-256 of the access token) on
 * a resource request, and `nonce` where the server asks for one (§8, §9).
 * Each proof is taken once: a `jti` seen before is refused (§11.1). The key's
 * RFC 7638 thumbprint is what a server binds codes and tokens to (`jkt`).
 *
 * A server that requires nonces answers a proof without the current one
 * with `use_dpop_nonce` and a fresh nonce in the `DPoP-Nonce` header: 400
 * with a JSON error from an authorization server (§8), 401 with a
 * `WWW-Authenticate: DPoP` challenge from a resource server (§9). The nonce
 * before a rotation stays good, as servers should accept a recently stale
 * one for requests already in flight.
 */
import { createHash, randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, jwtVerify, type JWK, type JWTPayload } from 'jose';
import type { EmulatorRequest } from './emulator-server.js';

export interface DpopProof {
  /** The RFC 7638 thumbprint of the proof's key. */
  jkt: string;
  /** The public key the proof carried. */
  jwk: JWK;
  claims: JWTPayload;
}

export type DpopCheck =
  | ({ ok: true } & DpopProof)
  | {
      ok: false;
      /** `use_dpop_nonce`: the proof is good but lacks the current nonce; `invalid_dpop_proof`: anything else. */
      error: 'invalid_dpop_proof' | 'use_dpop_nonce';
      description: string;
    };

export interface DpopVerifierOptions {
  /** Whether every proof must carry the server's current nonce (atproto: always). Default true. */
  requireNonce?: boolean;
  /** Epoch seconds that `iat` is compared with (default: the real clock, whatever clock the grants keep). */
  now?: () => number;
  /** How old (seconds) a proof may be, and how far ahead of the clock (default 60 and 5). */
  maxAgeSeconds?: number;
  maxSkewSeconds?: number;
}

export interface DpopVerifier {
  /** The nonce proofs must carry now; sent back on every answer as `DPoP-Nonce`. */
  readonly nonce: string;
  /** A new nonce; the one before stays good until the next rotation. Returns the new one. */
  rotateNonce(): string;
  /** Checks the request's proof for `origin` (the server's own, as the client addressed it), and `ath` when `accessToken` is given. */
  check(request: EmulatorRequest, origin: string, accessToken?: string): Promise<DpopCheck>;
  /** Every proof checked, in order, with what was decided. */
  readonly seen: ReadonlyArray<{ method: string; path: string; check: DpopCheck }>;
}

/** base64url(SHA-256(access token)): a proof's `ath` (RFC 9449 §4.2). */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest('base64url');
}

const withoutQuery = (url: string): string | undefined => {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return undefined;
  }
};

const refuse = (description: string): DpopCheck => ({ ok: false, error: 'invalid_dpop_proof', description });

export function dpopVerifier(options: DpopVerifierOptions = {}): DpopVerifier {
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const maxAge = options.maxAgeSeconds ?? 60;
  const maxSkew = options.maxSkewSeconds ?? 5;
  const requireNonce = options.requireNonce ?? true;
  const newNonce = () => randomBytes(16).toString('base64url');
  let nonce = newNonce();
  let previous: string | undefined;
  const jtis = new Set<string>();
  const seen: Array<{ method: string; path: string; check: DpopCheck }> = [];

  const decide = async (request: EmulatorRequest, origin: string, accessToken: string | undefined): Promise<DpopCheck> => {
    const header = request.headers.dpop;
    if (typeof header !== 'string' || header === '') return refuse('DPoP proof required');
    if (header.includes(',')) return refuse('one DPoP proof per request');
    let protectedHeader: ReturnType<typeof decodeProtectedHeader>;
    try {
      protectedHeader = decodeProtectedHeader(header);
    } catch {
      return refuse('DPoP proof is not a JWT');
    }
    const jwk = protectedHeader.jwk as JWK | undefined;
    if (protectedHeader.typ !== 'dpop+jwt') return refuse('DPoP proof typ must be dpop+jwt');
    if (protectedHeader.alg !== 'ES256') return refuse('DPoP proof alg must be ES256');
    if (!jwk || typeof jwk !== 'object') return refuse('DPoP proof carries no jwk');
    if (['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'].some((member) => member in jwk)) return refuse('DPoP proof jwk holds private key material');
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(header, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256'] }));
    } catch {
      return refuse('DPoP proof signature does not verify');
    }
    if (typeof claims.jti !== 'string' || claims.jti === '') return refuse('DPoP proof has no jti');
    if (claims.htm !== request.method) return refuse('DPoP proof htm is not the request method');
    const htu = typeof claims.htu === 'string' ? withoutQuery(claims.htu) : undefined;
    if (htu !== `${origin}${request.url.pathname}`) return refuse('DPoP proof htu is not the request URL');
    if (typeof claims.iat !== 'number' || claims.iat < now() - maxAge || claims.iat > now() + maxSkew) return refuse('DPoP proof iat is out of range');
    if (accessToken !== undefined && claims.ath !== accessTokenHash(accessToken)) return refuse('DPoP proof ath does not match the access token');
    if (jtis.has(claims.jti)) return refuse('DPoP proof replayed');
    if (requireNonce && (typeof claims.nonce !== 'string' || (claims.nonce !== nonce && claims.nonce !== previous))) {
      return { ok: false, error: 'use_dpop_nonce', description: 'a DPoP nonce from this server is required' };
    }
    jtis.add(claims.jti);
    return { ok: true, jkt: await calculateJwkThumbprint(jwk), jwk, claims };
  };

  return {
    get nonce() {
      return nonce;
    },
    rotateNonce: () => {
      previous = nonce;
      nonce = newNonce();
      return nonce;
    },
    check: async (request, origin, accessToken) => {
      const check = await decide(request, origin, accessToken);
      seen.push({ method: request.method, path: request.url.pathname + request.url.search, check });
      return check;
    },
    seen,
  };
}
