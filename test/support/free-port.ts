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
 * kernel may hand a just-released port out again, and two servers of one
 * test would then share it.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, () => listenOnAnyPort()));
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

function listenOnAnyPort(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}
