import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../test/support/free-port.js';
import { LOCAL_API_BODY } from './local-api.js';
import { startLoadWorker, type LoadWorker } from './load.js';

describe('the load worker', () => {
  let worker: LoadWorker;

  beforeAll(async () => {
    worker = await startLoadWorker();
  });
  afterAll(async () => {
    await worker?.close();
  });

  it('counts only the requests of the measured window, with their statuses, and keeps a body to check', async () => {
    let serverCpu = 1_000;
    const server = { cpuMs: () => (serverCpu += 25) };
    const result = await worker.run({ url: `${worker.apiUrl}/notes`, headers: { accept: 'application/json' }, concurrency: 4, warmupMs: 100, durationMs: 300 }, server);
    expect(Object.keys(result.statuses)).toEqual(['200']);
    expect(result.statuses['200']).toBe(result.latenciesMs.length);
    expect(result.latenciesMs.length).toBeGreaterThan(0);
    expect(result.sampleBody).toBe(LOCAL_API_BODY);
    // From the end of the warm-up to the last measured answer: at most the window plus one request's time.
    expect(result.seconds).toBeGreaterThan(0.1);
    expect(result.seconds).toBeLessThan(0.3 + Math.max(...result.latenciesMs) / 1000 + 0.05);
    expect(result.workerElu).toBeGreaterThan(0);
    expect(result.workerElu).toBeLessThanOrEqual(1);
    // Read once when measuring starts and once at the end.
    expect(result.serverCpuMs).toBe(25);
  });

  it('reports requests that got no answer as errors, and NaN server CPU without a server', async () => {
    const closedPort = await freePort();
    const result = await worker.run({ url: `http://127.0.0.1:${closedPort}/notes`, headers: {}, concurrency: 2, warmupMs: 0, durationMs: 100 });
    expect(Object.keys(result.statuses)).toEqual(['error']);
    expect(result.serverCpuMs).toBeNaN();
  });
});
