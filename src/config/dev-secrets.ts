import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateEncryptionKey } from '../db/token-cipher.js';
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
 * required, and loadConfig says so.
 */
export function withDevelopmentSecrets(env: Environment, cwd: string): Environment {
  if (isProduction(env)) return env;
  const dataDir = resolve(cwd, 'data');
  return {
    ...env,
    SECRET_KEY: env.SECRET_KEY?.trim() || readOrCreateDevSecret(dataDir, 'secret-key', generateSecretKey),
    TOKEN_ENCRYPTION_KEYS: env.TOKEN_ENCRYPTION_KEYS?.trim() || readOrCreateDevSecret(dataDir, 'token-encryption-keys', generateEncryptionKey),
  };
}
