import { describe, expect, it } from 'vitest';
import { DecryptionMemo } from './decryption-memo.js';
import { TokenCipher, TokenDecryptionError, generateEncryptionKey, parseEncryptionKeys } from './token-cipher.js';

/** A real cipher that counts the decryptions it performs. */
class CountingCipher extends TokenCipher {
  decryptions = 0;
  override decrypt(value: string, associatedData: string): string {
    this.decryptions += 1;
    return super.decrypt(value, associatedData);
  }
}

describe('DecryptionMemo', () => {
  const newCipher = () => new CountingCipher(parseEncryptionKeys(generateEncryptionKey()));

  it('decrypts a value once, then answers from memory with the same plaintext', () => {
    const cipher = newCipher();
    const memo = new DecryptionMemo(cipher);
    const value = cipher.encrypt('access-token-1', 'aad-1');
    expect(memo.decrypt(value, 'aad-1')).toBe('access-token-1');
    expect(memo.decrypt(value, 'aad-1')).toBe('access-token-1');
    expect(cipher.decryptions).toBe(1);
  });

  it('a new encryption of the same plaintext is a new ciphertext, so it is decrypted again', () => {
    const cipher = newCipher();
    const memo = new DecryptionMemo(cipher);
    memo.decrypt(cipher.encrypt('same', 'aad'), 'aad');
    memo.decrypt(cipher.encrypt('same', 'aad'), 'aad');
    expect(cipher.decryptions).toBe(2);
  });

  it('never serves a known ciphertext under other associated data (a value moved to another row)', () => {
    const cipher = newCipher();
    const memo = new DecryptionMemo(cipher);
    const value = cipher.encrypt('victim-token', 'tokens:victim:toolkit:access_token');
    expect(memo.decrypt(value, 'tokens:victim:toolkit:access_token')).toBe('victim-token');
    expect(() => memo.decrypt(value, 'tokens:attacker:toolkit:access_token')).toThrow(TokenDecryptionError);
    // The failure is not remembered, and the good entry still answers.
    expect(() => memo.decrypt(value, 'tokens:attacker:toolkit:access_token')).toThrow(TokenDecryptionError);
    expect(memo.decrypt(value, 'tokens:victim:toolkit:access_token')).toBe('victim-token');
  });

  it('keeps no value that failed to decrypt', () => {
    const cipher = newCipher();
    const memo = new DecryptionMemo(cipher);
    expect(() => memo.decrypt('v1.00000000.AAAA.AAAA.AAAA', 'aad')).toThrow(TokenDecryptionError);
    expect(memo.size).toBe(0);
  });

  it('holds at most its capacity, dropping the oldest first', () => {
    const cipher = newCipher();
    const memo = new DecryptionMemo(cipher, 3);
    const values = ['a', 'b', 'c', 'd'].map((plain) => cipher.encrypt(plain, 'aad'));
    for (const value of values) memo.decrypt(value, 'aad');
    expect(memo.size).toBe(3);
    cipher.decryptions = 0;
    memo.decrypt(values[3]!, 'aad');
    expect(cipher.decryptions).toBe(0);
    memo.decrypt(values[0]!, 'aad');
    expect(cipher.decryptions).toBe(1);
    expect(memo.size).toBe(3);
  });
});
