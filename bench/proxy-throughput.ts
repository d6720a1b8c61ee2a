// Case 1: requests/s through GET /api/providers/toolkit/proxy/notes, the real
// app vs a bare Fastify proxy, both forwarding to the same local API. Each
// server runs in a process of its own, as deployed; the load, the local API
// and the provider run in this one.
import type { DevProvider } from '../src/dev-provider/index.js';
import { freePort } from '../test/support/free-port.js';
import { startBenchProvider } from './lib/app.js';
import { LOCAL_API_BODY } from './lib/local-api.js';
import { startLoadWorker, type LoadOptions, type MeasuredLoad } from './lib/load.js';
import { percent } from './lib/loop.js';
import type { Settle } from './lib/machine.js';
import { startServedApp, type ServedApp } from './lib/served-app.js';
import { startServerProcess, type ServerProcess } from './lib/server-process.js';
import { median, medianInterval, round, summarize } from './lib/stats.js';
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
  // The server process only: its own CPU (every thread: event loop, GC, JIT) per request it answered.
  const cpuMsPerRequest = series.runs.reduce((sum, run) => sum + run.serverCpuMs, 0) / latencies.length;
  const statuses: Record<string, number> = {};
  for (const run of series.runs) for (const [status, count] of Object.entries(run.statuses)) statuses[status] = (statuses[status] ?? 0) + count;
  const failures = Object.entries(statuses).filter(([status]) => status !== '200');
  const wrongBody = series.runs.some((run) => run.sampleBody !== LOCAL_API_BODY);
  const perRound = series.runs.map((run) => round(run.latenciesMs.length / run.seconds)).join(' / ');
  const serverCpu = series.runs.map((run) => percent(run.serverCpuMs / 1000 / run.seconds)).join(' / ');
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
    notes: `rounds ${perRound} ops/s; server process CPU ${round(cpuMsPerRequest, 3)} ms/req, ${serverCpu} of one core; client+API thread busy ${workerElu}; other processes ${others} of the machine; ${problems}`,
  };
}

/** How sure one run is of the median ratio: its distribution-free interval, and whether that settles the target. */
function describeInterval(interval: ReturnType<typeof medianInterval>): string {
  if (!interval) return 'too few rounds for an interval';
  const { low, high, coverage } = interval;
  const verdict = low >= PROXY_TARGET_RATIO ? 'wholly above the target' : high < PROXY_TARGET_RATIO ? 'wholly below the target' : 'the target inside it: this run alone does not settle it';
  return `${round(coverage * 100, 1)} % interval for the median ${round(low, 2)}–${round(high, 2)}, ${verdict}`;
}

export async function proxyThroughput(options: ProxyThroughputOptions = {}): Promise<Row[]> {
  const log = options.log ?? (() => {});
  const rounds = options.rounds ?? 10;
  const settle = options.settle ?? (async () => {});
  const load = { concurrency: options.concurrency ?? 32, warmupMs: options.warmupMs ?? 500, durationMs: options.durationMs ?? 3000 };
  const worker = await startLoadWorker();
  let provider: DevProvider | undefined;
  let bare: ServerProcess | undefined;
  let tokenkeeper: ServedApp | undefined;
  try {
    provider = await startBenchProvider();
    const barePort = await freePort();
    bare = await startServerProcess({
      name: 'bare proxy',
      module: new URL(import.meta.url.endsWith('.js') ? './lib/bare-proxy-main.js' : './lib/bare-proxy-main.ts', import.meta.url),
      port: barePort,
      env: { API_BASE_URL: worker.apiUrl },
    });
    // Metrics on, as in production: each call pays for its HTTP and proxy histogram observations.
    tokenkeeper = await startServedApp({ provider, env: { TOOLKIT_API_BASE_URL: worker.apiUrl, METRICS_TOKEN: 'bench-metrics-token-0123456789abcdef' } });
    const baselineRun: LoadOptions = { ...load, url: `${bare.url}${PATH}`, headers: { accept: 'application/json' } };
    const appRun: LoadOptions = { ...load, url: `${tokenkeeper.url}${PATH}`, headers: { accept: 'application/json', cookie: tokenkeeper.cookie } };

    const baseline: Series = { runs: [] };
    const app: Series = { runs: [] };
    const sides: [string, LoadOptions, ServerProcess, Series][] = [
      ['bare proxy', baselineRun, bare, baseline],
      ['Tokenkeeper', appRun, tokenkeeper, app],
    ];

    // Two unmeasured passes over both first, 3 s each: with less, a server's first measured round was still its
    // slowest (JIT tier-up).
    log('proxy throughput: warming up both');
    for (let pass = 0; pass < 2; pass += 1) for (const [, run, server] of sides) await worker.run({ ...run, warmupMs: 2500, durationMs: 500 }, server);

    // Rounds alternate which of the two runs first (ABBA…), so neither always inherits the other's garbage or warm caches.
    for (let turn = 1; turn <= rounds; turn += 1) {
      const order = turn % 2 === 0 ? [...sides].reverse() : sides;
      for (const [name, run, server, series] of order) {
        await settle();
        log(`proxy throughput: round ${turn}/${rounds}, ${name}`);
        series.runs.push(await worker.run(run, server));
      }
    }
    const base = describe(baseline);
    const tk = describe(app);
    // The ratio is the median over rounds of Tokenkeeper's rate against the baseline's in the same round: on a shared
    // machine a slow spell hits a round or two, and the median leaves those out, where the ratio of the totals does not.
    const pairs = tk.rounds.map((opsPerSec, index) => opsPerSec / base.rounds[index]!);
    const ratio = median(pairs);
    const interval = medianInterval(pairs);
    const totalsRatio = tk.summary.opsPerSec / base.summary.opsPerSec;
    const pairRatios = `${pairs.map((pair) => round(pair, 2)).join(' / ')}; ratio of the totals ${round(totalsRatio, 2)}`;
    const setup = `${load.concurrency} keep-alive conns, 2×3 s warm-up of both, then ${rounds}×(${load.warmupMs / 1000} s warm-up + ${load.durationMs / 1000} s) of each, alternating, order swapped every round; each server in a process of its own (Tokenkeeper: \`tokenkeeper serve\`, SQLite, LOG_LEVEL=warn, metrics on), load + local API on a worker thread of the bench process`;
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
        notes: `vs baseline = median of the per-round ratios; target ≥ ${PROXY_TARGET_RATIO}×: ${ratio >= PROXY_TARGET_RATIO ? 'met' : 'NOT met'}; ${describeInterval(interval)} (per round ${pairRatios}); CPU/req ${round(tk.cpuMsPerRequest / base.cpuMsPerRequest, 2)}× baseline; ${tk.notes}`,
      },
    ];
  } finally {
    await tokenkeeper?.close();
    await bare?.close();
    await provider?.close();
    await worker.close();
  }
}
