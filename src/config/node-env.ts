import { ConfigError } from './config-error.js';
import type { Environment } from './env-file.js';

/** NODE_ENV values that run as development without a word: the default and the one test runners set. */
const DEVELOPMENT_VALUES: ReadonlySet<string> = new Set(['development', 'test']);

/**
 * Whether NODE_ENV asks for production: exactly `production`. A value that
 * reads as production but is not (`Production`, `prod`) is a ConfigError:
 * run as development, it would generate its own secrets, allow http provider
 * URLs and start the dev provider, the opposite of what was meant.
 */
export function isProduction(env: Environment): boolean {
  const value = env.NODE_ENV?.trim() || 'development';
  if (value === 'production') return true;
  if (/^prod/i.test(value)) throw new ConfigError('NODE_ENV', `is "${value}", which is not production: write NODE_ENV=production (lower case), or development`);
  return false;
}

/** For configWarnings: a NODE_ENV that runs as development without saying so (`staging`), else undefined. */
export function nodeEnvWarning(env: Environment): string | undefined {
  const value = env.NODE_ENV?.trim();
  if (!value || value === 'production' || DEVELOPMENT_VALUES.has(value)) return undefined;
  return `NODE_ENV is "${value}", which runs as development (only production is production): generated secrets, http provider URLs and the dev provider are allowed. Set NODE_ENV=production or development.`;
}
