import type { TokenCipher } from './token-cipher.js';

const DEFAULT_CAPACITY = 5_000;

/**
 * Remembers the plaintext of recently decrypted values, keyed by the stored
 * ciphertext and its associated data. Decrypting one access token costs
 * about as much as reading its row, and the proxy reads the same row for
 * every call the user makes. A hit gives exactly what decrypting would: every
 * encryption has a fresh IV, so a new or rotated value is a different
 * ciphertext and misses; a value that failed to decrypt is never kept.
 *
 * Bounded (oldest out first): it holds plaintext tokens, though only ones
 * this process has just used anyway.
 */
export class DecryptionMemo {
  readonly #cipher: TokenCipher;
  readonly #capacity: number;
  readonly #entries = new Map<string, { associatedData: string; plaintext: string }>();

  constructor(cipher: TokenCipher, capacity = DEFAULT_CAPACITY) {
    this.#cipher = cipher;
    this.#capacity = capacity;
  }

  decrypt(value: string, associatedData: string): string {
    const known = this.#entries.get(value);
    if (known !== undefined && known.associatedData === associatedData) return known.plaintext;
    const plaintext = this.#cipher.decrypt(value, associatedData);
    if (known === undefined && this.#entries.size >= this.#capacity) this.#entries.delete(this.#entries.keys().next().value as string);
    this.#entries.set(value, { associatedData, plaintext });
    return plaintext;
  }

  get size(): number {
    return this.#entries.size;
  }
}
