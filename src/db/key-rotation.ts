import type { Kysely } from 'kysely';
import { registeredClientAssociatedData } from './client-registration.repository.js';
import { loginTransactionAssociatedData } from './login-transaction.repository.js';
import type { DatabaseSchema } from './schema.js';
import { type TokenCipher, type TokenColumn, TokenDecryptionError, tokenAssociatedData } from './token-cipher.js';

// `keys rotate`: every encrypted value re-encrypted with the newest key, in
// batches, row by row. A row that no configured key decrypts is reported and
// left as it is, and the rotation goes on: one lost key must not stop every
// other row from moving.

/** What happened to one table's rows. */
export interface TableRotation {
  /** Rows read. */
  checked: number;
  /** Rows rewritten with the newest key. */
  reencrypted: number;
  /** Rows whose values were all already under the newest key. */
  alreadyCurrent: number;
  /** Rows that changed under us on every attempt (a save raced the rotation): run again. */
  changedConcurrently: number;
  /** Rows left untouched because a value would not decrypt: the row id and why (never a value). */
  /** `keyId`: for UNKNOWN_KEY, the id of the key the value was encrypted with. */
  failed: Array<{ id: string; code: TokenDecryptionError['code'] | 'UNEXPECTED'; keyId?: string }>;
}

export interface KeyRotationResult {
  /** Id of the key everything is now encrypted with. */
  keyId: string;
  tokens: TableRotation;
  /** Pending sign-ins (their PKCE code_verifier); expired ones are skipped, housekeeping deletes them. */
  loginTransactions: TableRotation;
  /** The clients the app registered for itself at servers people name (their client_secret); those without a secret are skipped. */
  registeredClients: TableRotation;
  /** `signal` stopped it before every row was checked: run it again. */
  interrupted: boolean;
}

export interface KeyRotationOptions {
  /** Rows read per query (default 200). */
  batchSize?: number;
  /** Epoch seconds, to skip expired login transactions. */
  now: number;
  /** Called after each batch, e.g. to print progress. */
  onBatch?: (table: RotatedTable, result: TableRotation) => void;
  /** Stops the rotation before its next row (Ctrl-C; watched between batches): every row is either rewritten whole or as it was. */
  signal?: AbortSignal;
}

/** The tables a rotation goes through, in its order. */
export type RotatedTable = 'tokens' | 'login_transactions' | 'registered_clients';

/**
 * How many rows a rotation will check, for its progress: every token, the sign-ins in progress not yet expired, and
 * the registered clients with a secret.
 */
