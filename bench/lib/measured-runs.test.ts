import { describe, expect, it } from 'vitest';
import type { MeasuredLoad } from './load.js';
import { measuredRuns } from './measured-runs.js';

const run = (latenciesMs: number[], statuses: Record<string, number>, serverCpuMs: number): MeasuredLoad => ({
  latenciesMs,
  seconds: 2,
  statuses,
  sampleBody: '',
  workerElu: 0.5,
  othersShare: 0.25,
  serverCpuMs,
});

describe("a side's measured runs", () => {
  it('sums what the runs measured: rate per round, server CPU per request and per core, statuses over all runs', () => {
    const measured = measuredRuns([run([1, 2, 3, 4], { '200': 4 }, 400), run([5, 6], { '200': 1, '502': 1 }, 200)]);
    expect(measured.summary).toEqual({ count: 6, opsPerSec: 1.5, p50: 3, p99: 6 });
    expect(measured.rounds).toEqual([2, 1]);
    expect(measured.cpuMsPerRequest).toBe(100);
    expect(measured.serverCpu).toBe('20% / 10%');
    expect(measured.workerElu).toBe('50% / 50%');
    expect(measured.others).toBe('25% / 25%');
    expect(measured.statuses).toBe('NON-200: 1× 502');
    expect(measuredRuns([run([1, 2], { '200': 2 }, 10)]).statuses).toBe('all 2 200');
  });
});
