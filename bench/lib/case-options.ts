// What every throughput case takes from run.ts, and the defaults they share
// (10 rounds, 500 ms of warm-up before each measured run, no log, no wait
// for a quiet machine); the load's concurrency and duration default per case.
import type { Settle } from './machine.js';

export interface CaseOptions {
  concurrency?: number;
  warmupMs?: number;
  durationMs?: number;
  /** Each side is measured this many times, the sides in turn. */
  rounds?: number;
  log?: (line: string) => void;
  /** Waits for a quiet moment before each measured run. */
  settle?: Settle;
}

export interface CaseSettings {
  log: (line: string) => void;
  rounds: number;
  settle: Settle;
  load: { concurrency: number; warmupMs: number; durationMs: number };
}

export function caseSettings(options: CaseOptions, defaults: { concurrency: number; durationMs: number }): CaseSettings {
  return {
    log: options.log ?? (() => {}),
    rounds: options.rounds ?? 10,
    settle: options.settle ?? (async () => {}),
    load: { concurrency: options.concurrency ?? defaults.concurrency, warmupMs: options.warmupMs ?? 500, durationMs: options.durationMs ?? defaults.durationMs },
  };
}