export async function countRowsToRotate(db: Kysely<DatabaseSchema>, now: number): Promise<Record<RotatedTable, number>> {
  const tokens = await db.selectFrom('tokens').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const loginTransactions = await db
    .selectFrom('login_transactions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('expires_at', '>', now)
    .executeTakeFirstOrThrow();
  const registeredClients = await db
    .selectFrom('registered_clients')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('client_secret', 'is not', null)
    .executeTakeFirstOrThrow();
  return { tokens: Number(tokens.n), login_transactions: Number(loginTransactions.n), registered_clients: Number(registeredClients.n) };
}

/** How often a row that changed between read and write is read again. */
const ATTEMPTS_PER_ROW = 3;

type Outcome = 'reencrypted' | 'alreadyCurrent' | 'changed' | { failed: TableRotation['failed'][number]['code']; keyId?: string };

/**
 * Re-encrypts every token value, every pending sign-in's code_verifier (and
 * DPoP key) and every registered client's secret that is not under the newest
 * key of `cipher`. Idempotent: a second run rewrites nothing. Each write is
 * conditional on the row still holding the values read, so a concurrent save
 * is never overwritten.
 */
export async function rotateEncryptionKeys(
  db: Kysely<DatabaseSchema>,
  cipher: TokenCipher,
  options: KeyRotationOptions,
): Promise<KeyRotationResult> {
  const batchSize = options.batchSize ?? 200;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);

  // Once it has stopped a loop, interrupted stays true: a signal after the last row interrupts nothing.
  let interrupted = false;
  const stopped = () => (interrupted ||= options.signal?.aborted === true);
  /** Goes through one table a page of keys at a time (`page`: the next keys after the one given, in order), rotating each row. */
  const rotateTable = async (
    table: RotatedTable,
    page: (after: string) => Promise<string[]>,
    rotateRow: (key: string) => Promise<Outcome | undefined>,
    label: (key: string) => string = (key) => key,
  ): Promise<TableRotation> => {
    const rotation = emptyRotation();
    let after = '';
    while (!stopped()) {
      const keys = await page(after);
      const last = keys.at(-1);
      if (last === undefined) break;
      after = last;
      for (const key of keys) {
        if (stopped()) break;
        record(rotation, await rotateRow(key), label(key));
      }
      options.onBatch?.(table, rotation);
      await betweenBatches(options.signal);
    }
    return rotation;
  };

  const tokens = await rotateTable(
    'tokens',
    async (after) => (await db.selectFrom('tokens').select('id').where('id', '>', after).orderBy('id').limit(batchSize).execute()).map((row) => row.id),
    (id) => rotateTokenRow(db, cipher, id),
  );
  const loginTransactions = await rotateTable(
    'login_transactions',
    async (after) =>
      (await db.selectFrom('login_transactions').select('state').where('state', '>', after).where('expires_at', '>', options.now).orderBy('state').limit(batchSize).execute()).map(
        (row) => row.state,
      ),
    (state) => rotateLoginTransactionRow(db, cipher, state),
    loginTransactionLabel,
  );
  const registeredClients = await rotateTable(
    'registered_clients',
    async (after) =>
      (await db.selectFrom('registered_clients').select('id').where('id', '>', after).where('client_secret', 'is not', null).orderBy('id').limit(batchSize).execute()).map(
        (row) => row.id,
      ),
    (id) => rotateRegisteredClientRow(db, cipher, id),
  );

  return { keyId: cipher.currentKeyId, tokens, loginTransactions, registeredClients, interrupted };
}

/**
 * On SQLite (better-sqlite3, synchronous) every query resolves at once, so a
 * rotation never leaves the microtask queue and a signal's handler would run
 * only after the last row: with a signal to watch, each batch ends with a
 * turn of the event loop.
 */
function betweenBatches(signal: AbortSignal | undefined): Promise<void> | undefined {
  return signal && new Promise((resolve) => setImmediate(resolve));
}

/**
 * A login transaction's primary key is its `state`, which the browser still
 * has to present: reports name it by a prefix only.
 */
function loginTransactionLabel(state: string): string {
  return `${state.slice(0, 6)}…`;
}

function emptyRotation(): TableRotation {
  return { checked: 0, reencrypted: 0, alreadyCurrent: 0, changedConcurrently: 0, failed: [] };
}

function record(rotation: TableRotation, outcome: Outcome | undefined, label: string): void {
  if (outcome === undefined) return; // deleted since the batch was read
  rotation.checked += 1;
  if (outcome === 'reencrypted') rotation.reencrypted += 1;
  else if (outcome === 'alreadyCurrent') rotation.alreadyCurrent += 1;
  else if (outcome === 'changed') rotation.changedConcurrently += 1;
  else rotation.failed.push({ id: label, code: outcome.failed, ...(outcome.keyId ? { keyId: outcome.keyId } : {}) });
}

function failureOf(error: unknown): Outcome {
  if (!(error instanceof TokenDecryptionError)) return { failed: 'UNEXPECTED' };
  return { failed: error.code, ...(error.keyId ? { keyId: error.keyId } : {}) };
}

/** The value under the newest key, or null when it already is; throws TokenDecryptionError. */
function rewritten(cipher: TokenCipher, value: string, associatedData: string): string | null {
  return cipher.needsReencryption(value) ? cipher.reencrypt(value, associatedData) : null;
}

