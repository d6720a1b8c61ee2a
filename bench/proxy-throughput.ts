// Case 1: requests/s through GET /api/providers/toolkit/proxy/notes, the real
// app vs a bare Fastify proxy, both forwarding to the same local API. Each
// server runs in a process of its own, as deployed; the load, the local API
// and the provider run in this one.
import type { DevProvider } from '../src/dev-provider/index.js';
import { freePort } from '../test/support/free-port.js';
import { startBenchProvider } from './lib/app.js';
import { caseSettings, type CaseOptions } from './lib/case-options.js';
import { LOCAL_API_BODY } from './lib/local-api.js';
import { startLoadWorker, type LoadOptions, type MeasuredLoad } from './lib/load.js';
import { measuredRuns } from './lib/measured-runs.js';
import { startServedApp, type ServedApp } from './lib/served-app.js';
import { startServerProcess, type ServerProcess } from './lib/server-process.js';
import { ratiosAgainst, round, type RatiosAgainst } from './lib/stats.js';
import type { Row } from './lib/table.js';

export const PROXY_TARGET_RATIO = 0.85;

/** Baseline and Tokenkeeper are measured alternately `rounds` times each. */
export type ProxyThroughputOptions = CaseOptions;

const PATH = '/api/providers/toolkit/proxy/notes';

interface Series {
  runs: MeasuredLoad[];
}

function describe(series: Series) {
  const measured = measuredRuns(series.runs);
  const wrongBody = series.runs.some((run) => run.sampleBody !== LOCAL_API_BODY);
  const perRound = measured.rounds.map((rate) => round(rate)).join(' / ');
  const problems = [measured.statuses, ...(wrongBody ? ['UNEXPECTED BODY'] : [])].join(', ');
  return {
    ...measured,
    notes: `rounds ${perRound} ops/s; server process CPU ${round(measured.cpuMsPerRequest, 3)} ms/req, ${measured.serverCpu} of one core; client+API thread busy ${measured.workerElu}; other processes ${measured.others} of the machine; ${problems}`,
  };
}

/** How sure one run is of the median ratio: its distribution-free interval, and whether that settles the target. */
function describeInterval({ interval, intervalText }: RatiosAgainst): string {
  if (!interval) return intervalText;
  const { low, high } = interval;
  const verdict = low >= PROXY_TARGET_RATIO ? 'wholly above the target' : high < PROXY_TARGET_RATIO ? 'wholly below the target' : 'the target inside it: this run alone does not settle it';
  return `${intervalText}, ${verdict}`;
}

export async function proxyThroughput(options: ProxyThroughputOptions = {}): Promise<Row[]> {
  const { log, rounds, settle, load } = caseSettings(options, { concurrency: 32, durationMs: 3000 });
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
    const versus = ratiosAgainst(tk.rounds, base.rounds);
    const { ratio } = versus;
    const totalsRatio = tk.summary.opsPerSec / base.summary.opsPerSec;
    const pairRatios = `${versus.perRound}; ratio of the totals ${round(totalsRatio, 2)}`;
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
        notes: `vs baseline = median of the per-round ratios; target ≥ ${PROXY_TARGET_RATIO}×: ${ratio >= PROXY_TARGET_RATIO ? 'met' : 'NOT met'}; ${describeInterval(versus)} (per round ${pairRatios}); CPU/req ${round(tk.cpuMsPerRequest / base.cpuMsPerRequest, 2)}× baseline; ${tk.notes}`,
      },
    ];
  } finally {
    await tokenkeeper?.close();
    await bare?.close();
    await provider?.close();
    await worker.close();
  }
}
