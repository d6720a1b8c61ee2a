import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface EchoedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface EchoApi {
  origin: string;
  requests: EchoedRequest[];
  close(): Promise<void>;
}

/**
 * A stand-in for a provider's API: answers every request with what it
 * received, as JSON. `/redirect-away` redirects to another origin,
 * `/redirect-here` to `/hello` on itself, `/gzip` sends a compressed body,
 * `/set-cookie` sets a cookie, `/hop` sends hop-by-hop headers, `/html-page`
 * answers an HTML page with a script and headers that would loosen the
 * proxy's (its own CSP, CORS, Clear-Site-Data).
 */
export async function startEchoApi(): Promise<EchoApi> {
  const requests: EchoedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const echoed = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(echoed);
      const path = new URL(req.url ?? '/', 'http://x').pathname;
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
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
