import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { processCpuMs } from './machine.js';

const STARTUP_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

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
  /** For messages: "bare proxy", "Tokenkeeper". */
  name: string;
  /** The entry module's URL: compiled .js, or .ts (then run through tsx). */
  module: URL;
  args?: string[];
  /** The whole environment of the process (nothing is inherited but PATH). */
  env: Record<string, string>;
  cwd?: string;
  /** The port it listens on, on 127.0.0.1. */
  port: number;
}

/**
 * Starts a server under test as a process of its own, as it would run in
 * production: its own heap, JIT and event loop, shared with nothing else of
 * the benchmark. Resolves once it answers HTTP on `port`; fails with its
 * output when it exits or does not answer within 30 s.
 */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const compiled = options.module.pathname.endsWith('.js');
  const child = spawn(process.execPath, [...(compiled ? [] : ['--import', 'tsx']), fileURLToPath(options.module), ...(options.args ?? [])], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  const stop = async () => {
    if (hasExited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };

  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (hasExited) throw new Error(`${options.name} exited before listening (code ${await exited}):\n${output}`);
    try {
      // Any answer means it listens; a 404 is fine.
      await (await fetch(`${url}/`, { signal: AbortSignal.timeout(1000) })).arrayBuffer();
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`${options.name} did not answer on ${url} within ${STARTUP_TIMEOUT_MS / 1000} s:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return { url, pid: child.pid!, cpuMs: () => processCpuMs(child.pid!), close: stop };
}
