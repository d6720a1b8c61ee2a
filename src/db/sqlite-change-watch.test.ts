import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SqliteChangeWatch, UNKNOWN_GENERATION } from './sqlite-change-watch.js';

let folder: string;
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'tokenkeeper-watch-'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('SqliteChangeWatch on a real WAL database', () => {
  const opened: { close(): void }[] = [];
  afterEach(() => {
    for (const item of opened.splice(0)) item.close();
  });

  function walDatabase(name: string) {
    const path = join(folder, name);
    const connection = new SqliteDatabase(path);
    opened.push(connection);
    connection.pragma('journal_mode = WAL');
    connection.exec('create table t (n integer)');
    const watch = SqliteChangeWatch.open(path)!;
    expect(watch).not.toBeNull();
    opened.unshift(watch);
    return { path, connection, watch };
  }

  it('keeps its generation while nothing commits, reads included', () => {
    const { connection, watch } = walDatabase('quiet.db');
    const generation = watch.generation();
    expect(generation).not.toBe(UNKNOWN_GENERATION);
    connection.prepare('select * from t').all();
    expect(watch.generation()).toBe(generation);
    expect(watch.generation()).toBe(generation);
  });

  it('moves on with every commit of this connection, and not for a rolled-back transaction', () => {
    const { connection, watch } = walDatabase('commits.db');
    const seen = new Set([watch.generation()]);
    for (let n = 0; n < 5; n += 1) {
      connection.prepare('insert into t values (?)').run(n);
      seen.add(watch.generation());
    }
    expect(seen.size).toBe(6);
    const before = watch.generation();
    connection.exec('begin immediate; insert into t values (99); rollback');
    expect(watch.generation()).toBe(before);
  });

  it('sees a commit from another connection, and one from another process', () => {
    const { path, watch } = walDatabase('others.db');
    const other = new SqliteDatabase(path);
    opened.push(other);
    const first = watch.generation();
    other.prepare('insert into t values (1)').run();
    const second = watch.generation();
    expect(second).not.toBe(first);
    const script = `const D = require('better-sqlite3'); const db = new D(${JSON.stringify(path)}); db.prepare('insert into t values (2)').run(); db.close();`;
    execFileSync(process.execPath, ['-e', script], { cwd: process.cwd() });
    expect(watch.generation()).not.toBe(second);
  });

  it('sees the commits after a checkpoint restarts the WAL', () => {
    const { connection, watch } = walDatabase('checkpoint.db');
    connection.prepare('insert into t values (1)').run();
    connection.pragma('wal_checkpoint(TRUNCATE)');
    const afterCheckpoint = watch.generation();
    connection.prepare('insert into t values (2)').run();
    expect(watch.generation()).not.toBe(afterCheckpoint);
  });

  it('refuses to look once closed', () => {
    const { watch } = walDatabase('closed.db');
    watch.close();
    expect(() => watch.generation()).toThrow(/closed/);
  });
});

describe('SqliteChangeWatch on a crafted header', () => {
  const HEADER = 48;
  function header(iChange: number, options: { version?: number; isInit?: number } = {}): Buffer {
    const copy = Buffer.alloc(HEADER);
    copy.writeUInt32LE(options.version ?? 3007000, 0);
    copy.writeUInt32LE(iChange, 8);
    copy[12] = options.isInit ?? 1;
    copy.writeUInt16LE(4096, 14);
    return copy;
  }
  function writeShm(path: string, first: Buffer, second: Buffer = first) {
    writeFileSync(`${path}-shm`, Buffer.concat([first, second, Buffer.alloc(40)]));
  }

  it('answers UNKNOWN while the two copies differ (a commit half-written), then a new generation', () => {
    const path = join(folder, 'crafted.db');
    writeShm(path, header(1));
    const watch = SqliteChangeWatch.open(path)!;
    try {
      const first = watch.generation();
      expect(first).not.toBe(UNKNOWN_GENERATION);
      writeShm(path, header(1), header(2));
      expect(watch.generation()).toBe(UNKNOWN_GENERATION);
      // Back to the header seen before the half-written moment: still a new generation, as anything read meanwhile may be newer.
      writeShm(path, header(1));
      const after = watch.generation();
      expect(after).not.toBe(UNKNOWN_GENERATION);
      expect(after).not.toBe(first);
      expect(watch.generation()).toBe(after);
    } finally {
      watch.close();
    }
  });

  it('answers UNKNOWN for a header that is not an initialised wal-index of the known version', () => {
    const path = join(folder, 'foreign.db');
    const watch = (() => {
      writeShm(path, header(1));
      return SqliteChangeWatch.open(path)!;
    })();
    try {
      writeShm(path, header(1, { version: 3007001 }));
      expect(watch.generation()).toBe(UNKNOWN_GENERATION);
      writeShm(path, header(1, { isInit: 0 }));
      expect(watch.generation()).toBe(UNKNOWN_GENERATION);
      writeFileSync(`${path}-shm`, Buffer.alloc(10));
      expect(watch.generation()).toBe(UNKNOWN_GENERATION);
    } finally {
      watch.close();
    }
  });

  it('is null when there is no -shm file', () => {
    expect(SqliteChangeWatch.open(join(folder, 'missing.db'))).toBeNull();
  });
});
