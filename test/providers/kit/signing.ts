/**
 * ID token signing for emulated OpenID providers: one key pair, its public
 * JWKS (RFC 7517) to publish, and signed ID tokens (OIDC Core §2).
 */
import { randomBytes } from 'node:crypto';
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
