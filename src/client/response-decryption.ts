import { createHash, createPrivateKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { importJWK } from 'jose';
import * as oidc from 'openid-client';

/**
 * The private key a provider encrypts its ID tokens and userinfo answers to (JWE, RFC 7516; OpenID Connect Core
 * §10.2), for a client registered with `id_token_encrypted_response_alg`. The public half is what the app publishes
 * at `/auth/<name>/jwks.json` for the provider to encrypt with.
 */
export interface ClientDecryptionKey {
  /** PEM (PKCS#8, PKCS#1 or SEC1) or a private JWK as JSON text. */
  key: string;
  /** The `kid` the key is published under: the one configured, else its JWK file's own, else its RFC 7638 thumbprint. */
  keyId: string;
  /** The JWE key management algorithm the provider encrypts the content key with (RFC 7518 §4). */
  algorithm: string;
}

/** The key management algorithms openid-client decrypts with, by key type; the first is the default. */
const DECRYPTION_ALGORITHMS: Readonly<Record<'rsa' | 'ec', readonly string[]>> = {
  rsa: ['RSA-OAEP-256', 'RSA-OAEP', 'RSA-OAEP-384', 'RSA-OAEP-512'],
  ec: ['ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A192KW', 'ECDH-ES+A256KW'],
};

/** The key cannot decrypt with the algorithm asked (another of its type's can). */
export class DecryptionAlgorithmError extends Error {}

/** The smallest RSA modulus taken (RFC 7518 §4.3 asks for 2048 bits or more). */
const MIN_RSA_BITS = 2048;

/**
 * Reads a decryption key (PEM or a private JWK) and checks it can decrypt with `algorithm` (default: the first of
 * its type's), throwing an Error that says why not. RSA of 2048 bits or more, or EC on P-256: the only curve
 * openid-client takes for ECDH-ES.
 */
export function readDecryptionKey(text: string, algorithm: string | undefined, keyId: string | undefined): ClientDecryptionKey {
  const trimmed = text.trim();
  let key: KeyObject;
  try {
    key = trimmed.startsWith('{') ? createPrivateKey({ key: JSON.parse(trimmed) as JsonWebKey, format: 'jwk' }) : createPrivateKey(trimmed);
  } catch (error) {
    throw new Error(`it holds no private key in PEM or JWK form (${(error as Error).message})`, { cause: error });
  }
  const type = keyTypeOf(key);
  const allowed = DECRYPTION_ALGORITHMS[type];
  const chosen = algorithm ?? allowed[0]!;
  if (!allowed.includes(chosen)) {
    throw new DecryptionAlgorithmError(`an ${type === 'rsa' ? 'RSA' : 'EC'} key decrypts with ${allowed.join(', ')}, not ${chosen}`);
  }
  return { key: trimmed, keyId: keyId ?? ownKeyId(trimmed) ?? thumbprint(key), algorithm: chosen };
}

function keyTypeOf(key: KeyObject): 'rsa' | 'ec' {
  if (key.asymmetricKeyType === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) throw new Error(`an RSA key of ${bits} bits is too small to decrypt with (${MIN_RSA_BITS} or more)`);
    return 'rsa';
  }
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve !== 'prime256v1') throw new Error(`an EC key on curve ${curve ?? 'unknown'} cannot decrypt here (ECDH-ES takes P-256)`);
    return 'ec';
  }
  throw new Error(`a key of type ${key.asymmetricKeyType ?? 'secret'} cannot decrypt here (RSA or EC P-256 can)`);
}

/** The `kid` a JWK file names its key by, if it names one. */
function ownKeyId(text: string): string | undefined {
  if (!text.startsWith('{')) return undefined;
  const { kid } = JSON.parse(text) as { kid?: unknown };
  return typeof kid === 'string' && kid !== '' ? kid : undefined;
}

/** The key's RFC 7638 thumbprint (SHA-256 of its required public members, in order), base64url. */
function thumbprint(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  const members = jwk.kty === 'RSA' ? { e: jwk.e, kty: jwk.kty, n: jwk.n } : { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

/** The public half, as the provider encrypts to it: its `kid`, `use: enc` and the algorithm. */
export function decryptionPublicJwk(decryption: ClientDecryptionKey): Record<string, unknown> {
  const { kty, n, e, crv, x, y } = privateJwk(decryption);
  const members = kty === 'RSA' ? { kty, n, e } : { kty, crv, x, y };
  return { ...members, kid: decryption.keyId, use: 'enc', alg: decryption.algorithm };
}

/** The key as openid-client decrypts with it (enableDecryptingResponses), bound to its algorithm and `kid`. */
export async function importDecryptionKey(decryption: ClientDecryptionKey): Promise<oidc.DecryptionKey> {
  const key = (await importJWK(privateJwk(decryption), decryption.algorithm)) as oidc.DecryptionKey['key'];
  return { key, alg: decryption.algorithm, kid: decryption.keyId };
}

function privateJwk(decryption: ClientDecryptionKey): JsonWebKey {
  const text = decryption.key;
  return (text.startsWith('{') ? createPrivateKey({ key: JSON.parse(text) as JsonWebKey, format: 'jwk' }) : createPrivateKey(text)).export({ format: 'jwk' });
}

/**
 * The ID token of a token answer as it is kept: the signed JWT openid-client decrypted from an encrypted one while
 * validating the answer (so that what is kept can be read again, by the refresh's identity check and as a logout's
 * `id_token_hint`, without the key), else the answer's own. `response` must be openid-client's result object itself.
 */
export function keptIdToken(response: oidc.TokenEndpointResponse): string | undefined {
  const decrypted = oidc.getDecryptedResponses(response as Parameters<typeof oidc.getDecryptedResponses>[0]) as string | oidc.DecryptedAuthorizationCodeResponses | undefined;
  const inner = typeof decrypted === 'string' ? decrypted : decrypted?.id_token?.token_endpoint;
  return inner ?? response.id_token;
}
