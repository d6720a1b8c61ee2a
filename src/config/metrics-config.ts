import { ConfigError } from './config-error.js';
import { integer } from './env-values.js';
import type { Environment } from './env-file.js';

/** Where `/metrics` is served: off when both are null. */
export interface MetricsConfig {
  /** METRICS_TOKEN: scrapes must send `Authorization: Bearer <token>`. */
  token: string | null;
  /** METRICS_PORT: served there, on 127.0.0.1 only, and not on the app's port. */
  port: number | null;
}

/** The bearer token syntax of RFC 6750 §2.1 (b64token), so any HTTP client can send it as it is. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const MIN_TOKEN_LENGTH = 32;

/** METRICS_TOKEN and METRICS_PORT; `taken` names the ports already in use by this process (PORT, DEV_PROVIDER_PORT). */
export function metricsConfig(env: Environment, taken: Record<string, number>): MetricsConfig {
  const token = env.METRICS_TOKEN?.trim() || null;
  if (token !== null && (token.length < MIN_TOKEN_LENGTH || !B64TOKEN.test(token))) {
    throw new ConfigError(
      'METRICS_TOKEN',
      `must be ${MIN_TOKEN_LENGTH} or more characters of A-Z a-z 0-9 - . _ ~ + / (a bearer token, RFC 6750), e.g. from \`openssl rand -hex 32\``,
    );
  }
  const port = env.METRICS_PORT?.trim() ? integer(env, 'METRICS_PORT', 0, 1, 65535) : null;
  for (const [variable, used] of Object.entries(taken)) {
    if (port !== null && port === used) throw new ConfigError('METRICS_PORT', `must differ from ${variable} (both are ${port})`);
  }
  return { token, port };
}
