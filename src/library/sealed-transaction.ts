import { hkdfSync } from 'node:crypto';
import { EncryptJWT, jwtDecrypt } from 'jose';
import { SIGN_IN_TRANSACTION_TTL_SECONDS, type AuthorizationTransaction } from '../client/authorization.js';
import { SignInError } from '../client/errors.js';
import type { EncryptionKey } from '../db/token-cipher.js';

/** What a sealed sign-in transaction holds: the checks of the callback, and where to go afterwards. */
export interface OpenedTransaction extends AuthorizationTransaction {
  next: string | null;
  /** A connect-only provider's connection for an external id no user had: the user finish() makes gets it. */
  connectingExternalId?: string;
}

/** A key of its own for sign-in transactions, derived from a token encryption key (RFC 5869), so neither use can stand in for the other. */
function transactionKey(key: EncryptionKey): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', key.key, new Uint8Array(0), 'tokenkeeper sign-in transaction', 32));
}

/** invalid_state: the sign-in transaction is not one of ours, was changed, has expired or was used already. */
export function invalidTransaction(cause?: unknown): SignInError {
  return new SignInError('invalid_state', 'This sign-in is not valid in this browser (it may have expired or been used already). Please sign in again.', { cause });
}

/**
 * Sealed sign-in transactions: the state, nonce and PKCE verifier of a
 * sign-in in progress, encrypted and authenticated (a JWE, `dir` with
 * A256GCM, RFC 7516) with an expiry, so that the host application can keep
 * them in its session or in a cookie without storing anything itself, and
 * a changed or expired one is refused. Sealed with the newest encryption
 * key, opened with any, as tokens are.
 */
export class TransactionSealer {
  readonly #keys: Uint8Array[];
  readonly #now: () => number;

  constructor(keys: readonly EncryptionKey[], now: () => number) {
    this.#keys = keys.map(transactionKey);
    this.#now = now;
  }

  seal(transaction: OpenedTransaction): Promise<string> {
    const now = this.#now();
    return new EncryptJWT({ tx: transaction })
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', typ: 'tokenkeeper-sign-in' })
      .setIssuedAt(now)
      .setExpirationTime(now + SIGN_IN_TRANSACTION_TTL_SECONDS)
      .encrypt(this.#keys[0]!);
  }

  /** The transaction, or invalid_state when it is not one of ours, was changed, is for another provider or has expired. */
  async open(sealed: unknown, provider: string): Promise<OpenedTransaction> {
    if (typeof sealed !== 'string' || sealed.length === 0 || sealed.length > 8192) throw invalidTransaction();
    let lastError: unknown;
    for (const key of this.#keys) {
      try {
        const { payload } = await jwtDecrypt(sealed, key, {
          typ: 'tokenkeeper-sign-in',
          keyManagementAlgorithms: ['dir'],
          contentEncryptionAlgorithms: ['A256GCM'],
          currentDate: new Date(this.#now() * 1000),
          requiredClaims: ['exp'],
        });
        const transaction = payload.tx as OpenedTransaction | undefined;
        if (transaction?.provider !== provider) throw invalidTransaction();
        return transaction;
      } catch (error) {
        if (error instanceof SignInError) throw error;
        lastError = error;
      }
    }
    throw invalidTransaction(lastError);
  }
}
