import { readFileSync } from 'node:fs';

/** Jiffies per second in /proc/stat and /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

export interface MachineSnapshot {
  /** Non-idle CPU time of the whole machine (all cores), seconds; NaN where /proc/stat is missing. */
  busySeconds: number;
  /** All CPU time (busy + idle) of the whole machine, seconds. */
  totalSeconds: number;
  /** CPU time of this process (every thread), seconds. */
  ownSeconds: number;
}

export function machineSnapshot(): MachineSnapshot {
  const own = process.cpuUsage();
  const ownSeconds = (own.user + own.system) / 1e6;
  try {
    const fields = /^cpu\s+(.+)$/m.exec(readFileSync('/proc/stat', 'utf8'))![1]!.trim().split(/\s+/).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already inside user)
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
    const busy = user + nice + system + irq + softirq + steal;
    return { busySeconds: busy / TICKS_PER_SECOND, totalSeconds: (busy + idle + iowait) / TICKS_PER_SECOND, ownSeconds };
  } catch {
    return { busySeconds: Number.NaN, totalSeconds: Number.NaN, ownSeconds };
  }
}

/** CPU time of process `pid` in ms, from /proc/<pid>/stat; NaN if unreadable. */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The fields after the command name (which may hold spaces) start with the state; utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/**
 * The share of the machine's CPU (0..1 of all cores) used by other processes
 * between two snapshots: other work on a shared machine skews every number,
 * and this says how much there was. `childSeconds`: CPU time of the
 * benchmark's own server processes in between, which is not other work.
 */
export function otherProcessesShare(before: MachineSnapshot, after: MachineSnapshot, childSeconds = 0): number {
  const total = after.totalSeconds - before.totalSeconds;
  const others = after.busySeconds - before.busySeconds - (after.ownSeconds - before.ownSeconds) - childSeconds;
  return total > 0 ? Math.max(0, others / total) : Number.NaN;
}

/** Called before each measurement: waits for a quiet moment (see waitForQuiet). */
export type Settle = (options?: { windowMs?: number }) => Promise<void>;

/** Time the whole run may spend waiting for quiet moments, shared by every wait. */
export interface QuietBudget {
  remainingMs: number;
  waitedMs: number;
  /** Waits that ran out of budget or time before the machine went quiet. */
  gaveUp: number;
}

export function quietBudget(totalMs: number): QuietBudget {
  return { remainingMs: totalMs, waitedMs: 0, gaveUp: 0 };
}

/**
 * Waits (within the budget, at most `maxWaitMs`) until other processes use
 * less than `maxShare` of the machine over a `windowMs` window: on a shared
 * machine, measuring during someone else's test run mostly measures them.
 * Measuring goes ahead anyway when no quiet window comes; each row reports
 * the share it actually saw.
 */
export async function waitForQuiet(budget: QuietBudget, options: { maxShare?: number; windowMs?: number; maxWaitMs?: number } = {}): Promise<void> {
  const maxShare = options.maxShare ?? 0.15;
  const windowMs = options.windowMs ?? 1000;
  const started = Date.now();
  const limit = Math.min(budget.remainingMs, options.maxWaitMs ?? 5_000);
  for (;;) {
    const before = machineSnapshot();
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const share = otherProcessesShare(before, machineSnapshot());
    const waited = Date.now() - started;
    if (!(share >= maxShare) || waited + windowMs > limit) {
      // The first window is part of every wait; only time beyond it counts against the budget.
      const extra = Math.max(0, waited - windowMs);
      budget.remainingMs -= extra;
      budget.waitedMs += extra;
      if (share >= maxShare) budget.gaveUp += 1;
      return;
    }
  }
}
