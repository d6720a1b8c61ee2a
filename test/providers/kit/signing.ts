/**
 * ID token signing for emulated OpenID providers: one key pair, its public
 * JWKS (RFC 7517) to publish, and signed ID tokens (OIDC Core §2).
 */
import { createHash, randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';

export interface SigningKey {
  readonly kid: string;
  readonly alg: 'RS256' | 'ES256';
  /** `{ keys: [publicJwk] }`, as the provider's jwks_uri serves it. */
  readonly jwks: { keys: JWK[] };
  /** Signs an ID token with `iat` and `exp` set (lifetime in seconds, default 3600), unless `claims` sets them. */
  signIdToken(claims: JWTPayload, lifetimeSeconds?: number): Promise<string>;
}

export async function createSigningKey(alg: 'RS256' | 'ES256' = 'RS256', now: () => number = () => Math.floor(Date.now() / 1000)): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = randomBytes(8).toString('hex');
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return {
    kid,
    alg,
    jwks: { keys: [publicJwk] },
    signIdToken: (claims, lifetimeSeconds = 3600) => {
      const issuedAt = now();
      return new SignJWT({ iat: issuedAt, exp: issuedAt + lifetimeSeconds, ...claims })
        .setProtectedHeader({ alg, kid, typ: 'JWT' })
        .sign(privateKey);
    },
  };
}

/** An ID token's `at_hash` for an RS256 or ES256 token: the left half of the access token's SHA-256, base64url (OIDC Core §3.1.3.6). */
export function atHash(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url');
}

/** Signs `claims` as the ID token of `grant`, bound to `accessToken` by `at_hash` and to the authorization request by its `nonce` when it had one (OIDC Core §3.1.3.6, §3.1.2.1); `lifetimeSeconds` as `signIdToken`'s. */
export function grantIdToken(key: SigningKey, grant: { nonce: string | undefined }, accessToken: string, claims: JWTPayload, lifetimeSeconds?: number): Promise<string> {
  return key.signIdToken({ ...claims, at_hash: atHash(accessToken), ...(grant.nonce ? { nonce: grant.nonce } : {}) }, lifetimeSeconds);
}
