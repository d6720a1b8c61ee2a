/**
 * The HTTP side of a provider emulator: a loopback server, a small router
 * with `:param` segments, request helpers (form, JSON, Basic and Bearer
 * credentials), reply helpers, counters and a record of every request.
 * Each provider's emulator (test/providers/*.emulator.ts) is a set of
 * routes on top of this and of the grant store (grants.ts).
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface EmulatorRequest {
  method: string;
  url: URL;
  /** `:name` segments of the matched route, decoded. */
  params: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body as application/x-www-form-urlencoded (empty when it is not). */
  form(): URLSearchParams;
  /** The body as JSON, or undefined when it is not JSON. */
  json(): unknown;
  /** RFC 7617 Basic credentials, decoded as RFC 6749 §2.3.1 says (form-urlencoded id and secret). */
  basicAuth(): { username: string; password: string } | null;
  /** RFC 6750 §2.1 Bearer token from the Authorization header. */
  bearer(): string | null;
}

export interface EmulatorReply {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export type RouteHandler = (request: EmulatorRequest) => EmulatorReply | Promise<EmulatorReply>;

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

export interface EmulatorServer {
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  /** Named counters a test reads, e.g. `refresh_token` grants served. */
  readonly counts: Record<string, number>;
  /** Every request, in order (method, path with query, headers). */
  readonly requests: RecordedRequest[];
  count(name: string): void;
  route(method: string, pattern: string, handler: RouteHandler): void;
  close(): Promise<void>;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): EmulatorReply {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}

export function formEncoded(status: number, values: Record<string, string>): EmulatorReply {
  return { status, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: new URLSearchParams(values).toString() };
}

export function redirect(location: string | URL, status = 302): EmulatorReply {
  return { status, headers: { location: location.toString() } };
}

export function html(status: number, body: string): EmulatorReply {
  return { status, headers: { 'content-type': 'text/html; charset=utf-8' }, body };
}

/** Whether the request says its body is a form (its Content-Type, parameters aside), for a provider that refuses any other body. */
export function isForm(request: EmulatorRequest): boolean {
  return (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
}

/** Whether the request says its body is JSON, for a provider that refuses any other body. */
export function isJson(request: EmulatorRequest): boolean {
  return (request.headers['content-type'] ?? '').startsWith('application/json');
}

interface Route {
  method: string;
  segments: string[];
  handler: RouteHandler;
}

function matchRoute(route: Route, method: string, pathname: string): Record<string, string> | null {
  if (route.method !== method && route.method !== '*') return null;
  const segments = pathname.split('/');
  if (segments.length !== route.segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i += 1) {
    const expected = route.segments[i]!;
    const actual = segments[i]!;
    if (expected.startsWith(':')) {
      if (actual === '') return null;
      params[expected.slice(1)] = decodeURIComponent(actual);
    } else if (expected !== actual) return null;
  }
  return params;
}

function toRequest(req: IncomingMessage, url: URL, params: Record<string, string>, body: Buffer): EmulatorRequest {
  const contentType = req.headers['content-type'] ?? '';
  return {
    method: req.method ?? 'GET',
    url,
    params,
    headers: req.headers,
    body,
    form: () => (contentType.startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(body.toString('utf8')) : new URLSearchParams()),
    json: () => {
      if (!contentType.includes('json')) return undefined;
      try {
        return JSON.parse(body.toString('utf8')) as unknown;
      } catch {
        return undefined;
      }
    },
    basicAuth: () => {
      const match = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
      if (!match) return null;
      const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon === -1) return null;
      const unescape = (value: string) => decodeURIComponent(value.replace(/\+/g, ' '));
      return { username: unescape(decoded.slice(0, colon)), password: unescape(decoded.slice(colon + 1)) };
    },
    bearer: () => /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? null,
  };
}

/** Starts an empty emulator on a free loopback port; add routes with `route()`. Unknown paths answer 404. */
export async function startEmulatorServer(): Promise<EmulatorServer> {
  const routes: Route[] = [];
  const counts: Record<string, number> = {};
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();

  const respond = (res: ServerResponse, reply: EmulatorReply) => {
    res.writeHead(reply.status, reply.headers ?? {});
    res.end(reply.body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://emulator.invalid');
      const method = req.method ?? 'GET';
      requests.push({ method, path: url.pathname + url.search, headers: req.headers });
      for (const route of routes) {
        const params = matchRoute(route, method, url.pathname);
        if (!params) continue;
        Promise.resolve()
          .then(() => route.handler(toRequest(req, url, params, Buffer.concat(chunks))))
          .then((reply) => respond(res, reply))
          .catch((error: unknown) => respond(res, json(500, { error: 'emulator_failure', message: String(error) })));
        return;
      }
      respond(res, json(404, { message: 'Not Found' }));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    counts,
    requests,
    count: (name) => {
      counts[name] = (counts[name] ?? 0) + 1;
    },
    route: (method, pattern, handler) => {
      routes.push({ method, segments: pattern.split('/'), handler });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
