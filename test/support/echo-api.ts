import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface EchoedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** One answer of `/large`: how much of it went out, and whether the client read it to the end. */
export interface LargeBody {
  bytes: number;
  sent: number;
  /** Resolves when the connection is done with: true when the whole body was written, false when the client hung up first. */
  completed: Promise<boolean>;
}

export interface EchoApi {
  origin: string;
  requests: EchoedRequest[];
  largeBodies: LargeBody[];
  close(): Promise<void>;
}

/** `/large?bytes=N`: N bytes of text, written as fast as the client reads (no JSON, so it is shown as text). */
function sendLargeBody(res: ServerResponse, bytes: number, largeBodies: LargeBody[]): void {
  let resolveCompleted!: (completed: boolean) => void;
  const body: LargeBody = { bytes, sent: 0, completed: new Promise((resolve) => (resolveCompleted = resolve)) };
  largeBodies.push(body);
  res.on('close', () => resolveCompleted(res.writableFinished));
  res.on('error', () => {});
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(bytes) });
  const chunk = Buffer.alloc(64 * 1024, 'x');
  const pump = () => {
    while (body.sent < bytes && !res.destroyed) {
      const piece = chunk.subarray(0, Math.min(chunk.length, bytes - body.sent));
      body.sent += piece.length;
      if (!res.write(piece)) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
}

/**
 * A stand-in for a provider's API: answers every request with what it
 * received, as JSON. `/redirect-away` redirects to another origin,
 * `/redirect-here` to `/hello` on itself, `/gzip` sends a compressed body,
 * `/set-cookie` sets a cookie, `/hop` sends hop-by-hop headers, `/html-page`
 * answers an HTML page with a script and headers that would loosen the
 * proxy's (its own CSP, CORS, Clear-Site-Data). `/with-headers?status=S&set=Name:
 * value&set=…` answers with that status and those headers (and a small HTML
 * page when one of them is a text/html Content-Type); `/large?bytes=N` is
 * described at sendLargeBody.
 */
export async function startEchoApi(): Promise<EchoApi> {
  const requests: EchoedRequest[] = [];
  const largeBodies: LargeBody[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const echoed = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(echoed);
      const { pathname: path, searchParams } = new URL(req.url ?? '/', 'http://x');
      if (path.endsWith('/large')) {
        sendLargeBody(res, Number(searchParams.get('bytes')), largeBodies);
        return;
      }
      if (path.endsWith('/with-headers')) {
        const chosen: Record<string, string> = { 'content-type': 'application/json' };
        for (const line of searchParams.getAll('set')) {
          const colon = line.indexOf(':');
          chosen[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
        }
        const html = chosen['content-type']!.startsWith('text/html');
        res.writeHead(Number(searchParams.get('status') ?? 200), chosen).end(html ? '<!doctype html><title>Proxied</title><p id="proxied">proxied answer</p>' : JSON.stringify(echoed));
        return;
      }
      if (path.endsWith('/trickle')) {
        // An answer that starts and never ends: a byte now and then, until the client goes away.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"slow":');
        const drip = setInterval(() => res.write(' '), 200);
        res.on('close', () => clearInterval(drip));
        return;
      }
      if (path.endsWith('/redirect-away')) {
        res.writeHead(302, { location: 'http://127.0.0.1:9/steal' }).end();
        return;
      }
      if (path.endsWith('/redirect-here')) {
        res.writeHead(302, { location: path.replace(/redirect-here$/, 'hello') }).end();
        return;
      }
      const headers: Record<string, string | string[]> = { 'content-type': 'application/json', 'x-api-header': 'kept' };
      if (path.endsWith('/set-cookie')) headers['set-cookie'] = 'provider_session=1; Path=/';
      if (path.endsWith('/hop')) {
        headers.connection = 'keep-alive, x-secret-hop';
        headers['keep-alive'] = 'timeout=5';
        headers['proxy-authenticate'] = 'Basic';
      }
      if (path.endsWith('/html-page')) {
        headers['content-type'] = 'text/html';
        headers['content-security-policy'] = "script-src 'unsafe-inline'";
        headers['access-control-allow-origin'] = 'https://evil.example';
        headers['access-control-allow-credentials'] = 'true';
        headers['clear-site-data'] = '"cookies"';
        headers['strict-transport-security'] = 'max-age=0';
        res.writeHead(200, headers).end('<!doctype html><script>fetch("/api/me")</script>');
        return;
      }
      res.writeHead(path.endsWith('/teapot') ? 418 : 200, headers).end(JSON.stringify(echoed));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    largeBodies,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
