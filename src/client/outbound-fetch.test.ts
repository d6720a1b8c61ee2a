import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomFetchOptions } from 'openid-client';
import { createOutboundFetch, readCaBundle, ResponseTooLargeError } from './outbound-fetch.js';
import type { NonPublicAddressError } from './public-address.js';

/** A request as openid-client makes them: redirects are never followed. */
const request = (init: Partial<CustomFetchOptions> = {}): CustomFetchOptions => ({ method: 'GET', headers: {}, body: undefined, redirect: 'manual', ...init });

/** Paths: /small, /declared-large (a Content-Length over the cap), /chunked-large (no length), /empty (204), /moved (302), /headers (the request's, and two cookies), /echo. */
let server: Server;
let origin: string;
let folder: string;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'tokenkeeper-outbound-'));
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      switch (req.url) {
        case '/small':
          return res.writeHead(200, 'Fine', { 'content-type': 'application/json', 'x-custom': 'kept' }).end('{"ok":true}');
        case '/declared-large':
          return res.writeHead(200, { 'content-length': '2048' }).end('x'.repeat(2048));
        case '/chunked-large':
          res.writeHead(200);
          for (let i = 0; i < 8; i += 1) res.write('y'.repeat(256));
          return res.end();
        case '/empty':
          return res.writeHead(204).end();
        case '/headers':
          return res.writeHead(200, [['content-type', 'application/json'], ['set-cookie', 'a=1'], ['set-cookie', 'b=2']]).end(JSON.stringify(req.headers));
        case '/moved':
          return res.writeHead(302, { location: '/small' }).end();
        default:
          return res.writeHead(200).end(`${req.method} ${req.headers['x-caller'] ?? ''} ${Buffer.concat(chunks).toString('utf8')}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  rmSync(folder, { recursive: true, force: true });
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('createOutboundFetch', () => {
  const outbound = createOutboundFetch({ maxResponseBytes: 1024 });
  afterAll(() => outbound.close());

  it('returns a global Response with the status, status text, headers and whole body', async () => {
    const response = await outbound(`${origin}/small`, request());
    expect(response).toBeInstanceOf(Response);
    expect([response.status, response.statusText, response.headers.get('x-custom')]).toEqual([200, 'Fine', 'kept']);
    expect(await response.json()).toEqual({ ok: true });
  });

  it('sends the method, headers and body it is given', async () => {
    const response = await outbound(`${origin}/echo`, request({ method: 'POST', headers: { 'x-caller': 'me' }, body: 'a=1' }));
    expect(await response.text()).toBe('POST me a=1');
  });

  it('sends a form as openid-client gives it (URLSearchParams), and bytes as they are', async () => {
    const form = await outbound(`${origin}/echo`, request({ method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', code: 'a b' }) }));
    expect(await form.text()).toBe('POST  grant_type=authorization_code&code=a+b');
    const bytes = await outbound(`${origin}/echo`, request({ method: 'PUT', body: new TextEncoder().encode('raw') }));
    expect(await bytes.text()).toBe('PUT  raw');
  });

  it('asks for any media type as Tokenkeeper unless the caller says otherwise, and keeps every header of the answer', async () => {
    const plain = await outbound(`${origin}/headers`, request());
    expect(await plain.json()).toMatchObject({ accept: '*/*', 'user-agent': 'Tokenkeeper' });
    expect(plain.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    const own = await outbound(`${origin}/headers`, request({ headers: { Accept: 'application/json', 'User-Agent': 'my-app/1.0' } }));
    expect(await own.json()).toMatchObject({ accept: 'application/json', 'user-agent': 'my-app/1.0' });
  });

  it('refuses a body it cannot send, naming its kind', async () => {
    await expect(outbound(`${origin}/echo`, request({ method: 'POST', body: new ReadableStream() }))).rejects.toThrow('a request to a provider cannot send a ReadableStream body');
  });

  it('a provider that cannot be reached fails as fetch() fails: a TypeError whose cause says why', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await outbound(`http://127.0.0.1:${port}/`, request()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toMatchObject({ message: 'fetch failed', cause: { code: 'ECONNREFUSED' } });
  });

  it('refuses an answer declared larger than the cap before reading it', async () => {
    await expect(outbound(`${origin}/declared-large`, request())).rejects.toThrow(ResponseTooLargeError);
  });

  it('refuses an answer of unknown length once it grows past the cap', async () => {
    const error = await outbound(`${origin}/chunked-large`, request()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error).toMatchObject({ code: 'RESPONSE_TOO_LARGE', message: `response from ${origin} is larger than 1024 bytes` });
  });

  it('a 204 has no body; a redirect is returned, not followed', async () => {
    const empty = await outbound(`${origin}/empty`, request());
    expect([empty.status, empty.body]).toEqual([204, null]);
    const moved = await outbound(`${origin}/moved`, request());
    expect([moved.status, moved.headers.get('location')]).toEqual([302, '/small']);
  });

  it('an aborted request rejects with the abort', async () => {
    const controller = new AbortController();
    controller.abort(new DOMException('gone', 'TimeoutError'));
    await expect(outbound(`${origin}/small`, request({ signal: controller.signal }))).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('the streaming fetch has no size cap and follows no redirect', async () => {
    const large = await outbound.stream(`${origin}/chunked-large`, { method: 'GET', headers: {} });
    expect((await large.text()).length).toBe(2048);
    expect((await outbound.stream(`${origin}/moved`, { method: 'GET', headers: {} })).status).toBe(302);
    expect(await (await outbound.stream(`${origin}/echo`, { method: 'PUT', headers: { 'x-caller': 'me' }, body: new TextEncoder().encode('bytes') })).text()).toBe('PUT me bytes');
  });
});

