import type { Kysely } from 'kysely';
import type { DatabaseSchema, LoginTransactionRow } from './schema.js';

/**
 * Pending sign-ins kept per browser session: enough for a few tabs; a script
 * reusing one session cookie cannot pile up rows (the oldest are dropped).
 */
export const MAX_PENDING_SIGN_INS_PER_SESSION = 5;

/**
 * Why a sign-in was started, besides a plain sign-in (null) or linking a
 * provider (linkUserId): asking for more scope from the account page, or a
 * connect link's steps (signing in first as its user, then connecting).
 */
export type LoginPurpose = 'more_access' | 'connect_sign_in' | 'connect';

const PURPOSES: ReadonlySet<string> = new Set<LoginPurpose>(['more_access', 'connect_sign_in', 'connect']);

/** A pending sign-in, from the redirect to the provider until its callback. */
export interface LoginTransaction {
  state: string;
  /** sessions.id of the browser session that started the sign-in. */
  sessionId: string;
  provider: string;
  issuer: string;
  clientId: string;
  redirectUri: string;
  /** Ciphertext: encrypt with TokenCipher and loginTransactionAssociatedData(state). */
  codeVerifier: string;
  /** null for plain OAuth 2.0 providers (no ID token). */
  nonce: string | null;
  /** Same-origin path to return to after sign-in. */
  nextPath: string;
  /** Set when a signed-in user links another provider. */
  linkUserId: string | null;
  createdAt: number;
  expiresAt: number;
  /** The scope asked for when it is not the provider's configured one (incremental authorization). */
  scope?: string | null;
  purpose?: LoginPurpose | null;
  /** The connect link this sign-in serves (purpose connect_sign_in or connect). */
  connectLinkId?: string | null;
  /** Ciphertext: the DPoP key the sign-in was started with, encrypted with loginTransactionAssociatedData(state, 'dpop_key'). */
  dpopKey?: string | null;
}

/** Associated data for an encrypted column (the code_verifier, the dpop_key): binds it to its transaction and column. */
export function loginTransactionAssociatedData(state: string, column: 'code_verifier' | 'dpop_key' = 'code_verifier'): string {
  return `login_transactions:${state}:${column}`;
}

export function rowToLoginTransaction(row: LoginTransactionRow): LoginTransaction {
  return {
    state: row.state,
    sessionId: row.session_id,
    provider: row.provider,
    issuer: row.issuer,
    clientId: row.client_id,
    redirectUri: row.redirect_uri,
    codeVerifier: row.code_verifier,
    nonce: row.nonce,
    nextPath: row.next_path,
    linkUserId: row.link_user_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    scope: row.scope,
    purpose: row.purpose !== null && PURPOSES.has(row.purpose) ? (row.purpose as LoginPurpose) : null,
    connectLinkId: row.connect_link_id,
    dpopKey: row.dpop_key,
  };
}

/** Stores a pending sign-in and drops that session's oldest beyond MAX_PENDING_SIGN_INS_PER_SESSION. */
export async function createLoginTransaction(db: Kysely<DatabaseSchema>, tx: LoginTransaction, options: { sessionIsNew?: boolean } = {}): Promise<void> {
  await db
    .insertInto('login_transactions')
    .values({
      state: tx.state,
      session_id: tx.sessionId,
      provider: tx.provider,
      issuer: tx.issuer,
      client_id: tx.clientId,
      redirect_uri: tx.redirectUri,
      code_verifier: tx.codeVerifier,
      nonce: tx.nonce,
      next_path: tx.nextPath,
      link_user_id: tx.linkUserId,
      created_at: tx.createdAt,
      expires_at: tx.expiresAt,
      scope: tx.scope ?? null,
      purpose: tx.purpose ?? null,
      connect_link_id: tx.connectLinkId ?? null,
      dpop_key: tx.dpopKey ?? null,
    })
    .execute();
  // A session made for this sign-in has no other to drop.
  if (options.sessionIsNew) return;
  // One statement after the insert, keeping the new row and the newest others.
  await db
    .deleteFrom('login_transactions')
    .where('session_id', '=', tx.sessionId)
    .where('state', '<>', tx.state)
    .where('state', 'not in', (eb) =>
      eb
        .selectFrom('login_transactions')
        .select('state')
        .where('session_id', '=', tx.sessionId)
        .where('state', '<>', tx.state)
        .orderBy('created_at', 'desc')
        .limit(MAX_PENDING_SIGN_INS_PER_SESSION - 1),
    )
    .execute();
}

/**
 * Moves the session's pending plain sign-ins to the session that replaces it
 * when a sign-in finishes, so one started in another tab of the same browser
 * still finishes. Links to a signed-in user (another provider, more access,
 * a connect link) stay with the session they were started in, and go with it:
 * after someone else signs in here, they must not link to the first user.
 */
export async function carryOverSignIns(db: Kysely<DatabaseSchema>, fromSessionId: string, toSessionId: string): Promise<void> {
  await db
    .updateTable('login_transactions')
    .set({ session_id: toSessionId })
    .where('session_id', '=', fromSessionId)
    .where('link_user_id', 'is', null)
    .where('purpose', 'is', null)
    .execute();
}

/**
 * Deletes and returns the transaction only when `state` and `sessionId` both
 * match and it has not expired. One statement (DELETE … RETURNING), so of
 * any number of concurrent callbacks carrying the same state exactly one gets
 * the row; a replay gets undefined and must make no code exchange.
 */
export async function consumeLoginTransaction(
  db: Kysely<DatabaseSchema>,
  state: string,
  sessionId: string,
  now: number,
): Promise<LoginTransaction | undefined> {
  const row = await db
    .deleteFrom('login_transactions')
    .where('state', '=', state)
    .where('session_id', '=', sessionId)
    .where('expires_at', '>', now)
    .returningAll()
    .executeTakeFirst();
  return row && rowToLoginTransaction(row);
}

export async function deleteExpiredLoginTransactions(db: Kysely<DatabaseSchema>, now: number): Promise<number> {
  const result = await db.deleteFrom('login_transactions').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
