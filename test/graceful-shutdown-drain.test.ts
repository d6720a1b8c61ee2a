// runtime.shutdown() in-process, over real connections: what it waits for and what it does not.
import { Agent, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FaultProxy } from './support/fault-proxy.js';
import { DIALECTS, type TestDatabase } from './support/postgres.js';
import { startProviderBehindProxy } from './support/provider-behind-proxy.js';
import { signedInUser } from './support/signed-in.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import type { DevProvider } from '../src/dev-provider/index.js';

const sqlite = DIALECTS[0]!;

function get(origin: string, path: string, agent: Agent, cookie?: string): Promise<{ response: IncomingMessage; body: string }> {
  return new Promise((resolve, reject) => {
    const sent = request(`${origin}${path}`, { agent, headers: cookie ? { cookie } : {} }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ response, body }));
    });
    sent.on('error', reject);
    sent.end();
  });
}

describe('runtime.shutdown()', () => {
  let behindProxy: { provider: DevProvider; proxy: FaultProxy; close(): Promise<void> };
  let database: TestDatabase;
  let app: TestApp;
  let origin: string;
  beforeAll(async () => {
    behindProxy = await startProviderBehindProxy();
    database = await sqlite.openTestDatabase({ migrate: false });
    app = await startTestApp({ databaseUrl: database.url, sharedProvider: behindProxy.provider });
    await app.runtime.app.listen({ port: 0, host: '127.0.0.1' });
    origin = `http://127.0.0.1:${(app.runtime.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await behindProxy?.close();
    await database?.close();
  });

  it('waits for the request in flight, closes its kept-alive connection after it and the idle ones at once, and resolves without waiting out their keep-alive', async () => {
    const { cookie } = await signedInUser(app, 'alice');
    // Clients that would keep their connections open: one idle, one busy with a slow call.
    const idleClient = new Agent({ keepAlive: true });
    const agent = new Agent({ keepAlive: true });
    const idle = await get(origin, '/healthz', idleClient);
    expect(idle.response.headers.connection).toBe('keep-alive');
    const idleSocket = Object.values(idleClient.freeSockets).flat()[0]!;
    const idleClosed = new Promise<void>((resolve) => idleSocket.once('close', () => resolve()));

    let release!: () => void;
    behindProxy.proxy.inject({ method: 'GET', path: '/api/profile', fault: { kind: 'hold', until: new Promise<void>((resolve) => (release = resolve)) } });
    const slow = get(origin, '/api/providers/toolkit/proxy/profile', agent, cookie);
    await vi.waitFor(() => expect(behindProxy.proxy.count({ path: '/api/profile' })).toBe(1));

    let timeUp!: () => void;
    const shutdown = app.runtime.shutdown({ timeUp: () => new Promise<void>((resolve) => (timeUp = resolve)) });
    expect(app.runtime.readiness.shuttingDown).toBe(true);
    release();
    const answered = await slow;
    expect(answered.response.statusCode).toBe(200);
    expect(JSON.parse(answered.body)).toMatchObject({ name: 'Alice Liddell' });
    expect(answered.response.headers.connection).toBe('close');
    // Resolves once the request is done, though the client keeps its connections and the time is not up.
    expect(await shutdown).toEqual({ cutShort: false, requestsCut: 0, refreshesCut: 0, leasesReleased: 0 });
    await idleClosed;
    timeUp();
    agent.destroy();
    idleClient.destroy();
  });
});
