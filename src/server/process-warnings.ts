import type { Logger } from 'pino';

/**
 * Sends Node's process warnings (`process.emitWarning`: a dependency's
 * deprecation or security notice, such as node-postgres's about `sslmode`)
 * to the log as one JSON line each, instead of Node's several plain lines on
 * stderr, which a collector parsing JSON lines cannot read. Node prints them
 * from a 'warning' listener of its own, which this replaces. Returns the
 * function that puts Node's back.
 */
export function logProcessWarnings(logger: Logger): () => void {
  const nodes = process.listeners('warning');
  for (const listener of nodes) process.off('warning', listener);
  const toLog = (warning: Error & { code?: string }) => logger.warn({ warning: { name: warning.name, ...(warning.code ? { code: warning.code } : {}) } }, warning.message);
  process.on('warning', toLog);
  return () => {
    process.off('warning', toLog);
    for (const listener of nodes) process.on('warning', listener);
  };
}
