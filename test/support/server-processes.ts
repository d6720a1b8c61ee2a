/**
 * Several real `tokenkeeper serve` processes sharing one database, as in
 * production behind a load balancer:
 *
 *   await ensureBuilt();
 *   const ports = await freePorts(2);
 *   const baseUrl = `http://127.0.0.1:${ports[0]}`;   // the origin the browser uses for the callback
 *   const servers = await startServerProcesses({ count: 2, ports, env: { BASE_URL: baseUrl, DATABASE_URL: url, … } });
 *   await signInAt(browser, servers[0].origin, 'alice');
 *   …
 *   await Promise.all(servers.map((server) => server.stop()));
 *
 * Every child gets the same environment (so the same BASE_URL, hence the
 * same OAuth redirect URI) and its own PORT; it is reached directly at
 * http://127.0.0.1:<port>.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserResponse, TestBrowser } from './browser.js';

export interface ServerProcess {
  /** http://127.0.0.1:<port> */
  origin: string;
  port: number;
  pid: number;
  /** Everything the child wrote to stdout and stderr, interleaved (the last 1 MB). */
  logs(): string;
  /** What the child wrote to stdout alone (the last 1 MB). */
  stdout(): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the child has exited. */
  stop(): Promise<void>;
  /** Sends the child a signal and returns at once (a graceful shutdown: SIGTERM, then watch `exited`). */
  kill(signal: NodeJS.Signals): void;
  /** Resolves once the child has exited: its exit code, or the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface StartServerProcessesOptions {
  count: number;
  /** The environment of every child (DATABASE_URL, BASE_URL, OAUTH_PROVIDERS, …); PORT and HOST are set per child. */
  env: Record<string, string>;
  /** The port of each child, when the caller needs them first (e.g. for BASE_URL); default: distinct free ports. */
  ports?: number[];
  /** Working folder (where `.env` and `./data` would be read); default: a fresh temporary folder. */
  cwd?: string;
  /** How long each child may take to answer GET /healthz; default 30 s. */
  readyTimeoutMs?: number;
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI_MAIN = join(REPO_ROOT, 'dist', 'cli', 'main.js');
const LOG_LIMIT_BYTES = 1024 * 1024;
const STOP_GRACE_MS = 5_000;

/**
 * Loaded into each child before the CLI: when the test process dies, even by
 * SIGKILL, the child's stdin pipe closes and the child shuts itself down,
 * so no server outlives its test run.
 */
const PARENT_WATCHDOG = `data:text/javascript,${encodeURIComponent(`
process.stdin.on('error', () => {});
process.stdin.on('end', () => {
  process.kill(process.pid, 'SIGTERM');
  setTimeout(() => process.exit(1), ${STOP_GRACE_MS}).unref();
});
process.stdin.resume();
process.stdin.unref();
`)}`;

// Children still running when the test process exits normally are killed at once.
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

import { freePort, freePorts } from './free-port.js';

export { freePort, freePorts };

let building: Promise<void> | undefined;

/**
 * Builds dist/ (`tsc -p tsconfig.build.json`) when dist/cli/main.js is
 * missing or older than a source file; once per test process, and one
 * build at a time across the test run's worker processes.
 */
export function ensureBuilt(): Promise<void> {
  building ??= buildIfStale().catch((error: unknown) => {
    building = undefined;
    throw error;
  });
  return building;
}

async function buildIfStale(): Promise<void> {
  if (!isBuildStale()) return;
  const release = await acquireBuildLock();
  try {
    if (!isBuildStale()) return; // another worker built it while we waited
    const tsc = join(REPO_ROOT, 'node_modules', '.bin', 'tsc');
    await new Promise<void>((resolve, reject) => {
      execFile(tsc, ['-p', 'tsconfig.build.json'], { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
        if (error) reject(new Error(`npm run build (tsc -p tsconfig.build.json) failed:\n${stdout}${stderr}`, { cause: error }));
        else resolve();
      });
    });
  } finally {
    release();
  }
}

function isBuildStale(): boolean {
  if (!existsSync(CLI_MAIN)) return true;
  return newestSourceMtimeMs(join(REPO_ROOT, 'src')) > statSync(CLI_MAIN).mtimeMs;
}

