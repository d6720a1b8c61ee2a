// An API that takes uploads and counts them as they arrive, and a client that
// sends one piece by piece over a real socket: what app.inject() cannot show
// (it hands the app the whole body at once).
//
//   const api = await startUploadApi();
//   const upload = sendUpload(`${app origin}/api/v1/users/…/proxy/files`, { authorization }, 64 * MiB);
//   await upload.send(8 * MiB);
//   await Promise.race([api.received(4 * MiB, '/v1/files/big.bin'), upload.answeredEarly()]);
//   await upload.send(56 * MiB);
//   const answer = await upload.answer;
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const MiB = 1024 * 1024;

export interface ReceivedUpload {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** Bytes received so far. */
  bytes: number;
  /** SHA-256 of the body, once it has all arrived. */
  sha256: string | null;
  /** Resolves when the request is over: true when its body came whole, false when the connection went away first. */
  finished: Promise<boolean>;
}

export interface UploadApi {
  origin: string;
  uploads: ReceivedUpload[];
  /** Access tokens answered with 401 (after the body has been read, as most APIs do). */
  refused: Set<string>;
  /**
   * Resolves once the latest upload to `path` (the request's path and query, as the API got it) has received `bytes`:
   * an earlier test's upload to another path, still the latest when this one has not reached the API yet, is not it.
   */
  received(bytes: number, path: string): Promise<ReceivedUpload>;
  close(): Promise<void>;
}

/**
 * Every request is an upload: its bytes are counted and hashed as they come,
 * and the answer, once it has all come, is JSON `{ bytes, sha256 }`; 401 to a
 * token in `refused`. A path ending in `/break?after=N` has the connection
 * destroyed once N bytes have come (an API that fails mid-upload).
 */
export async function startUploadApi(): Promise<UploadApi> {
  const uploads: ReceivedUpload[] = [];
  const refused = new Set<string>();
  const progress = new EventEmitter();
  const server: Server = createServer((req, res) => {
    let settle!: (whole: boolean) => void;
    const upload: ReceivedUpload = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, bytes: 0, sha256: null, finished: new Promise((resolve) => (settle = resolve)) };
    uploads.push(upload);
    const { pathname, searchParams } = new URL(req.url ?? '/', 'http://x');
    const breakAfter = pathname.endsWith('/break') ? Number(searchParams.get('after')) : Infinity;
    const hash = createHash('sha256');
    req.on('data', (chunk: Buffer) => {
      upload.bytes += chunk.length;
      hash.update(chunk);
      progress.emit('bytes');
      if (upload.bytes >= breakAfter) req.socket.destroy();
    });
    req.on('close', () => settle(req.complete));
    req.on('error', () => {});
    req.on('end', () => {
      upload.sha256 = hash.digest('hex');
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      if (refused.has(token)) {
        res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer error="invalid_token"' }).end('{"error":"invalid_token"}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ bytes: upload.bytes, sha256: upload.sha256 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    uploads,
    refused,
    received: (bytes, path) =>
      new Promise((resolve) => {
        const check = () => {
          const latest = uploads.findLast((upload) => upload.url === path);
          if (latest && latest.bytes >= bytes) {
            progress.off('bytes', check);
            resolve(latest);
          }
        };
        progress.on('bytes', check);
        check();
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Upload {
  /** Sends the next `bytes` of the body (whole MiB pieces; each MiB holds one byte value, from its position); stops early once answered. */
  send(bytes: number): Promise<void>;
  /** Ends the request, all of the declared length sent. */
  end(): void;
  /** Rejects if the server answers before `what` has happened (e.g. 413 to a body it should stream). */
  answeredEarly(what: string): Promise<never>;
  /** Drops the connection mid-body, as a closed tab or a killed process does. */
  abandon(): void;
  /** The server's answer. */
  answer: Promise<Answer>;
  /** SHA-256 of what was sent. */
  sha256(): string;
  /** Bytes sent so far. */
  readonly sent: number;
}

/** A POST of `length` bytes (its Content-Length, unless `chunked`) to `url`, sent as the test says. */
export function sendUpload(url: string, headers: Record<string, string>, length: number, options: { chunked?: boolean } = {}): Upload {
  const request = httpRequest(url, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', ...headers, ...(options.chunked ? {} : { 'content-length': String(length) }) },
  });
  const hash = createHash('sha256');
  let sent = 0;
  request.on('error', () => {});
  const answer = new Promise<Answer>((resolve, reject) => {
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('close', () => reject(new Error('the connection closed without an answer')));
  });
  answer.catch(() => {});
  request.flushHeaders();
  return {
    async send(bytes) {
      // Sending stops once the server has answered (Node's client then waits for a 'drain' that never comes) or closed the connection.
      let answered = false;
      void answer.then(() => (answered = true), () => {});
      for (let end = sent + bytes; sent < end && !request.destroyed && !answered; ) {
        const piece = Buffer.alloc(Math.min(MiB, end - sent), Math.floor(sent / MiB) % 251);
        hash.update(piece);
        sent += piece.length;
        if (!request.write(piece)) {
          await new Promise<void>((resolve) => {
            const done = () => {
              request.off('drain', done);
              request.off('close', done);
              resolve();
            };
            request.on('drain', done);
            request.on('close', done);
            void answer.then(done, done);
          });
        }
      }
    },
    end: () => request.end(),
    answeredEarly: (what) =>
      answer.then((early) => {
        throw new Error(`answered ${early.status} ${early.body} before ${what}`);
      }),
    abandon: () => request.destroy(),
    answer,
    sha256: () => hash.digest('hex'),
    get sent() {
      return sent;
    },
  };
}
