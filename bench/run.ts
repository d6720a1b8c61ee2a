// npm run bench — the benchmarks, in order, then one table.
// Everything talks to 127.0.0.1 only; the proxy case starts its two servers as
// processes of their own. Progress goes to stderr, the results (Markdown) to
// stdout. Not part of `npm test`.
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { getAccessTokenThroughput } from './get-access-token.js';
import { machineSnapshot, otherProcessesShare, quietBudget, waitForQuiet, type Settle } from './lib/machine.js';
import { openPostgres, type PostgresResult } from './lib/postgres.js';
import { formatTable, type Row } from './lib/table.js';
import { proxyThroughput } from './proxy-throughput.js';
import { refreshStorm } from './refresh-storm.js';
import { serviceTokenThroughput } from './service-token.js';
import { signInThroughput } from './sign-in.js';

const started = performance.now();
const loadAtStart = loadavg()[0]!;
const machineAtStart = machineSnapshot();
const log = (line: string) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(1)} s] ${line}\n`);

function cpuModel(): string {
  try {
    return /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? 'unknown CPU';
  } catch {
    return 'unknown CPU';
  }
}

async function attempt(name: string, run: () => Promise<Row[]>): Promise<Row[]> {
  try {
    return await run();
  } catch (error) {
    process.exitCode = 1;
    log(`${name} failed: ${(error as Error).stack ?? String(error)}`);
    return [{ name, notes: `FAILED: ${(error as Error).message}` }];
  }
}

// Before each measurement, wait (15 s in all at most) for other processes to leave the machine alone.
const budget = quietBudget(15_000);
const settle: Settle = (options) => waitForQuiet(budget, options);

// BENCH_CASES=proxy,storm (say) runs only those cases; all of them by default.
const CASES = ['proxy', 'service', 'token', 'storm', 'signin'] as const;
const chosen = (process.env.BENCH_CASES ?? CASES.join(',')).split(',').map((name) => name.trim());
const unknown = chosen.filter((name) => !(CASES as readonly string[]).includes(name));
if (unknown.length > 0) {
  console.error(`BENCH_CASES: unknown case ${unknown.join(', ')}; the cases are ${CASES.join(', ')}`);
  process.exit(2);
}
const runs = (name: (typeof CASES)[number]) => chosen.includes(name);

const rows: Row[] = [];
log('starting PostgreSQL (or finding TEST_DATABASE_URL)');
const postgres: PostgresResult = runs('token') || runs('storm') || runs('signin') ? await openPostgres() : { server: null, reason: 'not needed by BENCH_CASES' };
if (postgres.server === null) log(`PostgreSQL rows skipped: ${postgres.reason}`);
try {
  if (runs('proxy')) rows.push(...(await attempt('proxy throughput', () => proxyThroughput({ log, settle }))));
  if (runs('service')) rows.push(...(await attempt('service access-token', () => serviceTokenThroughput({ log, settle }))));
  if (runs('token')) rows.push(...(await attempt('getAccessToken', () => getAccessTokenThroughput({ postgres, log, settle }))));
  if (runs('storm')) rows.push(...(await attempt('refresh storm', () => refreshStorm({ postgres, log }))));
  if (runs('signin')) rows.push(...(await attempt('sign-in', () => signInThroughput({ postgres, log, settle }))));
} finally {
  await postgres.server?.close();
}
if (rows.some((row) => row.notes.startsWith('FAILED'))) process.exitCode = 1;

const seconds = (performance.now() - started) / 1000;
// Other work on the machine skews every number: the 1-minute load average before and after says how busy it was.
console.log(
  `Node ${process.version}, ${availableParallelism()} CPUs (${cpuModel()}), ${new Date().toISOString()}, ${seconds.toFixed(0)} s in all, ` +
    `load average ${loadAtStart.toFixed(2)} at start, ${loadavg()[0]!.toFixed(2)} at end, ` +
    `other processes used ${Math.round(otherProcessesShare(machineAtStart, machineSnapshot()) * 100)}% of the machine's CPU during the run (the benchmark's own PostgreSQL and server processes included), ` +
    `${(budget.waitedMs / 1000).toFixed(0)} s spent waiting for quiet moments (${budget.gaveUp} waits gave up)`,
);
console.log('');
console.log(formatTable(rows));

// Everything above closes what it opened; if something still holds the process open, say what and stop.
setTimeout(() => {
  console.error(`bench: still running 10 s after the results; open handles: ${process.getActiveResourcesInfo().join(', ')}`);
  process.exit(1);
}, 10_000).unref();
