import type { Kysely } from 'kysely';
import type { DatabaseSchema } from './schema.js';
import { type TokenCipher, TokenDecryptionError, tokenAssociatedData } from './token-cipher.js';

/** What a sample of stored tokens says about the configured encryption keys. */
export interface TokenKeySample {
  /** Token rows read (the most recently updated). */
  sampled: number;
  /** Rows whose every value decrypted, counted by the id of the key they are under. */
  decryptedByKey: Record<string, number>;
  /** Rows with a value that would not decrypt: the row id, the key id the value names, and why (never a value). */
  failed: Array<{ id: string; keyId: string | null; code: TokenDecryptionError['code'] | 'UNEXPECTED' }>;
}

/** The key id a stored `v1.<keyId>.…` value names, if it names one. */
function keyIdOf(value: string): string | null {
  const keyId = value.split('.')[1];
  return keyId !== undefined && /^[0-9a-f]{8}$/.test(keyId) ? keyId : null;
}

/**
 * Decrypts every value of the `limit` most recently updated token rows with
 * the configured keys (`tokenkeeper doctor`): a key missing from
 * TOKEN_ENCRYPTION_KEYS, or the wrong one, shows here before a user's call
 * fails on it.
 */
export async function sampleTokenKeys(db: Kysely<DatabaseSchema>, cipher: TokenCipher, limit = 50): Promise<TokenKeySample> {
  const rows = await db
    .selectFrom('tokens')
    // Every column: a database a migration behind (doctor says so too) lacks the newest, which are then not sampled.
    .selectAll()
    .orderBy('updated_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
  const sample: TokenKeySample = { sampled: rows.length, decryptedByKey: {}, failed: [] };
  for (const row of rows) {
    let failure: TokenKeySample['failed'][number] | undefined;
    for (const column of ['access_token', 'refresh_token', 'id_token', 'dpop_key'] as const) {
      const value = row[column] as string | null | undefined;
      if (value === null || value === undefined || failure) continue;
      try {
        cipher.decrypt(value, tokenAssociatedData(row.user_id, row.provider, column));
      } catch (error) {
        failure = { id: row.id, keyId: keyIdOf(value), code: error instanceof TokenDecryptionError ? error.code : 'UNEXPECTED' };
      }
    }
    if (failure) {
      sample.failed.push(failure);
    } else {
      const keyId = keyIdOf(row.access_token) ?? 'unknown';
      sample.decryptedByKey[keyId] = (sample.decryptedByKey[keyId] ?? 0) + 1;
    }
  }
  return sample;
}
