import { CompiledQuery, type Kysely } from 'kysely';
import { newAuditRow, type NewAuditEvent } from './audit.repository.js';
import type { DatabaseSchema } from './schema.js';

/** Rows per INSERT at most: 8 parameters each stays far below either dialect's limit on parameters per statement. */
const MAX_BATCH = 500;
/** INSERTs of up to this many rows keep their compiled SQL; a larger batch (a burst) is compiled each time. */
const KEPT_SQL_ROWS = 64;

type AuditRow = DatabaseSchema['audit_log'];
/** The order newAuditRow gives its keys, which is the order Kysely lists the columns and parameters in. */
const COLUMNS: ReadonlyArray<keyof AuditRow> = ['id', 'at', 'event', 'actor_user_id', 'target_type', 'target_id', 'ip', 'detail'];

interface Waiting {
  row: AuditRow;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Audit entries written by group commit: entries are written in one INSERT
 * (one transaction) once the event loop has run the I/O callbacks that were
 * ready (setImmediate), so every request read in that turn goes with them;
 * entries written while an INSERT is in flight go with the next. Each
 * promise resolves only once its entry is committed, so a caller that awaits
 * it (the service API, before it answers with a token) has the same guarantee
 * as with one INSERT each; but concurrent callers share one commit, whose
 * sync to disk is most of what a SQLite commit costs (SQLite, "Atomic Commit
 * In SQLite"), and which better-sqlite3 makes on the event loop's thread.
 */
class AuditBatch {
  readonly #db: Kysely<DatabaseSchema>;
  /** The INSERT's SQL by number of rows: building and compiling it again for every batch was about a fifth of a batch's cost (a profile of the service API under load). */
  readonly #sqlByRows = new Map<number, string>();
  #waiting: Waiting[] = [];
  #flushing = false;
  #scheduled = false;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  write(input: NewAuditEvent): Promise<void> {
    const row = newAuditRow(input);
    const written = new Promise<void>((resolve, reject) => this.#waiting.push({ row, resolve, reject }));
    this.#schedule();
    return written;
  }

  #schedule(): void {
    if (this.#scheduled || this.#flushing) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    const batch = this.#waiting.splice(0, MAX_BATCH);
    try {
      await this.#db.executeQuery(this.#insert(batch.map((waiting) => waiting.row)));
      for (const waiting of batch) waiting.resolve();
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
    } finally {
      this.#flushing = false;
      if (this.#waiting.length > 0) this.#schedule();
    }
  }

  #insert(rows: AuditRow[]): CompiledQuery {
    const parameters = rows.flatMap((row) => COLUMNS.map((column) => row[column]));
    const kept = this.#sqlByRows.get(rows.length);
    if (kept !== undefined) return CompiledQuery.raw(kept, parameters);
    const compiled = this.#db.insertInto('audit_log').values(rows).compile();
    // The kept SQL is used with parameters listed in COLUMNS order: check once that Kysely lists them so.
    if (compiled.parameters.length !== parameters.length || compiled.parameters.some((value, index) => value !== parameters[index])) {
      throw new Error('audit batch: the INSERT lists its parameters in another order than COLUMNS');
    }
    if (rows.length <= KEPT_SQL_ROWS) this.#sqlByRows.set(rows.length, compiled.sql);
    return compiled;
  }
}

const batches = new WeakMap<Kysely<DatabaseSchema>, AuditBatch>();

/** Writes the entry with whatever other entries are waiting (see AuditBatch); resolves once it is committed. */
export function writeAuditEventBatched(db: Kysely<DatabaseSchema>, input: NewAuditEvent): Promise<void> {
  let batch = batches.get(db);
  if (batch === undefined) batches.set(db, (batch = new AuditBatch(db)));
  return batch.write(input);
}
