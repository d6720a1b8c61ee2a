import { copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from './database.js';
import { backupSqliteDatabase } from './sqlite-backup.js';

describe('a backup restored over a database whose -wal and -shm were left beside it', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'tokenkeeper-foreign-wal-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('is refused before SQLite replays that log onto it; with the two files moved aside, it opens as backed up', async () => {
    const path = join(folder, 'tokenkeeper.db');
    // The server's database, backed up (a self-contained file with a rollback journal, as `tokenkeeper backup` writes)
    // when it held one row; then it wrote more and was stopped without a checkpoint, leaving its -wal and -shm.
    const server = new SqliteDatabase(path);
    server.pragma('journal_mode = WAL');
    server.pragma('wal_autocheckpoint = 0');
    server.exec("create table t (x text); insert into t values ('backed up')");
    await backupSqliteDatabase(path, join(folder, 'backup.db'));
    for (let i = 0; i < 50; i += 1) server.exec("insert into t values ('written after the backup')");
    copyFileSync(`${path}-wal`, join(folder, 'left-wal'));
    copyFileSync(`${path}-shm`, join(folder, 'left-shm'));
    server.close();
    // The restore, less one step: the backup copied over the database, the server's -wal and -shm still there.
    copyFileSync(join(folder, 'backup.db'), path);
    copyFileSync(join(folder, 'left-wal'), `${path}-wal`);
    copyFileSync(join(folder, 'left-shm'), `${path}-shm`);
    const restored = readFileSync(path);

    await expect(openDatabase(`sqlite:${path}`)).rejects.toThrow(
      `Could not open SQLite database at ${path}: tokenkeeper.db-wal beside it is not its log (the database is not in WAL mode, as a restored backup is not), and SQLite would replay it onto the database: move tokenkeeper.db-wal and tokenkeeper.db-shm out of the folder (they belong to the database that was there before), then start again`,
    );
    expect(readFileSync(path).equals(restored)).toBe(true);

    renameSync(`${path}-wal`, join(folder, 'aside-wal'));
    renameSync(`${path}-shm`, join(folder, 'aside-shm'));
    const database = await openDatabase(`sqlite:${path}`);
    try {
      const { rows } = await sql<{ x: string }>`select x from t`.execute(database.db);
      expect(rows).toEqual([{ x: 'backed up' }]);
    } finally {
      await database.close();
    }
  });

  it('a database in WAL mode opens with the -wal a stopped server left (its own log, replayed as it should be)', async () => {
    const path = join(folder, 'tokenkeeper.db');
    const server = new SqliteDatabase(path);
    server.pragma('journal_mode = WAL');
    server.pragma('wal_autocheckpoint = 0');
    server.exec("create table t (x text); insert into t values ('committed')");
    copyFileSync(path, join(folder, 'crashed.db'));
    copyFileSync(`${path}-wal`, join(folder, 'crashed.db-wal'));
    server.close();
    const database = await openDatabase(`sqlite:${join(folder, 'crashed.db')}`);
    try {
      const { rows } = await sql<{ x: string }>`select x from t`.execute(database.db);
      expect(rows).toEqual([{ x: 'committed' }]);
    } finally {
      await database.close();
    }
  });
});
