import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

// AES-256-GCM with a fresh 96-bit IV per value (NIST SP 800-38D §8.2) and a
// 128-bit tag. Stored format, all parts base64url:
//   v1.<keyId>.<iv>.<ciphertext>.<tag>
// The key id says which key to decrypt with, so old keys keep working after a
// rotation until `keys rotate` has re-encrypted everything.

const FORMAT_VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface EncryptionKey {
  /** First 8 hex characters of SHA-256(key): identifies the key without revealing it. */
  readonly id: string;
  readonly key: Buffer;
}

export type TokenDecryptionErrorCode = 'MALFORMED_CIPHERTEXT' | 'UNKNOWN_KEY' | 'AUTHENTICATION_FAILED';

/**
 * A stored value that does not decrypt: not in the encrypted format
 * (`MALFORMED_CIPHERTEXT`), encrypted with a key that is no longer
 * configured (`UNKNOWN_KEY`), or altered or moved to another row or column
 * (`AUTHENTICATION_FAILED`). The message never holds the value.
 *
 * @example
 * try {
 *   cipher.decrypt(stored, tokenAssociatedDataOfRow);
 * } catch (error) {
 *   if (error instanceof TokenDecryptionError && error.code === 'UNKNOWN_KEY') {
 *     console.error('TOKEN_ENCRYPTION_KEYS lacks the key this value was encrypted with');
 *   }
 *   throw error;
 * }
 */
export class TokenDecryptionError extends Error {
  readonly code: TokenDecryptionErrorCode;
  /** For UNKNOWN_KEY: the id of the key the value was encrypted with (to find it among old keys). */
  readonly keyId: string | null;

  constructor(code: TokenDecryptionErrorCode, message: string, options?: { cause?: unknown; keyId?: string }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.keyId = options?.keyId ?? null;
  }
}

export type TokenColumn = 'access_token' | 'refresh_token' | 'id_token' | 'dpop_key';

/**
 * Associated data binding a token value to its row and column: a value copied
 * into another user's row, another provider, or another column fails to decrypt.
 */
export function tokenAssociatedData(userId: string, provider: string, column: TokenColumn): string {
  return `tokens:${userId}:${provider}:${column}`;
}

/**
 * A new random key, base64, for TOKEN_ENCRYPTION_KEYS.
 *
 * @example
 * // Rotation: the new key first, the old one kept until `npx tokenkeeper keys rotate` has re-encrypted everything.
 * const keys = [generateEncryptionKey(), process.env.TOKEN_ENCRYPTION_KEYS!].join(',');
 */
export function generateEncryptionKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

export function encryptionKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/**
 * Parses comma-separated base64 32-byte keys, newest first. Error messages
 * name the entry by position and never echo key material.
 *
 * @example
 * const keys = parseEncryptionKeys(process.env.TOKEN_ENCRYPTION_KEYS!);
 * console.log(keys.map((key) => key.id)); // e.g. ['3f9a0c12', 'b71e44d0']: ids, never the keys
 * const cipher = new TokenCipher(keys);
 */
export function parseEncryptionKeys(value: string): EncryptionKey[] {
  const entries = value.split(',').map((entry) => entry.trim());
  if (entries.length === 1 && entries[0] === '') {
    throw new Error(`no encryption key given; expected comma-separated base64 ${KEY_BYTES}-byte keys, newest first`);
  }
  const keys: EncryptionKey[] = [];
  entries.forEach((entry, index) => {
    const position = `encryption key ${index + 1} of ${entries.length}`;
    if (entry === '') throw new Error(`${position} is empty (check for a stray comma)`);
    // Buffer.from(…, 'base64') silently skips invalid characters, so check the alphabet first.
    if (!/^[A-Za-z0-9+/\-_]+={0,2}$/.test(entry)) {
      throw new Error(`${position} is not base64; generate one with: openssl rand -base64 ${KEY_BYTES}`);
    }
    const key = Buffer.from(entry, 'base64');
    if (key.length !== KEY_BYTES) {
      throw new Error(
        `${position} decodes to ${key.length} bytes, expected ${KEY_BYTES}; generate one with: openssl rand -base64 ${KEY_BYTES}`,
      );
    }
    const id = encryptionKeyId(key);
    const duplicate = keys.findIndex((k) => k.id === id);
    if (duplicate !== -1) throw new Error(`${position} is the same key as entry ${duplicate + 1}`);
    keys.push({ id, key });
  });
  return keys;
}

