import { auditRetentionText } from '../core/audit-retention.js';
import type { AuditLogSize } from '../db/audit-log-size.js';
import type { CheckResult } from './doctor-checks.js';

/** Past this many entries, an audit log kept for ever is a warning: its table grows without end. */
export const AUDIT_LOG_WARN_ENTRIES = 10_000_000;

const count = (value: number) => value.toLocaleString('en-US');

/** The audit log's line: its size, its oldest entry and the retention in force (AUDIT_LOG_RETENTION_DAYS); a warning when a big log is kept for ever. */
export function describeAuditLog(size: AuditLogSize, retentionDays: number, maxCounted: number): CheckResult {
  const check = 'audit log';
  const retention = `${auditRetentionText(retentionDays).replace(/^Entries/, 'entries')} (AUDIT_LOG_RETENTION_DAYS${retentionDays === 0 ? ' is 0' : ''})`;
  if (size.oldestAt === null) return { status: 'ok', check, detail: `no entries yet; ${retention}` };
  const entries =
    size.entries === null
      ? `more than ${count(maxCounted)} entries`
      : size.estimated
        ? `about ${count(size.entries)} entries (an estimate)`
        : `${count(size.entries)} ${size.entries === 1 ? 'entry' : 'entries'}`;
  const detail = `${entries}, the oldest from ${new Date(size.oldestAt * 1000).toISOString()}; ${retention}`;
  if (retentionDays === 0 && size.entries !== null && size.entries > AUDIT_LOG_WARN_ENTRIES) {
    return { status: 'warn', check, detail: `${detail}: set AUDIT_LOG_RETENTION_DAYS (e.g. 90) for serve to delete older entries` };
  }
  return { status: 'ok', check, detail };
}
