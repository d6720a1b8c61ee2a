import { createServer as createHttpServer, request as httpRequest, type Server as HttpServer } from 'node:http';
import { connect, createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboundFetch, ResponseTooLargeError } from '../src/client/outbound-fetch.js';
import { DIALECTS, type TestDatabase } from './support/postgres.js';
import { signedInUser } from './support/signed-in.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

const dialect = DIALECTS[0]!;
const TWO_MIB = 2 * 1024 * 1024;
/** A request that prefers JSON gets the error as `{ error, message }` (README, "Errors"). */
const JSON_PLEASE = { accept: 'application/json' };

/** A TCP server that accepts connections and never says a word. */
async function startSilentServer(): Promise<{ origin: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: NetServer = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

/** An HTTP server answering every request with `size` bytes of JSON-ish text, with or without Content-Length. */
async function startHugeServer(size: number): Promise<{ origin: string; close(): Promise<void> }> {
  const server: HttpServer = createHttpServer((request, response) => {
    const chunked = request.url?.includes('chunked') ?? false;
    response.writeHead(200, { 'content-type': 'application/json', ...(chunked ? {} : { 'content-length': String(size) }) });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        const piece = chunk.subarray(0, Math.min(chunk.length, size - sent));
        sent += piece.length;
        if (!response.write(piece)) return void response.once('drain', pump);
      }
      response.end();
    };
    response.on('error', () => {});
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

describe('a provider that accepts connections and never answers (PROVIDER_TIMEOUT_SECONDS=1)', () => {
  let silent: Awaited<ReturnType<typeof startSilentServer>>;
  const opened: Array<{ app: TestApp; database: TestDatabase }> = [];
  async function appWith(env: Record<string, string>): Promise<TestApp> {
    const database = await dialect.openTestDatabase({ migrate: false });
    const app = await startTestApp({ databaseUrl: database.url, env: { PROVIDER_TIMEOUT_SECONDS: '1', ...env } });
    opened.push({ app, database });
    return app;
  }

  beforeAll(async () => {
    silent = await startSilentServer();
  });
  afterAll(async () => {
    for (const { app, database } of opened) {
      await app.close();
      await database.close();
    }
    await silent?.close();
  });

  // The provider timeout is a real one (an AbortSignal on each outbound request, on a real socket): these wait the 1 s it is set to.
  it('at sign-in (discovery): 504 provider_timeout after PROVIDER_TIMEOUT_SECONDS, and the app serves others meanwhile', async () => {
    const app = await appWith({ TOOLKIT_ISSUER: silent.origin, TOOLKIT_API_BASE_URL: `${silent.origin}/api` });
    const started = Date.now();
    const pending = app.runtime.app.inject({ method: 'GET', url: '/login/toolkit', headers: JSON_PLEASE });
    const health = await app.runtime.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    const response = await pending;
    const elapsed = Date.now() - started;
    expect(response.statusCode).toBe(504);
    expect(JSON.parse(response.body)).toEqual({ error: 'provider_timeout', message: `Toolkit did not answer the discovery at ${silent.origin}/.well-known/openid-configuration in time.` });
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(5000);
  });

  it('at sign-in, over https, when the TLS handshake never ends: the same 504 after PROVIDER_TIMEOUT_SECONDS (not undici\'s 10 s connect timeout, then a "failed validation" 502)', async () => {
    const hanging = silent.origin.replace('http:', 'https:');
    const app = await appWith({ TOOLKIT_ISSUER: hanging, TOOLKIT_API_BASE_URL: `${hanging}/api` });
    const started = Date.now();
    const response = await app.runtime.app.inject({ method: 'GET', url: '/login/toolkit', headers: JSON_PLEASE });
    expect(response.statusCode).toBe(504);
    expect(JSON.parse(response.body)).toEqual({ error: 'provider_timeout', message: `Toolkit did not answer the discovery at ${hanging}/.well-known/openid-configuration in time.` });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('on a proxied API call: 504 provider_timeout within a few seconds', async () => {
    const app = await appWith({ TOOLKIT_API_BASE_URL: `${silent.origin}/api` });
    const alice = await signedInUser(app, 'alice');
    const started = Date.now();
    const response = await app.runtime.app.inject({ method: 'GET', url: '/api/providers/toolkit/proxy/notes', headers: { cookie: alice.cookie } });
    expect(response.statusCode).toBe(504);
    expect(JSON.parse(response.body)).toEqual({ error: 'provider_timeout', message: expect.stringMatching(/^Toolkit did not answer .* in time\.$/) });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('request size limits', () => {
  const { app } = useTestApp(dialect);
  let origin: string;

  beforeAll(async () => {
    origin = await app().runtime.app.listen({ port: 0, host: '127.0.0.1' });
  });

  it('a 2 MB form POST to /logout is refused with 413 payload_too_large, and does not sign out', async () => {
    const alice = await signedInUser(app(), 'alice');
    const body = `_csrf=${alice.csrfToken}&filler=${'a'.repeat(TWO_MIB)}`;
    const response = await app().runtime.app.inject({
      method: 'POST',
      url: '/logout',
      headers: { cookie: alice.cookie, 'content-type': 'application/x-www-form-urlencoded', ...JSON_PLEASE },
      payload: body,
    });
    expect(response.statusCode).toBe(413);
    expect(JSON.parse(response.body)).toEqual({ error: 'payload_too_large', message: 'The request body is larger than this route takes: 64 KiB at most.' });
    // Not signed out by the refused request.
    expect((await app().runtime.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: alice.cookie } })).statusCode).toBe(200);
  });

  it('a 2 MB JSON POST over a real socket: 413 payload_too_large', async () => {
    const response = await fetch(`${origin}/logout`, { method: 'POST', headers: { 'content-type': 'application/json', ...JSON_PLEASE }, body: JSON.stringify({ filler: 'a'.repeat(TWO_MIB) }) });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: 'payload_too_large', message: 'The request body is larger than this route takes: 64 KiB at most.' });
  });

  it('a 64 KB cookie header over a real socket: 431 headers_too_large from the HTTP parser (its 16 KiB header limit), and the server keeps serving', async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(`${origin}/`, { headers: { cookie: `tokenkeeper_session=${'x'.repeat(64 * 1024)}` } }, (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
      request.on('error', reject);
      request.end();
    });
    expect(answer.status).toBe(431);
    expect(JSON.parse(answer.body)).toEqual({ error: 'headers_too_large', message: expect.any(String) });
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
  });

  it('an address whose percent-encoding is not UTF-8: 400 bad_request in the app\'s error shape (JSON under /api/, a page elsewhere), not echoing the address', async () => {
    for (const url of ['/api/providers/toolkit/proxy/a%C0%AE', '/api/v1/users/%C0']) {
      const response = await app().runtime.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(400);
      expect(JSON.parse(response.body), url).toEqual({ error: 'bad_request', message: expect.any(String) });
      expect(response.body, url).not.toContain('%C0');
    }
    const page = await app().runtime.app.inject({ method: 'GET', url: '/connect/link-secret%C0', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(400);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.body).not.toContain('link-secret');
  });

  it('a 64 KB cookie that gets past the socket (inject skips the parser limit) is ignored: signed out, not a 500', async () => {
    const cookie = `tokenkeeper_session=${'x'.repeat(64 * 1024)}`;
    const account = await app().runtime.app.inject({ method: 'GET', url: '/account', headers: { cookie } });
    expect(account.statusCode).toBe(303);
    expect(account.headers.location).toBe('/?next=%2Faccount');
    const me = await app().runtime.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } });
    expect(me.statusCode).toBe(401);
    expect(JSON.parse(me.body)).toEqual({ error: 'unauthorized', message: expect.any(String) });
  });
});

