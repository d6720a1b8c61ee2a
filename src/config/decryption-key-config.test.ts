import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { decryptionPublicJwk } from '../client/response-decryption.js';
import { ConfigError } from './config-error.js';
import { providerSettings } from './provider-config.js';

const folder = mkdtempSync(join(tmpdir(), 'tokenkeeper-decryption-config-'));
function keyFile(name: string, { privateKey }: { privateKey: KeyObject }): string {
  const path = join(folder, name);
  writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return path;
}
const rsa = keyFile('rsa.pem', generateKeyPairSync('rsa', { modulusLength: 2048 }));
const smallRsa = keyFile('small.pem', generateKeyPairSync('rsa', { modulusLength: 1024 }));
const p256 = keyFile('p256.pem', generateKeyPairSync('ec', { namedCurve: 'P-256' }));
const p384 = keyFile('p384.pem', generateKeyPairSync('ec', { namedCurve: 'P-384' }));
const ed25519 = keyFile('ed25519.pem', generateKeyPairSync('ed25519'));

const base = { KEYCLOAK_ISSUER: 'https://id.example.com/realms/acme', KEYCLOAK_CLIENT_ID: 'app', KEYCLOAK_CLIENT_SECRET: 'secret' };

function refusal(env: Record<string, string>): ConfigError {
  try {
    providerSettings({ ...base, ...env }, 'keycloak', true);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).not.toContain('\n');
    return error as ConfigError;
  }
  throw new Error('providerSettings did not throw');
}

describe('<NAME>_DECRYPTION_KEY_FILE: the key encrypted ID tokens and userinfo answers are decrypted with', () => {
  it('takes an RSA key (RSA-OAEP-256 by default) or a P-256 key (ECDH-ES by default), named by its RFC 7638 thumbprint unless given an id', async () => {
    const withRsa = providerSettings({ ...base, KEYCLOAK_DECRYPTION_KEY_FILE: rsa }, 'keycloak', true).decryptionKeys![0]!;
    expect(withRsa.algorithm).toBe('RSA-OAEP-256');
    const published = decryptionPublicJwk(withRsa);
    expect(withRsa.keyId).toBe(await calculateJwkThumbprint(published as JWK));
    expect(published).toMatchObject({ kty: 'RSA', use: 'enc', alg: 'RSA-OAEP-256', kid: withRsa.keyId });
    expect(published).not.toHaveProperty('d');

    const withEc = providerSettings({ ...base, KEYCLOAK_DECRYPTION_KEY_FILE: p256, KEYCLOAK_DECRYPTION_KEY_ALG: 'ECDH-ES+A256KW', KEYCLOAK_DECRYPTION_KEY_ID: 'enc-2026' }, 'keycloak', true).decryptionKeys![0]!;
    expect(withEc).toMatchObject({ algorithm: 'ECDH-ES+A256KW', keyId: 'enc-2026' });
    expect(decryptionPublicJwk(withEc)).toMatchObject({ kty: 'EC', crv: 'P-256', use: 'enc', alg: 'ECDH-ES+A256KW', kid: 'enc-2026' });
    expect(providerSettings({ ...base, KEYCLOAK_DECRYPTION_KEY_FILE: p256 }, 'keycloak', true).decryptionKeys![0]!.algorithm).toBe('ECDH-ES');
    expect(providerSettings(base, 'keycloak', true)).not.toHaveProperty('decryptionKeys');
  });

  it('refuses a key that cannot decrypt here, a file it cannot read, and an algorithm the key does not fit', () => {
    expect(refusal({ KEYCLOAK_DECRYPTION_KEY_FILE: join(folder, 'missing.pem') })).toMatchObject({ variable: 'KEYCLOAK_DECRYPTION_KEY_FILE', message: expect.stringContaining('cannot be read: ENOENT') });
    expect(refusal({ KEYCLOAK_DECRYPTION_KEY_FILE: smallRsa }).message).toContain('1024 bits is too small');
    expect(refusal({ KEYCLOAK_DECRYPTION_KEY_FILE: p384 }).message).toContain('ECDH-ES takes P-256');
    expect(refusal({ KEYCLOAK_DECRYPTION_KEY_FILE: ed25519 }).message).toContain('a key of type ed25519 cannot decrypt here');
    const notAKey = join(folder, 'not-a-key.pem');
    writeFileSync(notAKey, 'hello');
    expect(refusal({ KEYCLOAK_DECRYPTION_KEY_FILE: notAKey }).message).toContain('holds no private key in PEM or JWK form');
    expect(refusal({ KEYCLOAK_DECRYPTION_KEY_FILE: rsa, KEYCLOAK_DECRYPTION_KEY_ALG: 'ECDH-ES' })).toMatchObject({
      variable: 'KEYCLOAK_DECRYPTION_KEY_ALG',
      message: expect.stringContaining('an RSA key decrypts with RSA-OAEP-256, RSA-OAEP, RSA-OAEP-384, RSA-OAEP-512, not ECDH-ES'),
    });
    expect(refusal({ KEYCLOAK_DECRYPTION_KEY_FILE: rsa, KEYCLOAK_DECRYPTION_KEY_ID: 'has space' }).variable).toBe('KEYCLOAK_DECRYPTION_KEY_ID');
  });

  it('takes several keys, newest first, while one replaces another: each named by its JWK file\'s kid or its thumbprint, never twice', () => {
    const jwkWithId = join(folder, 'next.jwk');
    writeFileSync(jwkWithId, JSON.stringify({ ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'enc-2027' }));
    const keys = providerSettings({ ...base, KEYCLOAK_DECRYPTION_KEY_FILE: `${jwkWithId}, ${rsa}` }, 'keycloak', true).decryptionKeys!;
    expect(keys.map((key) => key.keyId)).toEqual(['enc-2027', providerSettings({ ...base, KEYCLOAK_DECRYPTION_KEY_FILE: rsa }, 'keycloak', true).decryptionKeys![0]!.keyId]);
    expect(refusal({ KEYCLOAK_DECRYPTION_KEY_FILE: `${jwkWithId},${rsa}`, KEYCLOAK_DECRYPTION_KEY_ID: 'enc-1' })).toMatchObject({ variable: 'KEYCLOAK_DECRYPTION_KEY_ID', message: expect.stringContaining('names one key') });
    expect(refusal({ KEYCLOAK_DECRYPTION_KEY_FILE: `${rsa},${rsa}` }).message).toContain('lists two keys named');
    expect(refusal({ KEYCLOAK_DECRYPTION_KEY_FILE: `${rsa},${p256}`, KEYCLOAK_DECRYPTION_KEY_ALG: 'RSA-OAEP' })).toMatchObject({ variable: 'KEYCLOAK_DECRYPTION_KEY_ALG', message: expect.stringContaining(`does not fit ${p256}`) });
  });

  it('refuses the algorithm or the id without the key', () => {
    expect(refusal({ KEYCLOAK_DECRYPTION_KEY_ALG: 'RSA-OAEP' })).toMatchObject({ variable: 'KEYCLOAK_DECRYPTION_KEY_ALG', message: expect.stringContaining('is only used with KEYCLOAK_DECRYPTION_KEY_FILE') });
    expect(refusal({ KEYCLOAK_DECRYPTION_KEY_ID: 'enc-1' }).variable).toBe('KEYCLOAK_DECRYPTION_KEY_ID');
  });
});
