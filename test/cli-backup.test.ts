import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runBackup } from '../src/cli/backup.command.js';
import type { Environment } from '../src/config/env-file.js';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { backupSqliteDatabase, type BackupProgress } from '../src/db/sqlite-backup.js';
import { runCaptured } from './support/cli.js';

const folder = mkdtempSync(join(tmpdir(), 'tokenkeeper-backup-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const payload = (id: number) => `row ${id} `.padEnd(600, String.fromCharCode(97 + (id % 26)));

describe('a backup taken while another connection writes', () => {
  it('opens, and holds every row committed before its last pass, in a private file of its own', async () => {
    const source = join(folder, 'live.db');
    const server = new SqliteDatabase(source);
    server.pragma('journal_mode = WAL');
    server.exec('CREATE TABLE writes (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)');
    const insert = server.prepare('INSERT INTO writes (id, payload) VALUES (?, ?)');
    let committed = 0;
    const commit = () => {
      committed += 1;
      insert.run(committed, payload(committed));
    };
    server.transaction(() => {
      for (let i = 0; i < 2000; i += 1) commit();
    })();

    // A write committed after every step of the copy, by another connection (as the server would).
    const steps: BackupProgress[] = [];
    const destination = join(folder, 'copy.db');
    const result = await backupSqliteDatabase(source, destination, {
      pagesPerStep: 10,
      onProgress: (progress) => {
        steps.push(progress);
        if (progress.remainingPages > 0) commit();
      },
    });
    server.close();

    // The writes restarted the copy (SQLite starts over when another connection writes), and it still finished.
    const restarts = steps.filter((step, i) => i > 0 && step.remainingPages > steps[i - 1]!.remainingPages).length;
    expect(restarts).toBeGreaterThan(0);
    expect(steps.at(-1)).toEqual({ totalPages: result.totalPages, remainingPages: 0 });

    const copy = new SqliteDatabase(destination, { readonly: true, fileMustExist: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
      const rows = copy.prepare('SELECT id, payload FROM writes ORDER BY id').all() as Array<{ id: number; payload: string }>;
      // The last write came before the copy's last pass: every committed row is there, and nothing else.
      expect(rows.length).toBe(committed);
      expect(rows.every((row, i) => row.id === i + 1 && row.payload === payload(i + 1))).toBe(true);
    } finally {
      copy.close();
    }
    expect(statSync(destination).mode & 0o777).toBe(0o600);
    expect(readdirSync(folder).filter((name) => name.includes('partial') || name.startsWith('copy.db-'))).toEqual([]);
  });
});

describe('tokenkeeper backup', () => {
  const cwd = mkdtempSync(join(folder, 'cwd-'));
  const databasePath = join(folder, 'app.db');
  const env: Environment = { DATABASE_URL: `sqlite:${databasePath}` };
  const now = () => 1_800_000_000;
  const backupCli = (args: string[], environment = env, isTTY = false) =>
    runCaptured(
      (argv, io) => runBackup(argv, { ...io, stderr: Object.assign(io.stderr, { isTTY }) }),
      args,
      { env: environment, cwd, now },
    );

  it('copies the app database: the copy has its tables and rows', async () => {
    const database = await openDatabase(env.DATABASE_URL!);
    await migrateToLatest(database);
    await database.db.insertInto('users').values({ id: 'u1', username: 'alice', email: 'alice@example.test', name: 'Alice', date_joined: 1 }).execute();
    await database.close();

    const destination = join(folder, 'app-backup.db');
    const result = await backupCli([destination]);
    expect(result.code).toBe(0);
    const pages = Number(/^backup: (\d+) \/ \1 pages \(100%\), 0 left$/m.exec(result.stderr)?.[1]);
    expect(pages).toBeGreaterThan(1);
    expect(result.stdout).toBe(`Backed up ${databasePath} to ${destination} (${statSync(destination).size} bytes).\n`);
    expect(statSync(destination).size).toBe(pages * 4096);
    const copy = await openDatabase(`sqlite:${destination}`);
    try {
      expect(await copy.db.selectFrom('users').select(['username', 'email']).execute()).toEqual([{ username: 'alice', email: 'alice@example.test' }]);
    } finally {
      await copy.close();
    }
  });

  it('an empty file name (an unset shell variable) is bad usage, and nothing is written', async () => {
    for (const name of ['', ' ']) {
      const result = await backupCli([name]);
      expect(result.code, JSON.stringify(name)).toBe(2);
      expect(result.stderr).toMatch(/^tokenkeeper backup: the file name is empty \(from a shell variable that is not set\?\)\n\nUsage: tokenkeeper backup /);
      expect(result.stdout).toBe('');
    }
    expect(readdirSync(cwd)).not.toContain(' ');
  });

  it('on a terminal, redraws one progress line in place', async () => {
    const result = await backupCli([join(folder, 'terminal-backup.db')], env, true);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^\rbackup: (\d+) \/ \1 pages \(100%\), 0 left\x1b\[K\n$/);
  });

  it('Ctrl-C stops the copy: exit 1, one line saying so, and no file left behind, temporary or not', async () => {
    // About 1,000 pages, copied 100 a step: SIGINT comes with the first progress line, long before the end.
    const large = join(folder, 'large.db');
    const filler = new SqliteDatabase(large);
    filler.exec('CREATE TABLE filler (b BLOB NOT NULL)');
    const insert = filler.prepare('INSERT INTO filler (b) VALUES (randomblob(3500))');
    filler.transaction(() => {
      for (let i = 0; i < 1000; i += 1) insert.run();
    })();
    filler.close();
    const target = mkdtempSync(join(folder, 'interrupted-'));
    const destination = join(target, 'backup.db');
    const listeners = process.listenerCount('SIGINT');
    let seconds = 1_800_000_000;
    let interrupted = false;
    const result = await runCaptured(
      (argv, io) =>
        runBackup(argv, {
          ...io,
          stderr: {
            isTTY: true,
            write: (text: string) => {
              if (!interrupted && text.includes('pages')) {
                interrupted = true;
                process.emit('SIGINT', 'SIGINT');
              }
              return io.stderr.write(text);
            },
          },
        }),
      [destination],
      { env: { DATABASE_URL: `sqlite:${large}` }, cwd, now: () => (seconds += 1) },
    );
    expect(interrupted).toBe(true);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^\rbackup: \d+ \/ \d+ pages \(\d+%\).*\x1b\[K\n/);
    expect(result.stderr.split('\n').at(-2)).toBe(`tokenkeeper backup: interrupted (SIGINT): nothing was written to ${destination}`);
    expect(readdirSync(target)).toEqual([]);
    expect(process.listenerCount('SIGINT')).toBe(listeners);
  });

  it('refuses to replace an existing file, and replaces it with --force', async () => {
    const destination = join(folder, 'taken.db');
    writeFileSync(destination, 'precious', { mode: 0o644 });
    chmodSync(destination, 0o644);
    const refused = await backupCli([destination]);
    expect(refused).toEqual({ code: 1, stdout: '', stderr: `tokenkeeper backup: ${destination} already exists (use --force to replace it)\n` });
    expect(readFileSync(destination, 'utf8')).toBe('precious');

    const forced = await backupCli([destination, '--force']);
    expect(forced.code).toBe(0);
    expect(readFileSync(destination).subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
    expect(statSync(destination).mode & 0o777).toBe(0o600);
  });

  it('never writes over the database itself, even with --force', async () => {
    const before = readFileSync(databasePath);
    const result = await backupCli([databasePath, '--force']);
    expect(result).toEqual({ code: 1, stdout: '', stderr: `tokenkeeper backup: the backup failed: ${databasePath} is the database itself (or one of its files)\n` });
    expect(readFileSync(databasePath).equals(before)).toBe(true);
  });

  it('refuses a folder as the destination, even with --force, before copying anything', async () => {
    const target = mkdtempSync(join(folder, 'a-folder-'));
    const result = await backupCli([target, '--force']);
    expect(result).toEqual({ code: 1, stdout: '', stderr: `tokenkeeper backup: the backup failed: ${target} is a folder: give the backup a file name, e.g. ${join(target, 'tokenkeeper-backup.db')}\n` });
    expect(readdirSync(target)).toEqual([]);
    expect(readdirSync(folder).filter((name) => name.includes('partial'))).toEqual([]);
  });

  it('names the folder it cannot write in, never the copy\'s temporary file', async () => {
    const notAFolder = join(folder, 'plain-file');
    writeFileSync(notAFolder, 'x');
    expect(await backupCli([join(notAFolder, 'backup.db')])).toEqual({ code: 1, stdout: '', stderr: `tokenkeeper backup: the backup failed: ${notAFolder} is not a folder\n` });
    // The copy is made under a longer temporary name beside the destination; when that cannot be created (here: a
    // name that fits, whose temporary one is past the 255 bytes a file name may have), the error names the folder.
    const longName = join(folder, `${'b'.repeat(240)}.db`);
    expect(await backupCli([longName])).toEqual({ code: 1, stdout: '', stderr: `tokenkeeper backup: the backup failed: cannot write a file in ${folder} (ENAMETOOLONG)\n` });
  });

  it('for PostgreSQL, says to use pg_dump and exits 2', async () => {
    const destination = join(folder, 'pg.dump');
    const result = await backupCli([destination], { DATABASE_URL: 'postgres://tokenkeeper:s3cret@db.internal:5432/tokenkeeper' });
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'tokenkeeper backup: DATABASE_URL is PostgreSQL (db.internal:5432/tokenkeeper): back it up with pg_dump, e.g. (umask 077; pg_dump --format=custom --file=tokenkeeper.dump "$DATABASE_URL"), and restore it with pg_restore\n',
    });
    expect(readdirSync(folder)).not.toContain('pg.dump');
  });

  it('for PostgreSQL named in .env only, says to export DATABASE_URL first: the shell has none, and pg_dump given an empty one dumps the database its own defaults name', async () => {
    const dotEnvFolder = mkdtempSync(join(folder, 'dotenv-'));
    writeFileSync(join(dotEnvFolder, '.env'), 'DATABASE_URL=postgres://tokenkeeper:s3cret@db.internal:5432/tokenkeeper\n');
    const result = await runCaptured(runBackup, [join(dotEnvFolder, 'pg.dump')], { env: {}, cwd: dotEnvFolder, now });
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'tokenkeeper backup: DATABASE_URL is PostgreSQL (db.internal:5432/tokenkeeper): back it up with pg_dump, e.g. (umask 077; pg_dump --format=custom --file=tokenkeeper.dump "$DATABASE_URL"), and restore it with pg_restore; ' +
        'DATABASE_URL is set in .env only: export it first, or give the URL itself (an empty one makes pg_dump dump whatever database its own defaults name)\n',
    });
    expect(readdirSync(dotEnvFolder)).not.toContain('pg.dump');
  });

  it.each([
    [[], 'missing the file to write the backup to'],
    [['a.db', 'b.db'], 'one file only (got 2)'],
    [['--bogus', 'a.db'], "Unknown option '--bogus'"],
  ])('backup %j prints the usage and exits 2', async (args, problem) => {
    const result = await backupCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`tokenkeeper backup: ${problem}`);
    expect(result.stderr).toContain('Usage: tokenkeeper backup <file> [--force]');
  });
});
