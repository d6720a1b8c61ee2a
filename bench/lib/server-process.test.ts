import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEchoApi, type EchoApi } from '../../test/support/echo-api.js';
import { freePort } from '../../test/support/free-port.js';
import { isAlive } from '../../test/support/process-alive.js';
import { FIXED_BEARER } from './bare-proxy.js';
import { startServerProcess, type ServerProcess } from './server-process.js';

const BARE_PROXY_MAIN = new URL('./bare-proxy-main.ts', import.meta.url);

describe('the baseline proxy as a server process of its own', () => {
  let api: EchoApi;
  let proxy: ServerProcess;

  beforeAll(async () => {
    api = await startEchoApi();
    const port = await freePort();
    proxy = await startServerProcess({ name: 'bare proxy', module: BARE_PROXY_MAIN, port, env: { API_BASE_URL: `${api.origin}/v1`, PORT: String(port) } });
  });
  afterAll(async () => {
    await proxy?.close();
    await api?.close();
  });

  it('forwards with the fixed token, and filters headers as the real proxy route does', async () => {
    const response = await fetch(`${proxy.url}/api/providers/toolkit/proxy/hop?page=2`, { headers: { accept: 'application/json', cookie: 'tokenkeeper_session=secret' } });
    expect(response.status).toBe(200);
    const seen = api.requests.at(-1)!;
    expect(seen.url).toBe('/v1/hop?page=2');
    expect(seen.headers.authorization).toBe(`Bearer ${FIXED_BEARER}`);
    expect(seen.headers.cookie).toBeUndefined();
    expect(seen.headers.accept).toBe('application/json');
    // The real route's allowlist: the answer's type comes back, an unknown header of the API does not.
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('x-api-header')).toBeNull();
    expect(response.headers.get('proxy-authenticate')).toBeNull();
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    expect(JSON.parse(await response.text())).toMatchObject({ method: 'GET', url: '/v1/hop?page=2' });
  });

  it('reports its CPU time, and is gone after close', async () => {
    expect(proxy.cpuMs()).toBeGreaterThan(0);
    const { pid } = proxy;
    expect(isAlive(pid)).toBe(true);
    await proxy.close();
    expect(isAlive(pid)).toBe(false);
    await proxy.close();
  });

  it('fails with the child\'s own words when it exits before listening', async () => {
    const port = await freePort();
    await expect(startServerProcess({ name: 'unconfigured proxy', module: BARE_PROXY_MAIN, port, env: {} })).rejects.toThrow(
      /unconfigured proxy \(pid \d+, http:\/\/127\.0\.0\.1:\d+\) exited with code 2 before answering \/healthz\. Its output:\n.*set API_BASE_URL and PORT/,
    );
  });
});
