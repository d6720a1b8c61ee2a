import { ConfigError } from './config-error.js';
import type { Environment } from './env-file.js';

export type LogFormat = 'pretty' | 'json';

export interface LogSettings {
  /** LOG_FORMAT; null when unset: decided at start-up by resolveLogFormat. */
  logFormat: LogFormat | null;
  /** LOG_REQUESTS: Fastify's lines for each request (incoming, completed). */
  logRequests: boolean;
}

/** LOG_FORMAT (`pretty` or `json`) and LOG_REQUESTS (`true` or `false`; default: on in production only). */
export function logSettings(env: Environment, production: boolean): LogSettings {
  const formatText = env.LOG_FORMAT?.trim().toLowerCase() ?? '';
  if (formatText !== '' && formatText !== 'pretty' && formatText !== 'json') {
    throw new ConfigError('LOG_FORMAT', `must be pretty or json (got "${env.LOG_FORMAT?.trim()}")`);
  }
  const requestsText = env.LOG_REQUESTS?.trim().toLowerCase() ?? '';
  if (requestsText !== '' && requestsText !== 'true' && requestsText !== 'false') {
    throw new ConfigError('LOG_REQUESTS', `must be true or false (got "${env.LOG_REQUESTS?.trim()}")`);
  }
  return {
    logFormat: formatText === '' ? null : (formatText as LogFormat),
    logRequests: requestsText === '' ? production : requestsText === 'true',
  };
}

/**
 * The format used when LOG_FORMAT is unset: lines for a person when one is
 * watching (stdout is a terminal) outside production, JSON for whatever
 * collects the output otherwise.
 */
export function resolveLogFormat(format: LogFormat | null, production: boolean, stdoutIsTerminal: boolean): LogFormat {
  if (format !== null) return format;
  return stdoutIsTerminal && !production ? 'pretty' : 'json';
}