/** Test files are not compiled into dist/, so they don't make it stale. */
function newestSourceMtimeMs(folder: string): number {
  let newest = 0;
  for (const name of readdirSync(folder, { recursive: true, encoding: 'utf8' })) {
    if (name.endsWith('.test.ts')) continue;
    const stats = statSync(join(folder, name));
    if (stats.isFile()) newest = Math.max(newest, stats.mtimeMs);
  }
  return newest;
}

/** A lock folder next to dist/ (mkdir is atomic); a lock older than 5 minutes is from a dead run. */
async function acquireBuildLock(): Promise<() => void> {
  const lock = join(REPO_ROOT, 'dist', '.build-lock');
  mkdirSync(join(REPO_ROOT, 'dist'), { recursive: true });
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      return () => rmdirSync(lock);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 5 * 60_000) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`timed out waiting for the build lock ${lock}`, { cause: error });
      else await sleep(200);
    }
  }
}

/**
 * Starts `count` children of `node dist/cli/main.js serve` (build first with
 * ensureBuilt()). The first runs alone until healthy, so it alone applies the
 * migrations to a fresh database; the others then start together. If any
 * fails to become healthy, all are stopped and the error carries its output.
 */
export async function startServerProcesses(options: StartServerProcessesOptions): Promise<ServerProcess[]> {
  const { count } = options;
  if (!Number.isInteger(count) || count < 1) throw new Error(`startServerProcesses: count must be a positive integer, got ${count}`);
  if (options.ports !== undefined && options.ports.length !== count) {
    throw new Error(`startServerProcesses: ${options.ports.length} ports given for ${count} processes`);
  }
  if (!existsSync(CLI_MAIN)) throw new Error(`${CLI_MAIN} is missing: call ensureBuilt() first`);
  const ports = options.ports ?? (await freePorts(count));
  const temporaryCwd = options.cwd === undefined ? mkdtempSync(join(tmpdir(), 'tokenkeeper-serve-')) : undefined;
  const cwd = options.cwd ?? (temporaryCwd as string);
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;

  const servers: SpawnedServer[] = [];
  let stillRunning = 0;
  const childExited = () => {
    stillRunning -= 1;
    if (stillRunning === 0 && temporaryCwd !== undefined) rmSync(temporaryCwd, { recursive: true, force: true });
  };
  const launch = async (index: number) => {
    stillRunning += 1;
    const server = spawnServer({ name: `tokenkeeper serve #${index + 1}`, nodeArgs: [CLI_MAIN, 'serve'], env: options.env, cwd, port: ports[index] as number, onExit: childExited });
    servers[index] = server;
    await server.ready(readyTimeoutMs);
  };
  try {
    await launch(0);
    const rest = await Promise.allSettled(Array.from({ length: count - 1 }, (_, i) => launch(i + 1)));
    const failure = rest.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
  } catch (error) {
    await Promise.all(servers.map((server) => server.stop()));
    throw error;
  }
  return servers;
}

export interface SpawnedServer extends ServerProcess {
  /**
   * Resolves once the child answers GET /healthz with 200 (with `anyAnswer`,
   * with any status: a server that has no /healthz); fails with the child's
   * output if it exits first or does not answer in time, stopping it.
   */
  ready(timeoutMs: number, options?: { anyAnswer?: boolean }): Promise<void>;
}

