import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Driver from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startBackgroundCheckpoints, type BackgroundCheckpoints } from './sqlite-checkpoints.js';

describe('startBackgroundCheckpoints', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A WAL database whose writes (about 200 KB, under SQLite's own checkpoint threshold) stay in the WAL until something checkpoints. */
  function walDatabase() {
    const folder = mkdtempSync(join(tmpdir(), 'tokenkeeper-checkpoints-'));
    const path = join(folder, 'test.db');
    const writer = new Driver(path);
    writer.pragma('journal_mode = WAL');
    writer.exec('create table t (x blob)');
    cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
    cleanups.push(() => writer.close());
    const write = () => {
      const insert = writer.prepare('insert into t values (?)');
      writer.transaction(() => {
        for (let i = 0; i < 50; i += 1) insert.run(Buffer.alloc(4000, i));
      })();
    };
    return { path, folder, writer, write, databaseBytes: () => statSync(path).size };
  }

  function started(checkpoints: BackgroundCheckpoints): BackgroundCheckpoints {
    cleanups.push(() => checkpoints.close());
    return checkpoints;
  }

  it('once the WAL has grown, a worker thread copies it into the database file, and the writer keeps its own checkpoints as a backstop only', async () => {
    const { path, writer, write, databaseBytes } = walDatabase();
    write();
    const before = databaseBytes();
    expect(before).toBeLessThan(100_000); // still in the WAL
    const checkpoints = started(startBackgroundCheckpoints(path, writer, { startAtWalBytes: 100_000, intervalMs: 20 }));
    await vi.waitFor(() => expect(databaseBytes()).toBeGreaterThan(200_000), { timeout: 5000 });
    expect(checkpoints.running).toBe(true);
    await vi.waitFor(() => expect(writer.pragma('wal_autocheckpoint', { simple: true })).toBe(10_000));
    // Later writes are copied too.
    write();
    write();
    await vi.waitFor(() => expect(databaseBytes()).toBeGreaterThan(600_000), { timeout: 5000 });

    await checkpoints.close();
    expect(checkpoints.running).toBe(false);
    expect(writer.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    const atClose = databaseBytes();
    write();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(databaseBytes()).toBe(atClose);
  });

  it('starts no worker while the WAL stays small', async () => {
    const { path, writer, write, databaseBytes } = walDatabase();
    write();
    const before = databaseBytes();
    const checkpoints = started(startBackgroundCheckpoints(path, writer, { startAtWalBytes: 10_000_000, intervalMs: 10 }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(checkpoints.running).toBe(false);
    expect(databaseBytes()).toBe(before);
    expect(writer.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  });

  it('a worker that fails hands checkpoints back to the writer and says why', async () => {
    const { folder, writer } = walDatabase();
    // A "database" the worker cannot open: a folder (with a WAL file beside it, so that the worker starts).
    const path = join(folder, 'not-a-database');
    mkdirSync(path);
    writeFileSync(`${path}-wal`, Buffer.alloc(10));
    writer.pragma('wal_autocheckpoint = 10000');
    const onError = vi.fn();
    const checkpoints = started(startBackgroundCheckpoints(path, writer, { startAtWalBytes: 1, intervalMs: 10, onError }));
    await vi.waitFor(() => expect(onError).toHaveBeenCalledTimes(1), { timeout: 5000 });
    expect(checkpoints.running).toBe(false);
    expect(writer.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    await checkpoints.close();
  });

  it('keeps its process alive until the worker has stopped, so a close awaited last is not cut short', () => {
    const { path, folder, write } = walDatabase();
    write();
    // A process whose last work is the close: nothing else keeps its event loop going while the worker stops.
    const script = join(folder, 'close-last.mjs');
    writeFileSync(
      script,
      `
      import Driver from ${JSON.stringify(pathToFileURL(createRequire(import.meta.url).resolve('better-sqlite3')).href)};
      import { startBackgroundCheckpoints } from ${JSON.stringify(new URL('./sqlite-checkpoints.ts', import.meta.url).href)};
      const writer = new Driver(${JSON.stringify(path)});
      const checkpoints = startBackgroundCheckpoints(${JSON.stringify(path)}, writer, { startAtWalBytes: 100_000, intervalMs: 20 });
      while (writer.pragma('wal_autocheckpoint', { simple: true }) !== 10_000) await new Promise((resolve) => setTimeout(resolve, 10));
      await checkpoints.close();
      writer.close();
      console.log('closed');
      `,
    );
    const child = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 20_000 });
    // Cut short, Node ends with exit code 13 (a top-level await left pending) and the line is never printed.
    expect({ status: child.status, stdout: child.stdout.trim() }, child.stderr).toEqual({ status: 0, stdout: 'closed' });
  });
});
