import type { Tokenkeeper } from '../../core/tokenkeeper.js';

/**
 * The route config that limits each client IP to LOGIN_RATE_LIMIT requests a
 * minute (none when it is 0): for the routes that make the app send requests
 * to a provider on a person's say-so (a sign-in started or finished, a
 * connect link opened, a forced refresh), so that no one drains the shared
 * client's quota at the provider.
 */
export function loginRateLimit(deps: Tokenkeeper) {
  return deps.config.loginRateLimit > 0 ? { rateLimit: { max: deps.config.loginRateLimit, timeWindow: 60_000 } } : {};
}
