import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type SqliteDatabase from 'better-sqlite3';

/** SQLite's own default for wal_autocheckpoint, in pages. */
const SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES = 1000;
/**
 * While the worker runs, the writer checkpoints by itself only if the WAL
 * reaches this many pages (about 40 MB of 4 KiB pages): a backstop should
 * the worker fall behind, never the normal way.
 */
const BACKSTOP_AUTOCHECKPOINT_PAGES = 10_000;

export interface BackgroundCheckpointOptions {
  /** The worker starts once the WAL file has grown to this size (most databases, e.g. a test's, never need it). */
  startAtWalBytes?: number;
  /** How often the WAL's size is looked at (while the worker is not running) and a checkpoint is run (once it is). */
  intervalMs?: number;
  /** The worker failed or stopped: the writer checkpoints by itself again, as SQLite does by default. */
  onError?: (error: Error) => void;
}

export interface BackgroundCheckpoints {
  /** Whether the worker thread has started. */
  readonly running: boolean;
  /** Stops the worker (a checkpoint under way finishes first). */
  close(): Promise<void>;
}

// A CommonJS script, run with eval, so that it needs no file of its own beside
// the compiled or the TypeScript sources. PASSIVE copies what no reader still
// needs and never waits for a lock (SQLite, "Checkpoint a database").
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Driver = require(workerData.driverPath);
const connection = new Driver(workerData.path);
// Busy (another connection holds the database exclusively for a moment): the next turn tries again.
const checkpoint = () => {
  try {
    connection.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    if (error.code !== 'SQLITE_BUSY') throw error;
  }
};
checkpoint();
parentPort.postMessage('started');
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  connection.close();
  parentPort.close();
});
`;

/**
 * Moves a SQLite file's WAL checkpoints off the writer's thread. In WAL mode
 * a commit that takes the WAL past wal_autocheckpoint pages (1000 by
 * default) also copies the WAL's pages into the database file and syncs both
 * to disk, on the committing thread: with better-sqlite3 that is the event
 * loop, stopped for milliseconds every few seconds under a steady write load
 * (the service API's audit entries). Once the WAL has grown to
 * `startAtWalBytes`, a worker thread with a connection of its own runs a
 * PASSIVE checkpoint every `intervalMs`, and the writer's own threshold is
 * raised to a backstop. Nothing changes in what is durable: the same pages
 * are copied and synced, by another thread.
 */
export function startBackgroundCheckpoints(path: string, writer: SqliteDatabase.Database, options: BackgroundCheckpointOptions = {}): BackgroundCheckpoints {
  const startAtWalBytes = options.startAtWalBytes ?? 1024 * 1024;
  const intervalMs = options.intervalMs ?? 500;
  let worker: Worker | undefined;
  let stopped: Promise<unknown> | undefined;

  // After a failure the writer checkpoints by itself for good: the look below has stopped, so no second worker starts.
  const fallBack = (error: Error) => {
    worker = undefined;
    if (writer.open) writer.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES}`);
    options.onError?.(error);
  };
  const start = () => {
    // Once started, the worker runs until close: the WAL's size need not be looked at again.
    clearInterval(look);
    const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');
    const started = new Worker(WORKER_SOURCE, { eval: true, workerData: { driverPath, path, intervalMs } });
    started.unref();
    started.once('message', () => {
      if (worker === started && writer.open) writer.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
    });
    started.once('error', (error) => worker === started && fallBack(error));
    started.once('exit', (code) => worker === started && fallBack(new Error(`the SQLite checkpoint worker stopped (exit code ${code})`)));
    worker = started;
  };
  const look = setInterval(() => {
    let size: number;
    try {
      size = statSync(`${path}-wal`).size;
    } catch {
      return; // no WAL file yet
    }
    if (size >= startAtWalBytes) start();
  }, intervalMs);
  look.unref();

  return {
    get running() {
      return worker !== undefined;
    },
    close() {
      clearInterval(look);
      if (stopped === undefined) {
        const running = worker;
        worker = undefined;
        if (running && writer.open) writer.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES}`);
        stopped = running
          ? new Promise((resolve) => {
              // Unref'd, the worker would not keep this process alive until its exit: with nothing else left to run,
              // Node would end here with the close still pending (exit code 13 under a top-level await, as in the CLI).
              running.ref();
              running.once('exit', resolve);
              running.postMessage('stop');
            })
          : Promise.resolve();
      }
      return stopped.then(() => undefined);
    },
  };
}
