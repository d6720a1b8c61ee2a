import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { describePostgresUrl, parseDatabaseUrl } from '../db/database.js';
import { backupSqliteDatabase, BackupTargetExistsError } from '../db/sqlite-backup.js';
import { parseOrReportUsage, strictParse, UsageError } from './arguments.js';
import { processIo, type CommandIo } from './command-io.js';
import { configFromEnvironment } from './load-config.js';
import { createProgress } from './progress.js';

export const BACKUP_USAGE = `Usage: tokenkeeper backup <file> [--force]

Copies the SQLite database of DATABASE_URL to <file> while the server runs
(SQLite's online backup API: a consistent snapshot), readable by this user
only (0600). An existing <file> is refused unless --force is given.
For PostgreSQL, use pg_dump and pg_restore.
Keep TOKEN_ENCRYPTION_KEYS and SECRET_KEY too, apart from the copy: without
the keys its tokens cannot be read.`;

export type BackupCommand = { help: true } | { help: false; file: string; force: boolean };

export function parseBackupArguments(args: readonly string[]): BackupCommand {
  const { values, positionals } = strictParse(args, { force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, true);
  if (values.help === true) return { help: true };
  if (positionals.length === 0) throw new UsageError('missing the file to write the backup to');
  if (positionals.length > 1) throw new UsageError(`one file only (got ${positionals.length})`);
  // `backup "$FILE"` with FILE unset: "" would be the working folder, and " " a file named by a space.
  if (positionals[0]!.trim() === '') throw new UsageError('the file name is empty (from a shell variable that is not set?)');
  return { help: false, file: positionals[0]!, force: values.force === true };
}

/**
 * `tokenkeeper backup <file> [--force]`. Returns the exit code: 0 written,
 * 1 failed (the destination exists, the copy failed, SIGINT or SIGTERM stopped it), 2 bad usage or a
 * database this command does not copy (PostgreSQL: pg_dump's job).
 */
export async function runBackup(args: string[], io: CommandIo = processIo()): Promise<number> {
  const command = parseOrReportUsage('backup', BACKUP_USAGE, io.stderr, () => parseBackupArguments(args));
  if (!command) return 2;
  if (command.help) {
    io.stdout.write(`${BACKUP_USAGE}\n`);
    return 0;
  }
  const config = configFromEnvironment(io.env, io.cwd);
  const location = parseDatabaseUrl(config.databaseUrl);
  if (location.dialect === 'postgres') {
    // umask 077: the dump holds what the database does (encrypted tokens, sessions, password hashes), and the
    // shell's usual umask would leave it readable by every user. "$DATABASE_URL" is the shell's, which has none
    // when the servers read it from .env: pg_dump would then dump its default database without a word.
    const fromDotEnvOnly = (io.env.DATABASE_URL ?? '') === '';
    io.stderr.write(
      `tokenkeeper backup: DATABASE_URL is PostgreSQL (${describePostgresUrl(location.connectionString)}): back it up with pg_dump, e.g. (umask 077; pg_dump --format=custom --file=tokenkeeper.dump "$DATABASE_URL"), and restore it with pg_restore` +
        (fromDotEnvOnly
          ? '; DATABASE_URL is set in .env only: export it first, or give the URL itself (an empty one makes pg_dump dump whatever database its own defaults name)'
          : '') +
        '\n',
    );
    return 2;
  }
  if (location.path === ':memory:') {
    io.stderr.write('tokenkeeper backup: DATABASE_URL is an in-memory SQLite database: there is nothing on disk to back up\n');
    return 2;
  }
  const source = resolve(io.cwd, location.path);
  const destination = resolve(io.cwd, command.file);
  const progress = createProgress({ output: io.stderr, label: 'backup', unit: 'pages', ...(io.now ? { now: () => io.now!() * 1000 } : {}) });
  // Ctrl-C (or a SIGTERM) stops the copy between two steps, and its temporary file is removed: killed
  // outright, the process would leave a hidden, partial copy of every token beside the destination.
  const interrupted = new AbortController();
  const interrupt = (signal: NodeJS.Signals) => interrupted.abort(new BackupInterruptedError(signal));
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    const { totalPages } = await backupSqliteDatabase(source, destination, {
      force: command.force,
      signal: interrupted.signal,
      onProgress: ({ totalPages: total, remainingPages }) => progress.update(total - remainingPages, total),
    });
    progress.finish(totalPages, totalPages);
    io.stdout.write(`Backed up ${source} to ${destination} (${statSync(destination).size} bytes).\n`);
    return 0;
  } catch (error) {
    if (error instanceof BackupInterruptedError) {
      io.stderr.write(`${io.stderr.isTTY === true ? '\n' : ''}tokenkeeper backup: ${error.message}: nothing was written to ${destination}\n`);
      return 1;
    }
    const message = error instanceof BackupTargetExistsError ? error.message : `the backup failed: ${(error as Error).message ?? String(error)}`;
    io.stderr.write(`tokenkeeper backup: ${message}\n`);
    return 1;
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
}

class BackupInterruptedError extends Error {
  override readonly name = 'BackupInterruptedError';
  constructor(signal: NodeJS.Signals) {
    super(`interrupted (${signal})`);
  }
}
