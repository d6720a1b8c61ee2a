import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { withClient } from '../../test/support/postgres-cluster.js';
import { createTestDatabase, describeEachDialect, dropTestDatabase, postgresAvailable } from '../../test/support/postgres.js';
import { type Database, describePostgresUrl, isUniqueViolation, newId, openDatabase, parseDatabaseUrl, sqliteReader } from './database.js';
import { encodeId } from './id.js';
import { createUser } from './user.repository.js';

describe('parseDatabaseUrl', () => {
  it('reads the dialect from the scheme', () => {
    expect(parseDatabaseUrl('sqlite:./data/x.db')).toEqual({ dialect: 'sqlite', path: './data/x.db' });
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual({ dialect: 'sqlite', path: ':memory:' });
    expect(parseDatabaseUrl('sqlite:///var/lib/tk.db')).toEqual({ dialect: 'sqlite', path: '/var/lib/tk.db' });
    expect(parseDatabaseUrl('postgres://u:p@db:5432/tk')).toEqual({
      dialect: 'postgres',
      connectionString: 'postgres://u:p@db:5432/tk',
    });
    expect(parseDatabaseUrl('postgresql://db/tk').dialect).toBe('postgres');
  });

  it("takes a Unix socket's folder in host= with credentials and no host, as node-postgres and libpq do; names it in messages", () => {
    const socket = 'postgres://app:secret@/tk?host=/run/postgresql';
    expect(parseDatabaseUrl(socket)).toEqual({ dialect: 'postgres', connectionString: socket });
    expect(describePostgresUrl(socket)).toBe('/run/postgresql/tk');
    expect(describePostgresUrl('postgres:///tk?host=/run/postgresql&user=app')).toBe('/run/postgresql/tk');
    expect(describePostgresUrl('postgres://app:secret@db.internal:5432/tk')).toBe('db.internal:5432/tk');
  });

  it('refuses a SQLite path with a ~ or $VARIABLE a shell would have expanded, instead of making a folder of that name', () => {
    expect(() => parseDatabaseUrl('sqlite:~/tk.db')).toThrow(
      'the SQLite path ~/tk.db holds ~, which only a shell expands (not .env, nor a service manager): write the path out in full',
    );
    expect(() => parseDatabaseUrl('sqlite:$HOME/tk.db')).toThrow('the SQLite path $HOME/tk.db holds $HOME, which only a shell expands');
    expect(() => parseDatabaseUrl('sqlite:${DATA_DIR}/tk.db')).toThrow('holds ${DATA_DIR}, which only a shell expands');
    expect(parseDatabaseUrl('sqlite:./data/a~b.db')).toEqual({ dialect: 'sqlite', path: './data/a~b.db' });
  });

  it('refusing such a path, names the database an older version made there by reading it as written', () => {
    const folder = mkdtempSync(join(tmpdir(), 'tk-unexpanded-'));
    try {
      const url = `sqlite:${folder}/$HOME/tk.db`;
      expect(() => parseDatabaseUrl(url)).toThrow(/which only a shell expands \(not \.env, nor a service manager\): write the path out in full$/);
      mkdirSync(join(folder, '$HOME'));
      writeFileSync(join(folder, '$HOME', 'tk.db'), '');
      expect(() => parseDatabaseUrl(url)).toThrow(
        `write the path out in full. A database is there as written, though: ${join(folder, '$HOME', 'tk.db')}, made by an older version that read the path so. ` +
          'To keep its users and tokens, stop every server and move it, with the -wal and -shm files beside it, to the path you write',
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('refuses a PostgreSQL URL that is not one (a character of the password not percent-encoded, a slash missing), never echoing the password', () => {
    for (const url of ['postgres://app:hunter#2@db.internal/tk', 'postgres://app:hunter/2@db.internal/tk']) {
      expect(() => parseDatabaseUrl(url)).toThrow(/^Database URL is not a valid PostgreSQL URL \(in the password, percent-encode @ : \/ # \? and %, e\.g\. # as %23\); expected /);
    }
    expect(() => parseDatabaseUrl('postgresql:/app:hunter2@db.internal/tk')).toThrow(/^Database URL is not a valid PostgreSQL URL: 'postgresql:' must be followed by \/\/; expected /);
    expect(() => parseDatabaseUrl('postgres:///app:hunter2@db.internal/tk')).toThrow(
      /^Database URL is not a valid PostgreSQL URL: user and password come before the host, not in the database name; expected /,
    );
    for (const url of ['postgres://app:hunter#2@db.internal/tk', 'postgresql:/app:hunter2@db.internal/tk', 'postgres:///app:hunter2@db.internal/tk']) {
      expect(() => parseDatabaseUrl(url)).not.toThrow(/hunter/);
    }
  });

  it('refuses a password with an @ before a # or ? not percent-encoded, which parses with a piece of the password as the host (looked up in DNS, named in messages)', () => {
    for (const url of ['postgres://app:hun@ter#2@db.internal/tk', 'postgres://app:hun@ter?2@db.internal/tk', 'postgres://app:hun@ter?x=1#2@db.internal:5432/tk']) {
      expect(() => parseDatabaseUrl(url)).toThrow(/^Database URL is not a valid PostgreSQL URL \(in the password, percent-encode @ : \/ # \? and %, e\.g\. # as %23\); expected /);
      expect(() => parseDatabaseUrl(url)).not.toThrow(/ter/);
    }
    // Percent-encoded, it is one, and so is a query of settings (the socket's folder, sslmode).
    expect(parseDatabaseUrl('postgres://app:hun%40ter%232@db.internal/tk')).toEqual({ dialect: 'postgres', connectionString: 'postgres://app:hun%40ter%232@db.internal/tk' });
    expect(parseDatabaseUrl('postgres://app:pw@/tk?host=/run/postgresql&sslmode=disable').dialect).toBe('postgres');
  });

  it('refuses anything else, saying what is accepted and not echoing secrets', () => {
    for (const url of ['mysql://root:hunter2@db/tk', 'hunter2', '', 'sqlite:']) {
      expect(() => parseDatabaseUrl(url)).toThrow(/expected 'sqlite:<path>'.*'postgres:\/\//);
      try {
        parseDatabaseUrl(url);
      } catch (error) {
        expect((error as Error).message).not.toContain('hunter2');
      }
    }
  });
});

describe('newId', () => {
  it('gives 26-character Crockford base32 ids that sort in creation order', () => {
    const ids = Array.from({ length: 2000 }, () => newId());
    for (const id of ids) expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('starts with the creation time', () => {
    const before = Date.now();
    const id = newId();
    const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    const millis = [...id.slice(0, 10)].reduce((n, c) => n * 32 + alphabet.indexOf(c), 0);
    expect(millis).toBeGreaterThanOrEqual(before);
    expect(millis).toBeLessThanOrEqual(Date.now());
  });

  it('spells time and random bits as the ULID layout does: one 128-bit number in 26 base32 digits', () => {
    const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    const asBigInt = (millis: number, high: number, low: number) => {
      let rest = (BigInt(millis) << 80n) | (BigInt(high) << 40n) | BigInt(low);
      let text = '';
      for (let i = 0; i < 26; i += 1) {
        text = alphabet[Number(rest & 31n)] + text;
        rest >>= 5n;
      }
      return text;
    };
    const top = 2 ** 40 - 1;
    for (const [millis, high, low] of [[0, 0, 0], [2 ** 48 - 1, top, top], [1_796_352_996_123, 1, top], [1_796_352_996_123, top, 0], [123_456_789, 987_654_321, 555_555]] as const) {
      expect(encodeId(millis, high, low)).toBe(asBigInt(millis, high, low));
    }
  });
});

describe('openDatabase (sqlite)', () => {
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'tokenkeeper-open-'));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('creates the parent folder and sets WAL, busy_timeout and foreign_keys', async () => {
    const path = join(folder, 'nested', 'deeper', 'tk.db');
    const database = await openDatabase(`sqlite:${path}`);
    try {
      expect(existsSync(path)).toBe(true);
      const pragma = async (name: string) =>
        Object.values((await sql.raw(`pragma ${name}`).execute(database.db)).rows[0] as object)[0];
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('busy_timeout')).toBe(5000);
      expect(await pragma('foreign_keys')).toBe(1);
    } finally {
      await database.close();
    }
  });

  it('fails with a message naming the path, keeping the cause', async () => {
    const blocker = join(folder, 'a-file');
    writeFileSync(blocker, '');
    const error = await openDatabase(`sqlite:${join(blocker, 'tk.db')}`).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^Could not open SQLite database at .*a-file\/tk\.db: /);
    expect((error as Error).cause).toBeDefined();
  });

  it('a path that is a folder is named as one, with the file name it needs', async () => {
    const error = await openDatabase(`sqlite:${folder}`).catch((e: unknown) => e);
    expect((error as Error).message).toBe(`Could not open SQLite database at ${folder}: it is a folder; the URL names the database file, e.g. sqlite:${join(folder, 'tokenkeeper.db')}`);
  });

  it('opens an in-memory database, with no read connection (another connection could not see it)', async () => {
    const database = await openDatabase('sqlite::memory:');
    expect(database.dialect).toBe('sqlite');
    expect(sqliteReader(database.db)).toBeUndefined();
    await database.close();
  });

  it('keeps a read-only connection beside a file database that sees committed writes, and closes it with the database', async () => {
    const database = await openDatabase(`sqlite:${join(folder, 'reader.db')}`);
    const reader = sqliteReader(database.db)!;
    try {
      await sql`create table t (n integer)`.execute(database.db);
      await sql`insert into t values (1)`.execute(database.db);
      expect(reader.all('select n from t where n >= ?', [1])).toEqual([{ n: 1 }]);
      expect(() => reader.all('insert into t values (2) returning n', [])).toThrow(/readonly/);
    } finally {
      await database.close();
    }
    expect(() => reader.all('select n from t', [])).toThrow(/not open/);
  });

  it('has a worker thread checkpoint the WAL once it passes 1 MB, which the writer itself would do only at 1000 pages', async () => {
    const path = join(folder, 'checkpoints.db');
    const database = await openDatabase(`sqlite:${path}`);
    try {
      await sql`create table t (x blob)`.execute(database.db);
      // About 2 MB (some 500 pages), all in the WAL at first.
      await database.db.transaction().execute(async (trx) => {
        for (let i = 0; i < 500; i += 1) await sql`insert into t values (${Buffer.alloc(4000, i)})`.execute(trx);
      });
      expect(statSync(path).size).toBeLessThan(1_000_000);
      await vi.waitFor(() => expect(statSync(path).size).toBeGreaterThan(1_900_000), { timeout: 5000, interval: 50 });
      // The writer's own threshold is raised once the worker says it started (a message that may come after its first checkpoint).
      await vi.waitFor(async () => expect(Object.values((await sql.raw('pragma wal_autocheckpoint').execute(database.db)).rows[0] as object)[0]).toBe(10_000));
    } finally {
      await database.close();
    }
  });
});

describe('openDatabase (postgres)', () => {
  it('fails with a message naming the server but not the password', async () => {
    const promise = openDatabase('postgres://tk:hunter2@127.0.0.1:1/tk');
    await expect(promise).rejects.toThrow(/Could not connect to PostgreSQL at 127\.0\.0\.1:1\/tk/);
    await expect(promise).rejects.not.toThrow(/hunter2/);
  });
});

describe.skipIf(!postgresAvailable())('openDatabase (postgres): a connection lost while idle', () => {
  it('is reported as the error alone, without the pg client pg-pool attaches to it (its state and cancel key, kilobytes in every log line)', async () => {
    const url = await createTestDatabase();
    const errors: Error[] = [];
    const database = await openDatabase(url, { onBackgroundError: (error) => errors.push(error) });
    try {
      await sql`select 1`.execute(database.db);
      // As a PostgreSQL restart or failover does to the pool's idle connections.
      const name = new URL(url).pathname.slice(1);
      await withClient(inject('postgresUrl')!, (client) =>
        client.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]),
      );
      await vi.waitFor(() => expect(errors.length).toBeGreaterThan(0), { timeout: 5000 });
      const [error] = errors;
      expect(error!.message).toMatch(/terminat/);
      expect(Object.keys(error!)).not.toContain('client');
      const logged = JSON.stringify(pino.stdSerializers.err(error!));
      expect(logged).not.toMatch(/secretKey|connectionParameters|_poolUseCount/);
      expect(logged.length).toBeLessThan(2000);
    } finally {
      await database.close();
      await dropTestDatabase(url);
    }
  });
});

describeEachDialect('database', (dialect) => {
  let database: Database;
  beforeAll(async () => {
    database = await dialect.openTestDatabase();
  });
  afterAll(() => database.close());

  it('reports its dialect', () => {
    expect(database.dialect).toBe(dialect.name);
  });

  it('returns bigint columns and counts as JS numbers', async () => {
    const now = 1_790_000_000;
    await createUser(database.db, { username: 'numbers', dateJoined: now });
    const row = await database.db
      .selectFrom('users')
      .select((eb) => ['date_joined', eb.fn.countAll<number>().as('count')])
      .groupBy('date_joined')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ date_joined: now, count: 1 });
  });

  it('recognises a unique violation', async () => {
    await createUser(database.db, { username: 'twice', dateJoined: 1 });
    const error = await createUser(database.db, { username: 'twice', dateJoined: 1 }).catch((e: unknown) => e);
    expect(isUniqueViolation(error)).toBe(true);
    expect(isUniqueViolation(new Error('other'))).toBe(false);
  });
});
