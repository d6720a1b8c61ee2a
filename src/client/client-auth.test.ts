import { createSecretKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, importSPKI, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { clientAuthentication, readClientPrivateKey, signingAlgorithmOf } from './client-auth.js';
import type { ProviderSettings } from './provider-settings.js';

const ec = (namedCurve: string) => generateKeyPairSync('ec', { namedCurve }).privateKey;

describe('signingAlgorithmOf (RFC 7518 §3.1)', () => {
  it.each<{ name: string; key: () => KeyObject; algorithm: string }>([
    // The size does not choose the algorithm: a small RSA key keeps the test fast.
    { name: 'RSA', key: () => generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey, algorithm: 'RS256' },
    { name: 'EC P-256', key: () => ec('P-256'), algorithm: 'ES256' },
    { name: 'EC P-384', key: () => ec('P-384'), algorithm: 'ES384' },
    { name: 'EC P-521', key: () => ec('P-521'), algorithm: 'ES512' },
    { name: 'Ed25519', key: () => generateKeyPairSync('ed25519').privateKey, algorithm: 'EdDSA' },
  ])('an $name key signs with $algorithm', ({ key, algorithm }) => {
    expect(signingAlgorithmOf(key())).toBe(algorithm);
  });

  it('refuses an EC key on another curve, naming it', () => {
    expect(() => signingAlgorithmOf(ec('secp256k1'))).toThrow('an EC key on curve secp256k1 cannot sign a client assertion (P-256, P-384 or P-521 can)');
  });

  it('refuses key types that cannot sign an assertion', () => {
    expect(() => signingAlgorithmOf(generateKeyPairSync('x25519').privateKey)).toThrow('a x25519 key cannot sign a client assertion (RSA, EC or Ed25519 can)');
    expect(() => signingAlgorithmOf(generateKeyPairSync('ed448').privateKey)).toThrow('a ed448 key cannot sign a client assertion');
    expect(() => signingAlgorithmOf(createSecretKey(Buffer.alloc(32)))).toThrow('a symmetric key cannot sign a client assertion');
  });
});

describe('readClientPrivateKey', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  it('reads a PKCS#8 PEM, with whitespace around it', () => {
    const key = readClientPrivateKey(`\n  ${privateKey.export({ format: 'pem', type: 'pkcs8' }) as string}\n`);
    expect(key.type).toBe('private');
    expect(key.asymmetricKeyType).toBe('ec');
  });

  it('reads a SEC1 PEM and a private JWK given as JSON text', () => {
    expect(readClientPrivateKey(privateKey.export({ format: 'pem', type: 'sec1' }) as string).type).toBe('private');
    const jwk = readClientPrivateKey(JSON.stringify(privateKey.export({ format: 'jwk' })));
    expect(jwk.type).toBe('private');
    expect(signingAlgorithmOf(jwk)).toBe('ES256');
  });

  it('refuses a public key, as PEM or as a JWK', () => {
    expect(() => readClientPrivateKey(publicKey.export({ format: 'pem', type: 'spki' }) as string)).toThrow(/^it holds no private key in PEM or JWK form \(/);
    expect(() => readClientPrivateKey(JSON.stringify(publicKey.export({ format: 'jwk' })))).toThrow(/^it holds no private key in PEM or JWK form \(/);
  });

  it('refuses text that is no key, and a private key that cannot sign', () => {
    expect(() => readClientPrivateKey('not a key')).toThrow(/^it holds no private key in PEM or JWK form/);
    expect(() => readClientPrivateKey('{not json')).toThrow(/^it holds no private key in PEM or JWK form/);
    const x25519 = generateKeyPairSync('x25519').privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    expect(() => readClientPrivateKey(x25519)).toThrow('a x25519 key cannot sign a client assertion');
  });
});

describe('clientAuthentication (RFC 6749 §2.3, RFC 7523 §2.2)', () => {
  const server = { issuer: 'https://id.acme.test', token_endpoint: 'https://id.acme.test/token' };

  function settings(overrides: Partial<ProviderSettings>): ProviderSettings {
    return { name: 'acme', displayName: 'Acme', clientId: 'my-app', clientSecret: 'a-b_c.d', tokenEndpointAuthMethod: 'client_secret_basic', scope: 'read', allowInsecureHttp: false, ...overrides };
  }

  /** What the method adds to a token request. */
  async function applied(overrides: Partial<ProviderSettings>) {
    const body = new URLSearchParams();
    const headers = new Headers();
    await (await clientAuthentication(settings(overrides)))(server, { client_id: 'my-app' }, body, headers);
    return { body: Object.fromEntries(body), authorization: headers.get('authorization') };
  }

  const basic = (authorization: string | null) => Buffer.from(authorization!.replace(/^Basic /, ''), 'base64').toString('utf8');

  it('client_secret_basic form-encodes the id and secret first, as RFC 6749 §2.3.1 says', async () => {
    const { body, authorization } = await applied({});
    expect(basic(authorization)).toBe('my%2Dapp:a%2Db%5Fc%2Ed');
    expect(body).toEqual({});
  });

  it('client_secret_basic with plain credentials sends them as they are (RFC 7617)', async () => {
    expect(basic((await applied({ basicCredentials: 'plain' })).authorization)).toBe('my-app:a-b_c.d');
  });

  it('client_secret_post puts them in the body; none sends the client id alone', async () => {
    expect(await applied({ tokenEndpointAuthMethod: 'client_secret_post' })).toEqual({ body: { client_id: 'my-app', client_secret: 'a-b_c.d' }, authorization: null });
    expect(await applied({ tokenEndpointAuthMethod: 'none', clientSecret: '' })).toEqual({ body: { client_id: 'my-app' }, authorization: null });
  });

  it('client_secret_jwt signs an assertion with the secret', async () => {
    const { body } = await applied({ tokenEndpointAuthMethod: 'client_secret_jwt' });
    expect(body.client_assertion_type).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    const verified = await jwtVerify(body.client_assertion!, new TextEncoder().encode('a-b_c.d'));
    expect(verified.payload).toMatchObject({ iss: 'my-app', sub: 'my-app' });
  });

  it('private_key_jwt signs with the key, its algorithm and its kid', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    const { body } = await applied({ tokenEndpointAuthMethod: 'private_key_jwt', clientSecret: '', privateKey: { key: pem, keyId: 'key-1' } });
    expect(decodeProtectedHeader(body.client_assertion!)).toMatchObject({ alg: 'ES384', kid: 'key-1' });
    const verified = await jwtVerify(body.client_assertion!, await importSPKI(publicKey.export({ format: 'pem', type: 'spki' }) as string, 'ES384'));
    expect(verified.payload).toMatchObject({ iss: 'my-app', sub: 'my-app' });

    const withoutKid = await applied({ tokenEndpointAuthMethod: 'private_key_jwt', clientSecret: '', privateKey: { key: pem } });
    expect(decodeProtectedHeader(withoutKid.body.client_assertion!)).not.toHaveProperty('kid');
    expect(decodeJwt(withoutKid.body.client_assertion!).iss).toBe('my-app');
  });

  it('private_key_jwt names the issuer as its audience, or the token endpoint where the provider takes nothing else', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    const asIssuer = await applied({ tokenEndpointAuthMethod: 'private_key_jwt', clientSecret: '', privateKey: { key: pem } });
    expect(decodeJwt(asIssuer.body.client_assertion!).aud).toBe('https://id.acme.test');
    const asEndpoint = await applied({ tokenEndpointAuthMethod: 'private_key_jwt', clientSecret: '', privateKey: { key: pem }, clientAssertionAudience: 'token_endpoint' });
    expect(decodeProtectedHeader(asEndpoint.body.client_assertion!).alg).toBe('RS256');
    expect(decodeJwt(asEndpoint.body.client_assertion!)).toMatchObject({ aud: 'https://id.acme.test/token', iss: 'my-app', sub: 'my-app', jti: expect.any(String) });
    expect(asEndpoint.body).toMatchObject({ client_id: 'my-app', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' });
  });

  it('private_key_jwt without a key is refused', async () => {
    await expect(clientAuthentication(settings({ tokenEndpointAuthMethod: 'private_key_jwt' }))).rejects.toThrow('provider acme uses private_key_jwt without a private key');
  });

  it('a signed client secret (Sign in with Apple): an ES256 JWT from the team for the client, in the body, made anew before it ends', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    let now = 1_800_000_000;
    const auth = await clientAuthentication(
      settings({ tokenEndpointAuthMethod: 'client_secret_post', clientSecret: '', privateKey: { key: pem, keyId: 'ABC123DEFG' }, signedClientSecret: { teamId: 'TEAM123456', audience: 'https://appleid.apple.com' } }),
      () => now,
    );
    const secretAt = async (time: number) => {
      now = time;
      const body = new URLSearchParams();
      const headers = new Headers();
      await auth(server, { client_id: 'my-app' }, body, headers);
      expect(headers.get('authorization')).toBeNull();
      expect(body.get('client_id')).toBe('my-app');
      return body.get('client_secret')!;
    };
    const first = await secretAt(1_800_000_000);
    expect(decodeProtectedHeader(first)).toEqual({ alg: 'ES256', kid: 'ABC123DEFG' });
    const verified = await jwtVerify(first, await importSPKI(publicKey.export({ format: 'pem', type: 'spki' }) as string, 'ES256'), { currentDate: new Date(now * 1000) });
    expect(verified.payload).toEqual({ iss: 'TEAM123456', sub: 'my-app', aud: 'https://appleid.apple.com', iat: 1_800_000_000, exp: 1_800_003_600 });
    // The same secret while it has more than five minutes left; a new one after.
    expect(await secretAt(1_800_003_299)).toBe(first);
    const renewed = await secretAt(1_800_003_300);
    expect(renewed).not.toBe(first);
    expect(decodeJwt(renewed)).toMatchObject({ iat: 1_800_003_300, exp: 1_800_006_900 });
  });

  it('a signed client secret without a key id is refused', async () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    await expect(clientAuthentication(settings({ privateKey: { key: pem }, signedClientSecret: { teamId: 'T', audience: 'a' } }))).rejects.toThrow('provider acme signs its client secret without a private key and key id');
  });
});
