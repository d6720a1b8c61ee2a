import { describe, expect, it } from 'vitest';
import { describeAuditLog } from './doctor-audit-log-check.js';

const OLDEST = Date.UTC(2026, 0, 2, 3, 4, 5) / 1000;

describe('the audit log check', () => {
  it.each([
    [{ entries: 0, estimated: false, oldestAt: null }, 0, 'ok', 'no entries yet; entries are kept for ever (AUDIT_LOG_RETENTION_DAYS is 0)'],
    [{ entries: 1, estimated: false, oldestAt: OLDEST }, 1, 'ok', '1 entry, the oldest from 2026-01-02T03:04:05.000Z; entries are kept 1 day (AUDIT_LOG_RETENTION_DAYS)'],
    [{ entries: 12_345, estimated: false, oldestAt: OLDEST }, 90, 'ok', '12,345 entries, the oldest from 2026-01-02T03:04:05.000Z; entries are kept 90 days (AUDIT_LOG_RETENTION_DAYS)'],
    [{ entries: null, estimated: true, oldestAt: OLDEST }, 0, 'ok', 'more than 100,000 entries, the oldest from 2026-01-02T03:04:05.000Z; entries are kept for ever (AUDIT_LOG_RETENTION_DAYS is 0)'],
    [{ entries: 10_000_000, estimated: true, oldestAt: OLDEST }, 0, 'ok', 'about 10,000,000 entries (an estimate), the oldest from 2026-01-02T03:04:05.000Z; entries are kept for ever (AUDIT_LOG_RETENTION_DAYS is 0)'],
    [
      { entries: 10_000_001, estimated: true, oldestAt: OLDEST },
      0,
      'warn',
      'about 10,000,001 entries (an estimate), the oldest from 2026-01-02T03:04:05.000Z; entries are kept for ever (AUDIT_LOG_RETENTION_DAYS is 0): set AUDIT_LOG_RETENTION_DAYS (e.g. 90) for serve to delete older entries',
    ],
    [{ entries: 50_000_000, estimated: true, oldestAt: OLDEST }, 365, 'ok', 'about 50,000,000 entries (an estimate), the oldest from 2026-01-02T03:04:05.000Z; entries are kept 365 days (AUDIT_LOG_RETENTION_DAYS)'],
  ] as const)('%o kept %d days: %s', (size, days, status, detail) => {
    expect(describeAuditLog(size, days, 100_000)).toEqual({ status, check: 'audit log', detail });
  });
});