/**
 * Opens a connection to `origin` and sends `head`; with `drip`, then sends a
 * body one byte per `gapMs`, up to `length` bytes. Resolves when the server
 * closes the connection, with what it answered and how many body bytes went
 * through; fails if the whole body went through, or if a silent connection is
 * still open after `silentLimitMs`.
 */
function untilServerCloses(origin: string, head: string, drip: { length: number; gapMs: number } | null, silentLimitMs = 10_000): Promise<{ answer: string; sent: number }> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let answer = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const giveUp = (why: string) => {
      socket.destroy();
      reject(new Error(why));
    };
    const next = () => {
      if (!drip) return giveUp(`the silent connection was still open after ${silentLimitMs} ms`);
      if (sent >= drip.length) return giveUp(`all ${drip.length} bytes of the slow body went through: the client was not cut`);
      socket.write('a');
      sent += 1;
      timer = setTimeout(next, drip.gapMs);
    };
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ answer, sent });
    });
    socket.on('connect', () => {
      if (head !== '') socket.write(head);
      timer = drip ? setTimeout(next, 0) : setTimeout(next, silentLimitMs);
    });
  });
}

describe('slow clients', () => {
  const opened: Array<{ app: TestApp; database: TestDatabase }> = [];
  async function listening(env: Record<string, string>): Promise<string> {
    const database = await dialect.openTestDatabase({ migrate: false });
    const app = await startTestApp({ databaseUrl: database.url, env });
    opened.push({ app, database });
    return app.runtime.app.listen({ port: 0, host: '127.0.0.1' });
  }
  afterAll(async () => {
    for (const { app, database } of opened) {
      await app.close();
      await database.close();
    }
  });

  // These timeouts are Node's own (http.Server's requestTimeout, checked every connectionsCheckingInterval, and
  // socket idle timeouts), on real sockets: no clock can be injected, so each waits the 1 s it is set to, and a little more.
  const SLOW_BODY_LENGTH = 300;
  let slowPost: Promise<{ origin: string; answer: string; sent: number }> | undefined;
  /** One POST whose body comes a byte every 50 ms, to a server with REQUEST_TIMEOUT_SECONDS=1; shared by the tests that read its answer. */
  function slowPostAnswer() {
    slowPost ??= (async () => {
      const origin = await listening({ REQUEST_TIMEOUT_SECONDS: '1' });
      const head = `POST /logout HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${SLOW_BODY_LENGTH}\r\n\r\n`;
      // Each byte comes well within any idle timeout; only the total time is too long.
      return { origin, ...(await untilServerCloses(origin, head, { length: SLOW_BODY_LENGTH, gapMs: 50 })) };
    })();
    return slowPost;
  }

  it('a body sent a byte at a time is cut with 408 once REQUEST_TIMEOUT_SECONDS is spent, and the server keeps serving', async () => {
    const { origin, answer, sent } = await slowPostAnswer();
    expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(sent).toBeLessThan(SLOW_BODY_LENGTH);
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
  });

  // README, "Errors": every JSON error body carries one of the closed set's codes, this one written outside Fastify's routing.
  it('the 408 answer to a slow body carries the request_timeout code, like every JSON error', async () => {
    const { answer } = await slowPostAnswer();
    const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
    expect(JSON.parse(body)).toEqual({ error: 'request_timeout', message: expect.any(String) });
  });

  it('a connection that sends nothing is closed after CONNECTION_TIMEOUT_SECONDS', async () => {
    const origin = await listening({ CONNECTION_TIMEOUT_SECONDS: '1' });
    const { answer } = await untilServerCloses(origin, '', null);
    expect(answer).toBe('');
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
  });
});

