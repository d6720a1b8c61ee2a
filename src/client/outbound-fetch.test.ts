import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomFetchOptions } from 'openid-client';
import { createOutboundFetch, readCaBundle, ResponseTooLargeError } from './outbound-fetch.js';

/** A request as openid-client makes them: redirects are never followed. */
const request = (init: Partial<CustomFetchOptions> = {}): CustomFetchOptions => ({ method: 'GET', headers: {}, body: undefined, redirect: 'manual', ...init });

/** Paths: /small, /declared-large (a Content-Length over the cap), /chunked-large (no length), /empty (204), /moved (302), /echo. */
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
