import { fileURLToPath } from 'node:url';
import { spawnServer } from '../../test/support/server-processes.js';
import { processCpuMs } from './machine.js';

const STARTUP_TIMEOUT_MS = 30_000;

export interface ServerProcess {
  /** e.g. http://127.0.0.1:43211 */
  url: string;
  pid: number;
  /** CPU time (user + system, ms) the process has used so far, every thread; NaN where /proc is missing. */
  cpuMs(): number;
  /** SIGTERM, then SIGKILL if it has not exited within 5 s. */
  close(): Promise<void>;
}

export interface ServerProcessOptions {
  /** For messages: "bare proxy", "tokenkeeper serve". */
  name: string;
  /** The entry module's URL: compiled .js, or .ts (then run through tsx). */
  module: URL;
  args?: string[];
  /** The process's environment on top of PATH, HOME and the like (test/support's spawnServer); PORT and HOST are set from `port`. */
  env: Record<string, string>;
  /** Default: this process's working folder. */
  cwd?: string;
  /** The port it listens on, on 127.0.0.1. */
  port: number;
  /** It answers GET /healthz with 200 once up (`tokenkeeper serve`); otherwise any answer there means it listens. */
  healthz?: boolean;
}

/**
 * Starts a server under test as a process of its own, as it would run in
 * production: its own heap, JIT and event loop, shared with nothing else of
 * the benchmark. Resolves once it is up; fails with its output when it exits
 * or does not answer within 30 s.
 */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const compiled = options.module.pathname.endsWith('.js');
  // BENCH_CPU_PROF=<folder>: each server writes a V8 CPU profile there when it exits (open it in Chrome DevTools).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const server = spawnServer({
    name: options.name,
    nodeArgs: [...profile, ...(compiled ? [] : ['--import', 'tsx']), fileURLToPath(options.module), ...(options.args ?? [])],
    env: options.env,
    cwd: options.cwd ?? process.cwd(),
    port: options.port,
  });
  await server.ready(STARTUP_TIMEOUT_MS, { anyAnswer: options.healthz !== true });
  return { url: server.origin, pid: server.pid, cpuMs: () => processCpuMs(server.pid), close: () => server.stop() };
}
