import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError } from './config-error.js';

export type Environment = Record<string, string | undefined>;

/**
 * The environment with `.env` from the working folder underneath it: a
 * variable set in the real environment wins over the file, as with dotenv.
 */
export function environmentWithDotEnv(cwd: string, env: Environment = process.env): Environment {
  return { ...readDotEnv(cwd), ...env };
}

/** The variables `.env` in the folder sets; none when there is no such file. */
export function readDotEnv(cwd: string): Record<string, string> {
  const file = join(cwd, '.env');
  if (!existsSync(file)) return {};
  try {
    return parseEnv(readFileSync(file, 'utf8')) as Record<string, string>;
  } catch (error) {
    throw new ConfigError('.env', `cannot be read: ${(error as Error).message}`, { cause: error });
  }
}
