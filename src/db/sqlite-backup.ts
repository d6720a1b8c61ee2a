import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, linkSync, openSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';

export interface BackupProgress {
  totalPages: number;
  remainingPages: number;
}

export interface SqliteBackupOptions {
  /** Replace an existing file at the destination (default: refuse). */
  force?: boolean;
  /** Pages copied per step at first (default 100, better-sqlite3's). */
  pagesPerStep?: number;
  /** Called after each step. */
  onProgress?: (progress: BackupProgress) => void;
  /** Stops the copy at its next step (Ctrl-C): it rejects with the signal's reason, and nothing is left behind. */
  signal?: AbortSignal;
}

/** The destination exists and `force` was not given. */
export class BackupTargetExistsError extends Error {
  override readonly name = 'BackupTargetExistsError';
}

const BUSY_TIMEOUT_MS = 5000;

/**
 * Copies a live SQLite database to `destination` with SQLite's online backup
 * API (https://www.sqlite.org/backup.html), while other connections and
 * processes go on reading and writing. The copy is a consistent snapshot:
 * SQLite starts the copy over when another connection writes between two
 * steps, so each restart here doubles the pages per step until a whole pass
 * fits between writes. The copy is written to a private (0600) file beside the
 * destination, switched to a rollback journal so it is one self-contained
 * file, checked (PRAGMA quick_check), and only then given its name: no reader
 * ever sees a half-written backup under the destination's name.
 */
export async function backupSqliteDatabase(source: string, destination: string, options: SqliteBackupOptions = {}): Promise<BackupProgress> {
  const sourcePath = resolve(source);
  const target = resolve(destination);
  if (!existsSync(sourcePath)) throw new Error(`there is no SQLite database at ${sourcePath}`);
  const live = realpathSync(sourcePath);
  const existing = existsSync(target) ? statSync(target) : undefined;
  const targetReal = existing ? realpathSync(target) : join(realpathSync(dirnameOrThrow(target)), basename(target));
  if (targetReal === live || targetReal.startsWith(`${live}-`)) throw new Error(`${target} is the database itself (or one of its files)`);
  if (existing?.isDirectory()) throw new Error(`${target} is a folder: give the backup a file name, e.g. ${join(target, 'tokenkeeper-backup.db')}`);
  if (existing && !options.force) throw new BackupTargetExistsError(`${target} already exists (use --force to replace it)`);

  options.signal?.throwIfAborted();
  const partial = join(dirname(target), `.${basename(target)}.partial-${randomBytes(6).toString('hex')}`);
  // Made here, 0600 and exclusively, because SQLite would create it world-readable (SQLITE_DEFAULT_FILE_PERMISSIONS).
  try {
    closeSync(openSync(partial, 'wx', 0o600));
  } catch (error) {
    // The copy's temporary name means nothing to the caller: the folder is what could not be written.
    throw new Error(`cannot write a file in ${dirname(target)} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
  try {
    const result = await copyPages(sourcePath, partial, options);
    const copy = new SqliteDatabase(partial, { fileMustExist: true });
    try {
      copy.pragma('journal_mode = DELETE');
      const check = copy.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new Error(`the copy failed SQLite's quick_check: ${String(check)}`);
    } finally {
      copy.close();
    }
    options.signal?.throwIfAborted();
    if (options.force) {
      renameSync(partial, target);
    } else {
      // link() fails when the name is taken, even by a file made since the check above.
      try {
        linkSync(partial, target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new BackupTargetExistsError(`${target} already exists (use --force to replace it)`);
        throw error;
      }
      rmSync(partial);
    }
    return result;
  } catch (error) {
    for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(`${partial}${suffix}`, { force: true });
    throw error;
  }
}

async function copyPages(sourcePath: string, partial: string, options: SqliteBackupOptions): Promise<BackupProgress> {
  const sourceDb = new SqliteDatabase(sourcePath, { fileMustExist: true });
  try {
    sourceDb.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    let pagesPerStep = options.pagesPerStep ?? 100;
    let lastRemaining = Number.POSITIVE_INFINITY;
    const done = await sourceDb.backup(partial, {
      progress: (progress) => {
        // Thrown here, better-sqlite3 closes the backup and rejects with it.
        options.signal?.throwIfAborted();
        if (progress.remainingPages > lastRemaining) pagesPerStep *= 2; // restarted: another connection wrote
        lastRemaining = progress.remainingPages;
        options.onProgress?.(progress);
        return pagesPerStep;
      },
    });
    const final = { totalPages: done.totalPages, remainingPages: 0 };
    options.onProgress?.(final);
    return final;
  } finally {
    sourceDb.close();
  }
}

function dirnameOrThrow(target: string): string {
  const folder = dirname(target);
  if (!existsSync(folder)) throw new Error(`the folder ${folder} does not exist`);
  if (!statSync(folder).isDirectory()) throw new Error(`${folder} is not a folder`);
  return folder;
}
