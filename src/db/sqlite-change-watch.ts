import { closeSync, openSync, readSync } from 'node:fs';

/**
 * The wal-index header at the start of a WAL database's `-shm` file (SQLite's
 * walformat.html, section 2.1, for the unix and windows VFSes): two copies of
 * a 48-byte header. A commit raises `iChange` and moves `mxFrame`, then writes
 * the second copy and, after a memory barrier, the first; a WAL reset changes
 * the salts. So the header's bytes change with every committed transaction,
 * from any connection of any process, and only then (a checkpoint does not
 * touch it).
 */
const HEADER_BYTES = 48;
const VERSION_OFFSET = 0;
const IS_INIT_OFFSET = 12;
/** iVersion of every wal-index since SQLite 3.7.0. */
const WAL_INDEX_VERSION = 3007000;

/** Returned while the header cannot be trusted (a commit half-written, not yet initialised): nothing may be kept from this moment. */
export const UNKNOWN_GENERATION = -1;

/**
 * Tells, with one read of 96 bytes, whether a SQLite database in WAL mode
 * may have changed since an earlier look: `generation()` stays the same
 * number exactly as long as no transaction commits. A read made after
 * `generation()` returned g therefore stays current while `generation()`
 * keeps returning g.
 *
 * It holds for every connection that shares the -shm file, i.e. every
 * process that opens the database in WAL mode with the normal locking mode,
 * as Tokenkeeper and the sqlite3 shell do. A connection that sets
 * `locking_mode = EXCLUSIVE` before its first read keeps its wal-index in
 * private memory instead, so its commits would go unseen: nothing should
 * open Tokenkeeper's database that way while servers run.
 */
export class SqliteChangeWatch {
  readonly #fd: number;
  readonly #header = Buffer.alloc(HEADER_BYTES * 2);
  readonly #lastSeen = Buffer.alloc(HEADER_BYTES);
  #generation = 0;
  #closed = false;

  private constructor(fd: number) {
    this.#fd = fd;
  }

  /**
   * Watches the database at `databasePath`, whose connections are open in WAL
   * mode. Null (and the caller reads every time) when there is no -shm file
   * (another VFS) or the machine is big-endian (the header is in native byte
   * order). The header's version and the agreement of its two copies are
   * checked on every look: nothing is assumed that is not checked.
   */
  static open(databasePath: string): SqliteChangeWatch | null {
    if (!isLittleEndian()) return null;
    try {
      return new SqliteChangeWatch(openSync(`${databasePath}-shm`, 'r'));
    } catch {
      return null;
    }
  }

  /** The current generation, or UNKNOWN_GENERATION while a commit is half-written. */
  generation(): number {
    // A closed descriptor's number may already belong to another file.
    if (this.#closed) throw new Error('SqliteChangeWatch: closed');
    if (!this.#read()) {
      // Whatever was seen before may be outdated now.
      this.#generation += 1;
      this.#lastSeen.fill(0);
      return UNKNOWN_GENERATION;
    }
    if (this.#header.compare(this.#lastSeen, 0, HEADER_BYTES, 0, HEADER_BYTES) !== 0) {
      this.#header.copy(this.#lastSeen, 0, 0, HEADER_BYTES);
      this.#generation += 1;
    }
    return this.#generation;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.#fd);
  }

  /** Reads both copies; true when the header is a wal-index header, initialised, and its copies agree (no commit half-written). */
  #read(): boolean {
    const header = this.#header;
    return (
      readSync(this.#fd, header, 0, header.length, 0) === header.length &&
      header.readUInt32LE(VERSION_OFFSET) === WAL_INDEX_VERSION &&
      header[IS_INIT_OFFSET] === 1 &&
      header.compare(header, HEADER_BYTES, HEADER_BYTES * 2, 0, HEADER_BYTES) === 0
    );
  }
}

function isLittleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}
