// Its own module so that tokenkeeper/fastify can use it without loading the library's database drivers.
import { TokenkeeperError } from '../client/errors.js';
import { isDatabaseUnavailable as isDriverErrorOfUnavailableDatabase } from '../db/database-unavailable.js';

export { DATABASE_UNAVAILABLE_ANSWER } from '../db/database-unavailable.js';

/**
 * Whether an error says the database could not be reached or could not take
 * the work right now (an outage, a restart, a failover, a full disk, a lock
 * held too long), as opposed to a bug or bad data. Such a request is worth
 * retrying shortly: the server answers it 503 with Retry-After, not 500.
 * A TokenkeeperError never is: it has a code of its own, and a provider that
 * could not be reached (`provider_unreachable`, whose cause is the same
 * ECONNREFUSED a database down gives) is no database outage.
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
  return !(error instanceof TokenkeeperError) && isDriverErrorOfUnavailableDatabase(error);
}