export interface ServerSpawn {
  /** For messages, e.g. "tokenkeeper serve #1". */
  name: string;
  /** Node's arguments: the entry file (after any loader flags) and its own arguments. */
  nodeArgs: string[];
  /** The child's environment, on top of PATH, HOME, TMPDIR, LANG and SYSTEMROOT; PORT and HOST are set from `port`. */
  env: Record<string, string>;
  cwd: string;
  /** Where it listens, on 127.0.0.1. */
  port: number;
  onExit?: () => void;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

/**
 * A server as a child process of this one, with the parent watchdog (it
 * stops when this process dies) and its output kept. startServerProcesses
 * runs `tokenkeeper serve` through it; the benchmarks run their servers.
 */
export function spawnServer(options: ServerSpawn): SpawnedServer {
  const { name, env, cwd, port } = options;
  const origin = `http://127.0.0.1:${port}`;
  const output = new CappedLog(LOG_LIMIT_BYTES);
  const stdoutOnly = new CappedLog(LOG_LIMIT_BYTES);
  // Only what a shell needs plus the test's variables: the test process's own
  // environment (NODE_ENV=test, a developer's DATABASE_URL, …) must not leak in.
  const childEnv: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'SYSTEMROOT']) {
    const value = process.env[name];
    if (value !== undefined) childEnv[name] = value;
  }
  Object.assign(childEnv, env, { PORT: String(port), HOST: '127.0.0.1' });

  const child = spawn(process.execPath, ['--import', PARENT_WATCHDOG, ...options.nodeArgs], {
    cwd,
    env: childEnv,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  child.stdout?.on('data', (chunk: Buffer) => {
    output.append(chunk);
    stdoutOnly.append(chunk);
  });
  child.stderr?.on('data', (chunk: Buffer) => output.append(chunk));
  let exit: Exit | undefined;
  const exited = new Promise<Exit>((resolve) => {
    const finish = (result: Exit) => {
      if (exit !== undefined) return;
      exit = result;
      running.delete(child);
      options.onExit?.();
      resolve(result);
    };
    child.once('exit', (code, signal) => finish({ code, signal }));
    child.once('error', (error) => finish({ code: null, signal: null, error }));
  });
  const describe = () => `${name} (pid ${child.pid ?? '?'}, ${origin})`;
  const describeExit = (result: Exit) =>
    result.error ? `failed to start: ${result.error.message}` : result.signal ? `was killed by ${result.signal}` : `exited with code ${result.code}`;

  const stop = async (): Promise<void> => {
    if (exit !== undefined) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  };

  return {
    origin,
    port,
    pid: child.pid ?? -1,
    logs: () => output.text(),
    stdout: () => stdoutOnly.text(),
    stop,
    kill: (signal) => void child.kill(signal),
    exited: exited.then(({ code, signal }) => ({ code, signal })),
    async ready(timeoutMs, readiness = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (exit !== undefined) {
          throw new Error(`${describe()} ${describeExit(exit)} before answering /healthz. Its output:\n${output.text()}`);
        }
        try {
          const response = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(2_000) });
          await response.body?.cancel();
          if (response.ok || readiness.anyAnswer) return;
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline) {
          await stop();
          throw new Error(`${describe()} did not answer /healthz${readiness.anyAnswer ? '' : ' with 200'} within ${timeoutMs} ms. Its output:\n${output.text()}`);
        }
        await Promise.race([sleep(100), exited]);
      }
    },
  };
}

/** Keeps the last `limit` bytes written, and says how much was dropped. */
class CappedLog {
  readonly #limit: number;
  #chunks: Buffer[] = [];
  #size = 0;
  #dropped = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  append(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    while (this.#size > this.#limit) {
      const first = this.#chunks[0] as Buffer;
      const excess = this.#size - this.#limit;
      if (first.length <= excess) {
        this.#chunks.shift();
        this.#size -= first.length;
        this.#dropped += first.length;
      } else {
        this.#chunks[0] = first.subarray(excess);
        this.#size -= excess;
        this.#dropped += excess;
      }
    }
  }

  text(): string {
    const text = Buffer.concat(this.#chunks).toString('utf8');
    return this.#dropped > 0 ? `[… ${this.#dropped} earlier bytes dropped]\n${text}` : text;
  }
}

/**
 * signIn() from test-app.ts for an app at any origin: starts sign-in there,
 * passes the provider's login page (and its consent page on a first sign-in),
 * and returns the page the app finally shows.
 */
export async function signInAt(browser: TestBrowser, origin: string, username: string, password = username, next?: string): Promise<BrowserResponse> {
  const login = await browser.get(`${origin}/login/toolkit${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  if (!login.text.includes('name="password"')) throw new Error(`expected the provider's login page, got ${login.status} at ${login.url}`);
  const afterLogin = await browser.submitForm(login, { username, password });
  return new URL(afterLogin.url).origin === new URL(origin).origin ? afterLogin : browser.submitForm(afterLogin);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
