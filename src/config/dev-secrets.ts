import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateEncryptionKey, parseEncryptionKeys } from '../db/token-cipher.js';
import { ConfigError } from './config-error.js';
import type { Environment } from './env-file.js';
import { isProduction } from './node-env.js';

/**
 * In development SECRET_KEY and TOKEN_ENCRYPTION_KEYS are generated once
 * into the data folder and reused, so sessions and stored tokens survive a
 * restart. The folder is created 0700 and the files 0600 (only this user
 * reads them), and files are never overwritten.
 */
export function readOrCreateDevSecret(dataDir: string, fileName: string, generate: () => string): string {
  const file = join(dataDir, fileName);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const value = generate();
  try {
    writeFileSync(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw error;
  }
  return value;
}

export function generateSecretKey(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The step before loadConfig outside production: SECRET_KEY and
 * TOKEN_ENCRYPTION_KEYS, when unset, are read from `<cwd>/data/` (generated
 * there the first time). In production nothing is added: there both are
 * required, and loadConfig says so. A file that cannot be made, or holds no
 * usable value (emptied, edited), is a ConfigError naming the file: the
 * variable it stands in for is not set, so naming only the variable misled.
 * Such a file is never replaced: tokens stored under the key in it would be
 * lost with it.
 */
export function withDevelopmentSecrets(env: Environment, cwd: string): Environment {
  if (isProduction(env)) return env;
  const dataDir = resolve(cwd, 'data');
  return {
    ...env,
    SECRET_KEY: env.SECRET_KEY?.trim() || developmentSecret(dataDir, 'SECRET_KEY', 'secret-key', generateSecretKey, checkSecretKey),
    TOKEN_ENCRYPTION_KEYS:
      env.TOKEN_ENCRYPTION_KEYS?.trim() || developmentSecret(dataDir, 'TOKEN_ENCRYPTION_KEYS', 'token-encryption-keys', generateEncryptionKey, parseEncryptionKeys),
  };
}

function checkSecretKey(value: string): void {
  if (value.length < 32) throw new Error('it is shorter than 32 characters');
}

function developmentSecret(dataDir: string, variable: string, fileName: string, generate: () => string, check: (value: string) => unknown): string {
  const file = join(dataDir, fileName);
  let value: string;
  try {
    value = readOrCreateDevSecret(dataDir, fileName, generate);
  } catch (error) {
    throw new ConfigError(
      variable,
      `is not set, and development cannot keep one in ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): run tokenkeeper in a folder this user can write, or set ${variable}`,
      { cause: error },
    );
  }
  const lost = variable === 'TOKEN_ENCRYPTION_KEYS' ? ' (the tokens stored under the old key are lost with it)' : '';
  try {
    if (value === '') throw new Error('it is empty');
    check(value);
  } catch (error) {
    throw new ConfigError(
      variable,
      `is not set, and ${file}, where development keeps it, holds no usable value (${(error as Error).message}): put it back from a copy, set ${variable}, or delete the file to have a new one generated${lost}`,
      { cause: error },
    );
  }
  return value;
}
