import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { deleteExpiredConnectLinks } from '../db/connect-link.repository.js';
import { deleteExpiredLoginTransactions } from '../db/login-transaction.repository.js';
import type { DatabaseSchema } from '../db/schema.js';
import { deleteExpiredSessions } from '../db/session.repository.js';
import { deleteDeliveredWebhooks } from '../db/webhook-delivery.repository.js';
import { pruneAuditLog, type AuditRetention } from './audit-retention.js';
import { CONNECT_LINK_KEPT_AFTER_EXPIRY_SECONDS } from './connect-links.js';
import { databaseOutageLog } from './outage-log.js';

/** Delivered webhooks are kept this long, for the admin site's list; failed ones until deleted by hand. */
const DELIVERED_WEBHOOKS_KEPT_SECONDS = 30 * 86_400;

export interface HousekeepingOptions {
  db: Kysely<DatabaseSchema>;
  logger: Logger;
  now: () => number;
  sessionIdleTimeoutSeconds: number;
  /** AUDIT_LOG_RETENTION_DAYS and how the older entries are deleted; unset or 0 days: the audit log is kept for ever. */
  auditRetention?: AuditRetention;
  intervalMs?: number;
}

/**
 * Deletes expired sessions, abandoned sign-ins, old connect links, delivered
 * webhooks over 30 days old and audit entries past their retention once now
 * and then every interval. Returns a stop function.
 */
export function startHousekeeping(options: HousekeepingOptions): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const outage = databaseOutageLog(options.logger, 'housekeeping', 'housekeeping failed; will try again');
  const sweep = async () => {
    try {
      const now = options.now();
      const sessions = await deleteExpiredSessions(options.db, now, options.sessionIdleTimeoutSeconds);
      const logins = await deleteExpiredLoginTransactions(options.db, now);
      const connectLinks = await deleteExpiredConnectLinks(options.db, now - CONNECT_LINK_KEPT_AFTER_EXPIRY_SECONDS);
      const webhooks = await deleteDeliveredWebhooks(options.db, now - DELIVERED_WEBHOOKS_KEPT_SECONDS);
      if (sessions + logins + connectLinks + webhooks > 0) options.logger.debug({ sessions, logins, connectLinks, webhooks }, 'deleted expired sessions, sign-ins and connect links, and old delivered webhooks');
      if (options.auditRetention) {
        const retentionDays = options.auditRetention.days;
        const audit = await pruneAuditLog(options.db, now, options.auditRetention, () => stopped);
        if (audit.deleted > 0) {
          const message = audit.more ? 'deleted audit log entries past AUDIT_LOG_RETENTION_DAYS; the rest in the next runs' : 'deleted audit log entries past AUDIT_LOG_RETENTION_DAYS';
          options.logger.info({ auditEntries: audit.deleted, retentionDays }, message);
        }
      }
      outage.succeeded();
    } catch (error) {
      outage.failed(error);
    }
  };
  // One run at a time: one that outlasts the interval (a backlog of audit entries, a database answering slowly)
  // is not joined by a second deleting beside it, and stop() waits for the run there is.
  let underWay = false;
  const start = () => {
    if (underWay || stopped) return;
    underWay = true;
    running = sweep().finally(() => {
      underWay = false;
    });
  };
  start();
  const timer = setInterval(start, options.intervalMs ?? 10 * 60_000);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
