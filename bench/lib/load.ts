import { Worker } from 'node:worker_threads';
import { machineSnapshot, otherProcessesShare } from './machine.js';
import type { FromWorker, LoadOptions, LoadResult, ToWorker } from './load-protocol.js';

export type { LoadOptions, LoadResult } from './load-protocol.js';

export interface MeasuredLoad extends LoadResult {
  /** Share of the machine's CPU (0..1) that other processes used during the measured window. */
  othersShare: number;
  /** CPU time (ms) of the server process given to run() during the measured window; NaN without one. */
  serverCpuMs: number;
}

/** A server in a process of its own, whose CPU time a run measures. */
export interface MeasuredServer {
  cpuMs(): number;
}

export interface LoadWorker {
  /** The local API the worker serves, e.g. http://127.0.0.1:43210 */
  apiUrl: string;
  run(options: LoadOptions, server?: MeasuredServer): Promise<MeasuredLoad>;
  close(): Promise<void>;
}

function tsxBootstrap(workerModule: URL): string {
  const tsxApi = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return `import(${tsxApi}).then(({ register }) => { register(); return import(${JSON.stringify(workerModule.href)}); });`;
}

/**
 * Starts the load worker (local API + HTTP client on their own thread).
 * `npm run bench` runs the compiled JavaScript (dist-bench/), so the worker is
 * the compiled load-worker.js. Run through tsx instead (this file is .ts), the
 * worker is TypeScript too: Node 20 does not pass tsx's loader to workers, so a
 * tiny bootstrap registers it there before importing load-worker.ts.
 */
export async function startLoadWorker(): Promise<LoadWorker> {
  const compiled = import.meta.url.endsWith('.js');
  const workerModule = new URL(compiled ? './load-worker.js' : './load-worker.ts', import.meta.url);
  const worker = compiled ? new Worker(workerModule) : new Worker(tsxBootstrap(workerModule), { eval: true });

  let failure: Error | undefined;
  const waiters = new Set<(message: FromWorker) => void>();
  const rejecters = new Set<(error: Error) => void>();
  worker.on('message', (message: FromWorker) => {
    for (const waiter of [...waiters]) waiter(message);
  });
  worker.on('error', (error) => {
    failure = error;
    for (const reject of [...rejecters]) reject(error);
  });

  const next = <T extends FromWorker['type']>(type: T, id?: number) =>
    new Promise<Extract<FromWorker, { type: T }>>((resolve, reject) => {
      if (failure) return reject(failure);
      const waiter = (message: FromWorker) => {
        if (message.type !== type || ('id' in message && id !== undefined && message.id !== id)) return;
        waiters.delete(waiter);
        rejecters.delete(reject);
        resolve(message as Extract<FromWorker, { type: T }>);
      };
      waiters.add(waiter);
      rejecters.add(reject);
    });
  const post = (message: ToWorker) => worker.postMessage(message);

  const { apiUrl } = await next('ready');
  let runs = 0;
  return {
    apiUrl,
    async run(options, server) {
      const id = ++runs;
      const measuring = next('measuring', id);
      const done = Promise.race([
        next('result', id),
        next('failed', id).then((failed) => {
          throw new Error(`load run failed: ${failed.message}`);
        }),
      ]);
      void done.catch(() => {}); // awaited below; this only keeps an early failure from being "unhandled"
      post({ type: 'run', id, options });
      await measuring;
      const machineAtStart = machineSnapshot();
      const serverCpuAtStart = server?.cpuMs() ?? Number.NaN;
      const { result } = await done;
      const serverCpuMs = (server?.cpuMs() ?? Number.NaN) - serverCpuAtStart;
      return {
        ...result,
        othersShare: otherProcessesShare(machineAtStart, machineSnapshot(), Number.isNaN(serverCpuMs) ? 0 : serverCpuMs / 1000),
        serverCpuMs,
      };
    },
    async close() {
      const closed = next('closed');
      post({ type: 'close' });
      await closed.catch(() => {});
      await worker.terminate();
    },
  };
}