describe('a provider response over 1 MiB', () => {
  let huge: Awaited<ReturnType<typeof startHugeServer>>;
  beforeAll(async () => {
    huge = await startHugeServer(TWO_MIB);
  });
  afterAll(async () => {
    await huge?.close();
  });

  it('is refused by createOutboundFetch, whether Content-Length announces it or not', async () => {
    const outbound = createOutboundFetch();
    try {
      for (const path of ['/declared', '/chunked']) {
        const failure = await outbound(`${huge.origin}${path}`, { method: 'GET', headers: {} } as never).then(() => null, (error: unknown) => error);
        expect(failure, path).toBeInstanceOf(ResponseTooLargeError);
        expect((failure as ResponseTooLargeError).code).toBe('RESPONSE_TOO_LARGE');
      }
      // A body just under the cap passes.
      const small = await startHugeServer(1024 * 1024);
      try {
        const ok = await outbound(`${small.origin}/chunked`, { method: 'GET', headers: {} } as never);
        expect((await ok.arrayBuffer()).byteLength).toBe(1024 * 1024);
      } finally {
        await small.close();
      }
    } finally {
      await outbound.close();
    }
  });

  it('as a discovery document: sign-in answers 502 provider_bad_response', async () => {
    const database = await dialect.openTestDatabase({ migrate: false });
    const app = await startTestApp({ databaseUrl: database.url, env: { TOOLKIT_ISSUER: huge.origin, TOOLKIT_API_BASE_URL: `${huge.origin}/api` } });
    try {
      const response = await app.runtime.app.inject({ method: 'GET', url: '/login/toolkit', headers: JSON_PLEASE });
      expect(response.statusCode).toBe(502);
      expect(JSON.parse(response.body)).toEqual({ error: 'provider_bad_response', message: expect.stringMatching(/^Toolkit /) });
    } finally {
      await app.close();
      await database.close();
    }
  });
});