async function rotateTokenRow(db: Kysely<DatabaseSchema>, cipher: TokenCipher, id: string): Promise<Outcome | undefined> {
  for (let attempt = 0; attempt < ATTEMPTS_PER_ROW; attempt += 1) {
    const row = await db
      .selectFrom('tokens')
      .select(['id', 'user_id', 'provider', 'access_token', 'refresh_token', 'id_token', 'dpop_key'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    const next: Record<TokenColumn, string | null> = { access_token: null, refresh_token: null, id_token: null, dpop_key: null };
    try {
      for (const column of ['access_token', 'refresh_token', 'id_token', 'dpop_key'] as const) {
        const value = row[column];
        if (value !== null) next[column] = rewritten(cipher, value, tokenAssociatedData(row.user_id, row.provider, column));
      }
    } catch (error) {
      return failureOf(error);
    }
    if (next.access_token === null && next.refresh_token === null && next.id_token === null && next.dpop_key === null) return 'alreadyCurrent';
    const result = await db
      .updateTable('tokens')
      .set({
        access_token: next.access_token ?? row.access_token,
        refresh_token: next.refresh_token ?? row.refresh_token,
        id_token: next.id_token ?? row.id_token,
        dpop_key: next.dpop_key ?? row.dpop_key,
      })
      .where('id', '=', row.id)
      .where('access_token', '=', row.access_token)
      .where((eb) => (row.refresh_token === null ? eb('refresh_token', 'is', null) : eb('refresh_token', '=', row.refresh_token)))
      .where((eb) => (row.id_token === null ? eb('id_token', 'is', null) : eb('id_token', '=', row.id_token)))
      .where((eb) => (row.dpop_key === null ? eb('dpop_key', 'is', null) : eb('dpop_key', '=', row.dpop_key)))
      .executeTakeFirst();
    if (result.numUpdatedRows > 0n) return 'reencrypted';
  }
  return 'changed';
}

async function rotateLoginTransactionRow(db: Kysely<DatabaseSchema>, cipher: TokenCipher, state: string): Promise<Outcome | undefined> {
  for (let attempt = 0; attempt < ATTEMPTS_PER_ROW; attempt += 1) {
    const row = await db.selectFrom('login_transactions').select(['state', 'code_verifier', 'dpop_key']).where('state', '=', state).executeTakeFirst();
    if (row === undefined) return undefined; // consumed by its callback meanwhile
    let codeVerifier: string | null;
    let dpopKey: string | null;
    try {
      codeVerifier = rewritten(cipher, row.code_verifier, loginTransactionAssociatedData(row.state));
      dpopKey = row.dpop_key === null ? null : rewritten(cipher, row.dpop_key, loginTransactionAssociatedData(row.state, 'dpop_key'));
    } catch (error) {
      return failureOf(error);
    }
    if (codeVerifier === null && dpopKey === null) return 'alreadyCurrent';
    const result = await db
      .updateTable('login_transactions')
      .set({ code_verifier: codeVerifier ?? row.code_verifier, dpop_key: dpopKey ?? row.dpop_key })
      .where('state', '=', row.state)
      .where('code_verifier', '=', row.code_verifier)
      .where((eb) => (row.dpop_key === null ? eb('dpop_key', 'is', null) : eb('dpop_key', '=', row.dpop_key)))
      .executeTakeFirst();
    if (result.numUpdatedRows > 0n) return 'reencrypted';
  }
  return 'changed';
}

async function rotateRegisteredClientRow(db: Kysely<DatabaseSchema>, cipher: TokenCipher, id: string): Promise<Outcome | undefined> {
  for (let attempt = 0; attempt < ATTEMPTS_PER_ROW; attempt += 1) {
    const row = await db.selectFrom('registered_clients').select(['id', 'provider', 'server', 'client_secret']).where('id', '=', id).executeTakeFirst();
    if (row === undefined) return undefined; // forgotten meanwhile
    if (row.client_secret === null) return 'alreadyCurrent';
    let clientSecret: string | null;
    try {
      clientSecret = rewritten(cipher, row.client_secret, registeredClientAssociatedData(row.provider, row.server));
    } catch (error) {
      return failureOf(error);
    }
    if (clientSecret === null) return 'alreadyCurrent';
    const result = await db
      .updateTable('registered_clients')
      .set({ client_secret: clientSecret })
      .where('id', '=', row.id)
      .where('client_secret', '=', row.client_secret)
      .executeTakeFirst();
    if (result.numUpdatedRows > 0n) return 'reencrypted';
  }
  return 'changed';
}