/**
 * AES-256-GCM encryption of token values, each bound to its place by
 * associated data: the newest key encrypts, every configured key decrypts.
 *
 * @example
 * const cipher = new TokenCipher(parseEncryptionKeys(process.env.TOKEN_ENCRYPTION_KEYS!));
 * const sealed = cipher.encrypt('gho_secret', 'notes:42'); // 'v1.<key id>.<iv>.<ciphertext>.<tag>'
 * cipher.decrypt(sealed, 'notes:42'); // 'gho_secret'
 * cipher.decrypt(sealed, 'notes:43'); // throws TokenDecryptionError (AUTHENTICATION_FAILED)
 */
export class TokenCipher {
  readonly #keys: ReadonlyMap<string, Buffer>;
  readonly #current: EncryptionKey;

  /** `keys` newest first: the first encrypts, all decrypt. */
  constructor(keys: readonly EncryptionKey[]) {
    const [current] = keys;
    if (current === undefined) throw new Error('TokenCipher needs at least one encryption key');
    for (const { id, key } of keys) {
      if (key.length !== KEY_BYTES) throw new Error(`encryption key ${id} is ${key.length} bytes, expected ${KEY_BYTES}`);
    }
    this.#current = current;
    this.#keys = new Map(keys.map(({ id, key }) => [id, key]));
  }

  /** Id of the key new values are encrypted with. */
  get currentKeyId(): string {
    return this.#current.id;
  }

  /**
   * Encrypts with the newest key; `associatedData` must be given again, the
   * same, to decrypt.
   *
   * @example
   * const sealed = cipher.encrypt(apiKey, `api-keys:${userId}`);
   */
  encrypt(plaintext: string, associatedData: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.#current.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [FORMAT_VERSION, this.#current.id, b64url(iv), b64url(ciphertext), b64url(tag)].join('.');
  }

  /**
   * Decrypts with the key the value names; throws TokenDecryptionError when
   * that key is not configured or the value or associated data differ.
   *
   * @example
   * const apiKey = cipher.decrypt(sealed, `api-keys:${userId}`);
   */
  decrypt(value: string, associatedData: string): string {
    const parts = parse(value);
    const key = this.#keys.get(parts.keyId);
    if (key === undefined) {
      throw new TokenDecryptionError(
        'UNKNOWN_KEY',
        `value was encrypted with key ${parts.keyId}, which is not among the configured encryption keys`,
        { keyId: parts.keyId },
      );
    }
    try {
      const decipher = createDecipheriv(ALGORITHM, key, parts.iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(associatedData, 'utf8'));
      decipher.setAuthTag(parts.tag);
      return Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]).toString('utf8');
    } catch (error) {
      throw new TokenDecryptionError(
        'AUTHENTICATION_FAILED',
        'value failed authentication: it was altered, or belongs to another row or column',
        { cause: error },
      );
    }
  }

  /** True when the value is not encrypted with the newest key (so `keys rotate` should rewrite it). */
  needsReencryption(value: string): boolean {
    return parse(value).keyId !== this.#current.id;
  }

  /** Decrypts with whichever key applies and encrypts again with the newest key. */
  reencrypt(value: string, associatedData: string): string {
    return this.encrypt(this.decrypt(value, associatedData), associatedData);
  }
}

interface ParsedValue {
  keyId: string;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

function parse(value: string): ParsedValue {
  const parts = value.split('.');
  const [version, keyId, iv, ciphertext, tag] = parts;
  if (
    parts.length !== 5 ||
    version !== FORMAT_VERSION ||
    keyId === undefined ||
    !/^[0-9a-f]{8}$/.test(keyId) ||
    iv === undefined ||
    ciphertext === undefined ||
    tag === undefined ||
    ![iv, ciphertext, tag].every((part) => /^[A-Za-z0-9_-]*$/.test(part))
  ) {
    throw new TokenDecryptionError('MALFORMED_CIPHERTEXT', `value is not in the ${FORMAT_VERSION} encrypted format`);
  }
  const parsed = {
    keyId,
    iv: Buffer.from(iv, 'base64url'),
    ciphertext: Buffer.from(ciphertext, 'base64url'),
    tag: Buffer.from(tag, 'base64url'),
  };
  if (parsed.iv.length !== IV_BYTES || parsed.tag.length !== TAG_BYTES) {
    throw new TokenDecryptionError('MALFORMED_CIPHERTEXT', `value is not in the ${FORMAT_VERSION} encrypted format`);
  }
  return parsed;
}

function b64url(bytes: Buffer): string {
  return bytes.toString('base64url');
}
