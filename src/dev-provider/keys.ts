import { createHash, generateKeyPair, randomBytes, type JsonWebKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { writeFileAtomically } from './private-files.js';

const generateKeyPairAsync = promisify(generateKeyPair);

export const KEYS_FILE_NAME = 'dev-provider-keys.json';

export interface ProviderKeys {
  /** Private JWK Set for oidc-provider's `jwks` setting (ID token signing). */
  jwks: { keys: JsonWebKey[] };
  /** Keys for oidc-provider's `cookies.keys` (signed cookies). */
  cookieKeys: string[];
}

/** RFC 7638 JWK thumbprint of an RSA key, used as its `kid`. */
function rsaThumbprint(jwk: JsonWebKey): string {
  const canonical = JSON.stringify({ e: jwk.e, kty: 'RSA', n: jwk.n });
  return createHash('sha256').update(canonical).digest('base64url');
}

export async function generateProviderKeys(): Promise<ProviderKeys> {
  const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  return {
    jwks: { keys: [{ ...jwk, kid: rsaThumbprint(jwk), alg: 'RS256', use: 'sig' }] },
    cookieKeys: [randomBytes(32).toString('base64url')],
  };
}

function isProviderKeys(value: unknown): value is ProviderKeys {
  if (typeof value !== 'object' || value === null) return false;
  const { jwks, cookieKeys } = value as Partial<ProviderKeys>;
  return (
    typeof jwks === 'object' && jwks !== null && Array.isArray(jwks.keys) && jwks.keys.length > 0
    && jwks.keys.every((key) => typeof key === 'object' && key !== null && typeof key.kty === 'string')
    && Array.isArray(cookieKeys) && cookieKeys.length > 0 && cookieKeys.every((key) => typeof key === 'string' && key.length >= 16)
  );
}

/**
 * The provider's keys: read from `<dataDir>/dev-provider-keys.json`, or
 * generated and written there (mode 0600) on first start, so ID tokens and
 * cookies issued before a restart stay valid after it. Without a dataDir the
 * keys live and die with the process.
 */
export async function loadOrCreateProviderKeys(dataDir: string | undefined): Promise<ProviderKeys> {
  if (dataDir === undefined) return generateProviderKeys();

  const file = join(dataDir, KEYS_FILE_NAME);
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }

  if (text === undefined) {
    const keys = await generateProviderKeys();
    await writeFileAtomically(file, `${JSON.stringify(keys, null, 2)}\n`);
    return keys;
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new Error(`dev provider: ${file} is not valid JSON; delete it to generate new keys`, { cause });
  }
  if (!isProviderKeys(parsed)) {
    throw new Error(`dev provider: ${file} does not hold { jwks: { keys: [...] }, cookieKeys: [...] }; delete it to generate new keys`);
  }
  return parsed;
}
