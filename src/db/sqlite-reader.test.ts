import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, sql, SqliteDialect } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseSchema } from './schema.js';
import { attachSqliteReader, oncePerKeptRow, type SqliteReader } from './sqlite-reader.js';

let folder: string;
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'tokenkeeper-reader-'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const SELECT = 'select n, label from t where n >= ? order by n';

describe('the SQLite read connection keeps results while the database is unchanged', () => {
  const toClose: (() => unknown)[] = [];
  afterEach(async () => {
    for (const close of toClose.splice(0).reverse()) await close();
  });

  function setUp(name: string, capacity?: number) {
    const path = join(folder, name);
    const writer = new SqliteDatabase(path);
    writer.pragma('journal_mode = WAL');
    writer.exec("create table t (n integer, label text); insert into t values (1, 'one')");
    const db = new Kysely<DatabaseSchema>({ dialect: new SqliteDialect({ database: writer }) });
    const reader: SqliteReader = attachSqliteReader(db, SqliteDatabase, path, 5000, capacity);
    toClose.push(() => db.destroy(), () => reader.close());
    return { path, writer, db, reader };
  }

  it('answers a repeated read without going to SQLite, with the same rows, frozen', () => {
    const { reader } = setUp('repeat.db');
    const first = reader.all(SELECT, [1]);
    expect(first).toEqual([{ n: 1, label: 'one' }]);
    expect(reader.reads).toBe(1);
    expect(reader.all(SELECT, [1])).toBe(first);
    expect(reader.reads).toBe(1);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first[0])).toBe(true);
    // Other parameter values are other results.
    expect(reader.all(SELECT, [0])).toEqual([{ n: 1, label: 'one' }]);
    expect(reader.all(SELECT, ['1'])).toEqual([{ n: 1, label: 'one' }]);
    expect(reader.reads).toBe(3);
  });

  it('reads again after any commit: through the writer, another connection, or another process', () => {
    const { path, writer, reader } = setUp('changes.db');
    reader.all(SELECT, [1]);
    writer.prepare("update t set label = 'uno' where n = 1").run();
    expect(reader.all(SELECT, [1])).toEqual([{ n: 1, label: 'uno' }]);

    const other = new SqliteDatabase(path);
    toClose.push(() => other.close());
    other.prepare("insert into t values (2, 'two')").run();
    expect(reader.all(SELECT, [1])).toEqual([
      { n: 1, label: 'uno' },
      { n: 2, label: 'two' },
    ]);

    const script = `const D = require('better-sqlite3'); const db = new D(${JSON.stringify(path)}); db.prepare('delete from t where n = 1').run(); db.close();`;
    execFileSync(process.execPath, ['-e', script], { cwd: process.cwd() });
    expect(reader.all(SELECT, [1])).toEqual([{ n: 2, label: 'two' }]);
    expect(reader.reads).toBe(4);
  });

  it("never shows an open transaction's writes, and reads again once it commits", async () => {
    const { db, reader } = setUp('transaction.db');
    reader.all(SELECT, [1]);
    await db.transaction().execute(async (trx) => {
      await sql`update t set label = 'pending' where n = 1`.execute(trx);
      expect(reader.all(SELECT, [1])).toEqual([{ n: 1, label: 'one' }]);
    });
    expect(reader.all(SELECT, [1])).toEqual([{ n: 1, label: 'pending' }]);
  });

  it('keeps no empty result, so unknown ids cannot fill the memory', () => {
    const { reader } = setUp('empty.db');
    for (let attempt = 0; attempt < 3; attempt += 1) expect(reader.all(SELECT, [5])).toEqual([]);
    expect(reader.reads).toBe(3);
  });

  it('keeps nothing for parameter values other than strings and numbers', () => {
    const { reader } = setUp('blob.db');
    const blob = Buffer.from([1]);
    reader.all('select n from t where n >= ? or ? is not null', [1, blob]);
    reader.all('select n from t where n >= ? or ? is not null', [1, blob]);
    expect(reader.reads).toBe(2);
  });

  it('holds at most its capacity', () => {
    const { reader } = setUp('capacity.db', 2);
    for (const n of [1, 0, -1]) reader.all(SELECT, [n]);
    expect(reader.reads).toBe(3);
    // The third result dropped the first two: only it is still kept.
    reader.all(SELECT, [-1]);
    expect(reader.reads).toBe(3);
    reader.all(SELECT, [1]);
    expect(reader.reads).toBe(4);
  });

  it('refuses to read once closed', () => {
    const { reader } = setUp('closed.db');
    reader.all(SELECT, [1]);
    reader.close();
    expect(() => reader.all(SELECT, [1])).toThrow(/not open/);
  });
});

describe('oncePerKeptRow', () => {
  it('makes once and seals what a kept (frozen) row makes, and makes anew for any other row', () => {
    let made = 0;
    const labelOf = oncePerKeptRow(
      (row: { n: number }) => ({ label: `n${row.n}`, serial: (made += 1) }),
      (label) => Object.freeze(label),
    );
    const kept = Object.freeze({ n: 1 });
    const first = labelOf(kept);
    expect(labelOf(kept)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(labelOf(Object.freeze({ n: 1 }))).not.toBe(first);

    const loose = { n: 2 };
    const once = labelOf(loose);
    expect(labelOf(loose)).not.toBe(once);
    expect(labelOf(loose)).toEqual({ label: 'n2', serial: made });
    expect(Object.isFrozen(once)).toBe(false);
  });
});
