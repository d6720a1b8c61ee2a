import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';

interface TargetRequest {
  method: string;
  url: string;
  host: string | undefined;
  body: string;
}

/** A tiny target that echoes what it received and records every request. */
async function startTarget(): Promise<{ origin: string; received: TargetRequest[]; server: Server }> {
  const received: TargetRequest[] = [];
  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    received.push({ method: request.method ?? '', url: request.url ?? '', host: request.headers.host, body });
    if (request.url === '/teapot') {
      response.writeHead(418, 'I Am A Teapot', [['X-Custom', 'kept'], ['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2'], ['Content-Type', 'text/plain']].flat());
      response.end('short and stout');
      return;
    }
    if (request.url === '/stream') {
      response.writeHead(200, { 'content-type': 'text/plain' });
      for (let i = 0; i < 5; i += 1) response.write(`chunk ${i}\n`);
      response.end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ method: request.method, url: request.url, host: request.headers.host, contentType: request.headers['content-type'], body }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, received, server };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

const refreshForm = (refreshToken = 'rt-1') => new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken });

describe('fault proxy', () => {
  let target: Awaited<ReturnType<typeof startTarget>>;
  let proxy: FaultProxy;

  beforeAll(async () => {
    target = await startTarget();
  });
  afterAll(async () => {
    target.server.closeAllConnections();
    await new Promise<void>((resolve) => target.server.close(() => resolve()));
  });
  afterEach(async () => {
    await proxy?.close();
    target.received.length = 0;
  });

  it('passes status, headers and body through unchanged, with Host set to the target', async () => {
    proxy = await startFaultProxy(target.origin);
    const teapot = await fetch(`${proxy.origin}/teapot`);
    expect(teapot.status).toBe(418);
    expect(teapot.statusText).toBe('I Am A Teapot');
    expect(teapot.headers.get('x-custom')).toBe('kept');
    expect(teapot.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await teapot.text()).toBe('short and stout');

    const echo = await fetch(`${proxy.origin}/token?x=1`, { method: 'POST', body: refreshForm() });
    expect(echo.headers.get('content-type')).toBe('application/json');
    expect(await echo.json()).toEqual({
      method: 'POST',
      url: '/token?x=1',
      host: new URL(target.origin).host,
      contentType: 'application/x-www-form-urlencoded;charset=UTF-8',
      body: 'grant_type=refresh_token&refresh_token=rt-1',
    });

    const stream = await fetch(`${proxy.origin}/stream`);
    expect(await stream.text()).toBe('chunk 0\nchunk 1\nchunk 2\nchunk 3\nchunk 4\n');
  });

  it('retarget: forwards to the new target from then on, and refuses another scheme', async () => {
    proxy = await startFaultProxy('http://127.0.0.1:9');
    expect(proxy.retarget.bind(proxy, 'https://127.0.0.1:9')).toThrow('the target stays http:');
    proxy.retarget(target.origin);
    const echo = await fetch(`${proxy.origin}/after`);
    expect(echo.status).toBe(200);
    expect(await echo.json()).toMatchObject({ url: '/after', host: new URL(target.origin).host });
    expect(target.received.map((seen) => seen.url)).toEqual(['/after']);
  });

  it('retarget: a target that does not answer is named in the 502 as the one retargeted to, not the first', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const gone = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    proxy = await startFaultProxy(target.origin);
    proxy.retarget(gone);
    const answer = await fetch(`${proxy.origin}/after`);
    expect(answer.status).toBe(502);
    expect(await answer.text()).toMatch(new RegExp(`^fault-proxy: ${gone} did not answer: `));
  });

  it('answers a status fault itself, only `times` times, then forwards again', async () => {
    proxy = await startFaultProxy(target.origin);
    proxy.inject({ method: 'post', path: '/token', times: 2, fault: { kind: 'status', status: 400, body: '{"error":"invalid_grant"}' } });

    for (let i = 0; i < 2; i += 1) {
      const refused = await fetch(`${proxy.origin}/token`, { method: 'POST', body: refreshForm() });
      expect(refused.status).toBe(400);
      expect(refused.headers.get('content-type')).toBe('application/json');
      expect(await refused.json()).toEqual({ error: 'invalid_grant' });
    }
    expect(target.received).toHaveLength(0);

    const third = await fetch(`${proxy.origin}/token`, { method: 'POST', body: refreshForm() });
    expect(third.status).toBe(200);
    expect(target.received).toHaveLength(1);
    expect(proxy.requests.map((seen) => seen.faulted)).toEqual([true, true, false]);
    expect(proxy.requests.map((seen) => seen.forwarded)).toEqual([false, false, true]);
  });

  it('answers with HTML, custom headers, or a raw body when asked', async () => {
    proxy = await startFaultProxy(target.origin);
    proxy.inject({ path: '/token', fault: { kind: 'status', status: 200, body: '<html>maintenance</html>', contentType: 'text/html', headers: { 'Retry-After': '5' } } });
    proxy.inject({ path: '/token', fault: { kind: 'body', body: Buffer.from([0xff, 0x00, 0xfe]) } });

    const html = await fetch(`${proxy.origin}/token`, { method: 'POST' });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toBe('text/html');
    expect(html.headers.get('retry-after')).toBe('5');
    expect(await html.text()).toBe('<html>maintenance</html>');

    const raw = await fetch(`${proxy.origin}/token`, { method: 'POST' });
    expect(raw.headers.get('content-type')).toBe('application/octet-stream');
    expect([...new Uint8Array(await raw.arrayBuffer())]).toEqual([0xff, 0x00, 0xfe]);
    expect(target.received).toHaveLength(0);
  });

  it('matches rules on urlencoded body fields and still forwards the body', async () => {
    proxy = await startFaultProxy(target.origin);
    proxy.inject({ path: /^\/tok/, form: { grant_type: 'refresh_token' }, times: Infinity, fault: { kind: 'status', status: 500 } });

    const code = await fetch(`${proxy.origin}/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c' }) });
    expect(code.status).toBe(200);
    expect(target.received[0]?.body).toBe('grant_type=authorization_code&code=c');

    for (let i = 0; i < 3; i += 1) {
      expect((await fetch(`${proxy.origin}/token`, { method: 'POST', body: refreshForm() })).status).toBe(500);
    }
    // A JSON body with the same field is no form.
    const json = await fetch(`${proxy.origin}/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"grant_type":"refresh_token"}' });
    expect(json.status).toBe(200);

    proxy.clear();
    expect((await fetch(`${proxy.origin}/token`, { method: 'POST', body: refreshForm() })).status).toBe(200);
    expect(target.received).toHaveLength(3);
  });

  it('delays a request past a client timeout, and forwards a delayed one the client waits for', async () => {
    proxy = await startFaultProxy(target.origin);
    proxy.inject({ path: '/slow', fault: { kind: 'delay', ms: 5_000 } });
    const started = Date.now();
    await expect(fetch(`${proxy.origin}/slow`, { signal: AbortSignal.timeout(200) })).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeLessThan(2_000);
    // The client gave up before the delay ended: nothing reached the target. The proxy learns of the client's
    // close from its socket a moment later, and nothing here signals it: a short real wait.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(target.received).toHaveLength(0);
    expect(proxy.requests[0]).toMatchObject({ path: '/slow', faulted: true, forwarded: false });

    proxy.inject({ path: '/slow', fault: { kind: 'delay', ms: 150 } });
    const waited = Date.now();
    const answer = await fetch(`${proxy.origin}/slow`);
    expect(answer.status).toBe(200);
    expect(Date.now() - waited).toBeGreaterThanOrEqual(140);
    expect(target.received.map((seen) => seen.url)).toEqual(['/slow']);
  });

  it('a late answer: the target gets the request at once, the client its answer only after the wait, or never if it gives up first', async () => {
    proxy = await startFaultProxy(target.origin);
    proxy.inject({ path: '/late', fault: { kind: 'late', ms: 5_000 } });
    await expect(fetch(`${proxy.origin}/late`, { signal: AbortSignal.timeout(200) })).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(target.received.map((seen) => seen.url)).toEqual(['/late']);
    expect(proxy.requests[0]).toMatchObject({ path: '/late', faulted: true, forwarded: true });

    proxy.inject({ path: '/late', fault: { kind: 'late', ms: 150 } });
    const waited = Date.now();
    const answer = await fetch(`${proxy.origin}/late`);
    expect(answer.status).toBe(200);
    expect(Date.now() - waited).toBeGreaterThanOrEqual(140);
    expect(target.received.map((seen) => seen.url)).toEqual(['/late', '/late']);
  });

  it('holds a request until the test lets it go, then forwards it', async () => {
    proxy = await startFaultProxy(target.origin);
    let release!: () => void;
    proxy.inject({ path: '/held', fault: { kind: 'hold', until: new Promise<void>((resolve) => (release = resolve)) } });
    const answer = fetch(`${proxy.origin}/held`);
    await vi.waitFor(() => expect(proxy.requests).toEqual([{ method: 'GET', path: '/held', form: null, faulted: true, forwarded: false }]));
    expect(target.received).toHaveLength(0);
    release();
    expect((await answer).status).toBe(200);
    expect(target.received.map((seen) => seen.url)).toEqual(['/held']);
  });

  it('a hang times the client out, and a reset fails it at once', async () => {
    proxy = await startFaultProxy(target.origin);
    proxy.inject({ path: '/token', fault: { kind: 'hang' } });
    proxy.inject({ path: '/token', fault: { kind: 'reset' } });

    await expect(fetch(`${proxy.origin}/token`, { method: 'POST', signal: AbortSignal.timeout(200) })).rejects.toMatchObject({ name: 'TimeoutError' });
    const reset = await fetch(`${proxy.origin}/token`, { method: 'POST' }).catch((error: unknown) => error);
    expect(reset).toBeInstanceOf(TypeError); // undici: "fetch failed", cause: the socket closed
    expect(String((reset as TypeError).cause)).toMatch(/other side closed|ECONNRESET|socket hang up/i);
    expect(target.received).toHaveLength(0);
  });

  it('records every request in order and counts by method, path and form', async () => {
    proxy = await startFaultProxy(target.origin);
    proxy.inject({ path: '/token', form: { grant_type: 'refresh_token' }, fault: { kind: 'status', status: 503 } });
    await fetch(`${proxy.origin}/.well-known/openid-configuration`);
    await fetch(`${proxy.origin}/token`, { method: 'POST', body: refreshForm('a') });
    await fetch(`${proxy.origin}/token`, { method: 'POST', body: refreshForm('b') });
    await fetch(`${proxy.origin}/token?again`, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code' }) });

    expect(proxy.requests).toEqual([
      { method: 'GET', path: '/.well-known/openid-configuration', form: null, faulted: false, forwarded: true },
      { method: 'POST', path: '/token', form: { grant_type: 'refresh_token', refresh_token: 'a' }, faulted: true, forwarded: false },
      { method: 'POST', path: '/token', form: { grant_type: 'refresh_token', refresh_token: 'b' }, faulted: false, forwarded: true },
      { method: 'POST', path: '/token', form: { grant_type: 'authorization_code' }, faulted: false, forwarded: true },
    ]);
    expect(proxy.count({ path: '/token' })).toBe(3);
    expect(proxy.count({ method: 'get' })).toBe(1);
    expect(proxy.count({ path: '/token', form: { grant_type: 'refresh_token' } })).toBe(2);
    expect(proxy.count({ form: { grant_type: 'refresh_token', refresh_token: 'b' } })).toBe(1);
    expect(proxy.count({ path: /well-known/ })).toBe(1);
    expect(proxy.count({ path: '/nowhere' })).toBe(0);
  });

  it('answers 502 when the target is down', async () => {
    const down = await startTarget();
    await new Promise<void>((resolve) => down.server.close(() => resolve()));
    proxy = await startFaultProxy(down.origin);
    const answer = await fetch(`${proxy.origin}/token`);
    expect(answer.status).toBe(502);
    expect(await answer.text()).toMatch(/ECONNREFUSED/);
  });

  it('close() resolves promptly with a hung request and a keep-alive socket open, and fails the hung client', async () => {
    proxy = await startFaultProxy(target.origin);
    // A keep-alive connection left idle after a forwarded answer.
    const agentAnswer = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(`${proxy.origin}/ok`, { headers: { connection: 'keep-alive' } }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      });
      request.on('error', reject);
      request.end();
    });
    expect(agentAnswer).toBe(200);

    proxy.inject({ path: '/token', fault: { kind: 'hang' } });
    const hung = fetch(`${proxy.origin}/token`, { method: 'POST' }).then(
      () => 'answered',
      () => 'failed',
    );
    await waitFor(() => proxy.requests.length === 2);

    const started = Date.now();
    const timedOut = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('close() did not resolve within 2 s')), 2_000).unref());
    await Promise.race([proxy.close(), timedOut]);
    expect(Date.now() - started).toBeLessThan(500);
    expect(await hung).toBe('failed');
    await expect(fetch(`${proxy.origin}/ok`)).rejects.toThrow();
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
