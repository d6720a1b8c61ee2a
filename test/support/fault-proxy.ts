/**
 * An HTTP proxy in front of a real provider that misbehaves on request: a
 * test queues a fault for matching requests (a 500, `invalid_grant`, an HTML
 * page, a delay, a late answer, a hold the test releases, a hung or reset connection) and everything else is
 * forwarded to the target and answered unchanged.
 *
 *   const proxy = await startFaultProxy(provider.issuer);
 *   // point only the token endpoint through it: TOOLKIT_ACCESS_TOKEN_URL=`${proxy.origin}/token`
 *   proxy.inject({ method: 'POST', path: '/token', form: { grant_type: 'refresh_token' }, fault: { kind: 'status', status: 500 } });
 *   …
 *   expect(proxy.count({ path: '/token', form: { grant_type: 'refresh_token' } })).toBe(1);
 *   await proxy.close();
 *
 * The provider behind it keeps its own issuer URL (the target's), so
 * discovery documents are passed through as they are, never rewritten.
 */
import { createServer, request as httpRequest, Agent as HttpAgent, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export type Fault =
  /** Answer with this status and body, e.g. 500, or 400 {"error":"invalid_grant"}, or 200 with HTML. */
  | { kind: 'status'; status: number; body?: string; contentType?: string; headers?: Record<string, string> }
  /** Forward, but only after `ms`. */
  | { kind: 'delay'; ms: number }
  /** Forward at once and hold the target's answer for `ms`: the provider acts now, its answer arrives late. */
  | { kind: 'late'; ms: number }
  /** Never answer (until close). */
  | { kind: 'hang' }
  /** Forward once `until` settles (the test decides when; a client that gave up first is not forwarded). */
  | { kind: 'hold'; until: Promise<unknown> }
  /** Destroy the socket without answering. */
  | { kind: 'reset' }
  /** Any raw body (default status 200). */
  | { kind: 'body'; status?: number; body: string | Buffer; contentType?: string };

export interface FaultRule {
  /** Case-insensitive; any method when absent. */
  method?: string;
  /** A string matches the path exactly (without the query); a RegExp is tested against it. */
  path: string | RegExp;
  /** Fields that an application/x-www-form-urlencoded body must have, e.g. { grant_type: 'refresh_token' }. */
  form?: Record<string, string>;
  /** How many matching requests get the fault: default 1; Infinity until clear(). */
  times?: number;
  fault: Fault;
}

export interface SeenRequest {
  method: string;
  /** Without the query. */
  path: string;
  /** The urlencoded body's fields, or null for any other body. */
  form: Record<string, string> | null;
  /** A rule matched this request. */
  faulted: boolean;
  /** The request was sent on to the target (a `delay` fault forwards later, unless the client gave up first). */
  forwarded: boolean;
}

export interface RequestFilter {
  method?: string;
  path?: string | RegExp;
  form?: Record<string, string>;
}

export interface FaultProxy {
  /** http://127.0.0.1:PORT */
  origin: string;
  /** Queues a rule; the earliest queued rule that matches a request wins. */
  inject(rule: FaultRule): void;
  /** Removes every queued rule (the requests seen are kept). */
  clear(): void;
  /** The rules still waiting for a matching request. */
  queued(): FaultRule[];
  /** Every request seen, in order of arrival. */
  requests: SeenRequest[];
  count(filter: RequestFilter): number;
  /**
   * Forwards from now on to `target`, of the same scheme as before: for a
   * server started after the proxy, so it can be told the proxy's origin and
   * take any free port itself, with no port picked and released in between.
   */
  retarget(target: string): void;
  /** Closes the server and every open socket, hung ones included. */
  close(): Promise<void>;
}

interface QueuedRule {
  rule: FaultRule;
  remaining: number;
}

// RFC 9110 §7.6.1: connection-specific fields are not forwarded by a proxy;
// each hop frames its own messages (both bodies are re-sent by Node).
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

export interface FaultProxyOptions {
  /**
   * Forward the client's Host header instead of the target's. Needed in front
   * of oidc-provider, which builds its endpoint URLs from the Host it is
   * asked on: with the proxy's host they keep pointing at the proxy.
   */
  preserveHost?: boolean;
}

export async function startFaultProxy(target: string, options: FaultProxyOptions = {}): Promise<FaultProxy> {
  let targetUrl = new URL(target);
  if (targetUrl.protocol !== 'http:' && targetUrl.protocol !== 'https:') {
    throw new Error(`startFaultProxy: target must be an http(s) origin, got ${target}`);
  }
  const isHttps = targetUrl.protocol === 'https:';
  // Our own agent, so close() can destroy every upstream socket too.
  const agent = isHttps ? new HttpsAgent({ keepAlive: false }) : new HttpAgent({ keepAlive: false });
  const rules: QueuedRule[] = [];
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closing = false;

  const takeFault = (seen: SeenRequest): Fault | undefined => {
    const index = rules.findIndex((queued) => matches(queued.rule, seen));
    const queued = rules[index];
    if (queued === undefined) return undefined;
    queued.remaining -= 1;
    if (queued.remaining <= 0) rules.splice(index, 1);
    return queued.rule.fault;
  };

  const forward = (request: IncomingMessage, response: ServerResponse, body: Buffer, seen: SeenRequest, answerDelayMs = 0): void => {
    const headers: Array<[string, string]> = [];
    for (let i = 0; i < request.rawHeaders.length; i += 2) {
      const name = request.rawHeaders[i] as string;
      const lower = name.toLowerCase();
      if (HOP_BY_HOP.has(lower) || lower === 'host' || lower === 'content-length') continue;
      headers.push([name, request.rawHeaders[i + 1] as string]);
    }
    headers.push(['Host', options.preserveHost && request.headers.host ? request.headers.host : targetUrl.host]);
    if (body.length > 0 || request.headers['content-length'] !== undefined) headers.push(['Content-Length', String(body.length)]);

    const send = isHttps ? httpsRequest : httpRequest;
    const upstream = send({
      protocol: targetUrl.protocol,
      hostname: targetUrl.hostname.replace(/^\[|\]$/g, ''),
      port: targetUrl.port,
      method: request.method,
      path: request.url,
      headers: Object.fromEntries(groupHeaders(headers)),
      agent,
    });
    seen.forwarded = true;
    upstream.on('response', (answer) => {
      if (answerDelayMs > 0) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!response.destroyed) relay(answer);
        }, answerDelayMs);
        timers.add(timer);
        return;
      }
      relay(answer);
    });
    const relay = (answer: IncomingMessage): void => {
      const answerHeaders: string[] = [];
      for (let i = 0; i < answer.rawHeaders.length; i += 2) {
        const name = answer.rawHeaders[i] as string;
        if (HOP_BY_HOP.has(name.toLowerCase())) continue;
        answerHeaders.push(name, answer.rawHeaders[i + 1] as string);
      }
      response.writeHead(answer.statusCode ?? 502, answer.statusMessage, answerHeaders);
      answer.pipe(response);
      answer.on('error', () => response.destroy());
    };
    upstream.on('error', (error) => {
      if (response.headersSent || response.destroyed) {
        response.destroy();
        return;
      }
      respond(response, 502, `fault-proxy: ${targetUrl.origin} did not answer: ${error.message}`, 'text/plain; charset=utf-8');
    });
    // The client gave up (its own timeout): so does the proxy.
    response.on('close', () => {
      if (!response.writableFinished) upstream.destroy();
    });
    upstream.end(body);
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('error', () => response.destroy());
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const seen: SeenRequest = {
        method: request.method ?? 'GET',
        path: new URL(request.url ?? '/', 'http://fault-proxy.invalid').pathname,
        form: parseForm(request.headers['content-type'], body),
        faulted: false,
        forwarded: false,
      };
      requests.push(seen);
      const fault = takeFault(seen);
      seen.faulted = fault !== undefined;
      if (fault === undefined) {
        forward(request, response, body, seen);
        return;
      }
      switch (fault.kind) {
        case 'status': {
          const text = fault.body ?? '';
          respond(response, fault.status, text, fault.contentType ?? guessContentType(text), fault.headers);
          return;
        }
        case 'body': {
          const contentType = fault.contentType ?? (typeof fault.body === 'string' ? 'text/plain; charset=utf-8' : 'application/octet-stream');
          respond(response, fault.status ?? 200, fault.body, contentType);
          return;
        }
        case 'delay': {
          const timer = setTimeout(() => {
            timers.delete(timer);
            if (!response.destroyed) forward(request, response, body, seen);
          }, fault.ms);
          timers.add(timer);
          response.on('close', () => {
            clearTimeout(timer);
            timers.delete(timer);
          });
          return;
        }
        case 'late':
          forward(request, response, body, seen, fault.ms);
          return;
        case 'hang':
          return; // close() destroys the socket
        case 'hold': {
          const release = () => {
            if (!response.destroyed && !closing) forward(request, response, body, seen);
          };
          fault.until.then(release, release);
          return;
        }
        case 'reset':
          request.socket.destroy();
          return;
      }
    });
  });
  server.on('connection', (socket) => {
    if (closing) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A client that sends garbage gets its socket closed, and the test process keeps running.
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    inject(rule) {
      const times = rule.times ?? 1;
      if (!(times === Infinity || (Number.isInteger(times) && times > 0))) {
        throw new Error(`FaultRule.times must be a positive integer or Infinity, got ${times}`);
      }
      rules.push({ rule, remaining: times });
    },
    clear() {
      rules.length = 0;
    },
    queued() {
      return rules.filter((entry) => entry.remaining > 0).map((entry) => entry.rule);
    },
    count(filter) {
      return requests.filter((seen) => matches(filter, seen)).length;
    },
    retarget(next) {
      const nextUrl = new URL(next);
      if (nextUrl.protocol !== targetUrl.protocol) {
        throw new Error(`FaultProxy.retarget: the target stays ${targetUrl.protocol}, got ${next}`);
      }
      targetUrl = nextUrl;
    },
    async close() {
      if (closing) return;
      closing = true;
      rules.length = 0;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await closed;
    },
  };
}

