import { ConfigError } from './config-error.js';
import type { Environment } from './env-file.js';

const VARIABLE = 'CONNECT_RETURN_ORIGINS';

/**
 * CONNECT_RETURN_ORIGINS: the origins a connect link may send the browser
 * back to (`return_to`), comma-separated, each exactly an origin such as
 * https://app.example.com (no path, no trailing slash: it is compared with
 * the return URL's origin as a whole, never as a prefix). Unset: BASE_URL's
 * origin alone.
 */
export function connectReturnOrigins(env: Environment, baseUrl: URL, production: boolean): string[] {
  const raw = env[VARIABLE]?.trim() ?? '';
  if (raw === '') return [baseUrl.origin];
  return raw.split(',').map((entry) => {
    const origin = entry.trim();
    if (origin === '') throw new ConfigError(VARIABLE, `has an empty entry (got "${raw}"); list origins such as https://app.example.com, comma-separated`);
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw new ConfigError(VARIABLE, `must list origins such as https://app.example.com ("${origin}" is not a URL)`);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new ConfigError(VARIABLE, `must list http(s) origins ("${origin}" is not)`);
    if (parsed.origin !== origin) {
      throw new ConfigError(VARIABLE, `must list origins alone, without a path, query or trailing slash, in lower case, without a default port ("${origin}": write "${parsed.origin}")`);
    }
    if (production && parsed.protocol !== 'https:') throw new ConfigError(VARIABLE, `must use https in production (got "${origin}")`);
    return origin;
  });
}
