import type { Server, ServerResponse } from 'node:http';

export interface RequestDrain {
  /** Requests received and not yet answered (or abandoned). */
  readonly inFlight: number;
  /**
   * From now on every answer closes its connection: the ones not sent yet
   * say `Connection: close`, and a keep-alive connection is closed as soon
   * as it falls idle. Node's server.close() closes only the connections idle
   * at that moment; one busy then would stay open for its keep-alive timeout
   * after its answer, holding the shutdown up.
   */
  start(): void;
}

/** Counts a server's requests in flight and closes its connections as they finish, for a graceful shutdown. */
export function trackRequests(server: Server): RequestDrain {
  const open = new Set<ServerResponse>();
  let draining = false;
  server.on('request', (_request, response: ServerResponse) => {
    open.add(response);
    if (draining) response.shouldKeepAlive = false;
    response.once('close', () => {
      open.delete(response);
      if (draining) server.closeIdleConnections();
    });
  });
  return {
    get inFlight() {
      return open.size;
    },
    start() {
      draining = true;
      for (const response of open) if (!response.headersSent) response.shouldKeepAlive = false;
      server.closeIdleConnections();
    },
  };
}
