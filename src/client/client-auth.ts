import { createPrivateKey, type KeyObject } from 'node:crypto';
import { importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';
import * as oidc from 'openid-client';
import { plainBasicAuthorization } from './provider-hooks.js';
import type { ProviderSettings } from './provider-settings.js';

/** The JWS algorithm a private key signs client assertions with (RFC 7518 §3.1). */
export function signingAlgorithmOf(key: KeyObject): string {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return 'RS256';
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      if (curve === 'prime256v1') return 'ES256';
      if (curve === 'secp384r1') return 'ES384';
      if (curve === 'secp521r1') return 'ES512';
      throw new Error(`an EC key on curve ${curve ?? 'unknown'} cannot sign a client assertion (P-256, P-384 or P-521 can)`);
    }
    case 'ed25519':
      return 'EdDSA';
    default:
      throw new Error(`a ${key.asymmetricKeyType ?? 'symmetric'} key cannot sign a client assertion (RSA, EC or Ed25519 can)`);
  }
}

/** Parses a private key given as PEM or as a private JWK (JSON), checking that it can sign. */
export function readClientPrivateKey(text: string): KeyObject {
  const trimmed = text.trim();
  let key: KeyObject;
  try {
    key = trimmed.startsWith('{') ? createPrivateKey({ key: JSON.parse(trimmed) as JWK & { kty: string }, format: 'jwk' }) : createPrivateKey(trimmed);
  } catch (error) {
    throw new Error(`it holds no private key in PEM or JWK form (${(error as Error).message})`, { cause: error });
  }
  signingAlgorithmOf(key);
  return key;
}

/** HTTP Basic with `client_id:secret` as they are (RFC 7617), not form-encoded first. */
function plainBasic(clientSecret: string): oidc.ClientAuth {
  return (_server, client, _body, headers) => {
    headers.set('authorization', plainBasicAuthorization(client.client_id, clientSecret));
  };
}

/** How long a signed client secret is made for, and how long before its end a new one is made. */
const SIGNED_SECRET_SECONDS = 3600;
const SIGNED_SECRET_RENEWAL_SECONDS = 300;

/**
 * client_secret_post with a secret signed here (see ProviderSettings.signedClientSecret): one JWT for an hour,
 * then a new one (Apple accepts up to six months; a short one is worth less to whoever might see it).
 */
async function signedSecretPost(settings: ProviderSettings, now: () => number): Promise<oidc.ClientAuth> {
  const { privateKey, signedClientSecret } = settings;
  if (!privateKey?.keyId || !signedClientSecret) throw new Error(`provider ${settings.name} signs its client secret without a private key and key id`);
  const keyObject = readClientPrivateKey(privateKey.key);
  const alg = signingAlgorithmOf(keyObject);
  const key = (await importJWK(keyObject.export({ format: 'jwk' }), alg)) as CryptoKey;
  let current: { secret: Promise<string>; expiresAt: number } | undefined;
  const secretFor = (clientId: string) => {
    const issuedAt = now();
    if (current === undefined || current.expiresAt - SIGNED_SECRET_RENEWAL_SECONDS <= issuedAt) {
      const expiresAt = issuedAt + SIGNED_SECRET_SECONDS;
      const secret = new SignJWT({})
        .setProtectedHeader({ alg, kid: privateKey.keyId! })
        .setIssuer(signedClientSecret.teamId)
        .setSubject(clientId)
        .setAudience(signedClientSecret.audience)
        .setIssuedAt(issuedAt)
        .setExpirationTime(expiresAt)
        .sign(key);
      current = { secret, expiresAt };
    }
    return current.secret;
  };
  return async (_server, client, body) => {
    body.set('client_id', client.client_id);
    body.set('client_secret', await secretFor(client.client_id));
  };
}

/** openid-client's client authentication for the configured method (RFC 6749 §2.3, RFC 7523 §2.2). */
export async function clientAuthentication(settings: ProviderSettings, now: () => number = () => Math.floor(Date.now() / 1000)): Promise<oidc.ClientAuth> {
  if (settings.signedClientSecret) return signedSecretPost(settings, now);
  switch (settings.tokenEndpointAuthMethod) {
    case 'client_secret_post':
      return oidc.ClientSecretPost(settings.clientSecret);
    case 'client_secret_jwt':
      return oidc.ClientSecretJwt(settings.clientSecret);
    case 'none':
      return oidc.None();
    case 'private_key_jwt': {
      if (!settings.privateKey) throw new Error(`provider ${settings.name} uses private_key_jwt without a private key`);
      const keyObject = readClientPrivateKey(settings.privateKey.key);
      const key = (await importJWK(keyObject.export({ format: 'jwk' }), signingAlgorithmOf(keyObject))) as CryptoKey;
      const signingKey = settings.privateKey.keyId ? { key, kid: settings.privateKey.keyId } : key;
      if (settings.clientAssertionAudience !== 'token_endpoint') return oidc.PrivateKeyJwt(signingKey);
      // The audience is the endpoint this request goes to, which only the request knows.
      return (server, client, body, headers) => {
        const toTokenEndpoint = (_header: unknown, payload: { aud?: unknown }) => {
          payload.aud = server.token_endpoint;
        };
        return oidc.PrivateKeyJwt(signingKey, { [oidc.modifyAssertion]: toTokenEndpoint })(server, client, body, headers);
      };
    }
    default:
      return settings.basicCredentials === 'plain' ? plainBasic(settings.clientSecret) : oidc.ClientSecretBasic(settings.clientSecret);
  }
}
