import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';

/**
 * A TCP port on 127.0.0.1 that was free a moment ago: for a server a test
 * starts next, or as a port nothing listens on (a provider that is down).
 */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port as number;
}

/**
 * `count` distinct ports on 127.0.0.1 that were free a moment ago. They are
 * held open together and only then released: asked for one at a time, the
 * same port could come back twice.
 *
 * They come from below the kernel's ephemeral range. A port from inside it
 * (what listening on port 0 gives) can be handed out again in the moment
 * between its release and the test's server listening on it: as the source
 * port of any outgoing connection (a database client, a fetch) or to any
 * server listening on port 0, in this process or a test file running beside
 * it. The server then fails with EADDRINUSE. Below the range only another
 * caller of this function can take it, at random among thousands.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let attempt = 1; servers.length < count; attempt += 1) {
      if (attempt > 100 * count) throw new Error(`freePorts: no ${count} free ports found below ${ephemeralRangeStart()} in ${attempt - 1} tries`);
      const server = await listenOn(randomPortBelowEphemeral()).catch(() => undefined);
      if (server !== undefined && !servers.some((held) => port(held) === port(server))) servers.push(server);
      else if (server !== undefined) await close(server);
    }
    return servers.map(port);
  } finally {
    await Promise.all(servers.map(close));
  }
}

// Above every port the Fetch standard's "bad port" list blocks (the highest is 10080), as fetch and browsers do.
const LOWEST = 20_000;

function randomPortBelowEphemeral(): number {
  const highest = ephemeralRangeStart() - 1;
  return LOWEST + Math.floor(Math.random() * (highest - LOWEST + 1));
}

let ephemeralStart: number | undefined;

/** The first port of Linux's ephemeral range, 32768 by default; elsewhere IANA's 49152. */
function ephemeralRangeStart(): number {
  if (ephemeralStart === undefined) {
    let start = 49_152;
    try {
      const [first] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
      if (Number(first) > LOWEST + 1_000) start = Number(first);
    } catch {
      // Not Linux: the IANA range.
    }
    ephemeralStart = start;
  }
  return ephemeralStart;
}

function listenOn(wanted: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(wanted, '127.0.0.1', () => resolve(server));
  });
}

function port(server: Server): number {
  return (server.address() as { port: number }).port;
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
