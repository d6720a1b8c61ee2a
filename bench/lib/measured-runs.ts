// What the cases that load a server process (proxy throughput, service
// access-token) report of one side's measured runs.
import type { MeasuredLoad } from './load.js';
import { percent } from './loop.js';
import { summarize, type Summary } from './stats.js';

export interface MeasuredRuns {
  summary: Summary;
  /** The server process's own CPU (every thread: event loop, GC, JIT) per request it answered. */
  cpuMsPerRequest: number;
  /** Each run's requests per second. */
  rounds: number[];
  /** Each run's server CPU, as a share of one core, separated by " / ". */
  serverCpu: string;
  /** Each run's load-thread busy share, separated by " / ". */
  workerElu: string;
  /** Each run's share of the machine other processes used, separated by " / ". */
  others: string;
  /** "all N 200", or the count of each other status. */
  statuses: string;
}

export function measuredRuns(runs: readonly MeasuredLoad[]): MeasuredRuns {
  const latencies = runs.flatMap((run) => run.latenciesMs);
  const seconds = runs.reduce((sum, run) => sum + run.seconds, 0);
  const counts: Record<string, number> = {};
  for (const run of runs) for (const [status, count] of Object.entries(run.statuses)) counts[status] = (counts[status] ?? 0) + count;
  const failures = Object.entries(counts).filter(([status]) => status !== '200');
  return {
    summary: summarize(latencies, seconds),
    cpuMsPerRequest: runs.reduce((sum, run) => sum + run.serverCpuMs, 0) / latencies.length,
    rounds: runs.map((run) => run.latenciesMs.length / run.seconds),
    serverCpu: runs.map((run) => percent(run.serverCpuMs / 1000 / run.seconds)).join(' / '),
    workerElu: runs.map((run) => percent(run.workerElu)).join(' / '),
    others: runs.map((run) => percent(run.othersShare)).join(' / '),
    statuses: failures.length > 0 ? `NON-200: ${failures.map(([status, count]) => `${count}× ${status}`).join(', ')}` : `all ${latencies.length} 200`,
  };
}
