import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';

// https://www.sqlite.org/fileformat2.html: a database file starts with this string, and its bytes 18 and 19 are 2
// in WAL mode (1 with a rollback journal); a WAL file has a 32-byte header, then its frames.
const MAGIC = 'SQLite format 3\0';
const WAL_MODE = 2;
const WAL_HEADER_BYTES = 32;

/**
 * Refuses a database whose `-wal` file cannot be its own: a database not in
 * WAL mode (as a backup is, restored by copying it over the file) beside a
 * WAL with frames, which the server that was stopped or killed left there.
 * SQLite would replay those frames onto it on opening: the restore undone
 * without a word, or pages of two databases mixed into a corrupt one.
 * Throws before SQLite opens the file, so nothing is changed.
 */
export function refuseForeignWal(path: string): void {
  const wal = `${path}-wal`;
  if (sizeOf(wal) <= WAL_HEADER_BYTES) return;
  const header = Buffer.alloc(20);
  let read = 0;
  const fd = openSync(path, 'r');
  try {
    read = readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  // A new (empty) file, or not a database at all: SQLite says so itself.
  if (read < header.length || header.toString('latin1', 0, MAGIC.length) !== MAGIC) return;
  if (header[18] === WAL_MODE) return;
  const name = basename(path);
  throw new Error(
    `${name}-wal beside it is not its log (the database is not in WAL mode, as a restored backup is not), and SQLite would replay it onto the database: ` +
      `move ${name}-wal and ${name}-shm out of the folder (they belong to the database that was there before), then start again`,
  );
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