describe('createOutboundFetch().publicOnly', () => {
  const outbound = createOutboundFetch({ maxResponseBytes: 1024 });
  afterAll(() => outbound.close());
  const port = () => new URL(origin).port;

  /** The refusal of a request: a TypeError as any transport fault, whose cause names the address. */
  const refusal = (caught: unknown) => {
    expect(caught).toBeInstanceOf(TypeError);
    expect(caught).toMatchObject({ message: 'fetch failed', cause: { code: 'NON_PUBLIC_ADDRESS' } });
    return ((caught as TypeError).cause as NonPublicAddressError).message;
  };

  it('the normal fetch reaches a server on 127.0.0.1, by address and by name', async () => {
    expect((await outbound(`${origin}/small`, request())).status).toBe(200);
    expect((await outbound(`http://localhost:${port()}/small`, request())).status).toBe(200);
  });

  it('refuses 127.0.0.1 given as an address before connecting, naming it', async () => {
    expect(refusal(await outbound.publicOnly(`${origin}/small`, request()).catch((caught: unknown) => caught))).toBe('127.0.0.1 is not a public address');
    // Other spellings of it, which the URL parser makes 127.0.0.1, and IPv6's loopback.
    expect(refusal(await outbound.publicOnly(`http://2130706433:${port()}/small`, request()).catch((caught: unknown) => caught))).toBe('127.0.0.1 is not a public address');
    expect(refusal(await outbound.publicOnly(`http://[::1]:${port()}/small`, request()).catch((caught: unknown) => caught))).toBe('::1 is not a public address');
    expect(refusal(await outbound.publicOnly(`http://[::ffff:127.0.0.1]:${port()}/small`, request()).catch((caught: unknown) => caught))).toBe('::ffff:7f00:1 is not a public address');
  });

  it('refuses the name localhost, which resolves to a loopback address, naming both', async () => {
    expect(refusal(await outbound.publicOnly(`http://localhost:${port()}/small`, request()).catch((caught: unknown) => caught))).toMatch(
      /^localhost resolves to (127\.0\.0\.1|::1), which is not a public address$/,
    );
  });

  it('the streaming twin refuses the same, by address and by name', async () => {
    expect(refusal(await outbound.publicOnly.stream(`${origin}/small`, { method: 'GET', headers: {} }).catch((caught: unknown) => caught))).toBe('127.0.0.1 is not a public address');
    expect(refusal(await outbound.publicOnly.stream(`http://localhost:${port()}/small`, { method: 'GET', headers: {} }).catch((caught: unknown) => caught))).toMatch(
      /^localhost resolves to (127\.0\.0\.1|::1), which is not a public address$/,
    );
    // The normal streaming fetch is not guarded.
    expect((await outbound.stream(`http://localhost:${port()}/small`, { method: 'GET', headers: {} })).status).toBe(200);
  });

  it('an aborted request still rejects with the abort', async () => {
    const controller = new AbortController();
    controller.abort(new DOMException('gone', 'TimeoutError'));
    await expect(outbound.publicOnly(`${origin}/small`, request({ signal: controller.signal }))).rejects.toMatchObject({ name: 'TimeoutError' });
    await expect(outbound.publicOnly.stream(`${origin}/small`, { method: 'GET', headers: {}, signal: controller.signal })).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('close() and destroy() end its connections too: a request after either fails', async () => {
    for (const end of ['close', 'destroy'] as const) {
      // Its connections made before the end (a name is looked up over them), and not.
      const used = createOutboundFetch();
      await used.publicOnly(`http://localhost:${port()}/small`, request()).catch(() => undefined);
      const unused = createOutboundFetch();
      for (const each of [used, unused]) {
        await each[end]();
        const error = await each.publicOnly('https://provider.example/', request()).catch((caught: unknown) => caught);
        // undici says closed or destroyed as the close has run its course or not: either way, nothing was sent.
        expect(error).toMatchObject({ message: 'fetch failed', cause: { code: expect.stringMatching(/^UND_ERR_(CLOSED|DESTROYED)$/) } });
      }
    }
  });
});

describe('CA_FILE', () => {
  it('a PEM bundle is read and trusted beside Node’s roots', async () => {
    const file = join(folder, 'ca.pem');
    writeFileSync(file, rootCertificates[0]!);
    expect(readCaBundle(file)).toBe(rootCertificates[0]);
    const outbound = createOutboundFetch({ caFile: file });
    expect((await outbound(`${origin}/small`, request())).status).toBe(200);
    await outbound.close();
  });

  it('a missing file or one without a certificate is refused, naming it', () => {
    const missing = join(folder, 'missing.pem');
    expect(() => readCaBundle(missing)).toThrow(`cannot read ${missing}: ENOENT`);
    const notPem = join(folder, 'key.txt');
    writeFileSync(notPem, 'not a certificate');
    expect(() => createOutboundFetch({ caFile: notPem })).toThrow(`${notPem} holds no PEM certificate`);
  });
});
