import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  TokenCipher,
  TokenDecryptionError,
  encryptionKeyId,
  generateEncryptionKey,
  parseEncryptionKeys,
  tokenAssociatedData,
} from './token-cipher.js';

const AAD = tokenAssociatedData('01USER', 'toolkit', 'access_token');

function cipherWith(...keys: string[]): TokenCipher {
  return new TokenCipher(parseEncryptionKeys(keys.join(',')));
}

function decryptionError(run: () => unknown): TokenDecryptionError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TokenDecryptionError);
    return error as TokenDecryptionError;
  }
  throw new Error('expected a TokenDecryptionError');
}

describe('TokenCipher', () => {
  it('round-trips text, including empty and non-ASCII values', () => {
    const cipher = cipherWith(generateEncryptionKey());
    for (const plaintext of ['ya29.a0AfH6SM', '', 'żółw 🐢 ' + 'x'.repeat(5000)]) {
      expect(cipher.decrypt(cipher.encrypt(plaintext, AAD), AAD)).toBe(plaintext);
    }
  });

  it('writes v1.<keyId>.<iv>.<ciphertext>.<tag> with a fresh IV each time', () => {
    const key = generateEncryptionKey();
    const cipher = cipherWith(key);
    const first = cipher.encrypt('same', AAD);
    const second = cipher.encrypt('same', AAD);
    expect(first).not.toBe(second);
    const [version, keyId, iv, , tag] = first.split('.');
    expect(version).toBe('v1');
    expect(keyId).toBe(encryptionKeyId(Buffer.from(key, 'base64')));
    expect(Buffer.from(iv!, 'base64url')).toHaveLength(12);
    expect(Buffer.from(tag!, 'base64url')).toHaveLength(16);
    expect(first).not.toContain('same');
  });

  it('refuses a tampered ciphertext, tag or IV', () => {
    const cipher = cipherWith(generateEncryptionKey());
    const parts = cipher.encrypt('secret-access-token', AAD).split('.');
    for (const index of [2, 3, 4]) {
      const altered = [...parts];
      const bytes = Buffer.from(altered[index]!, 'base64url');
      bytes[0]! ^= 1;
      altered[index] = bytes.toString('base64url');
      expect(decryptionError(() => cipher.decrypt(altered.join('.'), AAD)).code).toBe('AUTHENTICATION_FAILED');
    }
  });

  it('refuses a value moved to another row or column (associated data)', () => {
    const cipher = cipherWith(generateEncryptionKey());
    const value = cipher.encrypt('secret', AAD);
    for (const otherAad of [
      tokenAssociatedData('01OTHER', 'toolkit', 'access_token'),
      tokenAssociatedData('01USER', 'github', 'access_token'),
      tokenAssociatedData('01USER', 'toolkit', 'refresh_token'),
    ]) {
      const error = decryptionError(() => cipher.decrypt(value, otherAad));
      expect(error.code).toBe('AUTHENTICATION_FAILED');
      expect(error.cause).toBeInstanceOf(Error);
    }
  });

  it('refuses malformed values and unknown key ids with distinct codes', () => {
    const cipher = cipherWith(generateEncryptionKey());
    for (const value of ['', 'plaintext-token', 'v2.abcdef01.a.b.c', 'v1.abcdef01.a.b']) {
      expect(decryptionError(() => cipher.decrypt(value, AAD)).code).toBe('MALFORMED_CIPHERTEXT');
    }
    const other = cipherWith(generateEncryptionKey()).encrypt('secret', AAD);
    const error = decryptionError(() => cipher.decrypt(other, AAD));
    expect(error.code).toBe('UNKNOWN_KEY');
    expect(error.message).toContain(other.split('.')[1]);
  });

  it('after rotation encrypts with the newest key and still decrypts with the old one', () => {
    const oldKey = generateEncryptionKey();
    const newKey = generateEncryptionKey();
    const before = cipherWith(oldKey);
    const after = cipherWith(newKey, oldKey);
    const oldValue = before.encrypt('secret', AAD);

    expect(after.decrypt(oldValue, AAD)).toBe('secret');
    expect(after.needsReencryption(oldValue)).toBe(true);
    const newValue = after.reencrypt(oldValue, AAD);
    expect(after.needsReencryption(newValue)).toBe(false);
    expect(after.decrypt(newValue, AAD)).toBe('secret');
    expect(before.needsReencryption(oldValue)).toBe(false);
    expect(decryptionError(() => before.decrypt(newValue, AAD)).code).toBe('UNKNOWN_KEY');
  });
});

describe('parseEncryptionKeys', () => {
  it('parses comma-separated keys, newest first, ignoring spaces', () => {
    const [a, b] = [generateEncryptionKey(), generateEncryptionKey()];
    const keys = parseEncryptionKeys(` ${a} , ${b}`);
    expect(keys.map((k) => k.id)).toEqual([
      encryptionKeyId(Buffer.from(a, 'base64')),
      encryptionKeyId(Buffer.from(b, 'base64')),
    ]);
    expect(keys[0]!.id).toMatch(/^[0-9a-f]{8}$/);
  });

  it('names the bad entry and the reason without echoing key material', () => {
    const good = generateEncryptionKey();
    const short = randomBytes(16).toString('base64');
    const notBase64 = 'this is not base64!';
    const cases: [string, RegExp][] = [
      [`${good},${notBase64}`, /^encryption key 2 of 2 is not base64/],
      [`${short}`, /^encryption key 1 of 1 decodes to 16 bytes, expected 32/],
      [`${good},`, /^encryption key 2 of 2 is empty/],
      [`${good},${good}`, /^encryption key 2 of 2 is the same key as entry 1/],
      ['', /^no encryption key given/],
    ];
    for (const [value, message] of cases) {
      let thrown: unknown;
      try {
        parseEncryptionKeys(value);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(Error);
      const text = (thrown as Error).message;
      expect(text).toMatch(message);
      for (const secret of [good, short, notBase64]) expect(text).not.toContain(secret);
    }
  });

  it('generateEncryptionKey gives base64 for 32 random bytes', () => {
    const key = generateEncryptionKey();
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
    expect(parseEncryptionKeys(key)).toHaveLength(1);
    expect(generateEncryptionKey()).not.toBe(key);
  });
});
