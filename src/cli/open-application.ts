import type { Logger } from 'pino';
import { TokenkeeperError } from '../client/errors.js';
import { ConfigError } from '../config/config-error.js';
import type { AppConfig } from '../config/config.js';
import { openTokenkeeper, type Tokenkeeper } from '../core/tokenkeeper.js';
import { startApplicationWebhookDelivery } from '../core/webhook-delivery.js';
import { webhookOfTokenEvent } from '../core/webhook-events.js';
import type { WebhookEventType } from '../core/webhook-outbox.js';
import { pendingMigrations } from '../db/migrate.js';
import { hasWebhookDeliveries } from '../db/webhook-delivery.repository.js';
import { createLogger } from '../server/logger.js';
import { CommandFailure } from './arguments.js';
import { plainCommandLog } from './command-log.js';
import type { CommandIo } from './command-io.js';
import { requireExistingDatabase } from './existing-database.js';
import { configFromEnvironment } from './load-config.js';

/**
 * The application on the database (checked, never migrated: that is `migrate`'s job). A relative SQLite path is
 * taken from `cwd`, the folder whose `.env` and `./data` the configuration came from.
 */
export async function openApplication(config: AppConfig, logger: Logger, now: () => number, cwd: string): Promise<Tokenkeeper> {
  const tokenkeeper = await openTokenkeeper({ config, logger, now, databaseFolder: cwd });
  try {
    const pending = await pendingMigrations(tokenkeeper.database);
    if (pending.length > 0) {
      const what = pending.length === 1 ? `a pending migration (${pending[0]})` : `${pending.length} pending migrations (${pending.join(', ')})`;
      throw new CommandFailure(`the database has ${what}; run \`tokenkeeper migrate\` first.`);
    }
    return tokenkeeper;
  } catch (error) {
    await tokenkeeper.close();
    throw error;
  }
}

/**
 * One pass of the webhook delivery job, so that what the command wrote (a
 * revocation's connection.revoked) goes out now instead of waiting for a
 * server. Each message is leased, so a running server never sends it twice;
 * one that fails here stays in the outbox and a server retries it.
 */
async function sendWebhooksNow(application: Tokenkeeper): Promise<void> {
  const job = startApplicationWebhookDelivery(application, { pollMs: 3_600_000 });
  if (!job) return;
  try {
    await job.runOnce();
  } finally {
    await job.stop();
  }
}

/**
 * Runs one command of `tokens` or `services` on the application configured
 * like `serve` (without the web app), and closes it. stdout is the command's
 * answer, which scripts parse: logs go to stderr, only warnings, each a plain
 * `tokenkeeper <what>: …` line (plainCommandLog), unless LOG_LEVEL asks for
 * the log itself (JSON lines, at that level). Returns the exit code: 0 done, 1 failed (one line
 * on stderr, `tokenkeeper <what>: <why>`). A ConfigError is left to main(),
 * which prints it as every command does.
 */
export async function runOnApplication(
  what: string,
  io: CommandIo,
  body: (application: Tokenkeeper, config: AppConfig, now: () => number) => Promise<void>,
): Promise<number> {
  const config = configFromEnvironment(io.env, io.cwd);
  const now = io.now ?? (() => Math.floor(Date.now() / 1000));
  const logger = io.env.LOG_LEVEL?.trim()
    ? createLogger(config.logLevel, { write: (line: string) => io.stderr.write(line) })
    : createLogger('warn', plainCommandLog(what, (text) => io.stderr.write(text)));
  try {
    requireExistingDatabase(config.databaseUrl, io.cwd);
    const application = await openApplication(config, logger, now, io.cwd);
    let wroteWebhooks = false;
    const stopWatching = application.webhooks.onEnqueued(() => (wroteWebhooks = true));
    // Without WEBHOOK_URLS here, a change this command makes (a revocation's connection.revoked) goes to no outbox,
    // and the servers' receivers never hear of it: said when servers on this database do send webhooks.
    let unsentWebhook: WebhookEventType | undefined;
    const stopListening = application.webhooks.enabled ? () => undefined : application.tokens.on((event) => void (unsentWebhook ??= webhookOfTokenEvent(event)?.type));
    try {
      await body(application, config, now);
      if (wroteWebhooks) await sendWebhooksNow(application);
      if (unsentWebhook && (await hasWebhookDeliveries(application.database.db))) {
        io.stderr.write(
          `tokenkeeper ${what}: WEBHOOK_URLS is not set for this command, but servers on this database send webhooks: no ${unsentWebhook} webhook was sent for this change (run it with the same WEBHOOK_URLS and WEBHOOK_SECRET as serve).\n`,
        );
      }
      return 0;
    } finally {
      stopListening();
      stopWatching();
      await application.close();
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const message = error instanceof CommandFailure || error instanceof TokenkeeperError ? error.message : `${(error as Error).message ?? String(error)}`;
    io.stderr.write(`tokenkeeper ${what}: ${message}\n`);
    return 1;
  }
}
