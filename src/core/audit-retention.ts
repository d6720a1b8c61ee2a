import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import { deleteAuditEventsBefore } from '../db/audit.repository.js';
import type { DatabaseSchema } from '../db/schema.js';

/** How long the audit log keeps its entries (AUDIT_LOG_RETENTION_DAYS), and how housekeeping deletes the older ones. */
export interface AuditRetention {
  /** Entries older than this many days are deleted; 0: kept for ever. */
  days: number;
  /** Entries per DELETE (default 5,000): one statement holds SQLite's single writer, or PostgreSQL's row locks, that long at most. */
  batchSize?: number;
  /** DELETEs per run at most (default 100): what is left goes in the next run. */
  maxBatches?: number;
  /** Pause between two DELETEs (default 100 ms), in which other writers go. */
  pauseMs?: number;
}

/** How long entries are kept, in words: `Entries are kept 90 days`, `Entries are kept for ever` (0 days). */
export function auditRetentionText(days: number): string {
  return days === 0 ? 'Entries are kept for ever' : `Entries are kept ${days} ${days === 1 ? 'day' : 'days'}`;
}

export interface AuditPruneResult {
  deleted: number;
  /** True when the run stopped at maxBatches (or was stopped) with entries past the retention probably left. */
  more: boolean;
}

/**
 * Deletes the audit entries written more than `retention.days` days before
 * `nowSeconds`, oldest first, in DELETEs of at most `batchSize` entries
 * with a pause between them, until one deletes fewer (none are left), the
 * run has made `maxBatches` of them, or `stopped()` says to stop.
 */
export async function pruneAuditLog(
  db: Kysely<DatabaseSchema>,
  nowSeconds: number,
  retention: AuditRetention,
  stopped: () => boolean = () => false,
): Promise<AuditPruneResult> {
  if (retention.days <= 0) return { deleted: 0, more: false };
  const beforeMillis = (nowSeconds - retention.days * 86_400) * 1000;
  if (beforeMillis <= 0) return { deleted: 0, more: false };
  const batchSize = retention.batchSize ?? 5000;
  const maxBatches = retention.maxBatches ?? 100;
  const pauseMs = retention.pauseMs ?? 100;
  let deleted = 0;
  for (let batch = 0; batch < maxBatches; batch += 1) {
    if (batch > 0) {
      if (pauseMs > 0) await sleep(pauseMs);
      if (stopped()) return { deleted, more: true };
    }
    const count = await deleteAuditEventsBefore(db, beforeMillis, batchSize);
    deleted += count;
    if (count < batchSize) return { deleted, more: false };
  }
  return { deleted, more: true };
}
