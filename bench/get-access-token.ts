// Case 2: TokenManager.getAccessToken calls/s for a valid token (store read,
// decryption, freshness check), on SQLite and on PostgreSQL.
import { startBenchApp, type BenchApp } from './lib/app.js';
import { measureLoop, percent } from './lib/loop.js';
import type { Settle } from './lib/machine.js';
import type { PostgresResult } from './lib/postgres.js';
import { round, summarize } from './lib/stats.js';
import type { Row } from './lib/table.js';

export interface GetAccessTokenOptions {
  postgres: PostgresResult;
  concurrency?: number;
  warmupMs?: number;
  durationMs?: number;
  log?: (line: string) => void;
  /** Waits for a quiet moment before each measurement. */
  settle?: Settle;
}

export async function getAccessTokenThroughput(options: GetAccessTokenOptions): Promise<Row[]> {
  const log = options.log ?? (() => {});
  const loop = { concurrency: options.concurrency ?? 16, warmupMs: options.warmupMs ?? 1000, durationMs: options.durationMs ?? 3000 };
  const setup = `${loop.concurrency} concurrent loops, ${loop.durationMs / 1000} s after ${loop.warmupMs / 1000} s warm-up, in process`;
  const rows: Row[] = [];

  for (const dialect of ['sqlite', 'postgres'] as const) {
    const name = `getAccessToken [${dialect}]`;
    const { server } = options.postgres;
    if (dialect === 'postgres' && !server) {
      rows.push({ name, notes: `skipped: ${options.postgres.server === null ? options.postgres.reason : ''}` });
      continue;
    }
    log(`getAccessToken: ${dialect}`);
    const databaseUrl = dialect === 'postgres' ? await server!.createDatabase() : null;
    let bench: BenchApp | undefined;
    try {
      bench = await startBenchApp({ databaseUrl });
      const { tokens } = bench.app.runtime;
      const userId = bench.userId;
      const check = await tokens.getAccessToken(userId, 'toolkit');
      if (!check.accessToken) throw new Error('getAccessToken gave no access token');
      const refreshesBefore = bench.provider.stats.refreshTokenGrants;
      await options.settle?.();
      const result = await measureLoop(() => tokens.getAccessToken(userId, 'toolkit'), loop);
      const refreshes = bench.provider.stats.refreshTokenGrants - refreshesBefore;
      const summary = summarize(result.latenciesMs, result.seconds);
      const where = dialect === 'postgres' ? `${server!.description}, pool of 10` : 'better-sqlite3 (synchronous, on this thread)';
      const errors = result.errors === 0 ? 'no errors' : `${result.errors} ERRORS (first: ${String(result.firstError)})`;
      rows.push({
        name,
        opsPerSec: summary.opsPerSec,
        p50Ms: summary.p50,
        p99Ms: summary.p99,
        notes: `valid token; ${where}; ${setup}; thread busy ${percent(result.elu)}, other processes ${percent(result.othersShare)} of the machine, process CPU ${round((result.processCpuMs * 1000) / result.latenciesMs.length)} µs/call; ${refreshes} refreshes; ${errors}`,
      });
    } catch (error) {
      rows.push({ name, notes: `FAILED: ${(error as Error).message}` });
    } finally {
      await bench?.close();
      if (databaseUrl) await server!.dropDatabase(databaseUrl);
    }
  }
  return rows;
}
