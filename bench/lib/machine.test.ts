import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { otherProcessesShare, processCpuMs } from './machine.js';

describe('machine readings', () => {
  it.runIf(existsSync('/proc/self/stat'))('reads a process\'s CPU time from /proc, as the process itself counts it', () => {
    const before = processCpuMs(process.pid);
    const started = process.cpuUsage();
    // 300 ms of CPU, not of wall time: under a loaded test run the loop may get less than a core.
    let own = process.cpuUsage(started);
    while (own.user + own.system < 300_000) own = process.cpuUsage(started);
    const burned = processCpuMs(process.pid) - before;
    // /proc counts in ticks of 10 ms.
    expect(Math.abs(burned - (own.user + own.system) / 1000)).toBeLessThanOrEqual(30);
    expect(burned).toBeGreaterThanOrEqual(250);
  });

  it('gives NaN for a process that does not exist', () => {
    expect(processCpuMs(2 ** 22 + 1)).toBeNaN();
  });

  it('counts as other work only what neither this process nor its servers used', () => {
    const before = { busySeconds: 100, totalSeconds: 1000, ownSeconds: 10 };
    // 20 s of machine time passed (2 cores × 10 s); 12 s were busy: 4 this process, 3 its servers, so 5 others.
    const after = { busySeconds: 112, totalSeconds: 1020, ownSeconds: 14 };
    expect(otherProcessesShare(before, after, 3)).toBeCloseTo(5 / 20);
    expect(otherProcessesShare(before, after, 10)).toBe(0);
    expect(otherProcessesShare(before, before)).toBeNaN();
  });
});
