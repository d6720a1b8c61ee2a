// Case 3: 200 concurrent proxy calls while the stored access token has
// expired: how many refresh requests reach the provider (target: 1), and how
// long the storm takes. Five storms per database.
import { performance } from 'node:perf_hooks';
import { Agent } from 'undici';
import { startBenchApp, type BenchApp } from './lib/app.js';
import { startLocalApi, type LocalApi } from './lib/local-api.js';
import { machineSnapshot, otherProcessesShare } from './lib/machine.js';
import type { PostgresResult } from './lib/postgres.js';
import { round, summarize } from './lib/stats.js';
import type { Row } from './lib/table.js';

export interface RefreshStormOptions {
  postgres: PostgresResult;
  calls?: number;
  storms?: number;
  /** No further storm starts after this many seconds of storms (per database), so a very busy machine cannot stretch the run. */
  maxSeconds?: number;
  log?: (line: string) => void;
}

const PATH = '/api/providers/toolkit/proxy/notes';

export async function refreshStorm(options: RefreshStormOptions): Promise<Row[]> {
  const log = options.log ?? (() => {});
  const calls = options.calls ?? 200;
  const storms = options.storms ?? 5;
  const maxSeconds = options.maxSeconds ?? 15;
  const rows: Row[] = [];

  for (const dialect of ['sqlite', 'postgres'] as const) {
    const name = `refresh storm ${calls}× [${dialect}]`;
    const { server } = options.postgres;
    if (dialect === 'postgres' && !server) {
      rows.push({ name, notes: `skipped: ${options.postgres.server === null ? options.postgres.reason : ''}` });
      continue;
    }
    log(`refresh storm: ${dialect}`);
    const databaseUrl = dialect === 'postgres' ? await server!.createDatabase() : null;
    let api: LocalApi | undefined;
    let bench: BenchApp | undefined;
    // One connection per concurrent call, opened during the warm-up.
    const agent = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 30_000 });
    try {
      api = await startLocalApi();
      bench = await startBenchApp({ databaseUrl, env: { TOOLKIT_API_BASE_URL: api.url }, listen: true });
      const { provider } = bench;
      const origin = bench.url;
      const headers = { accept: 'application/json', cookie: bench.cookie };
      const call = async () => {
        const t0 = performance.now();
        try {
          const response = await agent.request({ origin, path: PATH, method: 'GET', headers });
          await response.body.text();
          return { status: String(response.statusCode), ms: performance.now() - t0 };
        } catch {
          return { status: 'error', ms: performance.now() - t0 };
        }
      };
      const burst = () => Promise.all(Array.from({ length: calls }, call));

      // Warm-up with a fresh token: opens the connections and warms the code paths; must not refresh.
      const warmRefreshes = provider.stats.refreshTokenGrants;
      for (let i = 0; i < 3; i += 1) await burst();
      if (provider.stats.refreshTokenGrants !== warmRefreshes) throw new Error('the warm-up refreshed a fresh token');

      const refreshCounts: number[] = [];
      const walls: number[] = [];
      const distinctTokens: number[] = [];
      const others: number[] = [];
      const latencies: number[] = [];
      const failures: Record<string, number> = {};
      const grantErrorsBefore = provider.stats.grantErrors;
      const stormsStarted = performance.now();
      for (let storm = 0; storm < storms && (performance.now() - stormsStarted) / 1000 < maxSeconds; storm += 1) {
        await bench.expireAccessToken();
        api.bearerTokens.clear();
        const before = provider.stats.refreshTokenGrants;
        const machineAtStart = machineSnapshot();
        const started = performance.now();
        const answers = await burst();
        walls.push(performance.now() - started);
        others.push(otherProcessesShare(machineAtStart, machineSnapshot()));
        refreshCounts.push(provider.stats.refreshTokenGrants - before);
        distinctTokens.push(api.bearerTokens.size);
        for (const answer of answers) {
          latencies.push(answer.ms);
          if (answer.status !== '200') failures[answer.status] = (failures[answer.status] ?? 0) + 1;
        }
      }
      const grantErrors = provider.stats.grantErrors - grantErrorsBefore;
      const totalSeconds = walls.reduce((sum, wall) => sum + wall, 0) / 1000;
      const summary = summarize(latencies, totalSeconds);
      const met = refreshCounts.every((count) => count === 1);
      const failed = Object.entries(failures);
      rows.push({
        name,
        opsPerSec: summary.opsPerSec,
        p50Ms: summary.p50,
        p99Ms: summary.p99,
        notes: [
          `refreshes per storm ${refreshCounts.join(',')} (target 1: ${met ? 'met' : 'NOT met'})`,
          ...(walls.length < storms ? [`only ${walls.length} of ${storms} storms: ${maxSeconds} s time limit`] : []),
          `storm wall ms ${walls.map((wall) => round(wall)).join(' / ')}`,
          `bearer tokens seen by the API per storm ${distinctTokens.join(',')}`,
          `other processes ${others.map((share) => `${Math.round(share * 100)}%`).join(' / ')} of the machine`,
          failed.length === 0 ? `all ${latencies.length} calls 200` : `NON-200: ${failed.map(([status, count]) => `${count}× ${status}`).join(', ')}`,
          `${grantErrors} grant errors`,
          'ops/s = calls / storm wall time; refresh goes to the in-process dev provider',
        ].join('; '),
      });
    } catch (error) {
      rows.push({ name, notes: `FAILED: ${(error as Error).message}` });
    } finally {
      await agent.close();
      await bench?.close();
      await api?.close();
      if (databaseUrl) await server!.dropDatabase(databaseUrl);
    }
  }
  return rows;
}
