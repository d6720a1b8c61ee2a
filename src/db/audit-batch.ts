import type { Kysely } from 'kysely';
import { newAuditRow, type NewAuditEvent } from './audit.repository.js';
import type { DatabaseSchema } from './schema.js';

/** Rows per INSERT at most: 8 parameters each stays far below either dialect's limit on parameters per statement. */
const MAX_BATCH = 500;

interface Waiting {
  row: DatabaseSchema['audit_log'];
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
      await this.#db.insertInto('audit_log').values(batch.map((waiting) => waiting.row)).execute();
      for (const waiting of batch) waiting.resolve();
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
    } finally {
      this.#flushing = false;
      if (this.#waiting.length > 0) this.#schedule();
    }
  }
}

const batches = new WeakMap<Kysely<DatabaseSchema>, AuditBatch>();

/** Writes the entry with whatever other entries are waiting (see AuditBatch); resolves once it is committed. */
export function writeAuditEventBatched(db: Kysely<DatabaseSchema>, input: NewAuditEvent): Promise<void> {
  let batch = batches.get(db);
  if (batch === undefined) batches.set(db, (batch = new AuditBatch(db)));
  return batch.write(input);
}
