import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { explainListenFailure } from './listen-failure.js';

/** What listening on host:port throws, from a real socket. */
function listenFailure(port: number, host: string): Promise<Error> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', resolve);
    server.listen(port, host, () => server.close(() => reject(new Error(`listening on ${host}:${port} worked`))));
  });
}

describe('a failure to listen', () => {
  it('names the variable behind the port, or HOST for an address this machine does not have', async () => {
    const held = createServer();
    await new Promise<void>((resolve) => held.listen(0, '127.0.0.1', resolve));
    const port = (held.address() as { port: number }).port;
    try {
      const taken = explainListenFailure(await listenFailure(port, '127.0.0.1'), [{ variable: 'PORT', port: 1 }, { variable: 'METRICS_PORT', port }]) as Error;
      expect(taken.message).toBe(`listen EADDRINUSE: address already in use 127.0.0.1:${port}: METRICS_PORT ${port} is taken (another server, or a tokenkeeper still running): stop it, or set METRICS_PORT to a free port`);
    } finally {
      held.close();
    }
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this machine.
    const elsewhere = explainListenFailure(await listenFailure(port, '192.0.2.1'), [{ variable: 'PORT', port }], '192.0.2.1') as Error;
    expect(elsewhere.message).toBe(`listen EADDRNOTAVAIL: address not available 192.0.2.1:${port}: 192.0.2.1 is not an address of this machine: set HOST to one of its addresses (default 127.0.0.1)`);
  });

  it('leaves any other error as it is', () => {
    const other = new Error('Could not connect to PostgreSQL');
    expect(explainListenFailure(other, [{ variable: 'PORT', port: 3000 }])).toBe(other);
  });
});
