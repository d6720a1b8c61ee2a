import { ConfigError } from '../config/config-error.js';
import { configWarnings } from '../config/config-warnings.js';
import type { AppConfig } from '../config/config.js';
import { environmentWithDotEnv } from '../config/env-file.js';
import { parseOrReportUsage, strictParse } from './arguments.js';
import { processIo, type CommandIo } from './command-io.js';
import { checkDatabase, checkProviders, type CheckResult, type CheckStatus } from './doctor-checks.js';
import { checkWebhooks } from './doctor-webhook-checks.js';
import { configFromEnvironment } from './load-config.js';

export const DOCTOR_USAGE = `Usage: tokenkeeper doctor

Reads the configuration as serve does, then checks the deployment: the
database answers and is migrated; TOKEN_ENCRYPTION_KEYS decrypts the most
recent stored tokens (and which key they are under); the audit log's size,
its oldest entry and how long entries are kept (a warning when more than 10
million are kept for ever: AUDIT_LOG_RETENTION_DAYS); for each provider the
redirect URI it is sent, its discovery, its token endpoint and (when used)
its revocation and userinfo endpoints reached (an endpoint that answers 404
or 410 fails: nothing is at that URL; so does a redirect, never followed),
and this machine's clock against the provider's Date header (a warning past
60 s); with WEBHOOK_URLS, each receiver's server reached (a connection, TLS
verified, no request sent) and its messages waiting in the outbox (a warning
while some wait for a retry or have failed). One line per check: ok, warn or fail. Exits 1 when a check fails, 78 when the configuration is refused.`;

/** One check as printed: `ok    database: SQLite /srv/data/tokenkeeper.db answers`. */
export function formatCheck(result: CheckResult): string {
  return `${result.status.padEnd(4)}  ${result.check}: ${result.detail}\n`;
}

/**
 * `tokenkeeper doctor`. Returns 0 when no check failed (warnings allowed), 1
 * when one did, 2 on bad usage, and 78 (EX_CONFIG) when the configuration is
 * refused, as every command does.
 */
export async function runDoctor(args: string[], io: CommandIo = processIo()): Promise<number> {
  const parsed = parseOrReportUsage('doctor', DOCTOR_USAGE, io.stderr, () => strictParse(args, { help: { type: 'boolean', short: 'h' } }));
  if (!parsed) return 2;
  if (parsed.values.help === true) {
    io.stdout.write(`${DOCTOR_USAGE}\n`);
    return 0;
  }
  const counts: Record<CheckStatus, number> = { ok: 0, warn: 0, fail: 0 };
  const report = (result: CheckResult) => {
    counts[result.status] += 1;
    io.stdout.write(formatCheck(result));
  };

  let config: AppConfig | undefined;
  try {
    config = configFromEnvironment(io.env, io.cwd);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    report({ status: 'fail', check: 'configuration', detail: error.message.replace(/^Configuration error: /, '') });
  }
  if (config) {
    const providers = config.providers.map((provider) => provider.name).join(', ');
    report({
      status: 'ok',
      check: 'configuration',
      detail: `${config.production ? 'production' : 'development'}, BASE_URL ${config.baseUrl.origin}, providers ${providers}`,
    });
    // What serve would warn about at start (an http BASE_URL in production, provider variables nothing reads).
    for (const warning of configWarnings(config, environmentWithDotEnv(io.cwd, io.env))) report({ status: 'warn', check: 'configuration', detail: warning });
    const findings = await checkDatabase(config, io.cwd, report);
    await checkProviders(config, io.now ?? (() => Date.now() / 1000), report);
    await checkWebhooks(config, findings, report);
  }
  io.stdout.write(`doctor: ${counts.ok} ok, ${counts.warn} ${counts.warn === 1 ? 'warning' : 'warnings'}, ${counts.fail} ${counts.fail === 1 ? 'failure' : 'failures'}\n`);
  if (!config) return 78; // EX_CONFIG
  return counts.fail > 0 ? 1 : 0;
}
