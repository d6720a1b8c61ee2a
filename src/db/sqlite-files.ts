import { chmodSync, closeSync, mkdirSync, openSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** The database file and the files SQLite keeps beside it (https://www.sqlite.org/tempfiles.html). */
const SUFFIXES = ['', '-wal', '-shm', '-journal'];

/**
 * Makes a SQLite database private to this user before SQLite opens it: it
 * holds profiles, password hashes, session CSRF tokens and the audit log.
 * A folder that has to be made is made 0700 (an existing one is left as
 * the operator set it). The database file is created 0600 here, since
 * SQLite would create it 0644 (SQLITE_DEFAULT_FILE_PERMISSIONS), and SQLite
 * gives the -wal and -shm files it creates the database file's permissions.
 * Files left group- or world-readable by an older version are tightened
 * to 0600 when this user owns them.
 */
export function makeSqliteFilesPrivate(path: string): void {
  const file = resolve(path);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  try {
    closeSync(openSync(file, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  for (const suffix of SUFFIXES) tighten(`${file}${suffix}`);
}

function tighten(file: string): void {
  let stats: Stats;
  try {
    stats = statSync(file);
  } catch {
    return;
  }
  if (!stats.isFile() || (stats.mode & 0o077) === 0) return;
  // Someone else's file (a shared setup): not ours to change, and chmod would fail.
  if (process.getuid !== undefined && stats.uid !== process.getuid()) return;
  chmodSync(file, 0o600);
}
