/** A port the command listens on, and the variable that sets it. */
export interface Listener {
  variable: string;
  port: number;
}

/**
 * A failure to listen (a port taken, a port below 1024 for a user without
 * the privilege, a HOST this machine does not have) with what to change
 * added: Node's message names an address, not the setting behind it, and
 * `serve` listens on up to three ports (PORT, DEV_PROVIDER_PORT, METRICS_PORT).
 * Any other error is given back as it is.
 */
export function explainListenFailure(error: unknown, listeners: readonly Listener[], host?: string): unknown {
  if (!(error instanceof Error)) return error;
  const failure = error as NodeJS.ErrnoException & { port?: number; address?: string; hostname?: string };
  const listener = listeners.find((candidate) => candidate.port === failure.port);
  let advice: string | undefined;
  if (failure.syscall === 'listen' && listener !== undefined) {
    const { variable, port } = listener;
    if (failure.code === 'EADDRINUSE') advice = `${variable} ${port} is taken (another server, or a tokenkeeper still running): stop it, or set ${variable} to a free port`;
    if (failure.code === 'EACCES') advice = `${variable} ${port} needs privileges this user does not have (ports below 1024): set ${variable} to 1024 or above`;
    if (failure.code === 'EADDRNOTAVAIL') advice = `${failure.address} is not an address of this machine: set HOST to one of its addresses (default 127.0.0.1)`;
  } else if (failure.syscall === 'getaddrinfo' && host !== undefined && failure.hostname === host) {
    advice = `HOST ${host} is not a name this machine resolves: set HOST to one of its addresses (default 127.0.0.1)`;
  }
  return advice === undefined ? error : new Error(`${error.message}: ${advice}`, { cause: error });
}