function matches(filter: RequestFilter, seen: SeenRequest): boolean {
  if (filter.method !== undefined && filter.method.toUpperCase() !== seen.method.toUpperCase()) return false;
  if (filter.path !== undefined) {
    if (typeof filter.path === 'string' ? filter.path !== seen.path : !testRegExp(filter.path, seen.path)) return false;
  }
  if (filter.form !== undefined) {
    const form = seen.form;
    if (form === null) return false;
    for (const [name, value] of Object.entries(filter.form)) if (form[name] !== value) return false;
  }
  return true;
}

/** RegExp.test without the lastIndex trap of /g and /y patterns. */
function testRegExp(pattern: RegExp, text: string): boolean {
  pattern.lastIndex = 0;
  return pattern.test(text);
}

function parseForm(contentType: string | undefined, body: Buffer): Record<string, string> | null {
  if (contentType === undefined || contentType.split(';')[0]?.trim().toLowerCase() !== 'application/x-www-form-urlencoded') return null;
  return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
}

function guessContentType(body: string): string {
  try {
    JSON.parse(body);
    return 'application/json';
  } catch {
    return 'text/plain; charset=utf-8';
  }
}

function respond(response: ServerResponse, status: number, body: string | Buffer, contentType: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), ...headers });
  response.end(body);
}

/** Repeated request headers (other than set-cookie, which requests don't carry) joined as one, the way Node sends them. */
function groupHeaders(headers: Array<[string, string]>): Map<string, string | string[]> {
  const grouped = new Map<string, string | string[]>();
  const names = new Map<string, string>();
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    const existingName = names.get(lower);
    if (existingName === undefined) {
      names.set(lower, name);
      grouped.set(name, value);
      continue;
    }
    const existing = grouped.get(existingName) as string | string[];
    grouped.set(existingName, Array.isArray(existing) ? [...existing, value] : [existing, value]);
  }
  return grouped;
}
