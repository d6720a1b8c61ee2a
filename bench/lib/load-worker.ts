// The load worker: runs the local API and the HTTP client on a thread of its
// own, so on a 2-core machine the server under test has the main thread's
// event loop to itself. Started by load.ts; never run directly.
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { Agent } from 'undici';
import { startLocalApi } from './local-api.js';
import type { FromWorker, LoadOptions, LoadResult, ToWorker } from './load-protocol.js';

const port = parentPort;
if (!port) throw new Error('load-worker.ts runs as a worker thread (see load.ts)');
const send = (message: FromWorker) => port.postMessage(message);

async function runLoad(id: number, options: LoadOptions): Promise<LoadResult> {
  const target = new URL(options.url);
  const path = `${target.pathname}${target.search}`;
  const agent = new Agent({ connections: options.concurrency, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 30_000 });
  const latenciesMs: number[] = [];
  const statuses: Record<string, number> = {};
  let sampleBody = '';
  let lastCompletion = 0;
  const started = performance.now();
  const measureFrom = started + options.warmupMs;
  const endAt = measureFrom + options.durationMs;
  let eluAtStart = performance.eventLoopUtilization();
  const warmupTimer = setTimeout(() => {
    eluAtStart = performance.eventLoopUtilization();
    send({ type: 'measuring', id });
  }, options.warmupMs);

  const loop = async () => {
    for (;;) {
      const t0 = performance.now();
      if (t0 >= endAt) return;
      let status = 'error';
      let body = '';
      try {
        const response = await agent.request({ origin: target.origin, path, method: options.method ?? 'GET', headers: options.headers, ...(options.body === undefined ? {} : { body: options.body }) });
        body = await response.body.text();
        status = String(response.statusCode);
      } catch {
        // counted as "error" below
      }
      const t1 = performance.now();
      if (t0 >= measureFrom) {
        latenciesMs.push(t1 - t0);
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (!sampleBody) sampleBody = body;
        if (t1 > lastCompletion) lastCompletion = t1;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, loop));
  } finally {
    clearTimeout(warmupTimer);
    await agent.close();
  }
  const workerElu = performance.eventLoopUtilization(eluAtStart).utilization;
  return { latenciesMs, seconds: Math.max(0, lastCompletion - measureFrom) / 1000, statuses, sampleBody, workerElu };
}

const api = await startLocalApi();
port.on('message', (message: ToWorker) => {
  if (message.type === 'run') {
    runLoad(message.id, message.options).then(
      (result) => send({ type: 'result', id: message.id, result }),
      (error: unknown) => send({ type: 'failed', id: message.id, message: String(error) }),
    );
  } else {
    void api.close().then(() => send({ type: 'closed' }));
  }
});
send({ type: 'ready', apiUrl: api.url });
