// Case 1: requests/s through GET /api/providers/toolkit/proxy/notes, the real
// app vs a bare Fastify proxy, both forwarding to the same local API.
import { startBareProxy } from './lib/bare-proxy.js';
import { startBenchApp, type BenchApp } from './lib/app.js';
import { LOCAL_API_BODY } from './lib/local-api.js';
import { startLoadWorker, type LoadOptions, type MeasuredLoad } from './lib/load.js';
import { percent } from './lib/loop.js';
import type { Settle } from './lib/machine.js';
import { median, round, summarize } from './lib/stats.js';
import type { Row } from './lib/table.js';

export const PROXY_TARGET_RATIO = 0.85;

export interface ProxyThroughputOptions {
  concurrency?: number;
  warmupMs?: number;
  durationMs?: number;
  /** Baseline and Tokenkeeper are measured alternately this many times each. */
  rounds?: number;
  log?: (line: string) => void;
  /** Waits for a quiet moment before each measured run. */
  settle?: Settle;
}

const PATH = '/api/providers/toolkit/proxy/notes';

interface Series {
  runs: MeasuredLoad[];
}

function describe(series: Series) {
  const latencies = series.runs.flatMap((run) => run.latenciesMs);
  const seconds = series.runs.reduce((sum, run) => sum + run.seconds, 0);
  const summary = summarize(latencies, seconds);
  const cpuMsPerRequest = series.runs.reduce((sum, run) => sum + run.processCpuMs, 0) / latencies.length;
  const statuses: Record<string, number> = {};
  for (const run of series.runs) for (const [status, count] of Object.entries(run.statuses)) statuses[status] = (statuses[status] ?? 0) + count;
  const failures = Object.entries(statuses).filter(([status]) => status !== '200');
  const wrongBody = series.runs.some((run) => run.sampleBody !== LOCAL_API_BODY);
  const perRound = series.runs.map((run) => round(run.latenciesMs.length / run.seconds)).join(' / ');
  const mainElu = series.runs.map((run) => percent(run.mainElu)).join(' / ');
  const workerElu = series.runs.map((run) => percent(run.workerElu)).join(' / ');
  const others = series.runs.map((run) => percent(run.othersShare)).join(' / ');
  const problems = [
    failures.length > 0 ? `NON-200: ${failures.map(([status, count]) => `${count}× ${status}`).join(', ')}` : `all ${latencies.length} 200`,
    ...(wrongBody ? ['UNEXPECTED BODY'] : []),
  ].join(', ');
  return {
    summary,
    cpuMsPerRequest,
    rounds: series.runs.map((run) => run.latenciesMs.length / run.seconds),
    notes: `rounds ${perRound} ops/s; process CPU ${round(cpuMsPerRequest, 2)} ms/req (server + client + API); server thread busy ${mainElu}, client+API thread ${workerElu}; other processes ${others} of the machine; ${problems}`,
  };
}

export async function proxyThroughput(options: ProxyThroughputOptions = {}): Promise<Row[]> {
  const log = options.log ?? (() => {});
  const rounds = options.rounds ?? 10;
  const settle = options.settle ?? (async () => {});
  const load = { concurrency: options.concurrency ?? 32, warmupMs: options.warmupMs ?? 500, durationMs: options.durationMs ?? 3000 };
  const worker = await startLoadWorker();
  let bare: Awaited<ReturnType<typeof startBareProxy>> | undefined;
  let tokenkeeper: BenchApp | undefined;
  try {
    bare = await startBareProxy(worker.apiUrl);
    tokenkeeper = await startBenchApp({ databaseUrl: null, env: { TOOLKIT_API_BASE_URL: worker.apiUrl }, listen: true });
    const baselineRun: LoadOptions = { ...load, url: `${bare.url}${PATH}`, headers: { accept: 'application/json' } };
    const appRun: LoadOptions = { ...load, url: `${tokenkeeper.url}${PATH}`, headers: { accept: 'application/json', cookie: tokenkeeper.cookie } };

    // Two unmeasured passes over both first, 3 s each: whichever ran first would otherwise pay for warming up the
    // shared code (undici, http), and with less the app's first measured round was still its slowest (JIT tier-up).
    log('proxy throughput: warming up both');
    for (let pass = 0; pass < 2; pass += 1) for (const run of [baselineRun, appRun]) await worker.run({ ...run, warmupMs: 2500, durationMs: 500 });

    const baseline: Series = { runs: [] };
    const app: Series = { runs: [] };
    // Rounds alternate which of the two runs first (ABBA…), so neither always inherits the other's garbage or warm caches.
    for (let turn = 1; turn <= rounds; turn += 1) {
      const order: [string, Series, LoadOptions][] = [
        ['bare proxy', baseline, baselineRun],
        ['Tokenkeeper', app, appRun],
      ];
      if (turn % 2 === 0) order.reverse();
      for (const [name, series, run] of order) {
        await settle();
        log(`proxy throughput: round ${turn}/${rounds}, ${name}`);
        series.runs.push(await worker.run(run));
      }
    }
    const base = describe(baseline);
    const tk = describe(app);
    // The ratio is the median over rounds of Tokenkeeper's rate against the baseline's in the same round: on a shared
    // machine a slow spell hits a round or two, and the median leaves those out, where the ratio of the totals does not.
    const pairs = tk.rounds.map((opsPerSec, index) => opsPerSec / base.rounds[index]!);
    const ratio = median(pairs);
    const totalsRatio = tk.summary.opsPerSec / base.summary.opsPerSec;
    const pairRatios = `${pairs.map((pair) => round(pair, 2)).join(' / ')}; ratio of the totals ${round(totalsRatio, 2)}`;
    const setup = `${load.concurrency} keep-alive conns, 2×3 s warm-up of both, then ${rounds}×(${load.warmupMs / 1000} s warm-up + ${load.durationMs / 1000} s) of each, alternating, order swapped every round; load + local API on a worker thread of the same process`;
    return [
      {
        name: 'proxy: bare Fastify (baseline)',
        opsPerSec: base.summary.opsPerSec,
        p50Ms: base.summary.p50,
        p99Ms: base.summary.p99,
        notes: `fixed bearer, undici fetch + Readable.fromWeb; ${setup}; ${base.notes}`,
      },
      {
        name: 'proxy: Tokenkeeper [sqlite]',
        opsPerSec: tk.summary.opsPerSec,
        p50Ms: tk.summary.p50,
        p99Ms: tk.summary.p99,
        ratio,
        notes: `vs baseline = median of the per-round ratios; target ≥ ${PROXY_TARGET_RATIO}×: ${ratio >= PROXY_TARGET_RATIO ? 'met' : 'NOT met'} (per round ${pairRatios}); CPU/req ${round(tk.cpuMsPerRequest / base.cpuMsPerRequest, 2)}× baseline; ${tk.notes}`,
      },
    ];
  } finally {
    await tokenkeeper?.close();
    await bare?.close();
    await worker.close();
  }
}
