import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from './database.js';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('SQLite files are private to this user', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'tokenkeeper-modes-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('a new data folder is made 0700, and the database, its -wal and its -shm are 0600', async () => {
    const folder = join(root, 'data');
    const path = join(folder, 'tokenkeeper.db');
    const database = await openDatabase(`sqlite:${path}`);
    try {
      await sql`create table t (x text)`.execute(database.db);
      await sql`insert into t values ('secret')`.execute(database.db);
      expect(modeOf(folder)).toBe(0o700);
      for (const file of [path, `${path}-wal`, `${path}-shm`]) expect(modeOf(file), file).toBe(0o600);
    } finally {
      await database.close();
    }
  });

  it('files an older version left readable by others are made 0600; a folder that exists keeps its mode', async () => {
    const folder = join(root, 'shared');
    mkdirSync(folder, { mode: 0o755 });
    chmodSync(folder, 0o755);
    const path = join(folder, 'tokenkeeper.db');
    const old = new SqliteDatabase(path);
    old.pragma('journal_mode = WAL');
    old.exec("create table t (x text); insert into t values ('secret')");
    old.close();
    chmodSync(path, 0o644);
    writeFileSync(`${path}-wal`, '', { mode: 0o644 });
    chmodSync(`${path}-wal`, 0o644);

    const database = await openDatabase(`sqlite:${path}`);
    try {
      expect((await sql<{ x: string }>`select x from t`.execute(database.db)).rows).toEqual([{ x: 'secret' }]);
      for (const file of [path, `${path}-wal`, `${path}-shm`]) expect(modeOf(file), file).toBe(0o600);
      expect(modeOf(folder)).toBe(0o755);
    } finally {
      await database.close();
    }
  });
});
