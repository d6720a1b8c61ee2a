import { performance } from 'node:perf_hooks';
import { machineSnapshot, otherProcessesShare } from './machine.js';

export interface LoopOptions {
  /** Async loops calling `operation` back to back. */
  concurrency: number;
  warmupMs: number;
  durationMs: number;
}

export interface LoopResult {
  /** Latencies (ms) of the successful calls that started after the warm-up. */
  latenciesMs: number[];
  /** Seconds from the end of the warm-up to the last measured completion. */
  seconds: number;
  errors: number;
  firstError: unknown;
  /** Event-loop utilisation of this thread during the measured window, 0..1. */
  elu: number;
  /** CPU time (user + system, ms) of the whole process during the measured window. */
  processCpuMs: number;
  /** Share of the machine's CPU (0..1) that other processes used during the measured window. */
  othersShare: number;
}

/** Calls `operation` from `concurrency` loops for warm-up + duration, timing each call after the warm-up. */
export async function measureLoop(operation: () => Promise<unknown>, options: LoopOptions): Promise<LoopResult> {
  const latenciesMs: number[] = [];
  let errors = 0;
  let firstError: unknown;
  let lastCompletion = 0;
  const measureFrom = performance.now() + options.warmupMs;
  const endAt = measureFrom + options.durationMs;
  let eluAtStart = performance.eventLoopUtilization();
  let cpuAtStart = process.cpuUsage();
  let machineAtStart = machineSnapshot();
  const warmupTimer = setTimeout(() => {
    eluAtStart = performance.eventLoopUtilization();
    cpuAtStart = process.cpuUsage();
    machineAtStart = machineSnapshot();
  }, options.warmupMs);

  const loop = async () => {
    for (;;) {
      const t0 = performance.now();
      if (t0 >= endAt) return;
      let ok = true;
      try {
        await operation();
      } catch (error) {
        ok = false;
        firstError ??= error;
      }
      const t1 = performance.now();
      if (t0 < measureFrom) continue;
      if (ok) latenciesMs.push(t1 - t0);
      else errors += 1;
      if (t1 > lastCompletion) lastCompletion = t1;
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, loop));
  } finally {
    clearTimeout(warmupTimer);
  }
  const cpu = process.cpuUsage(cpuAtStart);
  return {
    processCpuMs: (cpu.user + cpu.system) / 1000,
    othersShare: otherProcessesShare(machineAtStart, machineSnapshot()),
    latenciesMs,
    seconds: Math.max(0, lastCompletion - measureFrom) / 1000,
    errors,
    firstError,
    elu: performance.eventLoopUtilization(eluAtStart).utilization,
  };
}

export function percent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}
