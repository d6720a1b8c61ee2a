/**
 * Whether an error says the database could not be reached or could not take
 * the work right now (an outage, a restart, a failover, a full disk, a lock
 * held too long), as opposed to a bug or bad data. Such a request is worth
 * retrying shortly: the server answers it 503 with Retry-After, not 500.
 *
 * @example
 * try {
 *   await tokenkeeper.getAccessToken(userId, 'github');
 * } catch (error) {
 *   if (isDatabaseUnavailable(error)) return res.set('retry-after', '5').status(503).json({ error: 'try again shortly' });
 *   throw error;
 * }
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let cause = error, depth = 0; cause !== null && typeof cause === 'object' && depth < 5; cause = (cause as { cause?: unknown }).cause, depth += 1) {
    const { code, message } = cause as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && unavailableCode(code)) return true;
    if (typeof message === 'string' && PG_CONNECTION_MESSAGES.some((pattern) => pattern.test(message))) return true;
  }
  return false;
}

/**
 * How the server and tokenkeeper/fastify answer a request that met such an
 * error: 503 `not_ready` with this message, retried after this many seconds
 * (RFC 9110 §10.2.3 Retry-After).
 */
export const DATABASE_UNAVAILABLE_ANSWER = { retryAfterSeconds: 5, message: 'The database did not answer. Please try again in a moment.' } as const;

/** A socket that could not connect or was cut (Node's system error codes). */
const NETWORK_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

/**
 * PostgreSQL's SQLSTATEs (PostgreSQL, Appendix A): class 08, connection
 * exception; 57P01–57P03, the server shutting down or starting; 53100 disk
 * full, 53200 out of memory, 53300 too many connections.
 */
const PG_UNAVAILABLE: ReadonlySet<string> = new Set(['57P01', '57P02', '57P03', '53100', '53200', '53300']);

/**
 * SQLite's result codes (sqlite.org/rescode.html): BUSY once the busy timeout
 * has passed, FULL, and the I/O and read-only families (extended codes share
 * their primary code's prefix, e.g. SQLITE_IOERR_WRITE).
 */
const SQLITE_UNAVAILABLE = /^SQLITE_(BUSY|FULL|IOERR|READONLY)(_|$)/;

function unavailableCode(code: string): boolean {
  return NETWORK_CODES.has(code) || PG_UNAVAILABLE.has(code) || /^08[0-9A-Z]{3}$/.test(code) || SQLITE_UNAVAILABLE.test(code);
}

/** node-postgres's own errors for a connection lost or never made (they carry no code). */
const PG_CONNECTION_MESSAGES: readonly RegExp[] = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect$/,
  /^Client has encountered a connection error and is not queryable$/,
];
